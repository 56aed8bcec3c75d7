//! How the CLI renders engine errors and which exit code each variant gets: one table-like
//! match per area. The engine never names a flag; where the fix is a flag, the wording for it
//! is added here.

use super::{CliError, EXIT_FAILURE, EXIT_USAGE};
use crate::engine::archive::error::ArchiveError;
use crate::engine::error::EngineError;

/// The exit code of an engine error (README: 1 failure, 2 usage or configuration error).
pub fn exit_code(e: &EngineError) -> u8 {
    let code = match e {
        EngineError::Archive(e) => archive_exit_code(e),
        EngineError::Client(crate::client::Error::InvalidPortalUrl { .. }) => EXIT_USAGE,
        EngineError::Client(_) => EXIT_FAILURE,
    };
    code as u8
}

fn archive_exit_code(e: &ArchiveError) -> i32 {
    use ArchiveError as A;
    match e {
        // The person named a directory or snapshot that cannot be used: fix the arguments.
        A::NotEmptyNotDestination { .. }
        | A::NotADestination { .. }
        | A::DamagedMarker { .. }
        | A::NewerDestination { .. }
        | A::NoSuchSnapshot { .. }
        | A::NoSnapshot { .. }
        | A::PruneKeepsNothing => EXIT_USAGE,
        // A busy destination, a failing disk, a damaged or newer archive.
        A::Io { .. }
        | A::Locked { .. }
        | A::ManifestNotJson { .. }
        | A::NotAManifest { .. }
        | A::NewerManifest { .. }
        | A::ManifestContent { .. }
        | A::NoArchiveNamed
        | A::EmptyArchivePath
        | A::ArchivePathCharacters { .. }
        | A::ArchivePathEscapes { .. }
        | A::ArchivePathNoParent { .. }
        | A::ArchiveOutside { .. }
        | A::ArchiveSymlink { .. }
        | A::ArchiveNotFile { .. }
        | A::ArchiveMissing { .. }
        | A::ArchiveUnreadable { .. }
        | A::SizeMismatch { .. }
        | A::HashMismatch { .. }
        | A::NotAZip { .. }
        | A::MissingEntry { .. }
        | A::EntryUnreadable { .. }
        | A::NotAFeatureSet { .. }
        | A::FeatureCountMismatch { .. }
        | A::CachedSizeMismatch { .. }
        | A::CachedUnreadable { .. }
        | A::CachedHashMismatch
        | A::RecordDamage { .. }
        | A::RemoveSnapshot { .. } => EXIT_FAILURE,
    }
}

/// The message for the person at a terminal: the engine's own, with the flag wording where the
/// fix is a flag.
pub fn render(e: &EngineError) -> String {
    match e {
        EngineError::Archive(e) => render_archive(e),
        EngineError::Client(e) => e.to_string(),
    }
}

fn render_archive(e: &ArchiveError) -> String {
    use ArchiveError as A;
    match e {
        A::NotEmptyNotDestination { root } => format!(
            "{} is not empty and is not an agol-tui backup destination; choose an empty or new directory for --dest",
            root.display()
        ),
        A::NotADestination { root, marker } => format!(
            "{} is not an agol-tui backup destination (no {marker}); check --dest",
            root.display()
        ),
        A::NoSuchSnapshot { root, id } => format!(
            "no snapshot `{id}` in {}; list them with `agol-tui snapshots --dest {}`",
            root.display(),
            root.display()
        ),
        A::PruneKeepsNothing => "a prune that keeps nothing would delete every snapshot; pass --keep-last N (N ≥ 1) or a --keep-daily/--keep-weekly/--keep-monthly rule".to_string(),
        other => other.to_string(),
    }
}

impl From<EngineError> for CliError {
    fn from(e: EngineError) -> Self {
        CliError {
            code: i32::from(exit_code(&e)),
            message: render(&e),
        }
    }
}

impl From<ArchiveError> for CliError {
    fn from(e: ArchiveError) -> Self {
        EngineError::from(e).into()
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn code(e: impl Into<EngineError>) -> u8 {
        exit_code(&e.into())
    }

    #[test]
    fn archive_variants_choose_their_exit_codes() {
        let root = PathBuf::from("/backups");
        assert_eq!(
            code(ArchiveError::NotADestination {
                root: root.clone(),
                marker: "m"
            }),
            2
        );
        assert_eq!(
            code(ArchiveError::NoSuchSnapshot {
                root: root.clone(),
                id: "x".into()
            }),
            2
        );
        assert_eq!(code(ArchiveError::PruneKeepsNothing), 2);
        assert_eq!(
            code(ArchiveError::Locked {
                root,
                pid: "1".into()
            }),
            1
        );
        assert_eq!(
            code(ArchiveError::HashMismatch {
                rel: "a.zip".into()
            }),
            1
        );
    }

    #[test]
    fn the_cli_adds_the_flag_the_engine_does_not_name() {
        let e = EngineError::from(ArchiveError::NotADestination {
            root: PathBuf::from("/b"),
            marker: "agol-tui-destination.json",
        });
        assert!(!e.to_string().contains("--dest"), "{e}");
        assert!(render(&e).contains("check --dest"), "{}", render(&e));
    }
}
