//! Content listings: `/content/users/{user}[/{folderId}]` and `/content/groups/{id}`.

use super::ctx::Ctx;
use super::items::caller_or_return;
use super::model::Item;
use super::respond;
use super::state::Shared;
use super::views::{ItemView, folder_json, item_json, page};
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Value, json};
use std::sync::Arc;

fn listing(s: &Shared, ctx: &Ctx, user: &str, folder: Option<&str>) -> Response {
    let caller = caller_or_return!(ctx, s);
    let org = s.org();
    let Some(u) = org.user(user) else {
        return respond::error(
            ctx,
            400,
            Some("COM_0003"),
            "User does not exist or is inaccessible.",
            &[],
        );
    };
    let Some(c) = caller.as_deref() else {
        return respond::token_required(ctx);
    };
    if c != user && !org.is_admin(Some(c)) {
        return respond::forbidden(ctx, false);
    }
    let current = match folder {
        None => Value::Null,
        Some(fid) => match u.folders.iter().find(|f| f.id == fid) {
            Some(f) => folder_json(u, f),
            None => {
                return respond::error(
                    ctx,
                    400,
                    Some("CONT_0002"),
                    "Folder does not exist or is inaccessible.",
                    &[],
                );
            }
        },
    };
    let mut items: Vec<&Item> = org
        .items
        .iter()
        .filter(|it| it.owner == user && it.folder.as_deref() == folder)
        .collect();
    items.sort_by(|a, b| a.created.cmp(&b.created).then_with(|| a.id.cmp(&b.id)));
    let start = ctx.num("start", 1).max(1);
    let num = ctx.num("num", 10).clamp(0, 100);
    let (from, to, next) = page(items.len(), start, num);
    let rows: Vec<Value> = items[from..to]
        .iter()
        .map(|it| item_json(&org, it, caller.as_deref(), ItemView::Full))
        .collect();
    let mut body = json!({"username": user, "total": items.len(), "start": start, "num": num,
        "nextStart": next, "currentFolder": current, "items": rows});
    if folder.is_none() {
        body["folders"] = json!(
            u.folders
                .iter()
                .map(|f| folder_json(u, f))
                .collect::<Vec<_>>()
        );
    }
    respond::json(ctx, &body)
}

/// `GET /content/users/{user}`: root items plus `folders`.
pub async fn user_root(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path(user): Path<String>,
) -> Response {
    listing(&s, &ctx, &user, None)
}

/// `GET /content/users/{user}/{folderId}`.
pub async fn user_folder(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path((user, folder)): Path<(String, String)>,
) -> Response {
    listing(&s, &ctx, &user, Some(&folder))
}

/// `GET /content/groups/{id}`: items shared with the group that the caller may see, paged.
pub async fn group_content(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path(id): Path<String>,
) -> Response {
    let caller = caller_or_return!(ctx, s);
    let org = s.org();
    let Some(g) = org
        .group(&id)
        .filter(|g| org.can_see_group(caller.as_deref(), g))
    else {
        return respond::error(
            &ctx,
            400,
            Some("COM_0002"),
            "Group does not exist or is inaccessible.",
            &[],
        );
    };
    let mut items: Vec<&Item> = org
        .items
        .iter()
        .filter(|it| it.groups.contains(&g.id) && org.can_see_item(caller.as_deref(), it))
        .collect();
    items.sort_by(|a, b| b.modified.cmp(&a.modified).then_with(|| a.id.cmp(&b.id)));
    let start = ctx.num("start", 1).max(1);
    let num = ctx.num("num", 10).clamp(0, 100);
    let (from, to, next) = page(items.len(), start, num);
    let rows: Vec<Value> = items[from..to]
        .iter()
        .map(|it| item_json(&org, it, caller.as_deref(), ItemView::Search))
        .collect();
    respond::json(
        &ctx,
        &json!({"total": items.len(), "start": start, "num": num, "nextStart": next, "items": rows}),
    )
}
