//! The portal-side parts of an item: data, thumbnail, metadata, resources, relationships and
//! sharing (`item.json` is written by the caller from the record's raw bytes).

use std::collections::BTreeMap;

use futures::TryStreamExt;
use serde_json::{Value, json};

use super::download::{Expect, download, is_html_name, looks_like_json};
use super::{Ctx, DataKind, local_io};
use crate::client::api::portal::path_segment;
use crate::client::models::Item;
use crate::client::paging::pages;
use crate::client::request::Call;
use crate::client::{Client, Error, Result};
use crate::engine::archive::names::{safe_entry_path, safe_name};
use crate::engine::archive::writer::ItemArchiveWriter;

/// Every relationship type of the portal.
pub const RELATIONSHIP_TYPES: &[&str] = &[
    "Map2Service",
    "Map2FeatureCollection",
    "Map2AppConfig",
    "Map2Area",
    "Area2Package",
    "Area2CustomPackage",
    "WMA2Code",
    "MobileApp2Code",
    "Service2Data",
    "Service2Service",
    "Service2Layer",
    "Service2Style",
    "Style2Style",
    "Survey2Service",
    "Survey2Data",
    "WorkforceMap2FeatureService",
    "TrackView2Map",
    "Solution2Item",
    "Item2Attachment",
    "Item2Report",
    "Listed2Provisioned",
    "APIKey2Item",
    "App2DependentApp",
    "Data2App",
];

/// Item types whose `/data` is a JSON document.
const JSON_TYPES: &[&str] = &[
    "Web Map",
    "Web Scene",
    "Web Mapping Application",
    "Mobile Application",
    "Application",
    "Dashboard",
    "Operation View",
    "StoryMap",
    "Story Map",
    "Feature Collection",
    "Feature Service",
    "Map Service",
    "Image Service",
    "Vector Tile Service",
    "Scene Service",
    "Feature Layer",
    "Table",
    "Group Layer",
    "Map Area",
    "Web Experience",
    "Web Experience Template",
    "Hub Site Application",
    "Hub Page",
    "Hub Initiative",
    "Hub Initiative Template",
    "Site Application",
    "Site Page",
    "Workforce Project",
    "QuickCapture Project",
    "Insights Workbook",
    "Insights Page",
    "Insights Model",
    "Solution",
    "Deep Learning Studio Project",
    "Symbol Set",
    "Color Set",
    "WMS",
    "WFS",
    "WMTS",
    "OGCFeatureServer",
];

/// Item types whose `/data` is a file, whatever it looks like.
const FILE_TYPES: &[&str] = &[
    "CSV",
    "CSV Collection",
    "PDF",
    "Shapefile",
    "File Geodatabase",
    "GeoPackage",
    "Code Attachment",
    "Code Sample",
    "Image",
    "Microsoft Excel",
    "Microsoft Word",
    "Microsoft Powerpoint",
    "Microsoft PowerPoint",
    "GeoJson",
    "KML",
    "KML Collection",
    "Service Definition",
    "Form",
    "Notebook",
    "Layer Package",
    "Map Package",
    "Tile Package",
    "Vector Tile Package",
    "Scene Package",
    "Mobile Map Package",
    "Project Package",
    "Geoprocessing Package",
    "Desktop Application",
    "Desktop Application Template",
    "Layer File",
    "Layer",
    "Style",
    "SQLite Geodatabase",
    "Raster",
];

/// How an item's `/data` should be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DataShape {
    /// A JSON document (`data.json`).
    Json,
    /// A file (`data/<name>`).
    File,
    /// Decide by sniffing the first bytes.
    Sniff,
}

/// How the data of an item of `item_type` is stored.
pub(crate) fn data_shape(item_type: &str) -> DataShape {
    if JSON_TYPES.contains(&item_type) || item_type.starts_with("Hub ") {
        DataShape::Json
    } else if FILE_TYPES.contains(&item_type) || item_type.ends_with(" Package") {
        DataShape::File
    } else {
        DataShape::Sniff
    }
}

/// `{portal}/content/items/{id}/{tail}`.
pub(crate) fn item_url(client: &Client, id: &str, tail: &str) -> String {
    let base = client
        .portal()
        .sharing(&format!("content/items/{}", path_segment(id)));
    if tail.is_empty() {
        base
    } else {
        format!("{base}/{tail}")
    }
}

