//! [`EngineError`]: every engine area's error in one type, so the fronts (CLI, TUI) pick their
//! wording and the CLI its exit code by variant, never by the text.

use super::archive::error::ArchiveError;

/// An error of any engine job. Each area keeps its own enum (in `<area>/error.rs`); this only
/// wraps them.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The archive format: destinations, snapshots, manifests, verify, prune.
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    /// A portal request outside any area's own handling.
    #[error(transparent)]
    Client(#[from] crate::client::Error),
    // ─── Backup(BackupError): the backup area adds `engine/backup/error.rs`; the variant
    // ─── `Backup(#[from] super::backup::error::BackupError)` goes here at merge.
}
