//! `DEST/damaged.json`: what `verify` found damaged. The next backup fetches those items again
//! instead of linking the damaged archive into the new snapshot, and drops the record of an
//! item once it has a freshly fetched archive.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::destination::SnapshotRef;
use super::manifest::Manifest;
use super::verify::Problem;
use crate::engine::storage::local::write_atomic_private;

const FILE: &str = "damaged.json";
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// One damaged archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Damaged {
    /// Item id.
    pub id: String,
    /// The manifest's sha256 of the damaged archive (the same archive is linked into later
    /// snapshots under the same hash).
    pub sha256: Option<String>,
    /// Snapshot where verify found it.
    pub snapshot: String,
    /// What verify said.
    pub problem: String,
}

/// The damage record of a destination.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct DamageRecord {
    /// Damaged archives.
    #[serde(default)]
    pub items: Vec<Damaged>,
}

fn path(root: &Path) -> PathBuf {
    root.join(FILE)
}

impl DamageRecord {
    /// Reads the record (missing or unreadable = nothing damaged is known).
    pub fn load(root: &Path) -> DamageRecord {
        let p = path(root);
        std::fs::metadata(&p)
            .ok()
            .filter(|m| m.is_file() && m.len() <= MAX_BYTES)
            .and_then(|_| std::fs::read(&p).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// The problem verify found with item `id`'s archive of hash `sha256`, if any.
    pub fn problem(&self, id: &str, sha256: Option<&str>) -> Option<&str> {
        self.items
            .iter()
            .find(|d| d.id == id && d.sha256.as_deref() == sha256)
            .map(|d| d.problem.as_str())
    }

    /// Replaces what is known of `snapshot` with `problems` and writes the record.
    pub fn record_verify(
        root: &Path,
        snapshot: &SnapshotRef,
        manifest: &Manifest,
        problems: &[Problem],
    ) -> std::io::Result<()> {
        let mut rec = DamageRecord::load(root);
        rec.items.retain(|d| d.snapshot != snapshot.id);
        for p in problems {
            let sha256 = manifest
                .items
                .iter()
                .find(|i| i.id == p.id)
                .and_then(|i| i.sha256.clone());
            rec.items.push(Damaged {
                id: p.id.clone(),
                sha256,
                snapshot: snapshot.id.clone(),
                problem: p.problem.clone(),
            });
        }
        rec.save(root)
    }

    /// Forgets the items in `refetched` (they have a fresh archive now) and writes the record
    /// when it changed.
    pub fn forget(root: &Path, refetched: &[String]) -> std::io::Result<()> {
        let mut rec = DamageRecord::load(root);
        let before = rec.items.len();
        rec.items.retain(|d| !refetched.contains(&d.id));
        if rec.items.len() == before {
            return Ok(());
        }
        rec.save(root)
    }

    fn save(&self, root: &Path) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        write_atomic_private(&path(root), &bytes)
    }
}
