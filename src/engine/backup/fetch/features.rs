//! Feature services: `service.json`, `layers/<id>.json`, `sources.json` for views, and every
//! feature of every layer and table as one Esri JSON FeatureSet per layer
//! (`layers/<id>.features.json`), paged by `resultOffset` and checked against
//! `returnCountOnly`.

use std::collections::HashSet;
use std::io::{BufWriter, Write};

use serde_json::Value;

use super::download::SpoolFile;
use super::{Ctx, Fetched, attachments, geojson, local_io};
use crate::client::models::Item;
use crate::client::request::{Call, JsonBody};
use crate::client::{Client, Error, Result};
use crate::engine::archive::writer::ItemArchiveWriter;

/// Id lists longer than this (characters) are sent with a POST.
const LONG_ID_LIST: usize = 500;

/// A layer or table definition.
pub(crate) struct LayerDef {
    /// Layer id.
    pub(crate) id: i64,
    /// The definition as returned (or as split from `/layers`).
    pub(crate) raw: Vec<u8>,
    /// The parsed definition.
    pub(crate) value: Value,
}

/// A service's definitions.
pub(crate) struct ServiceDefs {
    /// Service URL (no trailing layer id).
    pub(crate) url: String,
    /// The service root as returned.
    pub(crate) root: JsonBody,
    /// Every layer and table (only the item's layer for a layer item).
    pub(crate) layers: Vec<LayerDef>,
}

/// The service URL of an item and, for a layer item (`…/FeatureServer/3`), its layer id.
pub(crate) fn service_url(item: &Item) -> Option<(String, Option<i64>)> {
    let raw = item.url.as_deref()?.trim();
    let raw = raw
        .split(['?', '#'])
        .next()
        .unwrap_or(raw)
        .trim_end_matches('/');
    if let Some((base, last)) = raw.rsplit_once('/')
        && let Ok(id) = last.parse::<i64>()
        && (base.ends_with("/FeatureServer") || base.ends_with("/MapServer"))
    {
        return Some((base.to_string(), Some(id)));
    }
    Some((raw.to_string(), None))
}

/// Ids of the layers and tables the service root lists.
pub(crate) fn root_layer_ids(root: &Value) -> Vec<i64> {
    ["layers", "tables"]
        .iter()
        .filter_map(|k| root.get(*k).and_then(Value::as_array))
        .flatten()
        .filter_map(|l| l.get("id").and_then(Value::as_i64))
        .collect()
}

/// Definitions from `{url}/layers` (one request), as `(id, value)` in service order.
pub(crate) async fn all_layers(client: &Client, url: &str) -> Result<Vec<(i64, Value)>> {
    let body = client.json_body(Call::get(format!("{url}/layers"))).await?;
    let mut out = Vec::new();
    for key in ["layers", "tables"] {
        if let Some(list) = body.value.get(key).and_then(Value::as_array) {
            for l in list {
                if let Some(id) = l.get("id").and_then(Value::as_i64) {
                    out.push((id, l.clone()));
                }
            }
        }
    }
    Ok(out)
}

/// Loads the root and the definitions (`/layers`, else one request per layer).
pub(crate) async fn load_defs(client: &Client, item: &Item) -> Result<ServiceDefs> {
    let (url, only) = service_url(item).ok_or_else(|| Error::Decode {
        url: item.id.clone(),
        json_path: "url".into(),
        message: "the service item has no URL".into(),
    })?;
    let root = client.json_body(Call::get(&url)).await?;
    let mut ids = root_layer_ids(&root.value);
    if let Some(only) = only {
        ids.retain(|i| *i == only);
        if ids.is_empty() {
            ids.push(only);
        }
    }
    let split = match all_layers(client, &url).await {
        Ok(list) => list,
        Err(e) if e.is_auth() => return Err(e),
        Err(e) => {
            tracing::debug!(url = %url, error = %e, "no /layers; asking layer by layer");
            Vec::new()
        }
    };
    let mut layers = Vec::new();
    for id in ids {
        let found = split.iter().find(|(i, _)| *i == id).map(|(_, v)| v.clone());
        let def = match found {
            Some(value) => LayerDef {
                id,
                raw: serde_json::to_vec(&value).unwrap_or_default(),
                value,
            },
            None => {
                let body = client.json_body(Call::get(format!("{url}/{id}"))).await?;
                LayerDef {
                    id,
                    raw: body.raw.to_vec(),
                    value: body.value,
                }
            }
        };
        layers.push(def);
    }
    Ok(ServiceDefs { url, root, layers })
}

