//! `/community/self`, `/community/users/{u}`, `/community/groups[/{id}[/users]]`.

use super::ctx::Ctx;
use super::items::caller_or_return;
use super::query;
use super::respond;
use super::search::GroupDoc;
use super::state::Shared;
use super::views::{UserView, group_json, page, user_json};
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::json;
use std::sync::Arc;

/// `GET /community/self`.
pub async fn me(State(s): State<Arc<Shared>>, Extension(ctx): Extension<Arc<Ctx>>) -> Response {
    let caller = caller_or_return!(ctx, s);
    let org = s.org();
    match caller.as_deref().and_then(|c| org.user(c)) {
        Some(u) => respond::json(&ctx, &user_json(&org, u, UserView::Private)),
        None => respond::token_required(&ctx),
    }
}

/// `GET /community/users/{username}`: private view for self and admins, public otherwise.
pub async fn user(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path(name): Path<String>,
) -> Response {
    let caller = caller_or_return!(ctx, s);
    let org = s.org();
    let Some(u) = org.user(&name) else {
        return respond::error(
            &ctx,
            400,
            Some("COM_0003"),
            "User does not exist or is inaccessible.",
            &[],
        );
    };
    if caller.is_none() {
        return respond::forbidden(&ctx, true);
    }
    let view = if caller.as_deref() == Some(name.as_str()) || org.is_admin(caller.as_deref()) {
        UserView::Private
    } else {
        UserView::Public
    };
    respond::json(&ctx, &user_json(&org, u, view))
}

/// `GET /community/groups?q=...` (paged `results`).
pub async fn groups(State(s): State<Arc<Shared>>, Extension(ctx): Extension<Arc<Ctx>>) -> Response {
    let caller = caller_or_return!(ctx, s);
    let org = s.org();
    let q = ctx.param("q").unwrap_or("").to_string();
    let expr = query::parse(&q);
    let mut hits: Vec<_> = org
        .groups
        .iter()
        .filter(|g| {
            org.can_see_group(caller.as_deref(), g)
                && query::eval(
                    &expr,
                    &GroupDoc {
                        org: &org,
                        group: g,
                    },
                )
        })
        .collect();
    hits.sort_by_key(|g| g.title.to_lowercase());
    if ctx
        .param("sortOrder")
        .is_some_and(|o| o.eq_ignore_ascii_case("desc"))
    {
        hits.reverse();
    }
    let start = ctx.num("start", 1).max(1);
    let num = ctx.num("num", 10).clamp(0, 100);
    let (from, to, next) = page(hits.len(), start, num);
    let rows: Vec<_> = hits[from..to]
        .iter()
        .map(|g| group_json(&org, g, caller.as_deref()))
        .collect();
    respond::json(
        &ctx,
        &json!({"query": q, "total": hits.len(), "start": start, "num": num,
        "nextStart": next, "results": rows}),
    )
}

/// `GET /community/groups/{id}`.
pub async fn group(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path(id): Path<String>,
) -> Response {
    let caller = caller_or_return!(ctx, s);
    let org = s.org();
    match org
        .group(&id)
        .filter(|g| org.can_see_group(caller.as_deref(), g))
    {
        Some(g) => respond::json(&ctx, &group_json(&org, g, caller.as_deref())),
        None => respond::error(
            &ctx,
            400,
            Some("COM_0002"),
            "Group does not exist or is inaccessible.",
            &[],
        ),
    }
}

/// `GET /community/groups/{id}/users` → `{owner, admins, users}`.
pub async fn group_users(
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
    let by = |t: &str| -> Vec<&String> {
        g.members
            .iter()
            .filter(|(_, m)| **m == t)
            .map(|(u, _)| u)
            .collect()
    };
    let mut admins = by("admin");
    admins.extend(by("owner"));
    respond::json(
        &ctx,
        &json!({"owner": g.owner, "admins": admins, "users": by("member")}),
    )
}
