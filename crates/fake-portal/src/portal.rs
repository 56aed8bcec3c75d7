//! `/portals/self` (and `/portals/{orgId}`), `/portals/self/roles`, `/portals/{id}/users`.

use super::ctx::Ctx;
use super::items::caller_or_return;
use super::respond;
use super::state::Shared;
use super::views::{UserView, page, user_json};
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;
use std::sync::Arc;

/// Version string reported by the portal.
pub const CURRENT_VERSION: &str = "2025.1";

fn host_of(url: &str) -> String {
    url.split("://").nth(1).unwrap_or(url).to_string()
}

/// `GET /portals/self` or `/portals/{orgId}`.
pub async fn portal_self(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
) -> Response {
    let caller = caller_or_return!(ctx, s);
    let org = s.org();
    let mut v = json!({
        "id": org.id, "name": org.name, "description": "<p>Demo org of the agol-tui fake portal.</p>",
        "isPortal": false, "portalMode": "multitenant", "portalName": "ArcGIS Online",
        "portalHostname": host_of(&s.urls.portal), "urlKey": org.url_key,
        "customBaseUrl": "maps.arcgis.com", "allSSL": s.tls, "supportsOAuth": true,
        "maxTokenExpirationMinutes": -1, "mfaEnabled": false, "currentVersion": CURRENT_VERSION,
        "created": org.created, "modified": org.created + 86_400_000,
        "culture": "en", "region": "US", "units": "english",
        "canSearchPublic": true, "canSharePublic": true, "canListApps": false,
        "access": "private", "storageUsage": 10_485_760i64, "storageQuota": 2_199_023_255_552i64,
        "recycleBinSupported": true, "recycleBinEnabled": true,
        "defaultBasemap": {"title": "Topographic"}, "helperServices": {},
        "authorizedCrossOriginDomains": [], "subscriptionInfo": {"type": "In House", "state": "active"}
    });
    if s.enterprise {
        v["isPortal"] = json!(true);
        v["portalMode"] = json!("singletenant");
        v["portalName"] = json!("ArcGIS Enterprise");
    }
    if let Some(u) = caller.as_deref().and_then(|c| org.user(c)) {
        v["user"] = user_json(&org, u, UserView::Private);
    }
    respond::json(&ctx, &v)
}

/// `GET /portals/self/roles`: custom roles (one).
pub async fn roles(State(s): State<Arc<Shared>>, Extension(ctx): Extension<Arc<Ctx>>) -> Response {
    let _caller = caller_or_return!(ctx, s);
    let role = json!({"id": "rDataEditor00001", "name": "Data Editor",
        "description": "Can edit features", "created": 1_560_000_000_000i64, "modified": 1_560_000_000_000i64});
    respond::json(
        &ctx,
        &json!({"total": 1, "start": 1, "num": 10, "nextStart": -1, "roles": [role]}),
    )
}

/// `GET /portals/{orgId|self}/users` (admins only; array key `users`).
pub async fn users(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path(_id): Path<String>,
) -> Response {
    let caller = caller_or_return!(ctx, s);
    let org = s.org();
    if caller.is_none() {
        return respond::token_required(&ctx);
    }
    if !org.is_admin(caller.as_deref()) {
        return respond::forbidden(&ctx, false);
    }
    let mut users: Vec<_> = org.users.iter().collect();
    match ctx
        .param("sortField")
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("created") => users.sort_by_key(|u| u.created),
        Some("lastlogin") => users.sort_by_key(|u| u.last_login),
        Some("fullname") => users.sort_by(|a, b| a.full_name.cmp(&b.full_name)),
        _ => users.sort_by_key(|u| u.username.to_lowercase()),
    }
    if ctx
        .param("sortOrder")
        .is_some_and(|o| o.eq_ignore_ascii_case("desc"))
    {
        users.reverse();
    }
    let start = ctx.num("start", 1).max(1);
    let num = ctx.num("num", 10).clamp(0, 100);
    let (from, to, next) = page(users.len(), start, num);
    let rows: Vec<_> = users[from..to]
        .iter()
        .map(|u| user_json(&org, u, UserView::Private))
        .collect();
    respond::json(
        &ctx,
        &json!({"total": users.len(), "start": start, "num": num, "nextStart": next, "users": rows}),
    )
}
