//! Hosted feature layer export and the temp-item lifecycle: `POST /content/users/{u}/export`,
//! `/content/users/{u}/items/{id}/status`, `/content/users/{u}/items/{id}/delete`.
//!
//! `GeoJson` exports hold the layer's real features (a FeatureCollection in WGS84); `File
//! Geodatabase` exports are the fake's own FGDB zip carrying the whole service
//! (`features::fgdb`, publishable again); the other formats are small placeholder archives (a
//! zip with one stored file) or an empty Feature Collection. Jobs report `processing` on the
//! first status poll and `completed` afterwards.
//! The owner and admins may always export; others only when the service has `Extract`.

use super::ctx::Ctx;
use super::ids::{now_ms, secret, stable_id};
use super::items::caller_or_return;
use super::model::ItemData;
use super::respond;
use super::seed_items::{new_item, tiny_zip};
use super::state::Shared;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;
use std::sync::Arc;

/// (item type, data) of an export in `format`; `geojson` is the FeatureCollection text.
fn output(
    format: &str,
    base: &str,
    geojson: impl FnOnce() -> String,
) -> Option<(&'static str, ItemData)> {
    let zip = |ty: &'static str, ext: &str| {
        let name = format!("{base}.zip");
        let inner = format!("{base}.{ext}");
        Some((
            ty,
            ItemData::File {
                bytes: tiny_zip(&inner, b"placeholder export from the agol-tui fake portal"),
                content_type: "application/zip",
                file_name: name,
            },
        ))
    };
    match format.to_ascii_lowercase().as_str() {
        "file geodatabase" => zip("File Geodatabase", "gdb"),
        "shapefile" => zip("Shapefile", "shp"),
        "csv" => zip("CSV Collection", "csv"),
        "excel" => zip("Microsoft Excel", "xlsx"),
        "kml" => zip("KML Collection", "kml"),
        "geopackage" => zip("GeoPackage", "gpkg"),
        "geojson" => Some((
            "GeoJson",
            ItemData::File {
                bytes: geojson().into_bytes().into(),
                content_type: "application/geo+json",
                file_name: format!("{base}.geojson"),
            },
        )),
        "feature collection" => Some((
            "Feature Collection",
            ItemData::Json(r#"{"layers":[]}"#.to_string()),
        )),
        _ => None,
    }
}

/// The first layer id named in `exportParameters` (`{"layers":[{"id":0}]}`), if any.
fn first_layer(ctx: &Ctx) -> Option<i64> {
    let v: serde_json::Value = serde_json::from_str(ctx.param("exportParameters")?).ok()?;
    v["layers"][0]["id"].as_i64()
}

