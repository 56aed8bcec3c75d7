//! `POST /sharing/rest/generateToken`: username/password (built-in accounts only) or a server
//! token for a federated server (`serverUrl` + `token`).

use super::ctx::Ctx;
use super::respond;
use super::state::Shared;
use axum::Extension;
use axum::extract::State;
use axum::http::Method;
use axum::response::Response;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// Maximum `expiration` (minutes): two weeks.
const MAX_MINUTES: i64 = 20_160;

fn bad_credentials(ctx: &Ctx) -> Response {
    respond::error(
        ctx,
        400,
        None,
        "Unable to generate token.",
        &["Invalid username or password."],
    )
}

fn lifetime(s: &Shared, ctx: &Ctx) -> Duration {
    let minutes = ctx.num("expiration", 60).clamp(1, MAX_MINUTES) as u64;
    Duration::from_secs(minutes * 60).min(s.token_ttl())
}

/// The generateToken handler.
pub async fn generate_token(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
) -> Response {
    if ctx.method != Method::POST {
        return respond::error(
            &ctx,
            405,
            None,
            "Method not supported.",
            &["generateToken requires POST."],
        );
    }
    let ttl = lifetime(&s, &ctx);
    let client = ctx
        .param("client")
        .unwrap_or("requestip")
        .to_ascii_lowercase();
    let referer = if client == "referer" {
        match ctx.param("referer") {
            Some(r) => Some(r.to_string()),
            None => {
                return respond::error(
                    &ctx,
                    400,
                    None,
                    "Unable to generate token.",
                    &["Referer is required."],
                );
            }
        }
    } else {
        None
    };
    if ctx.param("serverUrl").is_some() && ctx.param("username").is_none() {
        let user = match ctx.caller(&s) {
            Ok(Some(u)) => u,
            Ok(None) => return respond::token_required(&ctx),
            Err(r) => return r,
        };
        let bound = referer.or_else(|| {
            let t = ctx.token().unwrap_or_default();
            s.tokens
                .lock()
                .expect("tokens")
                .get(&t)
                .and_then(|i| i.referer.clone())
        });
        let (token, expires) = s.tokens.lock().expect("tokens").issue(&user, ttl, bound);
        if let Some(server) = ctx.param("serverUrl") {
            s.tokens.lock().expect("tokens").mark_server(&token, server);
        }
        return respond::json(
            &ctx,
            &json!({"token": token, "expires": expires, "ssl": s.tls}),
        );
    }
    let (Some(username), Some(password)) = (ctx.param("username"), ctx.param("password")) else {
        return respond::error(
            &ctx,
            400,
            None,
            "Unable to generate token.",
            &[
                "'username' must be specified.",
                "'password' must be specified.",
            ],
        );
    };
    let ok = {
        let org = s.org();
        org.user(username)
            .is_some_and(|u| u.provider == "arcgis" && u.password.as_deref() == Some(password))
    };
    if !ok {
        return bad_credentials(&ctx);
    }
    let (token, expires) = s
        .tokens
        .lock()
        .expect("tokens")
        .issue(username, ttl, referer);
    respond::json(
        &ctx,
        &json!({"token": token, "expires": expires, "ssl": s.tls}),
    )
}
