//! `snapshots`, `verify` and `prune`: read-side commands on a destination.

use std::path::PathBuf;

use clap::Args;

use super::{CliError, EXIT_FAILURE, EXIT_OK};
use crate::engine::archive::destination::Destination;
use crate::engine::archive::prune::{KeepPolicy, prune};
use crate::engine::jobs::{VerifyJob, run_verify};

/// `snapshots` arguments.
#[derive(Debug, Args)]
pub struct SnapshotsArgs {
    /// Destination directory.
    #[arg(long, value_name = "DIR")]
    pub dest: PathBuf,
}

/// `verify` arguments.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Destination directory.
    #[arg(long, value_name = "DIR")]
    pub dest: PathBuf,
    /// Snapshot id (default: the latest).
    #[arg(long, value_name = "ID", conflicts_with = "all")]
    pub snapshot: Option<String>,
    /// Verify every snapshot.
    #[arg(long)]
    pub all: bool,
    /// Restore drill: restore the snapshot into the built-in empty org (in process, on
    /// loopback; nothing touches a real portal), back that copy up and compare it item by item
    /// with the snapshot. Prints what would not come back; exit 1 if anything.
    #[arg(long, conflicts_with = "all")]
    pub drill: bool,
    /// With --drill: only these item ids (repeatable).
    #[arg(long = "id", value_name = "ID", requires = "drill")]
    pub ids: Vec<String>,
}

/// `prune` arguments.
#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Destination directory.
    #[arg(long, value_name = "DIR")]
    pub dest: PathBuf,
    /// Keep the newest N snapshots.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub keep_last: usize,
    /// Keep the newest snapshot of each of the last N days.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub keep_daily: usize,
    /// Keep the newest snapshot of each of the last N weeks.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub keep_weekly: usize,
    /// Keep the newest snapshot of each of the last N months.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub keep_monthly: usize,
    /// Show what would be removed without removing it.
    #[arg(long)]
    pub dry_run: bool,
}

/// Lists snapshots.
pub fn snapshots(args: &SnapshotsArgs) -> Result<i32, CliError> {
    let dest = Destination::open_existing(&args.dest)?;
    crate::safe_println!(
        "{:<22} {:<20} {:>7} {:>7} {:>14} {:>14}",
        "SNAPSHOT",
        "FINISHED",
        "ITEMS",
        "FAILED",
        "SIZE",
        "NEW BYTES"
    );
    for s in dest.snapshots() {
        match s.manifest() {
            Ok(m) => crate::safe_println!(
                "{:<22} {:<20} {:>7} {:>7} {:>14} {:>14}",
                s.id,
                m.finished,
                m.totals.items,
                m.totals.failed,
                m.totals.bytes,
                m.totals.new_bytes
            ),
            Err(e) => crate::safe_println!("{:<22} unreadable manifest: {e}", s.id),
        }
    }
    for p in dest.partials() {
        crate::safe_println!(
            "{} (unfinished run; the next backup reuses what it finished)",
            p.display()
        );
    }
    Ok(EXIT_OK)
}

/// Verifies one or all snapshots; exit 1 on any damage.
pub fn verify(args: &VerifyArgs) -> Result<i32, CliError> {
    let job = VerifyJob {
        dest: args.dest.clone(),
        snapshot: args.snapshot.clone(),
        all: args.all,
    };
    let summary = run_verify(&job, &crate::engine::progress::NullSink)?;
    for line in summary.item_lines() {
        crate::safe_println!("{line}");
    }
    crate::safe_println!("{summary}");
    Ok(if summary.has_failures() {
        EXIT_FAILURE
    } else {
        EXIT_OK
    })
}

/// `verify --drill` in a build without the built-in portal (the `fake` cargo feature).
#[cfg(not(feature = "fake"))]
pub async fn drill(_args: &VerifyArgs) -> Result<i32, CliError> {
    Err(CliError::usage(
        "verify --drill restores into the built-in empty org, which this agol-tui was built without; use a build with the default `fake` feature",
    ))
}

/// `verify --drill`: restores the snapshot into the built-in empty org and compares.
#[cfg(feature = "fake")]
pub async fn drill(args: &VerifyArgs) -> Result<i32, CliError> {
    use crate::engine::drill::{DrillOptions, run_drill};
    let cancel = tokio_util::sync::CancellationToken::new();
    let ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            ctrl_c.cancel();
        }
    });
    let options = DrillOptions {
        dest: args.dest.clone(),
        snapshot: args.snapshot.clone(),
        ids: args.ids.clone(),
    };
    let report = run_drill(&options, &crate::engine::progress::NullSink, &cancel)
        .await
        .map_err(CliError::failure)?;
    for d in &report.differences {
        crate::safe_println!(
            "NOT RESTORED {} ({}): {}: {}",
            d.title,
            d.id,
            d.part,
            d.detail
        );
    }
    crate::safe_println!(
        "drill of snapshot {}: {} items restored into the built-in empty org and compared, {}",
        report.snapshot,
        report.items,
        if report.passed() {
            "everything came back".to_string()
        } else {
            format!("{} differences", report.differences.len())
        }
    );
    Ok(if report.passed() {
        EXIT_OK
    } else {
        EXIT_FAILURE
    })
}

/// Prunes snapshots by a keep policy.
pub fn prune_cmd(args: &PruneArgs) -> Result<i32, CliError> {
    let dest = Destination::open_existing(&args.dest)?;
    let _lock = dest.lock()?;
    let policy = KeepPolicy {
        last: args.keep_last,
        daily: args.keep_daily,
        weekly: args.keep_weekly,
        monthly: args.keep_monthly,
    };
    let removed = prune(&dest, &policy, args.dry_run)?;
    for id in &removed {
        crate::safe_println!(
            "{} {id}",
            if args.dry_run {
                "would remove"
            } else {
                "removed"
            }
        );
    }
    crate::safe_println!(
        "{} snapshots kept, {} removed",
        dest.snapshots().len(),
        if args.dry_run { 0 } else { removed.len() }
    );
    Ok(EXIT_OK)
}