/// A relative portal path (`thumbnail/a b.png`) with every segment percent-encoded.
pub(crate) fn encode_path(path: &str) -> String {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(path_segment)
        .collect::<Vec<_>>()
        .join("/")
}

/// An entry name not written yet: `name`, else `name~2`, `name~3`, ... before the extension.
pub(crate) fn unique_entry(archive: &ItemArchiveWriter, name: &str) -> String {
    if !archive.has_part(name) {
        return name.to_string();
    }
    let (dir, file) = match name.rsplit_once('/') {
        Some((d, f)) => (format!("{d}/"), f),
        None => (String::new(), name),
    };
    let (stem, ext) = match file.rsplit_once('.') {
        Some((s, e)) if !s.is_empty() => (s, format!(".{e}")),
        _ => (file, String::new()),
    };
    (2..)
        .map(|n| format!("{dir}{stem}~{n}{ext}"))
        .find(|c| !archive.has_part(c))
        .unwrap_or_else(|| name.to_string())
}

/// `/data` without `f`, spooled; stored as `data.json` or `data/<name>`; 0 bytes → `Empty`.
pub(crate) async fn data(
    ctx: &Ctx<'_>,
    item: &Item,
    archive: &mut ItemArchiveWriter,
) -> Result<DataKind> {
    let shape = data_shape(&item.item_type);
    let call = Call::get(item_url(ctx.client, &item.id, "data")).raw();
    let expect = Expect {
        size: None,
        json: shape != DataShape::File,
        html_ok: item.name.as_deref().is_some_and(is_html_name),
        declared: u64::try_from(item.size).ok().filter(|s| *s > 0),
    };
    let spooled = download(
        ctx.client,
        call,
        &ctx.options.spool_dir,
        expect,
        &ctx.tracker,
    )
    .await?;
    if spooled.len == 0 {
        // A service without layer overrides has no data to speak of (archive-format.md).
        let service = matches!(
            item.item_type.as_str(),
            "Feature Service"
                | "Map Service"
                | "Image Service"
                | "Vector Tile Service"
                | "Scene Service"
                | "Feature Layer"
                | "Table"
        );
        return Ok(if service {
            DataKind::None
        } else {
            DataKind::Empty
        });
    }
    let json = match shape {
        DataShape::File => false,
        DataShape::Json | DataShape::Sniff => looks_like_json(&spooled.head(256)),
    };
    if json {
        spooled.store(archive, "data.json")?;
        Ok(DataKind::Json)
    } else {
        let name = item
            .name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or("data");
        let entry = format!("data/{}", safe_name(name));
        spooled.store(archive, &entry)?;
        Ok(DataKind::File)
    }
}

/// `/info/{thumbnail}` → `thumbnail/<base name>`; missing or failing → a note.
pub(crate) async fn thumbnail(
    ctx: &Ctx<'_>,
    item: &Item,
    archive: &mut ItemArchiveWriter,
    notes: &mut Vec<String>,
) -> Result<()> {
    let Some(thumb) = item.thumbnail.as_deref().filter(|t| !t.trim().is_empty()) else {
        notes.push("no thumbnail".into());
        return Ok(());
    };
    let url = item_url(
        ctx.client,
        &item.id,
        &format!("info/{}", encode_path(thumb)),
    );
    let got = download(
        ctx.client,
        Call::get(url).raw(),
        &ctx.options.spool_dir,
        Expect::default(),
        &ctx.tracker,
    )
    .await;
    match got {
        Ok(s) if s.len > 0 => {
            let base = thumb.rsplit('/').next().unwrap_or(thumb);
            s.store(archive, &format!("thumbnail/{}", safe_name(base)))?;
        }
        Ok(_) => notes.push("thumbnail is empty".into()),
        Err(e) if e.is_auth() || is_transient(&e) => return Err(e),
        Err(e) => notes.push(format!("thumbnail not downloaded: {e}")),
    }
    Ok(())
}

