//! The job layer: a job is a kind plus options, run with a progress sink, returning a typed
//! [`JobSummary`]. The fronts only build options and print or draw the summary, so the CLI
//! and the TUI count and word the same job the same way. Scan runs here; backup, verify and
//! restore move in as their fronts are folded in.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::client::Client;
use crate::client::models::User;

use super::archive::destination::Destination;
use super::archive::error::ArchiveError;
use super::archive::verify::{Problem, verify_and_record_reporting};
use super::inventory;
use super::progress::{ProgressSink, Tally, TallySink};
use super::scan::{ScanOptions, scan};
use super::selection::Selection;

/// What a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// Inventory to CSV.
    Scan,
    /// Backup into a snapshot.
    Backup,
    /// Verify a snapshot.
    Verify,
    /// Restore from a snapshot.
    Restore,
}

impl JobKind {
    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            JobKind::Scan => "scan",
            JobKind::Backup => "backup",
            JobKind::Verify => "verify",
            JobKind::Restore => "restore",
        }
    }
}

/// How a job ended: its tally (every item's result, as the progress events reported them)
/// and what it produced.
#[derive(Debug, Clone, PartialEq)]
pub struct JobSummary {
    /// Every item's result.
    pub tally: Tally,
    /// What the job produced.
    pub detail: Detail,
}

/// One snapshot's verify.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedSnapshot {
    /// Snapshot id.
    pub id: String,
    /// Archives checked.
    pub checked: usize,
    /// One per damaged or missing archive.
    pub problems: Vec<Problem>,
}

/// What a job produced, by kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Detail {
    /// A verify re-hashed and opened every archive of one or more snapshots.
    Verify {
        /// What each snapshot verified showed, oldest first.
        snapshots: Vec<VerifiedSnapshot>,
    },
    /// A scan wrote an inventory.
    Scan {
        /// Rows written (one per listed item, failed ones with listing data only).
        rows: usize,
        /// The inventory CSV.
        out: PathBuf,
    },
}

impl JobSummary {
    /// The job's kind.
    pub fn kind(&self) -> JobKind {
        match self.detail {
            Detail::Scan { .. } => JobKind::Scan,
            Detail::Verify { .. } => JobKind::Verify,
        }
    }

    /// True when some item failed (the CLI exits 3, the TUI marks the job).
    pub fn has_failures(&self) -> bool {
        let damaged = match &self.detail {
            Detail::Verify { snapshots } => snapshots.iter().any(|s| !s.problems.is_empty()),
            Detail::Scan { .. } => false,
        };
        damaged || self.tally.failed() > 0
    }

    /// One line per item that failed or is damaged, for the CLI's output and the TUI's log.
    pub fn item_lines(&self) -> Vec<String> {
        match &self.detail {
            Detail::Verify { snapshots } => snapshots
                .iter()
                .flat_map(|s| {
                    s.problems
                        .iter()
                        .map(|p| format!("DAMAGED {} {} ({}): {}", s.id, p.title, p.id, p.problem))
                })
                .collect(),
            Detail::Scan { .. } => self
                .tally
                .failures()
                .map(|(id, reason)| {
                    format!("warning: details of item {id} could not be read: {reason}")
                })
                .collect(),
        }
    }
}

/// The one wording of a summary, printed by the CLI and shown by the TUI.
impl fmt::Display for JobSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.tally;
        match &self.detail {
            Detail::Scan { rows, out } => write!(
                f,
                "Scanned {rows} items ({} fetched, {} unchanged, {} failed) into {}",
                t.fetched(),
                t.reused(),
                t.failed(),
                out.display()
            )?,
            Detail::Verify { snapshots } => {
                for (n, s) in snapshots.iter().enumerate() {
                    if n > 0 {
                        f.write_str("\n")?;
                    }
                    write!(
                        f,
                        "snapshot {}: {} archives checked, {} damaged or missing",
                        s.id,
                        s.checked,
                        s.problems.len()
                    )?;
                }
            }
        }
        if t.cancelled {
            f.write_str(" (cancelled)")?;
        }
        Ok(())
    }
}

/// A job's own failure (not one item's).
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The portal failed the job itself (sign-in, listing).
    #[error(transparent)]
    Portal(#[from] crate::client::Error),
    /// An earlier inventory given as the index cannot be read.
    #[error("the earlier inventory {path} cannot be read: {reason}")]
    BadIndex {
        /// The index file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The inventory could not be written.
    #[error("cannot write the inventory {path}: {source}")]
    WriteInventory {
        /// The CSV.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// A scan job: which items, how, and where the inventory goes.
#[derive(Debug, Clone)]
pub struct ScanJob {
    /// Which items.
    pub selection: Selection,
    /// Items fetched in parallel.
    pub workers: usize,
    /// An earlier inventory whose unchanged rows are reused (`None`: fetch everything).
    pub index: Option<PathBuf>,
    /// Where the inventory CSV goes.
    pub out: PathBuf,
}

/// Scans the selection into the inventory CSV. Item failures are reported to `sink` once each
/// and counted in the summary; only a failure of the job itself is an error.
pub async fn run_scan(
    client: &Client,
    me: &User,
    job: &ScanJob,
    sink: &dyn ProgressSink,
) -> Result<JobSummary, JobError> {
    let index = match &job.index {
        Some(p) => read_index(p)?,
        None => Default::default(),
    };
    let options = ScanOptions {
        workers: job.workers,
        index,
    };
    let tally = TallySink::new(sink);
    let report = scan(client, me, &job.selection, &options, &tally).await?;
    inventory::write(&job.out, &report.rows).map_err(|source| JobError::WriteInventory {
        path: job.out.clone(),
        source,
    })?;
    Ok(JobSummary {
        tally: tally.tally(),
        detail: Detail::Scan {
            rows: report.rows.len(),
            out: job.out.clone(),
        },
    })
}

fn read_index(
    path: &Path,
) -> Result<std::collections::HashMap<String, inventory::InventoryRow>, JobError> {
    inventory::read_index(path).map_err(|reason| JobError::BadIndex {
        path: path.to_path_buf(),
        reason,
    })
}

/// A verify job: which destination and which snapshots.
#[derive(Debug, Clone)]
pub struct VerifyJob {
    /// The destination directory.
    pub dest: PathBuf,
    /// One snapshot (`None`: the latest), unless `all`.
    pub snapshot: Option<String>,
    /// Every snapshot, oldest first.
    pub all: bool,
}

/// Verifies the snapshots and records the damage found, so the next backup fetches those
/// items again. Damage is the summary's, not an error; an unusable destination is.
pub fn run_verify(job: &VerifyJob, sink: &dyn ProgressSink) -> Result<JobSummary, ArchiveError> {
    let dest = Destination::open_existing(&job.dest)?;
    let targets = if job.all {
        dest.snapshots()
    } else {
        vec![dest.snapshot(job.snapshot.as_deref())?]
    };
    let tally = TallySink::new(sink);
    let mut snapshots = Vec::new();
    for s in targets {
        let report = verify_and_record_reporting(&dest, &s, &tally)?;
        snapshots.push(VerifiedSnapshot {
            id: s.id.clone(),
            checked: report.checked,
            problems: report.problems,
        });
    }
    Ok(JobSummary {
        tally: tally.tally(),
        detail: Detail::Verify { snapshots },
    })
}