/// Tags sent by the caller (`tags=a,b`), trimmed, blanks dropped.
fn tags(ctx: &Ctx) -> Vec<String> {
    ctx.param("tags")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// `POST /content/users/{user}/export`.
pub async fn export(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path(user): Path<String>,
) -> Response {
    let caller = caller_or_return!(ctx, s);
    let Some(c) = caller else {
        return respond::token_required(&ctx);
    };
    let item_id = ctx.param("itemId").unwrap_or("").to_string();
    let format = ctx.param("exportFormat").unwrap_or("").to_string();
    let mut org = s.org.write().expect("org lock");
    if c != user && !org.is_admin(Some(&c)) {
        return respond::forbidden(&ctx, false);
    }
    let Some(src) = org.item(&item_id).cloned() else {
        return respond::item_missing(&ctx);
    };
    if !org.can_see_item(Some(&c), &src) {
        return respond::forbidden(&ctx, false);
    }
    if !src.type_keywords.iter().any(|k| k == "Hosted Service") {
        return respond::error(
            &ctx,
            400,
            None,
            "Export is only supported for hosted feature services.",
            &[],
        );
    }
    let service = s.hosted.service_for_item(&src.id);
    let may_extract = service.as_ref().is_some_and(|(_, caps)| {
        caps.split(',')
            .any(|c| c.trim().eq_ignore_ascii_case("Extract"))
    });
    if src.owner != c && !org.is_admin(Some(&c)) && !may_extract {
        return respond::error(
            &ctx,
            403,
            None,
            "User does not have permissions to export this item.",
            &[],
        );
    }
    let base = src.name.clone().unwrap_or_else(|| src.title.clone());
    let layer = first_layer(&ctx);
    let geojson = || {
        service
            .as_ref()
            .and_then(|(name, _)| s.hosted.geojson_export(name, layer))
            .unwrap_or_else(|| r#"{"type":"FeatureCollection","features":[]}"#.to_string())
    };
    let fgdb = format.eq_ignore_ascii_case("File Geodatabase");
    let Some((ty, mut data)) = output(&format, &base, geojson) else {
        return respond::error(&ctx, 400, None, "Invalid export format.", &[&format]);
    };
    if fgdb {
        let zip = service
            .as_ref()
            .and_then(|(name, _)| s.hosted.fgdb_export(name, &base));
        match zip {
            Some(Ok(bytes)) => {
                data = ItemData::File {
                    bytes,
                    content_type: "application/zip",
                    file_name: format!("{base}.zip"),
                };
            }
            Some(Err(e)) => return respond::error(&ctx, 500, None, "Export failed.", &[&e]),
            None => {
                let e = "The item has no hosted service in the fake.";
                return respond::error(&ctx, 400, None, "Export failed.", &[e]);
            }
        }
    }
    let job_id = format!("{}::{}", secret(32), org.id);
    let new_id = stable_id(&format!("export:{job_id}"));
    let title = ctx
        .param("title")
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}_export", src.title));
    let mut it = new_item(new_id.clone(), &user, None, &title, ty);
    it.name = match &data {
        ItemData::File { file_name, .. } => Some(file_name.clone()),
        _ => None,
    };
    it.size = data.len() as i64;
    it.tags = tags(&ctx);
    it.type_keywords = vec!["Export".into(), "Data".into()];
    it.data = data;
    it.thumbnail = None;
    it.thumbnail_bytes = None;
    it.created = now_ms();
    it.modified = it.created;
    org.items.push(it);
    org.reindex();
    s.jobs.lock().expect("jobs lock").insert(job_id.clone(), 0);
    respond::json(
        &ctx,
        &json!({"type": "file", "size": 0, "jobId": job_id, "serviceItemId": item_id,
        "exportFormat": format, "exportItemId": new_id}),
    )
}

#[allow(clippy::result_large_err)] // the error is the ready-made response
fn owner_or_admin(s: &Shared, ctx: &Ctx, user: &str, id: &str) -> Result<(), Response> {
    let caller = ctx.caller(s)?;
    let org = s.org();
    if org.item(id).is_none_or(|it| it.owner != user) {
        return Err(respond::item_missing(ctx));
    }
    match caller.as_deref() {
        None => Err(respond::token_required(ctx)),
        Some(c) if c == user || org.is_admin(Some(c)) => Ok(()),
        Some(_) => Err(respond::forbidden(ctx, false)),
    }
}

/// `GET /content/users/{user}/items/{id}/status[?jobId=&jobType=]` (export, publish and
/// multipart upload jobs).
pub async fn status(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path((user, id)): Path<(String, String)>,
) -> Response {
    if let Err(r) = owner_or_admin(&s, &ctx, &user, &id) {
        return r;
    }
    job_status(&s, &ctx, &id)
}

/// The status answer for item `id` (caller already checked): an upload, export or publish job.
pub fn job_status(s: &Shared, ctx: &Ctx, id: &str) -> Response {
    let uploading = s.uploads.lock().expect("uploads").contains_key(id);
    let state = match ctx.param("jobId") {
        None if uploading => "partial",
        None => "completed",
        Some(job) => {
            let mut jobs = s.jobs.lock().expect("jobs lock");
            match jobs.get_mut(job) {
                None => return respond::error(ctx, 400, None, "Job not found.", &[]),
                Some(polls) => {
                    *polls += 1;
                    if *polls > 1 {
                        "completed"
                    } else {
                        "processing"
                    }
                }
            }
        }
    };
    respond::json(
        ctx,
        &json!({"status": state, "statusMessage": state, "itemId": id}),
    )
}

/// `POST /content/users/{user}/items/{id}/delete` (`permanentDelete` accepted; protected
/// items fail with `CONT_0048`).
pub async fn delete(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path((user, id)): Path<(String, String)>,
) -> Response {
    if let Err(r) = owner_or_admin(&s, &ctx, &user, &id) {
        return r;
    }
    if ctx.method != axum::http::Method::POST {
        return respond::error(&ctx, 405, None, "Method not supported.", &[]);
    }
    let mut org = s.org.write().expect("org lock");
    if org.item(&id).is_some_and(|it| it.protected) {
        return respond::error(
            &ctx,
            400,
            Some("CONT_0048"),
            "Unable to delete item. Delete protection is turned on.",
            &[],
        );
    }
    org.items.retain(|it| it.id != id);
    org.relationships.retain(|r| r.origin != id && r.dest != id);
    org.reindex();
    drop(org);
    s.hosted.remove_service_of_item(&id);
    respond::json(&ctx, &json!({"success": true, "itemId": id}))
}
