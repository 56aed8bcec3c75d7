//! Atomic writes on the local filesystem.

use std::fs::File;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Mode of files written for a backup or a staging area: they hold private org content.
pub const PRIVATE_FILE_MODE: u32 = 0o600;
/// Mode of directories created for a backup or a staging area.
pub const PRIVATE_DIR_MODE: u32 = 0o700;

/// Creates `dir` and its missing parents with mode 0700 (existing ones keep their mode).
pub fn create_dir_private(dir: &Path) -> std::io::Result<()> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(PRIVATE_DIR_MODE)
        .create(dir)
}

/// Creates (truncating) `path` with mode 0600.
pub fn create_private(path: &Path) -> std::io::Result<File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(PRIVATE_FILE_MODE)
        .open(path)
}

/// The temporary name used while `path` is being written (same directory, hidden).
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    path.with_file_name(format!(".{name}.tmp"))
}

/// Writes `bytes` to `path` atomically: temp name, fsync, rename, fsync of the directory. The
/// file is created 0600 (missing directories 0700).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        create_dir_private(dir)?;
    }
    let tmp = temp_path(path);
    let _ = std::fs::remove_file(&tmp);
    let mut file = create_private(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    commit(&tmp, path)
}

/// Renames a finished, fsynced temp file into place and fsyncs the directory.
pub fn commit(tmp: &Path, path: &Path) -> std::io::Result<()> {
    std::fs::rename(tmp, path)?;
    sync_dir(path.parent().unwrap_or(Path::new(".")))
}

/// Fsyncs a directory so a rename in it survives a crash.
pub fn sync_dir(dir: &Path) -> std::io::Result<()> {
    match File::open(dir) {
        Ok(d) => d.sync_all().or(Ok(())),
        Err(e) => Err(e),
    }
}

/// Runs blocking file work (zip compression of a large entry, fsync) without stalling the async
/// runtime's other tasks: on a multi-threaded runtime the worker hands its tasks to others for
/// the duration; on a current-thread runtime (tests) it simply runs.
pub fn blocking<R>(f: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

/// [`write_atomic`]: the name says the file is private (0600).
pub fn write_atomic_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic(path, bytes)
}

/// Links `from` to `to` (same filesystem: no new space); copies when hard links are impossible.
/// Returns true when a hard link was made.
pub fn link_or_copy(from: &Path, to: &Path) -> std::io::Result<bool> {
    if let Some(dir) = to.parent() {
        create_dir_private(dir)?;
    }
    let _ = std::fs::remove_file(to);
    match std::fs::hard_link(from, to) {
        Ok(()) => Ok(true),
        Err(_) => {
            let tmp = temp_path(to);
            let _ = std::fs::remove_file(&tmp);
            let mut out = create_private(&tmp)?;
            std::io::copy(&mut File::open(from)?, &mut out)?;
            drop(out);
            File::open(&tmp)?.sync_all()?;
            commit(&tmp, to)?;
            Ok(false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_leaves_no_temp_and_links_share_data() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("sub/a.bin");
        write_atomic(&a, b"hello").unwrap();
        assert_eq!(std::fs::read(&a).unwrap(), b"hello");
        assert!(!temp_path(&a).exists());
        let b = dir.path().join("other/b.bin");
        assert!(link_or_copy(&a, &b).unwrap());
        assert_eq!(std::fs::read(&b).unwrap(), b"hello");
        std::fs::remove_file(&a).unwrap();
        assert_eq!(
            std::fs::read(&b).unwrap(),
            b"hello",
            "the link keeps the data"
        );
    }
}
