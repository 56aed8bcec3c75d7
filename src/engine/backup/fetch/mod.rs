//! Fetching every part of one item into its archive (docs/archive-format.md).
//!
//! [`fetch_item`] writes the parts in a fixed order: `item.json`, data, thumbnail, metadata,
//! resources, relationships, sharing, then for feature services the definitions, features,
//! attachments and (with `--geojson`) GeoJSON, and finally a server-side export when asked for.
//! Big bodies are spooled to `FetchOptions::spool_dir` and length-checked before they go into the
//! zip, so a short download is retried and never stored.

mod attachments;
mod dependencies;
mod download;
mod export;
mod features;
mod geojson;
mod markers;
mod parts;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use crate::client::api::items::ItemRecord;
use crate::client::models::Item;
use crate::client::{Client, Error, Result};
use crate::engine::archive::manifest::ChangeMarkers;
use crate::engine::archive::writer::ItemArchiveWriter;

pub use export::{EXPORT_TAG, sweep_export_leftovers};

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
    /// Export hosted feature services only (not views, not services hosted elsewhere): what a
    /// `.contentexport` package can carry (`backup --format contentexport`).
    pub export_hosted_only: bool,
    /// A directory for spooling downloads before they go into the zip (same filesystem).
    pub spool_dir: PathBuf,
    /// How long a server-side export may run before it is abandoned (and its temp item deleted).
    pub export_timeout: Duration,
}

impl FetchOptions {
    /// Defaults: thumbnails and attachments on, no GeoJSON, no export, 30 min export timeout.
    pub fn new(spool_dir: impl Into<PathBuf>) -> Self {
        FetchOptions {
            geojson: false,
            thumbnails: true,
            attachments: true,
            export: None,
            export_hosted_only: false,
            spool_dir: spool_dir.into(),
            export_timeout: Duration::from_secs(30 * 60),
        }
    }
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

impl Fetched {
    fn new() -> Self {
        Fetched {
            data_kind: DataKind::None,
            feature_counts: BTreeMap::new(),
            attachment_counts: BTreeMap::new(),
            notes: Vec::new(),
        }
    }
}

/// Progress of one item, reported through the caller's callback on every advance.
pub(crate) struct Tracker<'a> {
    callback: &'a (dyn Fn(ItemProgress) + Send + Sync),
    state: Mutex<ItemProgress>,
}

impl<'a> Tracker<'a> {
    fn new(callback: &'a (dyn Fn(ItemProgress) + Send + Sync)) -> Self {
        Tracker {
            callback,
            state: Mutex::new(ItemProgress::default()),
        }
    }

    fn update(&self, f: impl FnOnce(&mut ItemProgress)) {
        let snapshot = {
            let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
            f(&mut s);
            *s
        };
        (self.callback)(snapshot);
    }

    /// `n` more bytes arrived.
    pub(crate) fn bytes(&self, n: u64) {
        self.update(|p| p.bytes += n);
    }

    /// A failed attempt's bytes are taken back.
    pub(crate) fn unbytes(&self, n: u64) {
        self.update(|p| p.bytes = p.bytes.saturating_sub(n));
    }

    /// `n` more bytes are expected.
    pub(crate) fn expect_bytes(&self, n: u64) {
        self.update(|p| p.bytes_total = Some(p.bytes_total.unwrap_or(0) + n));
    }

    /// `n` more features were written.
    pub(crate) fn features(&self, n: u64) {
        self.update(|p| p.features += n);
    }

    /// A retried layer's features are taken back.
    pub(crate) fn unfeatures(&self, n: u64) {
        self.update(|p| p.features = p.features.saturating_sub(n));
    }

    /// A retried layer's expected features are taken back.
    pub(crate) fn unexpect_features(&self, n: u64) {
        self.update(|p| p.features_total = p.features_total.map(|t| t.saturating_sub(n)));
    }

