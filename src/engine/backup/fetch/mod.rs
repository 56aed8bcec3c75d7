//! Fetching every part of one item into its archive (docs/archive-format.md).

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::client::api::items::ItemRecord;
use crate::client::models::Item;
use crate::client::{Client, Error, Result};
use crate::engine::archive::manifest::ChangeMarkers;
use crate::engine::archive::writer::ItemArchiveWriter;

/// What to fetch besides the always-fetched parts.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// Also write `layers/<id>.geojson`.
    pub geojson: bool,
    /// Fetch thumbnails.
    pub thumbnails: bool,
    /// Fetch feature attachments.
    pub attachments: bool,
    /// Server-side export format (`File Geodatabase`, `Shapefile`, `GeoPackage`, `CSV`, `GeoJson`).
    pub export: Option<String>,
    /// A directory for spooling downloads before they go into the zip (same filesystem).
    pub spool_dir: PathBuf,
}

/// How far one item has come (for gauges).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ItemProgress {
    /// Bytes downloaded so far.
    pub bytes: u64,
    /// Bytes expected, when known.
    pub bytes_total: Option<u64>,
    /// Features written so far.
    pub features: u64,
    /// Features expected, when known.
    pub features_total: Option<u64>,
}

/// What kind of data the item had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DataKind {
    /// `data.json`.
    Json,
    /// `data/<file name>`.
    File,
    /// The portal returned 0 bytes.
    Empty,
    /// Not requested or not applicable.
    None,
}

/// What fetching an item produced besides the archive entries.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// Kind of the item's data.
    pub data_kind: DataKind,
    /// Features per layer/table id.
    pub feature_counts: BTreeMap<String, u64>,
    /// Attachments per layer id.
    pub attachment_counts: BTreeMap<String, u64>,
    /// Non-fatal notes (no thumbnail, no metadata, export skipped, ...).
    pub notes: Vec<String>,
}

/// The item's change markers: item `modified` and, for feature services, each layer's
/// `editingInfo` dates. Only definition requests: never data, features, attachments or resources.
pub async fn change_markers(_client: &Client, _item: &Item) -> Result<ChangeMarkers> {
    Err(Error::NotImplemented("change markers"))
}

/// Fetches every part of the item into `archive`.
pub async fn fetch_item(
    _client: &Client,
    _record: &ItemRecord,
    _archive: &mut ItemArchiveWriter,
    _options: &FetchOptions,
    _progress: &(dyn Fn(ItemProgress) + Send + Sync),
) -> Result<Fetched> {
    Err(Error::NotImplemented("item fetching"))
}

/// Ids of the items this item depends on (a web map's layers, an app's map, ...).
pub async fn dependencies(_client: &Client, _record: &ItemRecord) -> Result<Vec<String>> {
    Err(Error::NotImplemented("dependency discovery"))
}
