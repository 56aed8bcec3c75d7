//! A hosted feature service rebuilt from a server-side export (`export/<file>`, e.g. the File
//! Geodatabase of a `.contentexport` package) when the archive holds no features: the file is
//! uploaded as an item (`addPart` when large), published under the planned service name
//! (`publish`, then `/status?jobType=publish` until done), the new item is given the archived
//! item's properties, thumbnail, metadata, resources and sharing, layer-level extras
//! (`drawingInfo`, `description`, `maxRecordCount`) are applied where they differ, counts are
//! checked when the manifest has them, and the uploaded file item is deleted.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Map, Value, json};

use super::context::Ctx;
use super::features::{ServiceOutcome, count_layer, dress_service_item, layer_ids};
use super::items::{resources, sharing, upload_parts};
use super::plan::PlannedItem;
use super::source::ItemArchive;
use crate::client::api::content_write::{ItemContent, ItemWrite};

/// Layer keys applied with `updateDefinition` when the published layer differs.
const LAYER_EXTRAS: &[&str] = &["drawingInfo", "description", "maxRecordCount"];

/// How long a publish job may run before the restore gives up on it.
const MAX_POLLS: u32 = 3600;

/// True when the archive holds features for at least one layer (`layers/<id>.features.json`).
pub fn has_features(archive: &ItemArchive) -> bool {
    archive.names_under("layers/").iter().any(|n| {
        n.strip_prefix("layers/")
            .and_then(|r| r.strip_suffix(".features.json"))
            .is_some_and(|id| !id.contains('/'))
    })
}

/// The archive's export entry (`export/<file>`), if any.
pub fn export_entry(archive: &ItemArchive) -> Option<String> {
    archive.names_under("export/").into_iter().next()
}

/// The item type to upload as and the `filetype` to publish with, from the package's
/// `data_item_type` (kept in `archive.json` `export`) or else the file extension.
pub fn file_kind(
    data_item_type: Option<&str>,
    file_name: &str,
) -> Result<(&'static str, &'static str), String> {
    let by_type = match data_item_type.map(str::to_ascii_lowercase).as_deref() {
        Some("file geodatabase" | "filegeodatabase") => {
            Some(("File Geodatabase", "fileGeodatabase"))
        }
        Some("shapefile") => Some(("Shapefile", "shapefile")),
        Some("service definition" | "servicedefinition") => {
            Some(("Service Definition", "serviceDefinition"))
        }
        Some("geojson") => Some(("GeoJson", "geojson")),
        Some("csv") => Some(("CSV", "csv")),
        _ => None,
    };
    if let Some(k) = by_type {
        return Ok(k);
    }
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "zip" => Ok(("File Geodatabase", "fileGeodatabase")),
        "sd" => Ok(("Service Definition", "serviceDefinition")),
        "geojson" => Ok(("GeoJson", "geojson")),
        "csv" => Ok(("CSV", "csv")),
        _ => Err(format!(
            "the export {file_name} ({}) cannot be published: only File Geodatabase, Shapefile, Service Definition, GeoJSON and CSV exports are",
            data_item_type.unwrap_or("unknown type")
        )),
    }
}

