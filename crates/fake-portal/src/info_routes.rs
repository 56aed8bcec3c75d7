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

/// The highest Dashboard data `version` the sample org's dashboards use.
pub const DASHBOARDS_VERSION: i64 = 27;

/// `GET {portal}/apps/dashboards/build.json` (public, a static file, no `f`): the Dashboards
/// app build. Esri's `clone_items` reads its `version` and refuses to clone a dashboard whose
/// data `version` is newer; the fake names only that key (the file's other keys are not known
/// here).
pub async fn dashboards_build() -> Response {
    respond::bytes(
        200,
        "application/json",
        json!({"version": DASHBOARDS_VERSION}).to_string(),
    )
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
