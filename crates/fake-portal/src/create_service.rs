//! Hosted feature service creation on the portal: `isServiceNameAvailable` and
//! `createService` (an item plus an empty service on the federated server).

use super::add_item::{blank_item, id_to_create};
use super::ctx::Ctx;
use super::items::caller_or_return;
use super::respond;
use super::state::Shared;
use super::write_auth::{acting_for, flag, folder_of};
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// `GET /portals/{self|orgId}/isServiceNameAvailable?name=&type=Feature Service` →
/// `{"available":bool}`; names are unique per org, compared case-insensitively.
pub async fn is_name_available(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
) -> Response {
    let caller = caller_or_return!(ctx, s);
    if caller.is_none() {
        return respond::token_required(&ctx);
    }
    let (Some(name), Some(_)) = (ctx.param("name"), ctx.param("type")) else {
        return respond::error(&ctx, 400, None, "'name' and 'type' must be specified.", &[]);
    };
    let available = !s.hosted.has_service(name);
    respond::json(&ctx, &json!({"available": available}))
}

/// Whether `name` is a valid hosted service name (letters, digits, `_`; at most 120).
pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 120
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

fn create(s: &Shared, ctx: &Ctx, user: &str, folder: Option<&str>) -> Response {
    if let Err(r) = acting_for(s, ctx, user) {
        return r;
    }
    let folder = match folder_of(s, ctx, user, folder) {
        Ok(f) => f,
        Err(r) => return r,
    };
    if ctx
        .param("outputType")
        .is_some_and(|t| !t.eq_ignore_ascii_case("featureService"))
    {
        return respond::error(ctx, 400, None, "Unsupported outputType.", &[]);
    }
    let params: Map<String, Value> = match ctx.param("createParameters").map(serde_json::from_str) {
        Some(Ok(Value::Object(m))) => m,
        _ => {
            return respond::error(
                ctx,
                400,
                None,
                "Unable to create service.",
                &["'createParameters' must be a JSON object."],
            );
        }
    };
    let name = params.get("name").and_then(Value::as_str).unwrap_or("");
    if !valid_name(name) {
        let detail = format!("Invalid service name '{name}'.");
        return respond::error(ctx, 400, None, "Unable to create service.", &[&detail]);
    }
    if s.hosted.has_service(name) {
        let detail = format!("Service name '{name}' already exists for '{}'", s.org().id);
        return respond::error(ctx, 400, None, "Unable to create service.", &[&detail]);
    }
    let is_view = flag(ctx, "isView") || params.get("isView") == Some(&Value::Bool(true));
    let id = match id_to_create(s, ctx) {
        Ok(id) => id,
        Err(r) => return r,
    };
    let url = format!("{}/{name}/FeatureServer", s.hosted_services_url());
    let mut it = blank_item(id.clone(), user, folder);
    it.title = name.to_string();
    it.name = Some(name.to_string());
    it.item_type = "Feature Service".into();
    let mut kw = vec![
        "ArcGIS Server",
        "Data",
        "Feature Access",
        "Feature Service",
        "Service",
        "Hosted Service",
    ];
    if is_view {
        kw.push("View Service");
    }
    it.type_keywords = kw.into_iter().map(String::from).collect();
    it.url = Some(url.clone());
    it.size = -1;
    if let Err(e) = s.hosted.create_service(name, &id, &params, is_view) {
        return respond::error(ctx, 400, None, "Unable to create service.", &[&e]);
    }
    let mut org = s.org_mut();
    org.items.push(it);
    org.reindex();
    respond::json(
        ctx,
        &json!({"encodedServiceURL": url, "isView": is_view, "itemId": id, "name": name,
                "serviceItemId": id, "serviceurl": url, "size": -1, "success": true,
                "type": "Feature Service"}),
    )
}

/// `POST /content/users/{user}/createService` (`createParameters` JSON with `name`,
/// `outputType=featureService`, optional `isView`) → `{encodedServiceURL, isView, itemId, name,
/// serviceItemId, serviceurl, size:-1, success, type}`.
pub async fn create_root(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path(user): Path<String>,
) -> Response {
    create(&s, &ctx, &user, None)
}

/// `POST /content/users/{user}/{folderId}/createService`.
pub async fn create_in_folder(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path((user, folder)): Path<(String, String)>,
) -> Response {
    create(&s, &ctx, &user, Some(&folder))
}