/// Fetches the service's definitions, features, attachments and GeoJSON; returns the service's
/// `capabilities` (for the export permission check).
pub(crate) async fn fetch_service(
    ctx: &Ctx<'_>,
    item: &Item,
    archive: &mut ItemArchiveWriter,
    out: &mut Fetched,
) -> Result<String> {
    let defs = load_defs(ctx.client, item).await?;
    archive
        .add_bytes("service.json", &defs.root.raw)
        .map_err(|e| local_io("service.json", e))?;
    if defs.root.value.get("isView").and_then(Value::as_bool) == Some(true) {
        match ctx
            .client
            .json_body(Call::get(format!("{}/sources", defs.url)))
            .await
        {
            Ok(body) => archive
                .add_bytes("sources.json", &body.raw)
                .map_err(|e| local_io("sources.json", e))?,
            Err(e) if e.is_auth() => return Err(e),
            Err(e) => out.notes.push(format!("view sources not read: {e}")),
        }
    }
    for l in &defs.layers {
        let name = format!("layers/{}.json", l.id);
        archive
            .add_bytes(&name, &l.raw)
            .map_err(|e| local_io(&name, e))?;
    }
    let service_mrc = defs
        .root
        .value
        .get("maxRecordCount")
        .and_then(Value::as_u64);
    for l in &defs.layers {
        let layer = LayerQuery::new(&defs.url, l, service_mrc);
        let (count, oids) = layer_features(ctx, &layer, archive).await?;
        out.feature_counts.insert(l.id.to_string(), count);
        if l.value.get("hasAttachments").and_then(Value::as_bool) == Some(true) {
            if ctx.options.attachments {
                let n = attachments::fetch(ctx, &layer, &oids, archive).await?;
                out.attachment_counts.insert(l.id.to_string(), n);
            } else {
                out.notes
                    .push(format!("layer {}: attachments not requested", l.id));
            }
        }
        if ctx.options.geojson {
            layer_geojson(ctx, &layer, archive).await?;
        }
    }
    Ok(defs
        .root
        .value
        .get("capabilities")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string())
}

/// What paging a layer needs to know.
pub(crate) struct LayerQuery<'a> {
    /// Layer id.
    pub(crate) id: i64,
    /// `{service}/{id}`.
    pub(crate) url: String,
    /// The layer definition.
    pub(crate) def: &'a Value,
    /// Object id field.
    pub(crate) oid_field: String,
    /// Page size (`maxRecordCount`).
    pub(crate) page: u64,
    /// `advancedQueryCapabilities.supportsPagination` is not false.
    pub(crate) paging: bool,
}

impl<'a> LayerQuery<'a> {
    fn new(service: &str, l: &'a LayerDef, service_mrc: Option<u64>) -> Self {
        let def = &l.value;
        let oid_field = def
            .get("objectIdField")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .or_else(|| {
                def.get("fields")?
                    .as_array()?
                    .iter()
                    .find(|f| f.get("type").and_then(Value::as_str) == Some("esriFieldTypeOID"))?
                    .get("name")?
                    .as_str()
                    .map(str::to_string)
            })
            .unwrap_or_else(|| "OBJECTID".to_string());
        let page = def
            .get("maxRecordCount")
            .and_then(Value::as_u64)
            .or(service_mrc)
            .filter(|n| *n > 0)
            .unwrap_or(1000);
        let paging = def
            .pointer("/advancedQueryCapabilities/supportsPagination")
            .and_then(Value::as_bool)
            != Some(false);
        LayerQuery {
            id: l.id,
            url: format!("{service}/{}", l.id),
            def,
            oid_field,
            page,
            paging,
        }
    }

    fn query_url(&self) -> String {
        format!("{}/query", self.url)
    }
}

/// `returnCountOnly` for the whole layer.
async fn count(client: &Client, layer: &LayerQuery<'_>) -> Result<u64> {
    let body: Value = client
        .json(
            Call::get(layer.query_url())
                .param("where", "1=1")
                .param("returnCountOnly", "true"),
        )
        .await?;
    body.get("count")
        .and_then(Value::as_u64)
        .ok_or_else(|| Error::Decode {
            url: layer.query_url(),
            json_path: "count".into(),
            message: "no count in the returnCountOnly answer".into(),
        })
}

