//! HTTP side of feature-service writes: edit operations under `rest/services/...` and the
//! admin operations under `rest/admin/services/...`, POST only, owner/admin (or editable
//! service) tokens only.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use serde_json::Value;

use super::http::{self, Format, Params, error_body, json_response};
use super::router::AppState;
use super::store::find;
use super::{admin, write};

const LAYER_OPS: &[&str] = &[
    "applyedits",
    "addfeatures",
    "updatefeatures",
    "deletefeatures",
];
const FEATURE_OPS: &[&str] = &["addattachment", "deleteattachments"];

fn reply(body: Result<Value, Value>, params: &Params) -> Response {
    let f = if params.format() == Format::Pjson {
        Format::Pjson
    } else {
        Format::Json
    };
    match body {
        Ok(v) | Err(v) => json_response(&v, &f),
    }
}

fn forbidden() -> Value {
    error_body(
        403,
        "You do not have permissions to access this resource or perform this operation.",
        &[],
    )
}

/// Splits `{name}/FeatureServer/{tail…}` (also `{name}.FeatureServer`).
fn split(rest: &str) -> Option<(String, Vec<String>)> {
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let fs = segs.iter().position(|s| {
        s.eq_ignore_ascii_case("FeatureServer")
            || s.to_ascii_lowercase().ends_with(".featureserver")
    })?;
    let name = if segs[fs].eq_ignore_ascii_case("FeatureServer") {
        if fs == 0 {
            return None;
        }
        segs[..fs].join("/")
    } else {
        let s = segs[fs];
        s[..s.len() - ".FeatureServer".len()].to_string()
    };
    Some((name, segs[fs + 1..].iter().map(|s| s.to_string()).collect()))
}

/// Who may write to service `name`: `Ok(true)` when the caller manages it (owner or admin),
/// `Ok(false)` for another signed-in user; `Err` is the envelope to answer.
fn writer(
    st: &AppState,
    name: &str,
    headers: &HeaderMap,
    params: &Params,
) -> Result<(bool, String), Value> {
    let (item_id, caps) = {
        let services = st.store.read();
        let svc = find(&services, name)
            .ok_or_else(|| error_body(400, "Invalid URL", &["Invalid URL"]))?;
        (svc.item_id.clone(), svc.capabilities.clone())
    };
    let caller = match st.auth.caller(headers, params.get("token")) {
        Err(code) => return Err(http::invalid_token(code)),
        Ok(None) => return Err(http::token_required()),
        Ok(Some(c)) => c,
    };
    Ok((st.auth.can_manage(&caller, &item_id), caps))
}

/// Answers a feature write (`applyEdits`, `addFeatures`, `updateFeatures`, `deleteFeatures` on
/// a layer, `applyEdits` on the service, `addAttachment`/`deleteAttachments` on a feature);
/// `None` when `rest` is not one.
pub(crate) fn feature_write(
    st: &AppState,
    rest: &str,
    method: &Method,
    headers: &HeaderMap,
    body: &[u8],
    params: &Params,
) -> Option<Response> {
    let (name, tail) = split(rest)?;
    let lower: Vec<String> = tail.iter().map(|s| s.to_ascii_lowercase()).collect();
    let (layer, oid, op) = match lower.as_slice() {
        [op] if op == "applyedits" => (None, None, op.clone()),
        [id, op] if LAYER_OPS.contains(&op.as_str()) => {
            (Some(id.parse::<i64>().ok()?), None, op.clone())
        }
        [id, oid, op] if FEATURE_OPS.contains(&op.as_str()) => (
            Some(id.parse::<i64>().ok()?),
            Some(oid.parse::<i64>().ok()?),
            op.clone(),
        ),
        _ => return None,
    };
    if method != Method::POST {
        return Some(reply(
            Err(error_body(405, "Method not supported.", &[])),
            params,
        ));
    }
    let (manager, caps) = match writer(st, &name, headers, params) {
        Ok(w) => w,
        Err(e) => return Some(reply(Err(e), params)),
    };
    if !manager
        && !caps
            .split(',')
            .any(|c| c.trim().eq_ignore_ascii_case("Editing"))
    {
        return Some(reply(Err(forbidden()), params));
    }
    let attachment = crate::multipart::files(headers, body)
        .remove("attachment")
        .map(|p| {
            (
                p.file_name.unwrap_or_else(|| "attachment".into()),
                p.content_type,
                p.bytes,
            )
        });
    let mut services = st.store.write();
    let result = match layer {
        None => write::service_apply_edits(&mut services, &name, params),
        Some(id) => write::layer_op(&mut services, &name, id, oid, &op, params, attachment),
    };
    Some(reply(result, params))
}

/// `{prefix}/rest/admin/services/{name}/FeatureServer[/{layerId}]/{operation}` (POST; the
/// service's owner or an org admin): `addToDefinition`, `deleteFromDefinition`,
/// `updateDefinition`, `{layerId}/updateDefinition`, `{layerId}/truncate`. A GET (or POST) of
/// the service or of a layer answers its admin definition (`admin_get`).
pub(crate) async fn admin(
    State(st): State<Arc<AppState>>,
    Path(rest): Path<String>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let params = Params::from_request(&uri, &headers, &body);
    let Some((name, tail)) = split(&rest) else {
        return reply(
            Err(error_body(400, "Invalid URL", &["Invalid URL"])),
            &params,
        );
    };
    let manager = match writer(&st, &name, &headers, &params) {
        Ok((m, _)) => m,
        Err(e) => return reply(Err(e), &params),
    };
    if !manager {
        return reply(Err(forbidden()), &params);
    }
    let (layer, op) = match tail.as_slice() {
        [] => {
            let services = st.store.read();
            let body = find(&services, &name)
                .map(|svc| super::admin_get::service_admin(&services, svc))
                .ok_or_else(|| error_body(400, "Invalid URL", &["Invalid URL"]));
            return reply(body, &params);
        }
        [id] if id.parse::<i64>().is_ok() => {
            let services = st.store.read();
            let id = id.parse::<i64>().unwrap_or_default();
            let body = find(&services, &name)
                .and_then(|svc| svc.layer(id).map(|l| (svc, l)))
                .map(|(svc, l)| super::admin_get::layer_admin(&services, svc, l))
                .ok_or_else(|| {
                    let m = format!("Invalid Layer or Table ID: {id}.");
                    error_body(400, &m, &[&m])
                });
            return reply(body, &params);
        }
        [op] => (None, op.clone()),
        [id, op] => match id.parse::<i64>() {
            Ok(id) => (Some(id), op.clone()),
            Err(_) => return reply(Err(http::not_supported()), &params),
        },
        _ => return reply(Err(http::not_supported()), &params),
    };
    if method != Method::POST {
        return reply(Err(error_body(405, "Method not supported.", &[])), &params);
    }
    reply(admin::run(&st.store, &name, layer, &op, &params), &params)
}
