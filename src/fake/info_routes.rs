//! `GET /sharing/rest` (currentVersion) and `/sharing/rest/info` (authInfo).

use super::ctx::Ctx;
use super::portal::CURRENT_VERSION;
use super::respond;
use super::state::Shared;
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use serde_json::json;
use std::sync::Arc;

/// `GET /sharing/rest?f=json`.
pub async fn root(Extension(ctx): Extension<Arc<Ctx>>) -> Response {
    respond::json(&ctx, &json!({"currentVersion": CURRENT_VERSION}))
}

/// `GET /sharing/rest/info?f=json` (public).
pub async fn info(State(s): State<Arc<Shared>>, Extension(ctx): Extension<Arc<Ctx>>) -> Response {
    let body = json!({
        "owningSystemUrl": s.urls.portal,
        "authInfo": {"tokenServicesUrl": format!("{}/generateToken", s.sharing_url()),
                     "isTokenBasedSecurity": true}
    });
    respond::json(&ctx, &body)
}
