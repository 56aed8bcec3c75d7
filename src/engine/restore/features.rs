//! Hosted feature layers rebuilt with their data: `createService` (under the planned free
//! name), `addToDefinition` with every layer and table definition as backed up (ids kept), the
//! item's metadata, features in chunks through `applyEdits` (GlobalIDs kept where the service
//! allows it), attachments re-attached to the right features (by GlobalID, else old → new
//! object id), views re-created on their restored source, and counts checked per layer.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use super::context::Ctx;
use super::items::{metadata_params, resources, sharing, side_files};
use super::plan::{Kind, PlannedItem, service_name_of};
use super::source::ItemArchive;
use crate::client::api::content_write::{ItemContent, ItemWrite};
use crate::engine::progress::{JobEvent, ProgressSink};

/// Keys of the service root that `createService` takes.
const CREATE_KEYS: &[&str] = &[
    "serviceDescription",
    "hasStaticData",
    "maxRecordCount",
    "supportedQueryFormats",
    "capabilities",
    "description",
    "copyrightText",
    "spatialReference",
    "initialExtent",
    "allowGeometryUpdates",
    "units",
    "xssPreventionInfo",
    "editorTrackingInfo",
];

/// What a rebuilt service reports.
#[derive(Debug, Clone, Default)]
pub struct ServiceOutcome {
    /// Layer id → (features in the snapshot, features in the target after loading).
    pub counts: BTreeMap<String, (u64, u64)>,
    /// Layer id → attachments re-attached.
    pub attachments: BTreeMap<String, u64>,
}

pub(super) fn layer_ids(archive: &ItemArchive) -> Vec<i64> {
    let mut ids: Vec<i64> = archive
        .names_under("layers/")
        .iter()
        .filter_map(|n| {
            let rest = n.strip_prefix("layers/")?;
            let id = rest.strip_suffix(".json")?;
            if id.contains('/') || id.contains('.') {
                return None;
            }
            id.parse().ok()
        })
        .collect();
    ids.sort();
    ids
}

fn norm_gid(v: &Value) -> Option<String> {
    v.as_str()
        .map(|s| {
            s.trim_matches(|c| c == '{' || c == '}')
                .to_ascii_uppercase()
        })
        .filter(|s| !s.is_empty())
}