/// Publishes the archive's export as a new hosted feature service; returns its item id.
pub async fn publish_service(
    ctx: &Ctx<'_>,
    planned: &PlannedItem,
    expected: &BTreeMap<String, u64>,
    notes: &mut Vec<String>,
) -> Result<(String, ServiceOutcome), String> {
    let mut archive = ItemArchive::open(&planned.archive)?;
    let item = archive.json("item.json")?.unwrap_or(Value::Null);
    let descriptor = archive.json("archive.json")?.unwrap_or(Value::Null);
    let entry = export_entry(&archive).ok_or("the archive has no export to publish")?;
    let file_name = entry.trim_start_matches("export/").to_string();
    let (upload_type, file_type) = file_kind(
        descriptor
            .pointer("/export/data_item_type")
            .and_then(Value::as_str),
        &file_name,
    )?;
    let name = planned
        .service_name
        .clone()
        .ok_or("no service name was planned")?;
    let owner = planned.target_owner.as_str();
    let mut defs = Vec::new();
    for id in layer_ids(&archive) {
        let def = archive
            .json(&format!("layers/{id}.json"))?
            .ok_or_else(|| format!("layers/{id}.json is missing"))?;
        defs.push((id, def));
    }
    let folder = ctx
        .folder_id(owner, planned.target_folder.as_deref())
        .await?;

    // 1. Upload the export as a file item (after removing one a killed run left behind).
    let upload_title = format!("{name} (agol-tui restore upload)");
    remove_old_uploads(ctx, owner, &upload_title, upload_type, notes).await;
    let (path, size) = archive.extract(&entry, &ctx.spool)?;
    let large = size > ctx.options.large_file;
    let content = if large {
        ItemContent::Multipart {
            file_name: file_name.clone(),
        }
    } else {
        ItemContent::File {
            path: path.clone(),
            file_name: file_name.clone(),
        }
    };
    let write = ItemWrite {
        params: vec![
            ("title".into(), upload_title.clone()),
            ("type".into(), upload_type.into()),
            ("tags".into(), "agol-tui-restore".into()),
        ],
        ..ItemWrite::default()
    };
    let uploaded = ctx
        .paced(|| {
            ctx.client
                .add_item(owner, folder.as_deref(), &write, &content)
        })
        .await
        .map_err(|e| format!("addItem of the export {file_name}: {e}"));
    let uploaded = match uploaded {
        Ok(u) => u,
        Err(e) => {
            let _ = std::fs::remove_file(&path);
            return Err(e);
        }
    };
    let result = async {
        if large {
            let meta = json!({"type": upload_type, "title": upload_title});
            upload_parts(ctx, owner, &uploaded.id, &path, &meta).await?;
        }
        // 2. Publish it and record the new service at once (a rerun must not publish twice).
        let params = json!({"name": name});
        let keep_id = ctx.options.preserve_ids.then_some(planned.old_id.as_str());
        let published = ctx
            .paced(|| {
                ctx.client.publish_item(
                    owner,
                    folder.as_deref(),
                    &uploaded.id,
                    file_type,
                    &params,
                    keep_id,
                )
            })
            .await
            .map_err(|e| format!("publish: {e}"))?;
        let new_url = published.service_url.trim_end_matches('/').to_string();
        ctx.created(planned, &published.service_item_id, Some(&new_url));
        wait_for_publish(
            ctx,
            owner,
            &published.service_item_id,
            published.job_id.as_deref(),
        )
        .await?;
        Ok::<_, String>((published.service_item_id, new_url))
    }
    .await;
    let _ = std::fs::remove_file(&path);
    // 3. The uploaded file item is only a vehicle: delete it whatever happened.
    match ctx.client.delete_item(owner, &uploaded.id, true).await {
        Ok(()) => notes.push(format!(
            "published from the export {file_name}; the uploaded {upload_type} item was deleted"
        )),
        Err(e) => notes.push(format!(
            "the uploaded {upload_type} item {} could not be deleted ({e}); delete it by hand",
            uploaded.id
        )),
    }
    let (new_id, new_url) = result?;

    // 4. The item's own properties, thumbnail and formal metadata.
    dress_service_item(ctx, &mut archive, &item, owner, &new_id).await?;

    // 5. Layer extras, then counts.
    let mut outcome = ServiceOutcome::default();
    for (id, def) in &defs {
        let layer_url = format!("{new_url}/{id}");
        let live: Value = ctx
            .client
            .json(crate::client::request::Call::get(&layer_url))
            .await
            .map_err(|e| format!("the published layer {id}: {e}"))?;
        let mut patch = Map::new();
        for k in LAYER_EXTRAS {
            if let Some(v) = def.get(*k)
                && live.get(*k) != Some(v)
            {
                patch.insert((*k).into(), v.clone());
            }
        }
        if !patch.is_empty() {
            let keys: Vec<String> = patch.keys().cloned().collect();
            if let Err(e) = ctx
                .client
                .update_layer_definition(&layer_url, &Value::Object(patch))
                .await
            {
                notes.push(format!(
                    "layer {id}: {} not applied (updateDefinition: {e})",
                    keys.join(", ")
                ));
            }
        }
        let (want, got) = count_layer(ctx, &new_url, *id, expected, &mut outcome).await?;
        if got != want {
            return Err(format!(
                "layer {id}: {got} features in the published service, {want} in the snapshot"
            ));
        }
    }
    resources(
        ctx,
        &mut archive,
        owner,
        &new_id,
        &ctx.remap(),
        false,
        notes,
    )
    .await?;
    sharing(ctx, &mut archive, owner, &new_id, notes).await?;
    Ok((new_id, outcome))
}

/// Deletes uploads of the same title and type that an interrupted run left (best effort).
async fn remove_old_uploads(
    ctx: &Ctx<'_>,
    owner: &str,
    title: &str,
    item_type: &str,
    notes: &mut Vec<String>,
) {
    let q = format!("owner:{owner} AND title:\"{}\"", title.replace('"', " "));
    let Ok(found) = ctx.client.search(&q).await else {
        return;
    };
    for old in found
        .into_iter()
        .filter(|i| i.title == title && i.item_type == item_type)
    {
        match ctx.client.delete_item(owner, &old.id, true).await {
            Ok(()) => notes.push(format!(
                "removed the upload {} an earlier run left behind",
                old.id
            )),
            Err(e) => notes.push(format!(
                "the upload {} an earlier run left behind could not be deleted ({e})",
                old.id
            )),
        }
    }
}

/// Polls the service item's publish job until it completes; `failed` is an error with the
/// portal's message.
async fn wait_for_publish(
    ctx: &Ctx<'_>,
    owner: &str,
    id: &str,
    job_id: Option<&str>,
) -> Result<(), String> {
    for _ in 0..MAX_POLLS {
        let status = ctx
            .client
            .job_status(owner, id, job_id, "publish")
            .await
            .map_err(|e| format!("publish failed (job status: {e})"))?;
        match status.get("status").and_then(Value::as_str) {
            Some("completed") => return Ok(()),
            None => {
                return Err(format!(
                    "publish job status answer has no status field: {status}"
                ));
            }
            Some("failed") => {
                let message = status
                    .get("statusMessage")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| status.to_string());
                return Err(format!("publish failed: {message}"));
            }
            _ => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
    Err("the publish job did not finish in 30 minutes".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn export_kinds() {
        assert_eq!(
            file_kind(Some("File Geodatabase"), "x.zip").unwrap(),
            ("File Geodatabase", "fileGeodatabase")
        );
        assert_eq!(file_kind(None, "x.sd").unwrap().1, "serviceDefinition");
        assert_eq!(file_kind(None, "X.ZIP").unwrap().1, "fileGeodatabase");
        assert!(file_kind(None, "x.gpkg").is_err());
    }
}
