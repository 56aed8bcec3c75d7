//! Gatekeeping of portal writes: POST only, a token, and the right user (owner or admin).

use super::ctx::Ctx;
use super::respond;
use super::state::Shared;
use axum::http::Method;
use axum::response::Response;

/// `{"error":{"code":405,...}}` for a write sent with GET.
#[allow(clippy::result_large_err)] // the error is the ready-made response
pub fn post_only(ctx: &Ctx) -> Result<(), Response> {
    if ctx.method == Method::POST {
        Ok(())
    } else {
        Err(respond::error(ctx, 405, None, "Method not supported.", &[]))
    }
}

/// The caller acting on `user`'s content: POST, a valid token, `user` exists, and the caller
/// is `user` or an org admin. Returns the caller's username.
#[allow(clippy::result_large_err)] // the error is the ready-made response
pub fn acting_for(s: &Shared, ctx: &Ctx, user: &str) -> Result<String, Response> {
    post_only(ctx)?;
    let caller = ctx.caller(s)?.ok_or_else(|| respond::token_required(ctx))?;
    let org = s.org();
    if org.user(user).is_none() {
        return Err(respond::error(
            ctx,
            400,
            Some("COM_0003"),
            "User does not exist or is inaccessible.",
            &[],
        ));
    }
    if caller != user && !org.is_admin(Some(&caller)) {
        return Err(respond::forbidden(ctx, false));
    }
    Ok(caller)
}

/// [`acting_for`] plus: item `id` exists and belongs to `user`.
#[allow(clippy::result_large_err)] // the error is the ready-made response
pub fn acting_on_item(s: &Shared, ctx: &Ctx, user: &str, id: &str) -> Result<String, Response> {
    let caller = acting_for(s, ctx, user)?;
    if s.org().item(id).is_none_or(|it| it.owner != user) {
        return Err(respond::item_missing(ctx));
    }
    Ok(caller)
}

/// The folder id `folder` of `user`, or the `CONT_0002` error (None = root).
#[allow(clippy::result_large_err)] // the error is the ready-made response
pub fn folder_of(
    s: &Shared,
    ctx: &Ctx,
    user: &str,
    folder: Option<&str>,
) -> Result<Option<String>, Response> {
    let Some(f) = folder.filter(|f| !f.is_empty() && *f != "/") else {
        return Ok(None);
    };
    let org = s.org();
    let found = org
        .user(user)
        .and_then(|u| u.folders.iter().find(|x| x.id == f || x.title == f));
    match found {
        Some(x) => Ok(Some(x.id.clone())),
        None => Err(respond::error(
            ctx,
            400,
            Some("CONT_0002"),
            "Folder does not exist or is inaccessible.",
            &[],
        )),
    }
}

/// A parameter as sent, empty values included (`None` only when absent), case-insensitive.
pub fn raw<'a>(ctx: &'a Ctx, key: &str) -> Option<&'a str> {
    ctx.params
        .get(key)
        .or_else(|| {
            ctx.params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v)
        })
        .map(String::as_str)
}

/// A boolean parameter (`true` in any case).
pub fn flag(ctx: &Ctx, key: &str) -> bool {
    ctx.param(key)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}
