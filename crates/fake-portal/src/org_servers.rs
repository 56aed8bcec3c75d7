//! `portals/{id}/urls` (ArcGIS Online: the org's hosting servers) and `portals/{id}/servers`
//! (ArcGIS Enterprise: the federated servers), in the REST reference's shapes. The catcher
//! origin is never listed: it only claims federation in its own `/rest/info`.

use super::ctx::Ctx;
use super::items::caller_or_return;
use super::respond;
use super::state::Shared;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;
use std::sync::Arc;

/// `host:port` of an origin such as `http://127.0.0.1:1234`.
fn host_port(origin: &str) -> String {
    origin.split("://").nth(1).unwrap_or(origin).to_string()
}

/// `GET /portals/{id}/urls` (signed-in members): the hosting servers for features and tiles.
pub async fn urls(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path(_id): Path<String>,
) -> Response {
    let caller = caller_or_return!(ctx, s);
    if caller.is_none() {
        return respond::token_required(&ctx);
    }
    if s.enterprise {
        return respond::json(&ctx, &json!({"urls": {}}));
    }
    let host = host_port(&s.urls.services);
    respond::json(
        &ctx,
        &json!({"urls": {
            "features": {"http": [host], "https": [host]},
            "tiles": {"http": [host], "https": [host]}
        }}),
    )
}

/// `GET /portals/{id}/servers` (ArcGIS Enterprise; signed-in members): the federated server
/// that hosts the org's services. ArcGIS Online answers an error (not applicable there).
pub async fn servers(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path(_id): Path<String>,
) -> Response {
    let caller = caller_or_return!(ctx, s);
    if caller.is_none() {
        return respond::token_required(&ctx);
    }
    if !s.enterprise {
        return respond::error(
            &ctx,
            400,
            None,
            "Unable to get servers.",
            &["This operation is not supported on ArcGIS Online."],
        );
    }
    let root = format!(
        "{}{}",
        s.urls.services,
        super::services::hosted_prefix(&s.org().id)
    );
    respond::json(
        &ctx,
        &json!({"servers": [{
            "id": "fakeHostingSrv01", "name": host_port(&s.urls.services), "url": root,
            "adminUrl": root, "isHosted": true, "serverType": "ArcGIS",
            "serverRole": "HOSTING_SERVER", "serverFunction": ""
        }]}),
    )
}
