//! Sharing (`share`, `unshare`, `shareItems`), relationships (`addRelationship`,
//! `removeRelationship`) and `createFolder`.

use super::ctx::Ctx;
use super::ids::{new_item_id, now_ms};
use super::items::caller_or_return;
use super::model::{Folder, Item, Org, Relationship};
use super::respond;
use super::state::Shared;
use super::write_auth::{acting_for, post_only};
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Value, json};
use std::sync::Arc;

fn ids(v: Option<&str>) -> Vec<String> {
    v.unwrap_or("")
        .split(',')
        .map(|g| g.trim().to_string())
        .filter(|g| !g.is_empty())
        .collect()
}

fn bool_param(ctx: &Ctx, key: &str) -> Option<bool> {
    ctx.param(key).map(|v| v.eq_ignore_ascii_case("true"))
}

/// `private` or `shared` after the groups changed (public and org stay).
fn settle(it: &mut Item) {
    if it.access == "private" || it.access == "shared" {
        it.access = if it.groups.is_empty() {
            "private"
        } else {
            "shared"
        };
    }
}

/// Shares item `id` as `caller`; returns the groups it could not be shared with.
fn share_one(org: &mut Org, ctx: &Ctx, caller: &str, id: &str) -> Vec<String> {
    let wanted = ids(ctx.param("groups"));
    let confirm = bool_param(ctx, "confirmItemControl") == Some(true);
    let admin = org.is_admin(Some(caller));
    let (ok, failed): (Vec<String>, Vec<String>) = wanted.into_iter().partition(|g| {
        org.group(g).is_some_and(|g| {
            let member = g.members.contains_key(caller) || admin;
            let update = g.capabilities.iter().any(|c| c == "updateitemcontrol");
            member && (!update || confirm)
        })
    });
    let (everyone, in_org) = (bool_param(ctx, "everyone"), bool_param(ctx, "org"));
    let Some(it) = org.item_mut(id) else {
        return failed;
    };
    if everyone.is_some() || in_org.is_some() {
        it.access = match (everyone, in_org) {
            (Some(true), _) => "public",
            (_, Some(true)) => "org",
            _ => "private",
        };
    }
    for g in ok {
        if !it.groups.contains(&g) {
            it.groups.push(g);
        }
    }
    settle(it);
    failed
}

/// `items/{id}/share` (`everyone`, `org`, `groups`, `confirmItemControl`) →
/// `{"notSharedWith":[…],"itemId":…}`. Groups must exist and have the caller as a member (org
/// admins may share to any group); shared-update groups need `confirmItemControl=true`.
pub fn share(s: &Shared, ctx: &Ctx, caller: &str, id: &str) -> Response {
    let failed = share_one(&mut s.org_mut(), ctx, caller, id);
    respond::json(ctx, &json!({"notSharedWith": failed, "itemId": id}))
}

/// `items/{id}/unshare` (`groups`) → `{"notUnsharedFrom":[],"itemId":…}`.
pub fn unshare(s: &Shared, ctx: &Ctx, id: &str) -> Response {
    let groups = ids(ctx.param("groups"));
    if let Some(it) = s.org_mut().item_mut(id) {
        it.groups.retain(|g| !groups.contains(g));
        settle(it);
    }
    respond::json(ctx, &json!({"notUnsharedFrom": [], "itemId": id}))
}

/// `POST /content/users/{user}/shareItems` (`items`, `groups`, `everyone`, `org`) →
/// `{"results":[{"itemId","success","notSharedWith"}]}`.
pub async fn share_items(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path(user): Path<String>,
) -> Response {
    let caller = match acting_for(&s, &ctx, &user) {
        Ok(c) => c,
        Err(r) => return r,
    };
    let mut org = s.org_mut();
    let results: Vec<Value> = ids(ctx.param("items"))
        .into_iter()
        .map(|id| {
            let allowed = org
                .item(&id)
                .is_some_and(|it| it.owner == caller || org.is_admin(Some(&caller)));
            if !allowed {
                let groups = ids(ctx.param("groups"));
                return json!({"itemId": id, "success": false, "notSharedWith": groups});
            }
            let failed = share_one(&mut org, &ctx, &caller, &id);
            json!({"itemId": id, "success": true, "notSharedWith": failed})
        })
        .collect();
    respond::json(&ctx, &json!({"results": results}))
}

fn relationship(s: &Shared, ctx: &Ctx, add: bool) -> Response {
    if let Err(r) = post_only(ctx) {
        return r;
    }
    let caller = caller_or_return!(ctx, s);
    let Some(caller) = caller else {
        return respond::token_required(ctx);
    };
    let (Some(origin), Some(dest), Some(ty)) = (
        ctx.param("originItemId"),
        ctx.param("destinationItemId"),
        ctx.param("relationshipType"),
    ) else {
        return respond::error(
            ctx,
            400,
            None,
            "'originItemId', 'destinationItemId' and 'relationshipType' must be specified.",
            &[],
        );
    };
    let mut org = s.org_mut();
    let (Some(o), Some(d)) = (org.item(origin), org.item(dest)) else {
        return respond::item_missing(ctx);
    };
    if !org.is_admin(Some(&caller)) && (o.owner != caller || d.owner != caller) {
        return respond::forbidden(ctx, false);
    }
    let same = |r: &Relationship| {
        r.origin == origin && r.dest == dest && r.rel_type.eq_ignore_ascii_case(ty)
    };
    if add {
        if !org.relationships.iter().any(same) {
            org.relationships.push(Relationship {
                rel_type: ty.to_string(),
                origin: origin.to_string(),
                dest: dest.to_string(),
            });
        }
    } else {
        org.relationships.retain(|r| !same(r));
    }
    respond::json(ctx, &json!({"success": true}))
}

/// `POST /content/users/{user}/addRelationship` (`originItemId`, `destinationItemId`,
/// `relationshipType`; the caller owns both items or is an admin) → `{"success":true}`.
pub async fn add_relationship(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
) -> Response {
    relationship(&s, &ctx, true)
}

/// `POST /content/users/{user}/removeRelationship` (same parameters) → `{"success":true}`.
pub async fn remove_relationship(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
) -> Response {
    relationship(&s, &ctx, false)
}

/// `POST /content/users/{user}/createFolder` (`title`) →
/// `{"success":true,"folder":{"username","id","title"}}`; a title the user already has (any
/// case) fails in the body.
pub async fn create_folder(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path(user): Path<String>,
) -> Response {
    if let Err(r) = acting_for(&s, &ctx, &user) {
        return r;
    }
    let Some(title) = ctx.param("title").map(str::trim).filter(|t| !t.is_empty()) else {
        return respond::error(&ctx, 400, None, "'title' must be specified.", &[]);
    };
    let mut org = s.org_mut();
    let Some(u) = org.users.iter_mut().find(|u| u.username == user) else {
        return respond::error(&ctx, 400, Some("COM_0003"), "User does not exist.", &[]);
    };
    if u.folders
        .iter()
        .any(|f| f.title.eq_ignore_ascii_case(title))
    {
        let detail = format!("Folder title '{title}' not available.");
        return respond::error(&ctx, 400, None, "Unable to create folder.", &[&detail]);
    }
    let folder = Folder {
        id: new_item_id(),
        title: title.to_string(),
        created: now_ms(),
    };
    let body = json!({"success": true,
        "folder": {"username": user, "id": folder.id, "title": folder.title}});
    u.folders.push(folder);
    respond::json(&ctx, &body)
}