/// `/info/metadata/metadata.xml` → `metadata/metadata.xml`; absent → a note.
pub(crate) async fn metadata(
    ctx: &Ctx<'_>,
    item: &Item,
    archive: &mut ItemArchiveWriter,
    notes: &mut Vec<String>,
) -> Result<()> {
    let url = item_url(ctx.client, &item.id, "info/metadata/metadata.xml");
    let got = download(
        ctx.client,
        Call::get(url).raw(),
        &ctx.options.spool_dir,
        Expect::default(),
        &ctx.tracker,
    )
    .await;
    match got {
        Ok(s) if s.len > 0 => {
            s.store(archive, "metadata/metadata.xml")?;
        }
        Ok(_) => notes.push("no metadata".into()),
        Err(e) if e.is_auth() || is_transient(&e) => return Err(e),
        Err(e) if is_not_found(&e) => notes.push("no metadata".into()),
        Err(e) => notes.push(format!("metadata not downloaded: {e}")),
    }
    Ok(())
}

/// True for failures that a later attempt may not have (network, throttling, 5xx): such a
/// part must fail the item rather than be recorded as missing.
pub(crate) fn is_transient(e: &Error) -> bool {
    e.is_retryable() || matches!(e, Error::Transport { .. })
}

/// True for "does not exist" answers (HTTP 404 or a 400/404 envelope).
pub(crate) fn is_not_found(e: &Error) -> bool {
    matches!(
        e,
        Error::Http { status: 404, .. }
            | Error::Api {
                code: 400 | 404,
                ..
            }
    ) || e.is_missing_item()
}

/// Why a resource name from the portal's listing cannot be fetched or stored: empty, absolute,
/// a `.` or `..` segment, a backslash or a control character.
pub(crate) fn check_resource_name(path: &str) -> std::result::Result<(), &'static str> {
    if path.is_empty() {
        return Err("empty name");
    }
    if path.starts_with('/') {
        return Err("absolute path");
    }
    if path.contains('\\') {
        return Err("backslash in the name");
    }
    if path.chars().any(char::is_control) {
        return Err("control character in the name");
    }
    if path.split('/').any(|s| s == ".." || s == ".") {
        return Err("`.` or `..` in the path");
    }
    Ok(())
}

/// Every resource (paged listing, `num=100`) → `resources/<safe path>`, and when the item has
/// any, `resources.json`: per resource its full path as the portal names it, the archive entry,
/// its `access` (`inherit` | `private`; `null` when the listing did not say, as for callers who
/// are neither owner nor admin) and size, so a restore brings back both path and access.
pub(crate) async fn resources(
    ctx: &Ctx<'_>,
    item: &Item,
    archive: &mut ItemArchiveWriter,
) -> Result<()> {
    let list = Call::get(item_url(ctx.client, &item.id, "resources"));
    let mut stream = std::pin::pin!(pages(ctx.client.clone(), list, "resources", 100));
    let mut index: Vec<Value> = Vec::new();
    while let Some(page) = stream.try_next().await? {
        for entry in page.entries {
            let Some(path) = entry.get("resource").and_then(Value::as_str) else {
                continue;
            };
            // Checked before any request: `..` in a URL path is resolved by the client and the
            // token-bearing request would go to another portal path.
            if let Err(why) = check_resource_name(path) {
                return Err(Error::Decode {
                    url: item_url(ctx.client, &item.id, "resources"),
                    json_path: ".resources[].resource".into(),
                    message: format!(
                        "resource {} is refused ({why}); nothing was requested for it",
                        crate::safe_text::quoted(path)
                    ),
                });
            }
            let size = entry.get("size").and_then(Value::as_u64);
            if let Some(size) = size {
                ctx.tracker.expect_bytes(size);
            }
            let url = item_url(
                ctx.client,
                &item.id,
                &format!("resources/{}", encode_path(path)),
            );
            let spooled = download(
                ctx.client,
                Call::get(url).raw(),
                &ctx.options.spool_dir,
                Expect {
                    size,
                    json: false,
                    html_ok: is_html_name(path),
                    declared: None,
                },
                &ctx.tracker,
            )
            .await?;
            let name = unique_entry(archive, &format!("resources/{}", safe_entry_path(path)));
            spooled.store(archive, &name)?;
            let access = entry
                .get("access")
                .and_then(Value::as_str)
                .filter(|a| matches!(*a, "inherit" | "private"));
            index.push(json!({"resource": path, "entry": name, "access": access, "size": size}));
        }
    }
    if !index.is_empty() {
        // Sorted by path: the listing's order (creation time) is not part of the item.
        index.sort_by(|a, b| a["resource"].as_str().cmp(&b["resource"].as_str()));
        let bytes = serde_json::to_vec_pretty(&json!({ "resources": index })).unwrap_or_default();
        archive
            .add_bytes(RESOURCES_INDEX, &bytes)
            .map_err(|e| local_io(RESOURCES_INDEX, e))?;
    }
    Ok(())
}

