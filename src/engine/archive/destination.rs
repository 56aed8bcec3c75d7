//! A backup destination: the marker file, the run lock, and its snapshots.

use std::fs::File;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::error::ArchiveError;
use super::manifest::{FORMAT, Manifest, VERSION};
use crate::engine::storage::local::write_atomic;

const MARKER: &str = "agol-tui-destination.json";
const PARTIAL_SUFFIX: &str = ".partial";

/// A destination directory.
#[derive(Debug, Clone)]
pub struct Destination {
    root: PathBuf,
}

/// A complete snapshot (it has a manifest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotRef {
    /// Snapshot id, e.g. `20261123T140000Z`.
    pub id: String,
    /// Its directory.
    pub dir: PathBuf,
}

impl SnapshotRef {
    /// The manifest path.
    pub fn manifest_path(&self) -> PathBuf {
        self.dir.join("manifest.json")
    }

    /// Reads the manifest.
    pub fn manifest(&self) -> Result<Manifest, ArchiveError> {
        Manifest::read(&self.manifest_path())
    }
}

/// Held while a run writes to the destination; released on drop (or when the process dies).
pub struct DestinationLock {
    _file: File,
}

impl Destination {
    /// Opens a destination for writing, creating it (and its marker) when missing or empty.
    pub fn open_or_create(root: &Path) -> Result<Destination, ArchiveError> {
        let marker = root.join(MARKER);
        if !marker.exists() {
            let non_empty = std::fs::read_dir(root)
                .map(|mut d| d.next().is_some())
                .unwrap_or(false);
            if non_empty {
                return Err(ArchiveError::NotEmptyNotDestination {
                    root: root.to_path_buf(),
                });
            }
            crate::engine::storage::local::create_dir_private(&root.join("snapshots"))
                .map_err(ArchiveError::io("create the destination", root))?;
            let body = serde_json::json!({"format": FORMAT, "version": VERSION});
            write_atomic(&marker, body.to_string().as_bytes())
                .map_err(ArchiveError::io("write", &marker))?;
        }
        Destination::open_existing(root)
    }

    /// Opens an existing destination (for verify, snapshots, prune, restore).
    pub fn open_existing(root: &Path) -> Result<Destination, ArchiveError> {
        let marker = root.join(MARKER);
        let text = std::fs::read_to_string(&marker).map_err(|_| ArchiveError::NotADestination {
            root: root.to_path_buf(),
            marker: MARKER,
        })?;
        let v: serde_json::Value =
            serde_json::from_str(&text).map_err(|source| ArchiveError::DamagedMarker {
                path: marker.clone(),
                source,
            })?;
        let version = v.get("version").and_then(|x| x.as_u64()).unwrap_or(0);
        if version > u64::from(VERSION) {
            return Err(ArchiveError::NewerDestination {
                root: root.to_path_buf(),
                version,
            });
        }
        Ok(Destination {
            root: root.to_path_buf(),
        })
    }

    /// The destination directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Takes the run lock, or says who holds it.
    pub fn lock(&self) -> Result<DestinationLock, ArchiveError> {
        let path = self.root.join(".lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .mode(crate::engine::storage::local::PRIVATE_FILE_MODE)
            .open(&path)
            .map_err(ArchiveError::io("open the lock file", &path))?;
        match file.try_lock() {
            Ok(()) => {
                let _ = file.set_len(0);
                let _ = std::io::Write::write_all(
                    &mut &file,
                    format!("{}\n", std::process::id()).as_bytes(),
                );
                Ok(DestinationLock { _file: file })
            }
            Err(_) => {
                let holder = std::fs::read_to_string(&path).unwrap_or_default();
                Err(ArchiveError::Locked {
                    root: self.root.clone(),
                    pid: holder.trim().to_string(),
                })
            }
        }
    }

    fn snapshots_dir(&self) -> PathBuf {
        self.root.join("snapshots")
    }

    /// Complete snapshots, oldest first.
    pub fn snapshots(&self) -> Vec<SnapshotRef> {
        let mut out: Vec<SnapshotRef> = std::fs::read_dir(self.snapshots_dir())
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().into_string().ok()?;
                if name.ends_with(PARTIAL_SUFFIX) || name.starts_with('.') {
                    return None;
                }
                let dir = e.path();
                dir.join("manifest.json")
                    .is_file()
                    .then_some(SnapshotRef { id: name, dir })
            })
            .collect();
        out.sort_by(|a, b| a.id.cmp(&b.id));
        out
    }

    /// A snapshot by id, or the latest when `id` is `None`.
    pub fn snapshot(&self, id: Option<&str>) -> Result<SnapshotRef, ArchiveError> {
        let all = self.snapshots();
        match id {
            Some(id) => {
                all.into_iter()
                    .find(|s| s.id == id)
                    .ok_or_else(|| ArchiveError::NoSuchSnapshot {
                        root: self.root.clone(),
                        id: id.to_string(),
                    })
            }
            None => all
                .into_iter()
                .last()
                .ok_or_else(|| ArchiveError::NoSnapshot {
                    root: self.root.clone(),
                }),
        }
    }

    /// Directories of runs that never finished.
    pub fn partials(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = std::fs::read_dir(self.snapshots_dir())
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(PARTIAL_SUFFIX))
            .map(|e| e.path())
            .collect();
        out.sort();
        out
    }

    /// A new snapshot id for `now` that is not taken yet, and its `.partial` directory.
    pub fn new_snapshot(&self, now: chrono::DateTime<chrono::Utc>) -> (String, PathBuf) {
        let base = now.format("%Y%m%dT%H%M%SZ").to_string();
        let mut id = base.clone();
        let mut n = 2;
        while self.snapshots_dir().join(&id).exists()
            || self
                .snapshots_dir()
                .join(format!("{id}{PARTIAL_SUFFIX}"))
                .exists()
        {
            id = format!("{base}-{n}");
            n += 1;
        }
        let dir = self.snapshots_dir().join(format!("{id}{PARTIAL_SUFFIX}"));
        (id, dir)
    }

    /// Where a finished snapshot lives.
    pub fn final_dir(&self, id: &str) -> PathBuf {
        self.snapshots_dir().join(id)
    }
}