/// Output format of a pull.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// Esri JSON FeatureSet.
    Esri,
    /// GeoJSON FeatureCollection.
    GeoJson,
}

/// Writes one feature set to a spool file, page by page.
struct SetWriter<'a> {
    out: BufWriter<std::fs::File>,
    format: Format,
    layer: &'a LayerQuery<'a>,
    started: bool,
    count: u64,
}

impl<'a> SetWriter<'a> {
    fn create(
        file: &SpoolFile,
        format: Format,
        layer: &'a LayerQuery<'a>,
    ) -> std::io::Result<Self> {
        Ok(SetWriter {
            out: BufWriter::with_capacity(
                256 * 1024,
                crate::engine::storage::local::create_private(file.path())?,
            ),
            format,
            layer,
            started: false,
            count: 0,
        })
    }

    /// The FeatureSet header: from the first page, else from the layer definition.
    fn header(&mut self, page: Option<&Value>) -> std::io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        if self.format == Format::GeoJson {
            return self.out.write_all(geojson::HEADER);
        }
        let def = self.layer.def;
        let from_page = |k: &str| {
            page.and_then(|p| p.get(k))
                .filter(|v| !v.is_null())
                .cloned()
        };
        let from_def = |k: &str| def.get(k).filter(|v| !v.is_null()).cloned();
        let mut m = serde_json::Map::new();
        let oid = from_page("objectIdFieldName")
            .unwrap_or_else(|| Value::String(self.layer.oid_field.clone()));
        m.insert("objectIdFieldName".into(), oid);
        if let Some(g) = from_page("globalIdFieldName").or_else(|| from_def("globalIdField")) {
            m.insert("globalIdFieldName".into(), g);
        }
        if let Some(g) = from_page("geometryType").or_else(|| from_def("geometryType")) {
            m.insert("geometryType".into(), g);
        }
        let sr = from_page("spatialReference").or_else(|| {
            def.pointer("/extent/spatialReference")
                .filter(|v| !v.is_null())
                .cloned()
        });
        if let Some(sr) = sr {
            m.insert("spatialReference".into(), sr);
        }
        let fields = from_page("fields")
            .or_else(|| from_def("fields"))
            .unwrap_or(Value::Array(Vec::new()));
        m.insert("fields".into(), fields);
        let head = serde_json::to_vec(&Value::Object(m)).map_err(std::io::Error::other)?;
        // `{...}` → `{...,"features":[`
        self.out.write_all(&head[..head.len() - 1])?;
        self.out.write_all(b",\"features\":[")
    }

    /// Appends a page's features; returns their object ids.
    fn page(&mut self, page: &Value) -> std::io::Result<Vec<i64>> {
        self.header(Some(page))?;
        let mut oids = Vec::new();
        let Some(features) = page.get("features").and_then(Value::as_array) else {
            return Ok(oids);
        };
        for f in features {
            if self.count > 0 {
                self.out.write_all(b",")?;
            }
            serde_json::to_writer(&mut self.out, f).map_err(std::io::Error::other)?;
            self.count += 1;
            let oid = match self.format {
                Format::Esri => f
                    .get("attributes")
                    .and_then(|a| a.get(&self.layer.oid_field))
                    .and_then(Value::as_i64),
                Format::GeoJson => geojson::feature_oid(f, &self.layer.oid_field),
            };
            oids.extend(oid);
        }
        Ok(oids)
    }

    fn finish(mut self) -> std::io::Result<u64> {
        self.header(None)?;
        self.out.write_all(b"]}")?;
        self.out.flush()?;
        Ok(self.count)
    }
}

fn exceeded(format: Format, page: &Value) -> bool {
    match format {
        Format::Esri => page
            .get("exceededTransferLimit")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        Format::GeoJson => geojson::exceeded(page),
    }
}

fn with_format(call: Call, format: Format) -> Call {
    match format {
        Format::Esri => call,
        Format::GeoJson => call.param("f", "geojson"),
    }
}

/// True when the server refuses `resultOffset` paging.
fn is_pagination_error(e: &Error) -> bool {
    match e {
        Error::Api {
            message, details, ..
        } => std::iter::once(message)
            .chain(details)
            .any(|m| m.to_ascii_lowercase().contains("pagination")),
        _ => false,
    }
}

/// How one pull went.
enum Pull {
    /// Every page written; object ids seen.
    Done(Vec<i64>),
    /// The server does not page: use the ids fallback.
    NoPaging,
}

