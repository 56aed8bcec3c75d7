//! Errors of the archive format: destinations, snapshots, manifests, item archive paths,
//! verify and prune. Each variant names the thing and carries its data; no message names a
//! command-line flag (the CLI adds that wording when it renders, see `cli::errors`).

use std::path::PathBuf;

/// Everything the archive layer can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// A directory that is neither empty nor a destination was given to write a backup into.
    #[error(
        "{} is not empty and is not an agol-tui backup destination; choose an empty or new directory as the destination",
        root.display()
    )]
    NotEmptyNotDestination {
        /// The directory.
        root: PathBuf,
    },
    /// The directory has no destination marker.
    #[error("{} is not an agol-tui backup destination (no {marker}); check the destination path", root.display())]
    NotADestination {
        /// The directory.
        root: PathBuf,
        /// The marker file name it lacks.
        marker: &'static str,
    },
    /// The destination marker is not JSON.
    #[error("{} is damaged: {source}", path.display())]
    DamagedMarker {
        /// The marker file.
        path: PathBuf,
        /// Why it does not parse.
        source: serde_json::Error,
    },
    /// The destination was written by a newer format version.
    #[error("{} was written by a newer agol-tui (format {version}); upgrade agol-tui", root.display())]
    NewerDestination {
        /// The destination.
        root: PathBuf,
        /// The version it declares.
        version: u64,
    },
    /// A file system operation failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done (`read`, `write`, `create the destination`, ...).
        action: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// Another run holds the destination's lock.
    #[error("another agol-tui run (pid {pid}) is writing to {}; wait for it to finish", root.display())]
    Locked {
        /// The destination.
        root: PathBuf,
        /// The pid the lock file names (as written there).
        pid: String,
    },
    /// No snapshot with this id.
    #[error("no snapshot `{id}` in {}; list them with `agol-tui snapshots`", root.display())]
    NoSuchSnapshot {
        /// The destination.
        root: PathBuf,
        /// The id asked for.
        id: String,
    },
    /// The destination holds no complete snapshot.
    #[error("{} holds no snapshot yet", root.display())]
    NoSnapshot {
        /// The destination.
        root: PathBuf,
    },
    /// A manifest is not JSON.
    #[error("{} is not valid JSON: {source}", path.display())]
    ManifestNotJson {
        /// The manifest.
        path: PathBuf,
        /// The parse error.
        source: serde_json::Error,
    },
    /// A JSON file that is not an agol-tui manifest.
    #[error("{} is not an agol-tui manifest", path.display())]
    NotAManifest {
        /// The file.
        path: PathBuf,
    },
    /// A manifest of a newer format version.
    #[error("{} uses archive format {version}, newer than this agol-tui understands ({understood}); upgrade agol-tui", path.display())]
    NewerManifest {
        /// The manifest.
        path: PathBuf,
        /// The version it declares.
        version: u64,
        /// The newest version this build reads.
        understood: u32,
    },
    /// A manifest field has the wrong shape.
    #[error("{}: unexpected content at `{at}`: {reason}", path.display())]
    ManifestContent {
        /// The manifest.
        path: PathBuf,
        /// The JSON path of the bad value.
        at: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A manifest lists an item without an archive.
    #[error("the manifest names no archive")]
    NoArchiveNamed,
    /// A manifest names an empty archive path.
    #[error("the manifest names an empty archive path")]
    EmptyArchivePath,
    /// An archive path with a backslash or control character.
    #[error("archive path {rel:?} holds a backslash or a control character; refused")]
    ArchivePathCharacters {
        /// The path as the manifest wrote it.
        rel: String,
    },
    /// An absolute archive path or one with `..`.
    #[error("archive path {rel:?} leaves the snapshot (absolute or `..`); refused")]
    ArchivePathEscapes {
        /// The path as the manifest wrote it.
        rel: String,
    },
    /// An archive path without a directory.
    #[error("archive path {rel:?} has no directory")]
    ArchivePathNoParent {
        /// The path as the manifest wrote it.
        rel: String,
    },
    /// An archive whose directory is a symlink out of the snapshot.
    #[error("archive {rel} resolves outside the snapshot (a symlinked directory); refused")]
    ArchiveOutside {
        /// The path as the manifest wrote it.
        rel: String,
    },
    /// An archive that is a symlink.
    #[error("archive {rel} is a symlink, not a regular file; refused")]
    ArchiveSymlink {
        /// The path as the manifest wrote it.
        rel: String,
    },
    /// An archive that is a FIFO, device or directory.
    #[error("archive {rel} is not a regular file (a FIFO, device or directory); refused")]
    ArchiveNotFile {
        /// The path as the manifest wrote it.
        rel: String,
    },
    /// An archive that is missing or cannot be opened.
    #[error("archive {rel} is missing or unreadable: {source}")]
    ArchiveMissing {
        /// The path as the manifest wrote it.
        rel: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// An archive that cannot be read to the end.
    #[error("archive {rel} is unreadable: {source}")]
    ArchiveUnreadable {
        /// The path as the manifest wrote it.
        rel: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// An archive whose size differs from the manifest's.
    #[error("archive {rel} is {size} bytes, the manifest says {expected}")]
    SizeMismatch {
        /// The archive path.
        rel: String,
        /// Its size on disk.
        size: u64,
        /// The size the manifest records.
        expected: u64,
    },
    /// An archive whose hash differs from the manifest's.
    #[error("archive {rel} does not match its SHA-256 (damaged)")]
    HashMismatch {
        /// The archive path.
        rel: String,
    },
    /// An archive that is not a readable zip.
    #[error("archive {rel} is not a readable zip: {source}")]
    NotAZip {
        /// The archive path.
        rel: String,
        /// The zip error.
        source: zip::result::ZipError,
    },
    /// An archive without an entry the manifest lists.
    #[error("archive {rel} lacks {entry}")]
    MissingEntry {
        /// The archive path.
        rel: String,
        /// The entry name.
        entry: String,
    },
    /// A layer's features entry that cannot be opened.
    #[error("archive {rel} lacks {entry}: {source}")]
    EntryUnreadable {
        /// The archive path.
        rel: String,
        /// The entry name.
        entry: String,
        /// The zip error.
        source: zip::result::ZipError,
    },
    /// A features entry that is not an Esri JSON FeatureSet.
    #[error("{entry} in {rel} is not a FeatureSet: {reason}")]
    NotAFeatureSet {
        /// The archive path.
        rel: String,
        /// The entry name.
        entry: String,
        /// The parse error.
        reason: String,
    },
    /// A features entry whose count differs from the manifest's.
    #[error("{entry} in {rel} holds {got} features, the manifest says {expected}")]
    FeatureCountMismatch {
        /// The archive path.
        rel: String,
        /// The entry name.
        entry: String,
        /// Features found.
        got: u64,
        /// Features the manifest records.
        expected: u64,
    },
    /// The hash cache found a size different from the manifest's.
    #[error("it is {size} bytes, the manifest says {expected}")]
    CachedSizeMismatch {
        /// Size on disk.
        size: u64,
        /// Size the manifest records.
        expected: u64,
    },
    /// The hash cache could not read the open archive.
    #[error("cannot read it: {source}")]
    CachedUnreadable {
        /// The OS error.
        source: std::io::Error,
    },
    /// The hash cache found a hash different from the manifest's.
    #[error("it does not hash to the manifest's SHA-256 (damaged)")]
    CachedHashMismatch,
    /// Verify found damage but cannot write it down.
    #[error("verify found {damaged} damaged archives but cannot record them in {}: {source}", root.display())]
    RecordDamage {
        /// How many archives are damaged.
        damaged: usize,
        /// The destination.
        root: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A keep policy with no rule (it would delete everything).
    #[error(
        "a prune that keeps nothing would delete every snapshot; keep at least the last snapshot (N ≥ 1) or give a daily, weekly or monthly rule"
    )]
    PruneKeepsNothing,
    /// A snapshot directory that cannot be removed.
    #[error("cannot remove snapshot {id}: {source}")]
    RemoveSnapshot {
        /// The snapshot id.
        id: String,
        /// The OS error.
        source: std::io::Error,
    },
}

impl ArchiveError {
    /// An [`ArchiveError::Io`] builder for `map_err`.
    pub fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| ArchiveError::Io {
            action,
            path,
            source,
        }
    }

    /// True when the archive is damaged, missing or not what the manifest says (as opposed
    /// to a destination or snapshot that was named wrongly, or a failing disk).
    pub fn is_damage(&self) -> bool {
        use ArchiveError as E;
        matches!(
            self,
            E::DamagedMarker { .. }
                | E::ManifestNotJson { .. }
                | E::NotAManifest { .. }
                | E::ManifestContent { .. }
                | E::NoArchiveNamed
                | E::EmptyArchivePath
                | E::ArchivePathCharacters { .. }
                | E::ArchivePathEscapes { .. }
                | E::ArchivePathNoParent { .. }
                | E::ArchiveOutside { .. }
                | E::ArchiveSymlink { .. }
                | E::ArchiveNotFile { .. }
                | E::ArchiveMissing { .. }
                | E::ArchiveUnreadable { .. }
                | E::SizeMismatch { .. }
                | E::HashMismatch { .. }
                | E::NotAZip { .. }
                | E::MissingEntry { .. }
                | E::EntryUnreadable { .. }
                | E::NotAFeatureSet { .. }
                | E::FeatureCountMismatch { .. }
                | E::CachedSizeMismatch { .. }
                | E::CachedUnreadable { .. }
                | E::CachedHashMismatch
        )
    }
}

/// Bridge for the backup area, which still returns `Result<_, String>`: `?` on an archive
/// call keeps the message. Remove once `engine/backup` has its own error type.
impl From<ArchiveError> for String {
    fn from(e: ArchiveError) -> String {
        e.to_string()
    }
}
