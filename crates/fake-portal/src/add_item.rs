//! `addItem` (urlencoded or multipart; `multipart=true` starts a part upload), `addPart`,
//! `commit` and `parts`.

use super::ctx::Ctx;
use super::ids::{is_item_id, new_item_id, now_ms};
use super::item_fields;
use super::model::{ItemData, Relationship};
use super::multipart::{Part, files};
use super::respond;
use super::seed_items::new_item;
use super::state::Shared;
use super::upload::Upload;
use super::write_auth::{acting_for, flag, folder_of};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A blank item of `owner` (no description, tags, thumbnail or extent), created now.
pub fn blank_item(id: String, owner: &str, folder: Option<String>) -> super::model::Item {
    let mut it = new_item(id, owner, folder, "", "");
    it.description = None;
    it.snippet = None;
    it.tags.clear();
    it.thumbnail = None;
    it.thumbnail_bytes = None;
    it.extent.clear();
    it.spatial_reference = None;
    it.access_information = None;
    let now = now_ms();
    it.created = now;
    it.modified = now;
    it
}

/// The id for a new item: `itemIdToCreate` on Enterprise (validated, must be free); a fresh
/// random id otherwise (ArcGIS Online ignores `itemIdToCreate`).
#[allow(clippy::result_large_err)] // the error is the ready-made response
pub fn id_to_create(s: &Shared, ctx: &Ctx) -> Result<String, Response> {
    let wanted = ctx.param("itemIdToCreate");
    let Some(w) = wanted.filter(|_| s.enterprise) else {
        return Ok(new_item_id());
    };
    if !is_item_id(w) {
        return Err(respond::error(
            ctx,
            400,
            None,
            "Invalid itemIdToCreate. It must be 32 lowercase hexadecimal characters.",
            &[],
        ));
    }
    if s.org().item(w).is_some() {
        return Err(respond::error(
            ctx,
            409,
            None,
            &format!("Item '{w}' already exists."),
            &[],
        ));
    }
    Ok(w.to_string())
}

fn add(
    s: &Shared,
    ctx: &Ctx,
    headers: &HeaderMap,
    body: &[u8],
    user: &str,
    folder: Option<&str>,
) -> Response {
    if let Err(r) = acting_for(s, ctx, user) {
        return r;
    }
    let folder = match folder_of(s, ctx, user, folder) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let files = files(headers, body);
    if ctx.param("title").is_none() && !flag(ctx, "multipart") {
        return respond::error(ctx, 400, None, "'title' must be specified.", &[]);
    }
    if ctx.param("type").is_none() {
        return respond::error(ctx, 400, None, "'type' must be specified.", &[]);
    }
    let id = match id_to_create(s, ctx) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let mut it = blank_item(id.clone(), user, folder.clone());
    if let Err((code, mc, msg)) = item_fields::apply(&mut it, ctx, &files, false) {
        return respond::error(ctx, code, mc, &msg, &[]);
    }
    if flag(ctx, "multipart") {
        let name = ctx
            .param("filename")
            .or_else(|| ctx.param("fileName"))
            .unwrap_or("data")
            .to_string();
        it.name = Some(name.clone());
        if it.title.is_empty() {
            it.title = name.clone();
        }
        s.uploads.lock().expect("uploads").insert(
            id.clone(),
            Upload {
                file_name: name,
                parts: BTreeMap::new(),
            },
        );
    }
    let mut org = s.org_mut();
    let rel = ctx.param("relationshipType").map(|t| {
        let (origin, dest) = match ctx.param("originItemId") {
            Some(o) => (o.to_string(), id.clone()),
            None => (
                id.clone(),
                ctx.param("destinationItemId").unwrap_or("").to_string(),
            ),
        };
        Relationship {
            rel_type: t.to_string(),
            origin,
            dest,
        }
    });
    org.items.push(it);
    org.reindex();
    if let Some(r) = rel.filter(|r| org.item(&r.origin).is_some() && org.item(&r.dest).is_some()) {
        org.relationships.push(r);
    }
    respond::json(ctx, &json!({"success": true, "id": id, "folder": folder}))
}

/// `POST /content/users/{user}/addItem` → `{"success":true,"id":…,"folder":null}`.
pub async fn add_root(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path(user): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    add(&s, &ctx, &headers, &body, &user, None)
}

/// `POST /content/users/{user}/{folderId}/addItem` → `{"success":true,"id":…,"folder":…}`.
pub async fn add_in_folder(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path((user, folder)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    add(&s, &ctx, &headers, &body, &user, Some(&folder))
}

/// `addPart?partNum=N` with a multipart `file` → `{"success":true}`.
pub fn add_part(s: &Shared, ctx: &Ctx, files: &BTreeMap<String, Part>, id: &str) -> Response {
    let n = ctx.num("partNum", 0);
    if !(1..=10_000).contains(&n) {
        return respond::error(
            ctx,
            400,
            None,
            "'partNum' must be between 1 and 10000.",
            &[],
        );
    }
    let Some(f) = files.get("file") else {
        return respond::error(ctx, 400, None, "'file' must be specified.", &[]);
    };
    let mut uploads = s.uploads.lock().expect("uploads");
    let Some(u) = uploads.get_mut(id) else {
        return respond::error(ctx, 400, None, "Item is not a multipart upload.", &[]);
    };
    u.parts.insert(n as u32, f.bytes.clone());
    respond::json(ctx, &json!({"success": true}))
}

/// `parts` → `{"parts":[1,2,…]}`.
pub fn parts(s: &Shared, ctx: &Ctx, id: &str) -> Response {
    let uploads = s.uploads.lock().expect("uploads");
    let nums: Vec<u32> = uploads
        .get(id)
        .map(|u| u.parts.keys().copied().collect())
        .unwrap_or_default();
    respond::json(ctx, &json!({"parts": nums}))
}

/// `commit` (item parameters allowed) → `{"success":true,"id":…}`; the file is the parts in
/// order. `/status` then answers `completed`.
pub fn commit(s: &Shared, ctx: &Ctx, files: &BTreeMap<String, Part>, id: &str) -> Response {
    let Some(up) = s.uploads.lock().expect("uploads").remove(id) else {
        return respond::error(ctx, 400, None, "Item is not a multipart upload.", &[]);
    };
    let bytes = up.assemble();
    let mut org = s.org_mut();
    let Some(it) = org.item_mut(id) else {
        return respond::item_missing(ctx);
    };
    if let Err((code, mc, msg)) = item_fields::apply(it, ctx, files, false) {
        return respond::error(ctx, code, mc, &msg, &[]);
    }
    it.size = bytes.len() as i64;
    it.data = ItemData::File {
        bytes,
        content_type: super::item_files::mime_for(&up.file_name),
        file_name: up.file_name,
    };
    it.modified = now_ms().max(it.modified + 1);
    respond::json(ctx, &json!({"success": true, "id": id}))
}
