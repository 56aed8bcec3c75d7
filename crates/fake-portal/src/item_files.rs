//! Item files: `/data`, `/info/...` (thumbnail, metadata, iteminfo.xml, form.json),
//! `/resources` listing and `/resources/{path}` downloads.

use super::ctx::Ctx;
use super::items::{caller_or_return, visible};
use super::model::{Item, ItemData};
use super::respond;
use super::state::Shared;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::Response;
use serde_json::json;
use std::sync::Arc;

/// The MIME type for a file name, from its extension.
pub fn mime_for(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "json" => "application/json",
        "xml" => "application/xml",
        "zip" => "application/zip",
        "pdf" => "application/pdf",
        "csv" => "text/csv",
        _ => "application/octet-stream",
    }
}

fn file_missing(status: u16, message: &str) -> Response {
    let body = json!({"error": {"code": status, "message": message, "details": []}});
    respond::bytes(status, "application/json; charset=utf-8", body.to_string())
}

/// `GET /content/items/{id}/data`.
pub async fn data(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path(id): Path<String>,
) -> Response {
    let caller = caller_or_return!(ctx, s);
    let org = s.org();
    let it = match visible(&org, &ctx, caller.as_deref(), &id) {
        Ok(it) => it,
        Err(r) => return r,
    };
    match &it.data {
        ItemData::None => respond::bytes(200, "text/plain; charset=utf-8", ""),
        ItemData::Json(text) => respond::bytes(200, "text/plain; charset=utf-8", text.clone()),
        ItemData::File {
            bytes,
            content_type,
            file_name,
        } => {
            let mut r = respond::bytes(200, content_type, bytes.clone());
            let disp = format!("attachment; filename=\"{file_name}\"");
            if let Ok(v) = HeaderValue::from_str(&disp) {
                r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
            r
        }
        ItemData::Stream {
            len,
            seed,
            content_type,
            file_name,
        } => {
            let mut r = respond::bytes(200, content_type, super::stream_data::body(*seed, *len));
            r.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(*len));
            let disp = format!("attachment; filename=\"{file_name}\"");
            if let Ok(v) = HeaderValue::from_str(&disp) {
                r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
            r
        }
        ItemData::Broken => respond::html(
            500,
            "Internal Server Error",
            "<h1>500 Internal Server Error</h1>",
        ),
    }
}

fn iteminfo_xml(it: &Item) -> String {
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ESRI_ItemInformation Culture=\"en-US\">\
         <name>{}</name><title>{}</title><type>{}</type><typekeywords>{}</typekeywords>\
         <tags>{}</tags><snippet>{}</snippet><guid>{}</guid></ESRI_ItemInformation>\n",
        esc(it.name.as_deref().unwrap_or("")),
        esc(&it.title),
        esc(&it.item_type),
        it.type_keywords
            .iter()
            .map(|k| format!("<typekeyword>{}</typekeyword>", esc(k)))
            .collect::<String>(),
        it.tags
            .iter()
            .map(|k| format!("<tag>{}</tag>", esc(k)))
            .collect::<String>(),
        esc(it.snippet.as_deref().unwrap_or("")),
        it.id
    )
}

/// `GET /content/items/{id}/info/{path}`.
pub async fn info(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path((id, path)): Path<(String, String)>,
) -> Response {
    let caller = caller_or_return!(ctx, s);
    let org = s.org();
    let it = match visible(&org, &ctx, caller.as_deref(), &id) {
        Ok(it) => it,
        Err(r) => return r,
    };
    if it.thumbnail.as_deref() == Some(path.as_str()) {
        return match &it.thumbnail_bytes {
            Some(b) => respond::bytes(200, mime_for(&path), b.clone()),
            None => file_missing(404, "File not found"),
        };
    }
    match path.as_str() {
        "metadata/metadata.xml" => match &it.metadata {
            Some(x) => respond::bytes(200, "application/xml", x.clone()),
            None => file_missing(404, "Item metadata does not exist or is inaccessible."),
        },
        "iteminfo.xml" => respond::bytes(200, "application/xml", iteminfo_xml(it)),
        other => match it.info_files.get(other) {
            Some((ct, b)) => respond::bytes(200, ct, b.clone()),
            None => file_missing(404, "File not found"),
        },
    }
}

/// `GET /content/items/{id}/resources` (paged; `num` up to 1000).
pub async fn resources(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path(id): Path<String>,
) -> Response {
    let caller = caller_or_return!(ctx, s);
    let body = {
        let org = s.org();
        let it = match visible(&org, &ctx, caller.as_deref(), &id) {
            Ok(it) => it,
            Err(r) => return r,
        };
        let privileged = org.item_control(caller.as_deref(), it).is_some();
        let mut list: Vec<_> = it
            .resources
            .iter()
            .filter(|r| privileged || r.access != "private")
            .collect();
        match ctx
            .param("sortField")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("size") => list.sort_by_key(|r| r.bytes.len()),
            Some("resource") => list.sort_by(|a, b| a.path.cmp(&b.path)),
            _ => list.sort_by_key(|r| r.created),
        }
        if ctx
            .param("sortOrder")
            .is_some_and(|o| o.eq_ignore_ascii_case("desc"))
        {
            list.reverse();
        }
        let start = ctx.num("start", 1).max(1);
        let num = ctx.num("num", 10).clamp(0, 1000);
        let (from, to, next) = super::views::page(list.len(), start, num);
        let rows: Vec<_> = list[from..to]
            .iter()
            .map(|r| {
                let mut v =
                    json!({"resource": r.path, "created": r.created, "size": r.bytes.len()});
                if privileged {
                    v["access"] = json!(r.access);
                }
                v
            })
            .collect();
        json!({"total": list.len(), "start": start, "num": rows.len(), "nextStart": next, "resources": rows})
    };
    respond::json(&ctx, &body)
}

/// `GET /content/items/{id}/resources/{path}`.
pub async fn resource_file(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path((id, path)): Path<(String, String)>,
) -> Response {
    let caller = caller_or_return!(ctx, s);
    let org = s.org();
    let it = match visible(&org, &ctx, caller.as_deref(), &id) {
        Ok(it) => it,
        Err(r) => return r,
    };
    let found = it.resources.iter().find(|r| r.path == path);
    match found {
        Some(r) if r.access != "private" || org.item_control(caller.as_deref(), it).is_some() => {
            respond::bytes(200, mime_for(&path), r.bytes.clone())
        }
        _ => file_missing(404, "Resource does not exist or is inaccessible."),
    }
}