/// Creates the service and its layers, loads the data; returns the new item id and outcome.
pub async fn restore_service(
    ctx: &Ctx<'_>,
    planned: &PlannedItem,
    expected: &BTreeMap<String, u64>,
    sink: &dyn ProgressSink,
    notes: &mut Vec<String>,
) -> Result<(String, ServiceOutcome), String> {
    let mut archive = ItemArchive::open(&planned.archive)?;
    let item = archive.json("item.json")?.unwrap_or(Value::Null);
    let service = archive
        .json("service.json")?
        .ok_or("the archive has no service.json")?;
    let name = planned
        .service_name
        .clone()
        .ok_or("no service name was planned")?;
    let owner = planned.target_owner.as_str();
    let is_view = planned.kind == Kind::HostedView;
    let with_features = super::publish::has_features(&archive);
    if !is_view && !with_features && super::publish::export_entry(&archive).is_some() {
        drop(archive);
        return super::publish::publish_service(ctx, planned, expected, notes).await;
    }

    // Load every layer's data before anything is created: a damaged archive fails early.
    let ids = layer_ids(&archive);
    let mut defs = Vec::new();
    for id in &ids {
        let def = archive
            .json(&format!("layers/{id}.json"))?
            .ok_or_else(|| format!("layers/{id}.json is missing"))?;
        defs.push((*id, def));
    }
    if !is_view && !with_features {
        notes.push(
            "no feature data in the package: the service is rebuilt empty from its definition"
                .into(),
        );
    }

    let mut params = Map::new();
    params.insert("name".into(), json!(name));
    for k in CREATE_KEYS {
        if let Some(v) = service.get(*k) {
            params.insert((*k).into(), v.clone());
        }
    }
    let folder = ctx
        .folder_id(owner, planned.target_folder.as_deref())
        .await?;
    let extra: Vec<(String, String)> = if ctx.options.preserve_ids {
        vec![("itemIdToCreate".into(), planned.old_id.clone())]
    } else {
        Vec::new()
    };
    let params = Value::Object(params);
    let created = ctx
        .paced(|| {
            ctx.client
                .create_service(owner, folder.as_deref(), &params, is_view, &extra)
        })
        .await
        .map_err(|e| format!("createService: {e}"))?;
    let new_url = created.service_url.trim_end_matches('/').to_string();
    ctx.created(planned, &created.item_id, Some(&new_url));

    // Layers and tables, ids kept; views point at their restored source.
    let source_name = if is_view {
        Some(view_source(ctx, &mut archive)?)
    } else {
        None
    };
    let mut layers = Vec::new();
    let mut tables = Vec::new();
    for (id, def) in &defs {
        let mut def = def.clone();
        if let (Some(src), Some(obj)) = (&source_name, def.as_object_mut()) {
            let query = obj
                .get("viewDefinitionQuery")
                .or_else(|| obj.get("definitionQuery"))
                .cloned()
                .unwrap_or(json!(""));
            let source_layer = obj
                .get("adminLayerInfo")
                .and_then(|a| {
                    a.pointer("/viewLayerDefinition/sourceLayerId")
                        .or_else(|| a.pointer("/viewLayerDefinition/table/sourceLayerId"))
                })
                .cloned()
                .unwrap_or(json!(id));
            obj.insert(
                "adminLayerInfo".into(),
                json!({"viewLayerDefinition": {
                    "sourceServiceName": src, "sourceLayerId": source_layer,
                    "sourceLayerFields": "*"}, "viewDefinitionQuery": query}),
            );
        }
        if def.get("type").and_then(Value::as_str) == Some("Table") {
            tables.push(def);
        } else {
            layers.push(def);
        }
    }
    ctx.client
        .add_to_definition(&new_url, &json!({"layers": layers, "tables": tables}))
        .await
        .map_err(|e| format!("addToDefinition: {e}"))?;

    // The item's own metadata, thumbnail and formal metadata (createService titles it by name).
    dress_service_item(ctx, &mut archive, &item, owner, &created.item_id).await?;

    let mut outcome = ServiceOutcome::default();
    if !is_view {
        outcome.attachments =
            load_layers(ctx, &mut archive, &new_url, &defs, planned, expected, sink).await?;
    }
    for (id, _) in &defs {
        let (want, got) = count_layer(ctx, &new_url, *id, expected, &mut outcome).await?;
        if !is_view && got != want {
            return Err(format!(
                "layer {id}: {got} features in the target, {want} in the snapshot"
            ));
        }
        if is_view && got != want {
            notes.push(format!(
                "view layer {id}: {got} features visible, {want} in the snapshot"
            ));
        }
    }
    resources(
        ctx,
        &mut archive,
        owner,
        &created.item_id,
        &ctx.remap(),
        false,
        notes,
    )
    .await?;
    sharing(ctx, &mut archive, owner, &created.item_id, notes).await?;
    Ok((created.item_id, outcome))
}

/// Counts layer `id` of the service at `url` and records (expected, found) in `outcome`; the
/// expected count is the snapshot's, or what was found when the snapshot has none.
pub(super) async fn count_layer(
    ctx: &Ctx<'_>,
    url: &str,
    id: i64,
    expected: &BTreeMap<String, u64>,
    outcome: &mut ServiceOutcome,
) -> Result<(u64, u64), String> {
    let got = ctx
        .client
        .feature_count(&format!("{url}/{id}"))
        .await
        .map_err(|e| format!("count of layer {id}: {e}"))?;
    let want = expected.get(&id.to_string()).copied().unwrap_or(got);
    outcome.counts.insert(id.to_string(), (want, got));
    Ok((want, got))
}

/// Gives a newly made service item (createService or publish name it after the service) the
/// archived item's properties, item data (remapped), thumbnail and formal metadata.
pub(super) async fn dress_service_item(
    ctx: &Ctx<'_>,
    archive: &mut ItemArchive,
    item: &Value,
    owner: &str,
    new_id: &str,
) -> Result<(), String> {
    let remap = ctx.remap();
    let (thumbnail, metadata) = side_files(archive, &ctx.spool)?;
    let mut p = metadata_params(item, &remap, false);
    if archive.has("data.json") {
        let data = archive.read("data.json")?;
        p.push((
            "text".into(),
            remap.rewrite(&String::from_utf8_lossy(&data)).text,
        ));
    }
    ctx.client
        .update_item(
            owner,
            new_id,
            &ItemWrite {
                params: p,
                thumbnail,
                metadata,
            },
            &ItemContent::None,
        )
        .await
        .map_err(|e| format!("update: {e}"))
}

