//! Opening an archive a manifest (or a journal) names: only a regular file inside the snapshot
//! directory, never a symlink, a FIFO, a device, `..` or an absolute path. Manifests are files on
//! disk that anyone with write access could have edited, so their paths are untrusted.

use std::fs::File;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Component, Path, PathBuf};

use super::error::ArchiveError;

/// Checks an archive path from a manifest without touching the disk: relative, only plain
/// components, no backslash or control character.
pub fn check_rel(rel: &str) -> Result<(), ArchiveError> {
    if rel.is_empty() {
        return Err(ArchiveError::EmptyArchivePath);
    }
    if rel.contains('\\') || rel.chars().any(char::is_control) {
        return Err(ArchiveError::ArchivePathCharacters {
            rel: rel.to_string(),
        });
    }
    for c in Path::new(rel).components() {
        match c {
            Component::Normal(_) => {}
            Component::CurDir => {}
            _ => {
                return Err(ArchiveError::ArchivePathEscapes {
                    rel: rel.to_string(),
                });
            }
        }
    }
    Ok(())
}

/// Opens `dir/rel` for reading when it is a regular file that really lies inside `dir` (no
/// symlinked file or directory on the way out). Never blocks: a FIFO is opened non-blocking and
/// refused.
pub fn open_archive(dir: &Path, rel: &str) -> Result<(File, PathBuf), ArchiveError> {
    check_rel(rel)?;
    let path = dir.join(rel);
    let root = dir
        .canonicalize()
        .map_err(ArchiveError::io("resolve", dir))?;
    let parent = path
        .parent()
        .ok_or_else(|| ArchiveError::ArchivePathNoParent {
            rel: rel.to_string(),
        })?
        .canonicalize()
        .map_err(|source| ArchiveError::ArchiveMissing {
            rel: rel.to_string(),
            source,
        })?;
    if !parent.starts_with(&root) {
        return Err(ArchiveError::ArchiveOutside {
            rel: rel.to_string(),
        });
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(&path)
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                ArchiveError::ArchiveSymlink {
                    rel: rel.to_string(),
                }
            } else {
                ArchiveError::ArchiveMissing {
                    rel: rel.to_string(),
                    source: e,
                }
            }
        })?;
    let meta = file
        .metadata()
        .map_err(|source| ArchiveError::ArchiveUnreadable {
            rel: rel.to_string(),
            source,
        })?;
    if !meta.file_type().is_file() {
        return Err(ArchiveError::ArchiveNotFile {
            rel: rel.to_string(),
        });
    }
    Ok((file, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_and_files_that_are_not_regular() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("items")).unwrap();
        std::fs::write(dir.path().join("items/a.zip"), b"x").unwrap();
        assert!(open_archive(dir.path(), "items/a.zip").is_ok());
        for bad in [
            "../x.zip",
            "/etc/passwd",
            "items/../../x",
            "a\\b",
            "a\u{1b}b",
            "",
        ] {
            assert!(open_archive(dir.path(), bad).is_err(), "{bad:?}");
        }
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("items/z.zip")).unwrap();
        let e = open_archive(dir.path(), "items/z.zip").unwrap_err();
        assert!(matches!(e, ArchiveError::ArchiveSymlink { .. }), "{e}");
        assert!(e.to_string().contains("symlink"), "{e}");
        let fifo = dir.path().join("items/f.zip");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        let e = open_archive(dir.path(), "items/f.zip").unwrap_err();
        assert!(matches!(e, ArchiveError::ArchiveNotFile { .. }), "{e}");
        assert!(e.to_string().contains("not a regular file"), "{e}");
        std::os::unix::fs::symlink("/", dir.path().join("items/up")).unwrap();
        let e = open_archive(dir.path(), "items/up/etc/passwd").unwrap_err();
        assert!(matches!(e, ArchiveError::ArchiveOutside { .. }), "{e}");
        assert!(e.to_string().contains("outside"), "{e}");
    }
}