/// The archive entry listing every resource's full path, entry and access.
pub const RESOURCES_INDEX: &str = "resources.json";

/// Ids of related items in one direction for the given types (one request).
pub(crate) async fn related_ids(
    client: &Client,
    id: &str,
    types: &[&str],
    direction: &str,
) -> Result<Vec<String>> {
    let url = item_url(client, id, "relatedItems");
    let body: Value = client
        .json(
            Call::get(url)
                .param("relationshipTypes", types.join(","))
                .param("direction", direction)
                .param("num", 100),
        )
        .await?;
    Ok(body
        .get("relatedItems")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|i| i.get("id").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default())
}

/// `relationships.json`: `{"forward": {type: [ids]}, "reverse": {type: [ids]}}` with every type.
///
/// Requests stay few: one per direction for all types at once; only when that finds related
/// items are the types split in halves (recursively) to tell which type each belongs to. A
/// portal that refuses a type list is asked type by type.
pub(crate) async fn relationships(
    ctx: &Ctx<'_>,
    item: &Item,
    archive: &mut ItemArchiveWriter,
) -> Result<()> {
    let mut doc = serde_json::Map::new();
    for direction in ["forward", "reverse"] {
        let by_type = related_by_type(ctx.client, &item.id, direction).await?;
        doc.insert(direction.into(), json!(by_type));
    }
    let bytes = serde_json::to_vec_pretty(&Value::Object(doc)).unwrap_or_default();
    archive
        .add_bytes("relationships.json", &bytes)
        .map_err(|e| local_io("relationships.json", e))
}

async fn related_by_type(
    client: &Client,
    id: &str,
    direction: &str,
) -> Result<BTreeMap<&'static str, Vec<String>>> {
    let mut by_type: BTreeMap<&'static str, Vec<String>> = RELATIONSHIP_TYPES
        .iter()
        .map(|t| (*t, Vec::new()))
        .collect();
    let all = match related_ids(client, id, RELATIONSHIP_TYPES, direction).await {
        Ok(ids) => ids,
        Err(Error::Api { code: 400, .. }) => {
            for t in RELATIONSHIP_TYPES {
                by_type.insert(t, related_ids(client, id, &[t], direction).await?);
            }
            return Ok(by_type);
        }
        Err(e) => return Err(e),
    };
    let mut pending: Vec<(&[&'static str], Vec<String>)> = Vec::new();
    if !all.is_empty() {
        pending.push((RELATIONSHIP_TYPES, all));
    }
    while let Some((types, ids)) = pending.pop() {
        if let [only] = types {
            by_type.insert(only, ids);
            continue;
        }
        let (a, b) = types.split_at(types.len() / 2);
        for half in [a, b] {
            let found = related_ids(client, id, half, direction).await?;
            if !found.is_empty() {
                pending.push((half, found));
            }
        }
    }
    Ok(by_type)
}

/// `sharing.json`: `{"access": …, "groups": [{id, title, owner}]}`.
pub(crate) async fn sharing(
    ctx: &Ctx<'_>,
    item: &Item,
    archive: &mut ItemArchiveWriter,
) -> Result<()> {
    let groups = ctx.client.item_groups(&item.id).await?;
    let list: Vec<Value> = groups
        .all()
        .into_iter()
        .map(|g| json!({"id": g.id, "title": g.title, "owner": g.owner}))
        .collect();
    let doc = json!({"access": item.access, "groups": list});
    let bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    archive
        .add_bytes("sharing.json", &bytes)
        .map_err(|e| local_io("sharing.json", e))
}