    /// `n` more features are expected.
    pub(crate) fn expect_features(&self, n: u64) {
        self.update(|p| p.features_total = Some(p.features_total.unwrap_or(0) + n));
    }
}

/// Everything a part fetcher needs.
pub(crate) struct Ctx<'a> {
    pub(crate) client: &'a Client,
    pub(crate) options: &'a FetchOptions,
    pub(crate) tracker: Tracker<'a>,
}

/// An archive write failure as a client error (the client's error type has no I/O variant).
pub(crate) fn local_io(what: &str, e: std::io::Error) -> Error {
    Error::Transport {
        kind: crate::client::error::TransportKind::Other,
        url: what.to_string(),
        message: format!("local write failed: {e}"),
    }
}

/// True for item types whose URL is a feature or map service we page features from.
pub fn is_feature_service(item: &Item) -> bool {
    matches!(
        item.item_type.as_str(),
        "Feature Service" | "Feature Layer" | "Table"
    ) && item
        .url
        .as_deref()
        .is_some_and(|u| u.contains("/FeatureServer") || u.contains("/MapServer"))
}

/// True when a run with `options` asks the server to export `item`.
pub fn export_wanted(options: &FetchOptions, item: &Item) -> bool {
    let keyword = |k: &str| item.type_keywords.iter().any(|t| t == k);
    options.export.is_some()
        && is_feature_service(item)
        && (!options.export_hosted_only || (keyword("Hosted Service") && !keyword("View Service")))
}

/// The item's change markers: item `modified` and, for feature services, each layer's
/// `editingInfo` dates. Only definition requests: never data, features, attachments or resources.
pub async fn change_markers(client: &Client, item: &Item) -> Result<ChangeMarkers> {
    markers::change_markers(client, item).await
}

/// Fetches every part of the item into `archive`.
///
/// Non-fatal problems (no thumbnail, no metadata, export not allowed) become notes; anything
/// that would leave the archive incomplete (a data download failing, a feature count mismatch
/// after one retry, an attachment that cannot be downloaded) is an error, and the caller drops
/// the archive.
pub async fn fetch_item(
    client: &Client,
    record: &ItemRecord,
    archive: &mut ItemArchiveWriter,
    options: &FetchOptions,
    progress: &(dyn Fn(ItemProgress) + Send + Sync),
) -> Result<Fetched> {
    crate::engine::storage::local::create_dir_private(&options.spool_dir)
        .map_err(|e| local_io(&options.spool_dir.display().to_string(), e))?;
    let ctx = Ctx {
        client,
        options,
        tracker: Tracker::new(progress),
    };
    let item = &record.item;
    let mut out = Fetched::new();
    archive
        .add_bytes("item.json", &record.raw)
        .map_err(|e| local_io("item.json", e))?;
    out.data_kind = parts::data(&ctx, item, archive).await?;
    if options.thumbnails {
        parts::thumbnail(&ctx, item, archive, &mut out.notes).await?;
    }
    parts::metadata(&ctx, item, archive, &mut out.notes).await?;
    parts::resources(&ctx, item, archive).await?;
    parts::relationships(&ctx, item, archive).await?;
    parts::sharing(&ctx, item, archive).await?;
    let mut service_caps = None;
    if is_feature_service(item) {
        service_caps = Some(features::fetch_service(&ctx, item, archive, &mut out).await?);
    }
    // Archive mode notes every item it does not export; hosted-only mode asks only for
    // hosted feature services and says nothing about the rest.
    if let Some(format) = options
        .export
        .as_ref()
        .filter(|_| !options.export_hosted_only || export_wanted(options, item))
    {
        export::export_item(
            &ctx,
            item,
            service_caps.as_deref(),
            format,
            archive,
            &mut out,
        )
        .await?;
    }
    Ok(out)
}

/// Ids of the items this item depends on (a web map's layers, an app's map, ...).
pub async fn dependencies(client: &Client, record: &ItemRecord) -> Result<Vec<String>> {
    dependencies::dependencies(client, record).await
}
