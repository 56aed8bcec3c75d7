//! `manifest.json`: what a snapshot holds, per item, written last and atomically.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::engine::storage::local::write_atomic;

/// The `format` value of manifests and destination markers.
pub const FORMAT: &str = "agol-tui-backup";
/// The archive format version this build writes and reads.
pub const VERSION: u32 = 1;

/// One layer's or table's change markers (`editingInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerMarker {
    /// `editingInfo.lastEditDate` (schema or data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_edit: Option<i64>,
    /// `editingInfo.dataLastEditDate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_last_edit: Option<i64>,
    /// `editingInfo.schemaLastEditDate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_last_edit: Option<i64>,
    /// For layers without `editingInfo`: count and hash of the object ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

/// What decides whether an item changed since the last snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeMarkers {
    /// Item `modified` (epoch ms).
    pub item_modified: i64,
    /// Per layer/table id, for feature services.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub layers: BTreeMap<String, LayerMarker>,
    /// True when the service gives no usable markers: such an item is always fetched again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub volatile: bool,
}

impl ChangeMarkers {
    /// True when nothing changed since `previous`.
    pub fn unchanged_since(&self, previous: &ChangeMarkers) -> bool {
        !self.volatile && !previous.volatile && self == previous
    }
}

/// An item's outcome in a snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Archived.
    Ok,
    /// Could not be archived; see `reason`.
    Failed,
    /// Left out on purpose; see `reason`.
    Skipped,
}

/// One item in a manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestItem {
    /// Item id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Item type.
    #[serde(rename = "type")]
    pub item_type: String,
    /// Owner.
    pub owner: String,
    /// Folder title (`None` = root).
    pub folder: Option<String>,
    /// Item `modified`.
    pub modified: i64,
    /// Change markers.
    pub markers: ChangeMarkers,
    /// Outcome.
    pub outcome: Outcome,
    /// Why it failed or was skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Archive path relative to the snapshot directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<String>,
    /// Archive size in bytes.
    #[serde(default)]
    pub size: u64,
    /// Archive SHA-256.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// True when linked from an earlier snapshot (no download, no new space).
    #[serde(default)]
    pub reused: bool,
    /// Entries in the archive (without `archive.json`).
    #[serde(default)]
    pub parts: Vec<String>,
    /// Features per layer/table id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub feature_counts: BTreeMap<String, u64>,
    /// Attachments per layer id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attachment_counts: BTreeMap<String, u64>,
    /// Non-fatal notes (no thumbnail, no metadata, export skipped, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Totals of a snapshot.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Items in the manifest.
    pub items: u64,
    /// Archived.
    pub ok: u64,
    /// Failed.
    pub failed: u64,
    /// Skipped.
    pub skipped: u64,
    /// Bytes of all archives.
    pub bytes: u64,
    /// Bytes of archives written by this run (not linked).
    pub new_bytes: u64,
}

/// A snapshot's manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// Archive format version.
    pub version: u32,
    /// agol-tui version that wrote it.
    pub tool_version: String,
    /// Snapshot id.
    pub snapshot: String,
    /// Start, ISO 8601 UTC.
    pub started: String,
    /// End, ISO 8601 UTC.
    pub finished: String,
    /// Portal root.
    pub portal: String,
    /// Who ran it.
    pub user: String,
    /// The selection.
    pub selection: serde_json::Value,
    /// Options.
    pub options: serde_json::Value,
    /// Items.
    pub items: Vec<ManifestItem>,
    /// Totals.
    pub totals: Totals,
}

impl Manifest {
    /// Recomputes the totals from the items.
    pub fn compute_totals(&mut self) {
        let mut t = Totals {
            items: self.items.len() as u64,
            ..Totals::default()
        };
        for i in &self.items {
            match i.outcome {
                Outcome::Ok => t.ok += 1,
                Outcome::Failed => t.failed += 1,
                Outcome::Skipped => t.skipped += 1,
            }
            t.bytes += i.size;
            if !i.reused {
                t.new_bytes += i.size;
            }
        }
        self.totals = t;
    }

    /// Reads and checks a manifest.
    pub fn read(path: &Path) -> Result<Manifest, super::error::ArchiveError> {
        use super::error::ArchiveError;
        #[derive(Deserialize)]
        struct Header {
            format: Option<String>,
            version: Option<u64>,
        }
        let bytes = std::fs::read(path).map_err(ArchiveError::io("read", path))?;
        // The header first (unknown fields skipped, nothing kept), then the typed document.
        let header: Header =
            serde_json::from_slice(&bytes).map_err(|source| ArchiveError::ManifestNotJson {
                path: path.to_path_buf(),
                source,
            })?;
        if header.format.as_deref() != Some(FORMAT) {
            return Err(ArchiveError::NotAManifest {
                path: path.to_path_buf(),
            });
        }
        let version = header.version.unwrap_or(0);
        if version > u64::from(VERSION) {
            return Err(ArchiveError::NewerManifest {
                path: path.to_path_buf(),
                version,
                understood: VERSION,
            });
        }
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(&bytes)).map_err(
            |e| ArchiveError::ManifestContent {
                path: path.to_path_buf(),
                at: e.path().to_string(),
                reason: e.inner().to_string(),
            },
        )
    }

    /// Writes the manifest atomically.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        write_atomic(path, &bytes)
    }
}
