//! Item records: `/content/items/{id}`, its `relatedItems` and `groups`, and the owner view.

use super::ctx::Ctx;
use super::model::{Item, Org};
use super::respond;
use super::state::Shared;
use super::views::{ItemView, group_json, item_json};
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Value, json};
use std::sync::Arc;

/// The item `id` if `caller` may see it, else the matching error envelope.
#[allow(clippy::result_large_err)] // the error is the ready-made response
pub fn visible<'a>(
    org: &'a Org,
    ctx: &Ctx,
    caller: Option<&str>,
    id: &str,
) -> Result<&'a Item, Response> {
    let Some(it) = org.item(id) else {
        return Err(respond::item_missing(ctx));
    };
    if !org.can_see_item(caller, it) {
        return Err(respond::forbidden(ctx, caller.is_none()));
    }
    Ok(it)
}

macro_rules! caller_or_return {
    ($ctx:expr, $s:expr) => {
        match $ctx.caller(&$s) {
            Ok(c) => c,
            Err(r) => return r,
        }
    };
}
pub(crate) use caller_or_return;

/// `GET|POST /content/items/{id}`.
pub async fn item(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path(id): Path<String>,
) -> Response {
    let caller = caller_or_return!(ctx, s);
    let org = s.org();
    match visible(&org, &ctx, caller.as_deref(), &id) {
        Ok(it) => respond::json(
            &ctx,
            &item_json(&org, it, caller.as_deref(), ItemView::Full),
        ),
        Err(r) => r,
    }
}

fn rel_types(ctx: &Ctx) -> Vec<String> {
    let raw = ctx
        .param("relationshipTypes")
        .or_else(|| ctx.param("relationshipType"))
        .unwrap_or("");
    if let Ok(Value::Array(a)) = serde_json::from_str::<Value>(raw) {
        return a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
    }
    raw.split(',')
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// `GET|POST /content/items/{id}/relatedItems`.
pub async fn related(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path(id): Path<String>,
) -> Response {
    let caller = caller_or_return!(ctx, s);
    let org = s.org();
    if let Err(r) = visible(&org, &ctx, caller.as_deref(), &id) {
        return r;
    }
    let types = rel_types(&ctx);
    if types.is_empty() {
        return respond::error(
            &ctx,
            400,
            None,
            "'relationshipType' must be specified.",
            &[],
        );
    }
    let reverse = ctx
        .param("direction")
        .is_some_and(|d| d.eq_ignore_ascii_case("reverse"));
    // Views are related to their sources (`Service2Service`, source → view) as soon as they
    // read from them, as the portal records when a view is created.
    let mut rels: Vec<(String, String, String)> = org
        .relationships
        .iter()
        .map(|r| (r.rel_type.clone(), r.origin.clone(), r.dest.clone()))
        .collect();
    for (src, view) in s.hosted.view_links() {
        let link = ("Service2Service".to_string(), src, view);
        if !rels.contains(&link) {
            rels.push(link);
        }
    }
    let related: Vec<Value> = rels
        .iter()
        .filter(|(t, _, _)| types.iter().any(|w| w.eq_ignore_ascii_case(t)))
        .filter_map(|(_, origin, dest)| match reverse {
            false if *origin == id => Some(dest),
            true if *dest == id => Some(origin),
            _ => None,
        })
        .filter_map(|other| org.item(other))
        .filter(|it| org.can_see_item(caller.as_deref(), it))
        .map(|it| item_json(&org, it, caller.as_deref(), ItemView::Full))
        .collect();
    respond::json(
        &ctx,
        &json!({"total": related.len(), "relatedItems": related}),
    )
}

/// `GET /content/items/{id}/groups` → `{admin, member, other}` by the caller's membership.
pub async fn groups(
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
    let (mut admin, mut member, mut other) = (Vec::new(), Vec::new(), Vec::new());
    for g in it.groups.iter().filter_map(|g| org.group(g)) {
        if !org.can_see_group(caller.as_deref(), g) {
            continue;
        }
        let v = group_json(&org, g, caller.as_deref());
        match caller.as_deref().and_then(|c| g.members.get(c).copied()) {
            Some("owner") | Some("admin") => admin.push(v),
            Some(_) => member.push(v),
            None => other.push(v),
        }
    }
    respond::json(
        &ctx,
        &json!({"admin": admin, "member": member, "other": other}),
    )
}

/// `GET /content/users/{user}/items/{id}`: `{item, sharing}` for the owner or an admin.
pub async fn owner_view(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path((user, id)): Path<(String, String)>,
) -> Response {
    let caller = caller_or_return!(ctx, s);
    let org = s.org();
    let Some(it) = org.item(&id).filter(|it| it.owner == user) else {
        return respond::item_missing(&ctx);
    };
    if caller.is_none() {
        return respond::token_required(&ctx);
    }
    if caller.as_deref() != Some(user.as_str()) && !org.is_admin(caller.as_deref()) {
        return respond::forbidden(&ctx, false);
    }
    let body = json!({
        "item": item_json(&org, it, caller.as_deref(), ItemView::Full),
        "sharing": {"access": it.access, "groups": it.groups}
    });
    respond::json(&ctx, &body)
}