/// The service name a view's layers read from: the restored source's new name.
fn view_source(ctx: &Ctx<'_>, archive: &mut ItemArchive) -> Result<String, String> {
    let sources = archive
        .json("sources.json")?
        .ok_or("the view's sources.json is missing; cannot re-create the view")?;
    let svc = sources
        .get("services")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .ok_or("sources.json lists no source service")?;
    let remap = ctx.remap();
    if let Some(url) = svc.get("url").and_then(Value::as_str)
        && let Some(new) = remap.map_service_url(url)
        && let Some(n) = service_name_of(&new)
    {
        return Ok(n);
    }
    Err(format!(
        "the view's source ({}) is not restored in this target; restore it first",
        svc.get("name").and_then(Value::as_str).unwrap_or("?")
    ))
}

/// Loads every layer's features (and re-attaches their attachments) into the service at
/// `url`, reporting features loaded of the snapshot's total; returns attachments per layer.
async fn load_layers(
    ctx: &Ctx<'_>,
    archive: &mut ItemArchive,
    url: &str,
    defs: &[(i64, Value)],
    planned: &PlannedItem,
    expected: &BTreeMap<String, u64>,
    sink: &dyn ProgressSink,
) -> Result<BTreeMap<String, u64>, String> {
    let total: u64 = expected.values().sum();
    let mut loaded = 0u64;
    sink.event(JobEvent::ItemProgress {
        id: planned.old_id.clone(),
        bytes: 0,
        bytes_total: None,
        features: 0,
        features_total: Some(total),
    });
    let mut attachments = BTreeMap::new();
    for (id, def) in defs {
        let layer_url = format!("{url}/{id}");
        let map = load_layer(
            ctx,
            archive,
            &layer_url,
            *id,
            def,
            planned,
            sink,
            &mut loaded,
            total,
        )
        .await?;
        if def.get("hasAttachments").and_then(Value::as_bool) == Some(true) {
            let n = attach(ctx, archive, &layer_url, *id, &map).await?;
            attachments.insert(id.to_string(), n);
        }
    }
    Ok(attachments)
}

/// Old object id and GlobalID → new object id of one layer.
#[derive(Default)]
struct IdMap {
    by_oid: HashMap<i64, i64>,
    by_gid: HashMap<String, i64>,
}

