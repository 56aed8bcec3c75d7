//! `addResources`, `updateResources` and `removeResources` on an item.

use super::ctx::Ctx;
use super::ids::now_ms;
use super::model::Resource;
use super::multipart::Part;
use super::respond;
use super::state::Shared;
use super::write_auth::{flag, raw};
use serde_json::json;
use std::collections::BTreeMap;

/// The 1000-files-per-item limit of ArcGIS Online.
const MAX_RESOURCES: usize = 1000;

fn done(s: &Shared, ctx: &Ctx, user: &str, id: &str) -> serde_json::Value {
    let folder = s.org().item(id).and_then(|it| it.folder.clone());
    let _ = ctx;
    json!({"success": true, "itemId": id, "owner": user, "folder": folder})
}

/// `addResources` / `updateResources`: a multipart `file` (name from `fileName` or the file
/// part) or `text` with `fileName`, under `resourcesPrefix`, with `access` `inherit`|`private`.
/// `updateResources` requires the resource to exist; `addResources` replaces one that does.
pub fn add(
    s: &Shared,
    ctx: &Ctx,
    files: &BTreeMap<String, Part>,
    user: &str,
    id: &str,
    update: bool,
) -> Response {
    let (name, bytes) = match (files.get("file"), raw(ctx, "text")) {
        (Some(f), _) => (
            ctx.param("fileName")
                .map(str::to_string)
                .or_else(|| f.file_name.clone())
                .unwrap_or_default(),
            f.bytes.clone(),
        ),
        (None, Some(t)) => (
            ctx.param("fileName").unwrap_or_default().to_string(),
            bytes::Bytes::copy_from_slice(t.as_bytes()),
        ),
        (None, None) => {
            return respond::error(ctx, 400, None, "'file' or 'text' must be specified.", &[]);
        }
    };
    if name.is_empty() {
        return respond::error(ctx, 400, None, "'fileName' must be specified.", &[]);
    }
    let path = match ctx.param("resourcesPrefix") {
        Some(p) => format!("{}/{name}", p.trim_matches('/')),
        None => name,
    };
    let access = if ctx.param("access") == Some("private") {
        "private"
    } else {
        "inherit"
    };
    let mut org = s.org_mut();
    let Some(it) = org.item_mut(id) else {
        return respond::item_missing(ctx);
    };
    let existing = it.resources.iter().position(|r| r.path == path);
    match (existing, update) {
        (None, true) => {
            drop(org);
            return respond::error(
                ctx,
                404,
                None,
                "Resource does not exist or is inaccessible.",
                &[],
            );
        }
        (Some(i), _) => {
            let r = &mut it.resources[i];
            r.bytes = bytes;
            r.access = access;
        }
        (None, false) if it.resources.len() >= MAX_RESOURCES => {
            drop(org);
            return respond::error(ctx, 400, None, "Item has too many resources.", &[]);
        }
        (None, false) => it.resources.push(Resource {
            path,
            bytes,
            created: now_ms(),
            access,
        }),
    }
    drop(org);
    respond::json(ctx, &done(s, ctx, user, id))
}

/// `removeResources`: `resource` (a path) or `deleteAll=true`.
pub fn remove(s: &Shared, ctx: &Ctx, user: &str, id: &str) -> Response {
    let all = flag(ctx, "deleteAll");
    let wanted = ctx.param("resource").map(str::to_string);
    {
        let mut org = s.org_mut();
        let Some(it) = org.item_mut(id) else {
            return respond::item_missing(ctx);
        };
        if all {
            it.resources.clear();
        } else {
            let Some(path) = wanted else {
                return respond::error(ctx, 400, None, "'resource' must be specified.", &[]);
            };
            let before = it.resources.len();
            it.resources.retain(|r| r.path != path);
            if it.resources.len() == before {
                return respond::error(
                    ctx,
                    404,
                    None,
                    "Resource does not exist or is inaccessible.",
                    &[],
                );
            }
        }
    }
    respond::json(ctx, &done(s, ctx, user, id))
}

use axum::response::Response;
