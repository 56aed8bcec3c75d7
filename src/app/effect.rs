//! What [`crate::app::update::update`] asks the runtime to do.

use std::path::PathBuf;

use super::backup::BackupFormat;
use super::jobs::JobId;
use super::signin::Submit;
use crate::engine::restore::plan::OnConflict;
use crate::engine::tree::{LoadRequest, NodeId};

/// Work for the runtime; the app never does I/O itself.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// List a container's children in the background.
    Load {
        /// The container.
        node: NodeId,
        /// Generation to answer with.
        generation: u64,
        /// What to list.
        request: LoadRequest,
    },
    /// Back up these items.
    Backup {
        /// The job.
        job: JobId,
        /// Item ids.
        ids: Vec<String>,
        /// Destination directory.
        dest: PathBuf,
        /// Archive only, or also write `DEST/packages/<snapshot>.contentexport` after it.
        format: BackupFormat,
    },
    /// Scan these items (empty: the whole org) to a CSV.
    Scan {
        /// The job.
        job: JobId,
        /// Item ids (empty: everything).
        ids: Vec<String>,
        /// Output file.
        out: PathBuf,
    },
    /// Verify the latest snapshot of a destination.
    Verify {
        /// The job.
        job: JobId,
        /// Destination directory.
        dest: PathBuf,
    },
    /// List the restore sources: the destination's snapshots and the `.contentexport` files in
    /// `DEST/packages/` and the current directory (answered with
    /// [`super::msg::Msg::RestoreSources`]).
    ListRestoreSources {
        /// Destination directory.
        dest: PathBuf,
    },
    /// Read a package's item list (answered with [`super::msg::Msg::PackageRead`]).
    ReadPackage {
        /// The path as typed or listed (`~` not yet expanded).
        path: String,
    },
    /// Restore items of a snapshot into the signed-in portal.
    Restore {
        /// The job.
        job: JobId,
        /// Destination directory.
        dest: PathBuf,
        /// Snapshot id.
        snapshot: String,
        /// Item ids (old ids, as in the snapshot).
        ids: Vec<String>,
        /// What to do with items that still exist.
        on_conflict: OnConflict,
        /// Plan only; change nothing.
        dry_run: bool,
    },
    /// Stage a `.contentexport` package as a snapshot, then restore items of it into the
    /// signed-in portal.
    RestorePackage {
        /// The job.
        job: JobId,
        /// The package file.
        package: PathBuf,
        /// Item ids (as in the package).
        ids: Vec<String>,
        /// What to do with items that still exist.
        on_conflict: OnConflict,
        /// Plan only; change nothing.
        dry_run: bool,
    },
    /// Cancel a job.
    Cancel(JobId),
    /// Sign in (or start/finish OAuth).
    SignIn(Submit),
    /// Leave.
    Quit,
}