/// Pages with `resultOffset`/`resultRecordCount` ordered by the object id while
/// `exceededTransferLimit` is true. Guards: every page's object ids must come after the
/// previous page's (a server that ignores `resultOffset` repeats them), and the pages are
/// bounded by the layer's `returnCountOnly` count ([`crate::client::paging::page_bound`]).
async fn pull_offsets(
    ctx: &Ctx<'_>,
    layer: &LayerQuery<'_>,
    w: &mut SetWriter<'_>,
    expected: u64,
) -> Result<Pull> {
    let mut offset = 0u64;
    let mut oids = Vec::new();
    let mut last_max: Option<i64> = None;
    let per_page = u32::try_from(layer.page).unwrap_or(u32::MAX);
    let bound = crate::client::paging::page_bound(Some(expected), per_page);
    let mut pages = 0u64;
    loop {
        pages += 1;
        if pages > bound {
            return Err(Error::Limit {
                url: layer.query_url(),
                message: format!(
                    "layer {}: still exceededTransferLimit after {} pages, more than its count of {expected} features needs; stopped instead of looping",
                    layer.id,
                    pages - 1
                ),
            });
        }
        let call = Call::get(layer.query_url())
            .param("where", "1=1")
            .param("outFields", "*")
            .param("returnGeometry", "true")
            .param("orderByFields", format!("{} ASC", layer.oid_field))
            .param("resultOffset", offset)
            .param("resultRecordCount", layer.page);
        let body = match ctx.client.json_body(with_format(call, w.format)).await {
            Ok(b) => b,
            Err(e) if is_pagination_error(&e) => return Ok(Pull::NoPaging),
            Err(e) => return Err(e),
        };
        let got = w
            .page(&body.value)
            .map_err(|e| local_io("feature spool", e))?;
        let n = body
            .value
            .get("features")
            .and_then(Value::as_array)
            .map_or(0, Vec::len) as u64;
        if w.format == Format::Esri {
            ctx.tracker.features(n);
        }
        if let Some(max) = got.iter().max() {
            if last_max.is_some_and(|m| *max <= m) {
                return Err(Error::Limit {
                    url: layer.query_url(),
                    message: format!(
                        "layer {}: the page at resultOffset {offset} repeats object ids already read (the server ignores resultOffset?); stopped instead of looping",
                        layer.id
                    ),
                });
            }
            last_max = Some(*max);
        }
        oids.extend(got);
        offset += n;
        if !exceeded(w.format, &body.value) || n == 0 {
            return Ok(Pull::Done(oids));
        }
    }
}