#[allow(clippy::too_many_arguments)]
async fn load_layer(
    ctx: &Ctx<'_>,
    archive: &mut ItemArchive,
    layer_url: &str,
    id: i64,
    def: &Value,
    planned: &PlannedItem,
    sink: &dyn ProgressSink,
    loaded: &mut u64,
    total: u64,
) -> Result<IdMap, String> {
    let mut map = IdMap::default();
    let entry = format!("layers/{id}.features.json");
    if !archive.has(&entry) {
        return Ok(map);
    }
    let oid_field = def
        .get("objectIdField")
        .and_then(Value::as_str)
        .unwrap_or("OBJECTID")
        .to_string();
    let gid_field = def
        .get("globalIdField")
        .and_then(Value::as_str)
        .filter(|f| !f.is_empty())
        .map(str::to_string);
    let target_def: Value = ctx
        .client
        .json(crate::client::request::Call::get(layer_url))
        .await
        .unwrap_or(Value::Null);
    let use_gids = gid_field.is_some()
        && (target_def
            .get("supportsApplyEditsWithGlobalIds")
            .and_then(Value::as_bool)
            == Some(true)
            || def
                .get("supportsApplyEditsWithGlobalIds")
                .and_then(Value::as_bool)
                == Some(true));
    // Old → new ids are only needed to re-attach attachments: without them memory stays flat.
    let keep_map = def.get("hasAttachments").and_then(Value::as_bool) == Some(true);
    // Features stream from the archive in batches: memory never holds the whole layer.
    let mut batches =
        super::source::stream_features(archive.path(), &entry, ctx.options.feature_batch);
    while let Some(chunk) = batches.recv().await {
        let chunk = chunk?;
        let mut olds = Vec::with_capacity(chunk.len());
        let adds: Vec<Value> = chunk
            .iter()
            .map(|f| {
                let mut f = f.clone();
                let attrs = f.get_mut("attributes").and_then(Value::as_object_mut);
                let (mut old_oid, mut old_gid) = (None, None);
                if let Some(a) = attrs {
                    old_oid = a.remove(&oid_field).and_then(|v| v.as_i64());
                    if let Some(g) = &gid_field {
                        old_gid = a.get(g).and_then(norm_gid);
                        if !use_gids {
                            a.remove(g);
                        }
                    }
                }
                olds.push((old_oid, old_gid));
                f
            })
            .collect();
        let results = ctx
            .client
            .add_features(layer_url, &adds, use_gids)
            .await
            .map_err(|e| format!("layer {id}: applyEdits: {e}"))?;
        if results.len() != adds.len() {
            return Err(format!(
                "layer {id}: applyEdits answered {} results for {} features",
                results.len(),
                adds.len()
            ));
        }
        for ((old_oid, old_gid), r) in olds.into_iter().zip(results) {
            if !r.success {
                return Err(format!(
                    "layer {id}: a feature was refused: {}",
                    r.error.unwrap_or_default()
                ));
            }
            let Some(new) = r.object_id else { continue };
            if !keep_map {
                continue;
            }
            if let Some(o) = old_oid {
                map.by_oid.insert(o, new);
            }
            if let Some(g) = old_gid {
                map.by_gid.insert(g, new);
            }
        }
        *loaded += chunk.len() as u64;
        sink.event(JobEvent::ItemProgress {
            id: planned.old_id.clone(),
            bytes: 0,
            bytes_total: None,
            features: *loaded,
            features_total: Some(total),
        });
    }
    Ok(map)
}

/// Re-attaches every attachment of a layer to its feature's new object id.
async fn attach(
    ctx: &Ctx<'_>,
    archive: &mut ItemArchive,
    layer_url: &str,
    id: i64,
    map: &IdMap,
) -> Result<u64, String> {
    let Some(index) = archive.json(&format!("layers/{id}/attachments.json"))? else {
        return Ok(0);
    };
    let mut n = 0;
    for a in index.as_array().into_iter().flatten() {
        let parent = a
            .get("parentGlobalId")
            .and_then(norm_gid)
            .and_then(|g| map.by_gid.get(&g).copied())
            .or_else(|| {
                a.get("parentObjectId")
                    .and_then(Value::as_i64)
                    .and_then(|o| map.by_oid.get(&o).copied())
            })
            .ok_or_else(|| format!("layer {id}: an attachment's feature was not restored: {a}"))?;
        let entry = a
            .get("entry")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("layer {id}: attachment without an archive entry"))?;
        let name = a
            .get("name")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .unwrap_or("attachment");
        let mime = a
            .get("contentType")
            .and_then(Value::as_str)
            .unwrap_or("application/octet-stream");
        let (path, _) = archive.extract(entry, &ctx.spool)?;
        let r = ctx
            .client
            .add_attachment(layer_url, parent, path.clone(), name, mime)
            .await;
        let _ = std::fs::remove_file(&path);
        r.map_err(|e| format!("layer {id}: addAttachment {name}: {e}"))?;
        n += 1;
    }
    Ok(n)
}

