//! `DEST/hash-cache.json`: the SHA-256 of each archive this destination's latest run wrote or
//! linked, keyed by device and inode and stamped with size, mtime and ctime. A backup reuses an
//! unchanged archive only when it hashes to the manifest's sha256; the cache makes that check a
//! `stat` when nothing touched the file since, and a full re-hash otherwise. Any write to the
//! file (or a `touch` back to the old mtime) changes its ctime, so a stale entry never vouches
//! for changed bytes.

use std::collections::BTreeMap;
use std::fs::{File, Metadata};
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::ArchiveError;
use super::writer::hex;
use crate::engine::storage::local::write_atomic_private;

const FILE: &str = "hash-cache.json";
/// A cache bigger than this is ignored (everything is re-hashed) rather than read.
const MAX_CACHE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    sha256: String,
}

/// How an archive passed the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// The cache entry still matched the file's stamp.
    Cached,
    /// The file was hashed in full.
    Hashed,
}

/// The hash cache of one destination.
#[derive(Debug)]
pub struct HashCache {
    path: PathBuf,
    old: BTreeMap<String, Entry>,
    new: Mutex<BTreeMap<String, Entry>>,
}

fn key(m: &Metadata) -> String {
    format!("{}:{}", m.dev(), m.ino())
}

fn stamp(m: &Metadata, sha256: &str) -> Entry {
    Entry {
        size: m.len(),
        mtime_ns: i128::from(m.mtime()) * 1_000_000_000 + i128::from(m.mtime_nsec()),
        ctime_ns: i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec()),
        sha256: sha256.to_string(),
    }
}

impl HashCache {
    /// Loads the cache of the destination at `root`; a missing, damaged or oversized cache is
    /// an empty one (everything is hashed again).
    pub fn load(root: &Path) -> HashCache {
        let path = root.join(FILE);
        let old = std::fs::metadata(&path)
            .ok()
            .filter(|m| m.is_file() && m.len() <= MAX_CACHE_BYTES)
            .and_then(|_| std::fs::read(&path).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        HashCache {
            path,
            old,
            new: Mutex::new(BTreeMap::new()),
        }
    }

    /// Checks that the open archive `file` is `size` bytes and hashes to `sha256`: from the
    /// cache when its stamp is unchanged, by hashing the whole file otherwise.
    pub fn check(&self, file: &mut File, size: u64, sha256: &str) -> Result<Checked, ArchiveError> {
        let meta = file
            .metadata()
            .map_err(|source| ArchiveError::CachedUnreadable { source })?;
        if meta.len() != size {
            return Err(ArchiveError::CachedSizeMismatch {
                size: meta.len(),
                expected: size,
            });
        }
        let now = stamp(&meta, sha256);
        if self.old.get(&key(&meta)) == Some(&now) {
            return Ok(Checked::Cached);
        }
        let (_, got) =
            hash_reader(file).map_err(|source| ArchiveError::CachedUnreadable { source })?;
        if got != sha256 {
            return Err(ArchiveError::CachedHashMismatch);
        }
        Ok(Checked::Hashed)
    }

    /// Records that the archive at `path` (just written or linked) hashes to `sha256`.
    pub fn record(&self, path: &Path, sha256: &str) {
        if let Ok(meta) = std::fs::symlink_metadata(path)
            && meta.is_file()
            && let Ok(mut new) = self.new.lock()
        {
            new.insert(key(&meta), stamp(&meta, sha256));
        }
    }

    /// Writes the entries recorded by this run (the archives of the new snapshot), 0600.
    pub fn save(&self) -> std::io::Result<()> {
        let new = self.new.lock().map(|n| n.clone()).unwrap_or_default();
        let bytes = serde_json::to_vec(&new).map_err(std::io::Error::other)?;
        write_atomic_private(&self.path, &bytes)
    }
}

/// Size and SHA-256 (lowercase hex) of everything `reader` yields.
pub fn hash_reader(reader: &mut impl Read) -> std::io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((size, hex(&hasher.finalize())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Seek, Write};

    #[test]
    fn cached_until_the_file_changes_then_rehashed() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.zip");
        std::fs::write(&a, b"hello").unwrap();
        let (_, sha) = hash_reader(&mut File::open(&a).unwrap()).unwrap();
        let cache = HashCache::load(dir.path());
        assert_eq!(
            cache.check(&mut File::open(&a).unwrap(), 5, &sha).unwrap(),
            Checked::Hashed
        );
        cache.record(&a, &sha);
        cache.save().unwrap();
        let cache = HashCache::load(dir.path());
        assert_eq!(
            cache.check(&mut File::open(&a).unwrap(), 5, &sha).unwrap(),
            Checked::Cached
        );
        let mut f = std::fs::OpenOptions::new().write(true).open(&a).unwrap();
        f.seek(std::io::SeekFrom::Start(1)).unwrap();
        f.write_all(b"E").unwrap();
        drop(f);
        assert!(cache.check(&mut File::open(&a).unwrap(), 5, &sha).is_err());
    }
}