/// All object ids (`returnIdsOnly` has no record cap), sorted.
async fn all_ids(client: &Client, layer: &LayerQuery<'_>) -> Result<Vec<i64>> {
    let body: Value = client
        .json(
            Call::get(layer.query_url())
                .param("where", "1=1")
                .param("returnIdsOnly", "true"),
        )
        .await?;
    let mut ids: Vec<i64> = body
        .get("objectIds")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// The ids fallback: sorted `objectIds` batches of at most `maxRecordCount`, re-asking for the
/// rest of a batch while the server says `exceededTransferLimit`.
async fn pull_ids(
    ctx: &Ctx<'_>,
    layer: &LayerQuery<'_>,
    w: &mut SetWriter<'_>,
) -> Result<Vec<i64>> {
    let ids = all_ids(ctx.client, layer).await?;
    let mut oids = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(layer.page as usize) {
        let mut remaining: Vec<i64> = chunk.to_vec();
        while !remaining.is_empty() {
            let list = remaining
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let call = if list.len() > LONG_ID_LIST {
                Call::post_read(layer.query_url())
            } else {
                Call::get(layer.query_url())
            }
            .param("objectIds", list)
            .param("outFields", "*")
            .param("returnGeometry", "true");
            let body = ctx.client.json_body(with_format(call, w.format)).await?;
            let got = w
                .page(&body.value)
                .map_err(|e| local_io("feature spool", e))?;
            if w.format == Format::Esri {
                ctx.tracker.features(got.len() as u64);
            }
            let seen: HashSet<i64> = got.iter().copied().collect();
            oids.extend(got);
            let before = remaining.len();
            remaining.retain(|id| !seen.contains(id));
            if seen.is_empty() || !exceeded(w.format, &body.value) {
                break;
            }
            if remaining.len() == before {
                return Err(Error::Limit {
                    url: layer.query_url(),
                    message: format!(
                        "layer {}: exceededTransferLimit with none of the object ids asked for; stopped instead of looping",
                        layer.id
                    ),
                });
            }
        }
    }
    Ok(oids)
}

/// Pulls a whole layer into a spool file (pages, else the ids fallback); `(count, oids, file)`.
async fn pull(
    ctx: &Ctx<'_>,
    layer: &LayerQuery<'_>,
    format: Format,
    expected: u64,
) -> Result<(u64, Vec<i64>, SpoolFile)> {
    let io = |e| local_io("feature spool", e);
    if layer.paging {
        let file = SpoolFile::new(&ctx.options.spool_dir, "features");
        let mut w = SetWriter::create(&file, format, layer).map_err(io)?;
        match pull_offsets(ctx, layer, &mut w, expected).await? {
            Pull::Done(oids) => {
                let n = w.finish().map_err(io)?;
                return Ok((n, oids, file));
            }
            Pull::NoPaging => {
                tracing::info!(url = %layer.url, "the layer refuses pagination; using object id batches");
                if format == Format::Esri {
                    ctx.tracker.unfeatures(w.count);
                }
            }
        }
    }
    let file = SpoolFile::new(&ctx.options.spool_dir, "features");
    let mut w = SetWriter::create(&file, format, layer).map_err(io)?;
    let oids = pull_ids(ctx, layer, &mut w).await?;
    let n = w.finish().map_err(io)?;
    Ok((n, oids, file))
}

/// Pulls a layer in `format`, checks the count against `returnCountOnly` (retrying the layer
/// once on a mismatch) and stores it as `entry`.
async fn pull_checked(
    ctx: &Ctx<'_>,
    layer: &LayerQuery<'_>,
    format: Format,
    entry: &str,
    archive: &mut ItemArchiveWriter,
) -> Result<(u64, Vec<i64>)> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let expected = count(ctx.client, layer).await?;
        if format == Format::Esri {
            ctx.tracker.expect_features(expected);
        }
        let (n, oids, file) = pull(ctx, layer, format, expected).await?;
        if n == expected {
            crate::engine::storage::local::blocking(|| archive.add_file(entry, file.path()))
                .map_err(|e| local_io(entry, e))?;
            return Ok((n, oids));
        }
        if format == Format::Esri {
            ctx.tracker.unfeatures(n);
            ctx.tracker.unexpect_features(expected);
        }
        if attempt >= 2 {
            return Err(Error::Unsuccessful {
                url: layer.query_url(),
                body: format!(
                    "layer {}: {n} features written but returnCountOnly says {expected} (after one retry)",
                    layer.id
                ),
            });
        }
        tracing::warn!(url = %layer.url, n, expected, "feature count mismatch; pulling the layer again");
    }
}

/// `layers/<id>.features.json`; returns the count and the object ids written.
async fn layer_features(
    ctx: &Ctx<'_>,
    layer: &LayerQuery<'_>,
    archive: &mut ItemArchiveWriter,
) -> Result<(u64, Vec<i64>)> {
    let entry = format!("layers/{}.features.json", layer.id);
    pull_checked(ctx, layer, Format::Esri, &entry, archive).await
}

/// `layers/<id>.geojson`.
async fn layer_geojson(
    ctx: &Ctx<'_>,
    layer: &LayerQuery<'_>,
    archive: &mut ItemArchiveWriter,
) -> Result<u64> {
    let entry = format!("layers/{}.geojson", layer.id);
    pull_checked(ctx, layer, Format::GeoJson, &entry, archive)
        .await
        .map(|(n, _)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(url: &str) -> Item {
        serde_json::from_value(serde_json::json!({"id": "x", "url": url})).unwrap()
    }

    #[test]
    fn service_urls_lose_layer_ids_and_queries() {
        assert_eq!(
            service_url(&item("https://h/a/rest/services/S/FeatureServer/")),
            Some(("https://h/a/rest/services/S/FeatureServer".into(), None))
        );
        assert_eq!(
            service_url(&item("https://h/a/rest/services/S/FeatureServer/3?token=x")),
            Some(("https://h/a/rest/services/S/FeatureServer".into(), Some(3)))
        );
    }

    #[test]
    fn pagination_errors_are_recognised() {
        let e = Error::Api {
            code: 400,
            message_code: None,
            message: "Pagination is not supported.".into(),
            details: vec![],
            url: "u".into(),
        };
        assert!(is_pagination_error(&e));
    }
}
