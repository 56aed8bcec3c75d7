//! Opening an archive a manifest (or a journal) names: only a regular file inside the snapshot
//! directory, never a symlink, a FIFO, a device, `..` or an absolute path. Manifests are files on
//! disk that anyone with write access could have edited, so their paths are untrusted.

use std::fs::File;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Component, Path, PathBuf};

/// Checks an archive path from a manifest without touching the disk: relative, only plain
/// components, no backslash or control character.
pub fn check_rel(rel: &str) -> Result<(), String> {
    if rel.is_empty() {
        return Err("the manifest names an empty archive path".into());
    }
    if rel.contains('\\') || rel.chars().any(char::is_control) {
        return Err(format!(
            "archive path {:?} holds a backslash or a control character; refused",
            rel
        ));
    }
    for c in Path::new(rel).components() {
        match c {
            Component::Normal(_) => {}
            Component::CurDir => {}
            _ => {
                return Err(format!(
                    "archive path {:?} leaves the snapshot (absolute or `..`); refused",
                    rel
                ));
            }
        }
    }
    Ok(())
}

/// Opens `dir/rel` for reading when it is a regular file that really lies inside `dir` (no
/// symlinked file or directory on the way out). Never blocks: a FIFO is opened non-blocking and
/// refused.
pub fn open_archive(dir: &Path, rel: &str) -> Result<(File, PathBuf), String> {
    check_rel(rel)?;
    let path = dir.join(rel);
    let root = dir
        .canonicalize()
        .map_err(|e| format!("cannot resolve {}: {e}", dir.display()))?;
    let parent = path
        .parent()
        .ok_or_else(|| format!("archive path {rel:?} has no directory"))?
        .canonicalize()
        .map_err(|e| format!("archive {rel} is missing or unreadable: {e}"))?;
    if !parent.starts_with(&root) {
        return Err(format!(
            "archive {rel} resolves outside the snapshot (a symlinked directory); refused"
        ));
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
        .open(&path)
        .map_err(|e| {
            if e.raw_os_error() == Some(libc::ELOOP) {
                format!("archive {rel} is a symlink, not a regular file; refused")
            } else {
                format!("archive {rel} is missing or unreadable: {e}")
            }
        })?;
    let meta = file
        .metadata()
        .map_err(|e| format!("archive {rel} is unreadable: {e}"))?;
    if !meta.file_type().is_file() {
        return Err(format!(
            "archive {rel} is not a regular file (a FIFO, device or directory); refused"
        ));
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
        assert!(e.contains("symlink"), "{e}");
        let fifo = dir.path().join("items/f.zip");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.unwrap().success());
        let e = open_archive(dir.path(), "items/f.zip").unwrap_err();
        assert!(e.contains("not a regular file"), "{e}");
        std::os::unix::fs::symlink("/", dir.path().join("items/up")).unwrap();
        let e = open_archive(dir.path(), "items/up/etc/passwd").unwrap_err();
        assert!(e.contains("outside"), "{e}");
    }
}