/// `--on-conflict overwrite` of a hosted feature layer: the backed-up data is staged (every
/// layer's features read back from the archive and counted) and the target's layers checked to
/// match, and only then is each layer emptied and reloaded, attachments included; the item's
/// properties, thumbnail, metadata, resources and sharing are updated. A view's rows come from
/// its source, so for a view only the item is updated.
pub async fn overwrite_service(
    ctx: &Ctx<'_>,
    planned: &PlannedItem,
    target_id: &str,
    expected: &BTreeMap<String, u64>,
    sink: &dyn ProgressSink,
    notes: &mut Vec<String>,
) -> Result<ServiceOutcome, String> {
    let mut archive = ItemArchive::open(&planned.archive)?;
    let item = archive.json("item.json")?.unwrap_or(Value::Null);
    let owner = planned.target_owner.as_str();
    let is_view = planned.kind == Kind::HostedView;
    // A package's FGDB export can only be published as a new service: reporting `ok` while the
    // target keeps its old rows would be a restore that did not happen.
    if !is_view
        && !super::publish::has_features(&archive)
        && let Some(export) = super::publish::export_entry(&archive)
    {
        return Err(format!(
            "its data is only the export {} (as in a .contentexport package), which is published as a new service and cannot be loaded into the existing one; nothing was changed: use --on-conflict copy, or delete the target service and restore again",
            export.trim_start_matches("export/")
        ));
    }
    let target = ctx
        .client
        .item(target_id)
        .await
        .map_err(|e| format!("the item to overwrite: {e}"))?;
    let url = target
        .item
        .url
        .clone()
        .ok_or("the item to overwrite has no service URL")?
        .trim_end_matches('/')
        .to_string();

    // Stage: definitions present, every features file readable and counted, same layers.
    let ids = layer_ids(&archive);
    let mut defs = Vec::new();
    for id in &ids {
        let def = archive
            .json(&format!("layers/{id}.json"))?
            .ok_or_else(|| format!("layers/{id}.json is missing"))?;
        defs.push((*id, def));
    }
    if !is_view {
        for (id, _) in &defs {
            let entry = format!("layers/{id}.features.json");
            if !archive.has(&entry) {
                continue;
            }
            let path = archive.path().to_path_buf();
            let staged = tokio::task::spawn_blocking(move || -> Result<u64, String> {
                let file = std::fs::File::open(&path).map_err(|e| e.to_string())?;
                let mut zip = zip::ZipArchive::new(file).map_err(|e| e.to_string())?;
                let reader = zip.by_name(&entry).map_err(|e| e.to_string())?;
                crate::engine::archive::verify::count_features(std::io::BufReader::new(reader))
                    .map_err(|e| e.to_string())
            })
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| {
                format!(
                    "layer {id}: the backed-up features cannot be read ({e}); nothing was changed"
                )
            })?;
            if let Some(want) = expected.get(&id.to_string())
                && *want != staged
            {
                return Err(format!(
                    "layer {id}: the archive holds {staged} features but the manifest says {want}; nothing was changed"
                ));
            }
        }
    }
    let live: Value = ctx
        .client
        .json(crate::client::request::Call::get(format!("{url}/layers")))
        .await
        .map_err(|e| format!("the target service's layers: {e}"))?;
    let live_ids: std::collections::BTreeSet<i64> = ["layers", "tables"]
        .iter()
        .flat_map(|k| {
            live.get(*k)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|l| l.get("id").and_then(Value::as_i64))
        .collect();
    let want_ids: std::collections::BTreeSet<i64> = ids.iter().copied().collect();
    if live_ids != want_ids {
        return Err(format!(
            "the target service has layers {live_ids:?} but the backup has {want_ids:?}; its schema changed, so it is not overwritten: use --on-conflict copy"
        ));
    }

    // Reload (an archive without features, e.g. a package without data, leaves the rows alone).
    let mut outcome = ServiceOutcome::default();
    let with_features = super::publish::has_features(&archive);
    if !is_view && !with_features {
        notes.push(
            "no feature data in the archive: the target layers' rows were left as they are".into(),
        );
    }
    if !is_view && with_features {
        for (id, _) in &defs {
            ctx.client
                .truncate_layer(&format!("{url}/{id}"))
                .await
                .map_err(|e| format!("emptying layer {id}: {e}"))?;
        }
        outcome.attachments =
            load_layers(ctx, &mut archive, &url, &defs, planned, expected, sink).await?;
        for (id, _) in &defs {
            let (want, got) = count_layer(ctx, &url, *id, expected, &mut outcome).await?;
            if got != want {
                return Err(format!(
                    "layer {id}: {got} features in the target, {want} in the snapshot"
                ));
            }
        }
    }

    dress_service_item(ctx, &mut archive, &item, owner, target_id).await?;
    resources(
        ctx,
        &mut archive,
        owner,
        target_id,
        &ctx.remap(),
        true,
        notes,
    )
    .await?;
    sharing(ctx, &mut archive, owner, target_id, notes).await?;
    Ok(outcome)
}
