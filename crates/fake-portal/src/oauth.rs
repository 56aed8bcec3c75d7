//! OAuth 2.0: authorize page, sign-in form post, out-of-band approval page, token endpoint
//! (authorization_code with PKCE, refresh_token, exchange_refresh_token) and revokeToken.
//!
//! `exchange_refresh_token` revokes the old refresh token at once (the stricter choice).

use super::ctx::Ctx;
use super::ids::{now_ms, secret};
use super::respond;
use super::sample::{OAUTH_CLIENT_ID, OOB_REDIRECT_URI, PYTHON_API_CLIENT_ID};
use super::state::Shared;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use base64::Engine;
use serde_json::json;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// A pending authorize request, keyed by its `oauth_state`.
#[derive(Debug, Clone)]
pub struct AuthRequest {
    pub client_id: String,
    pub response_type: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub expiration_minutes: Option<i64>,
    pub challenge: Option<String>,
    pub method: String,
}

/// An issued authorization code (single use).
#[derive(Debug, Clone)]
pub struct CodeGrant {
    pub username: String,
    pub request: AuthRequest,
    pub expires: i64,
}

/// An issued refresh token.
#[derive(Debug, Clone)]
pub struct RefreshInfo {
    pub username: String,
    pub client_id: String,
    pub expires: i64,
}

/// OAuth state of the fake.
#[derive(Debug, Default)]
pub struct OAuthStore {
    pub states: HashMap<String, AuthRequest>,
    pub codes: HashMap<String, CodeGrant>,
    pub refresh: HashMap<String, RefreshInfo>,
}

impl OAuthStore {
    /// Issue a code for `username` (what the approval page shows); valid 5 minutes.
    pub fn issue_code(&mut self, username: &str, request: AuthRequest) -> String {
        let code = secret(40);
        self.codes.insert(
            code.clone(),
            CodeGrant {
                username: username.to_string(),
                request,
                expires: now_ms() + 300_000,
            },
        );
        code
    }
}

/// Whether `redirect_uri` is registered for `client_id`.
fn redirect_ok(client_id: &str, redirect_uri: &str) -> bool {
    let loopback = ["http://127.0.0.1", "http://localhost", "http://[::1]"]
        .iter()
        .any(|p| redirect_uri.starts_with(p));
    match client_id {
        OAUTH_CLIENT_ID => redirect_uri == OOB_REDIRECT_URI || loopback,
        PYTHON_API_CLIENT_ID => {
            redirect_uri == OOB_REDIRECT_URI
                || redirect_uri.starts_with("https://")
                || redirect_uri.starts_with("http://")
        }
        _ => false,
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

fn signin_page(
    s: &Shared,
    oauth_state: &str,
    req: &AuthRequest,
    message: Option<&str>,
) -> Response {
    let info = json!({"oauth_state": oauth_state, "client_id": req.client_id, "appTitle": "agol-tui",
        "locale": "en", "style": "", "showSocialLogins": false,
        "orgName": s.org().name, "persist": false});
    let body = format!(
        "<h2>Sign in to {org}</h2>\n{msg}\n<script type=\"text/javascript\">\n    var oAuthInfo = {info};\n</script>\n\
         <form method=\"post\" action=\"/sharing/oauth2/signin\">\n\
         <input type=\"hidden\" name=\"oauth_state\" value=\"{st}\">\n\
         <input type=\"text\" name=\"username\" id=\"user_username\">\n\
         <input type=\"password\" name=\"password\" id=\"user_password\">\n\
         <input type=\"submit\" value=\"Sign In\">\n</form>",
        org = esc(&s.org().name),
        msg = message
            .map(|m| format!("<div id=\"errorMessage\">{}</div>", esc(m)))
            .unwrap_or_default(),
        st = esc(oauth_state),
    );
    respond::html(200, "Sign In", &body)
}

/// `GET /sharing/rest/oauth2/authorize`.
pub async fn authorize(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
) -> Response {
    let client_id = ctx.param("client_id").unwrap_or("").to_string();
    if client_id != OAUTH_CLIENT_ID && client_id != PYTHON_API_CLIENT_ID {
        return respond::html(
            400,
            "Error",
            "<div id=\"errorMessage\">Invalid client_id</div>",
        );
    }
    let redirect_uri = ctx.param("redirect_uri").unwrap_or("").to_string();
    if !redirect_ok(&client_id, &redirect_uri) {
        return respond::html(
            400,
            "Error",
            "<div id=\"errorMessage\">Invalid redirect_uri</div>",
        );
    }
    let response_type = ctx.param("response_type").unwrap_or("code").to_string();
    if response_type != "code" && response_type != "token" {
        return respond::html(
            400,
            "Error",
            "<div id=\"errorMessage\">Invalid response_type</div>",
        );
    }
    let req = AuthRequest {
        client_id,
        response_type,
        redirect_uri,
        state: ctx.param("state").map(str::to_string),
        expiration_minutes: ctx.param("expiration").and_then(|e| e.parse().ok()),
        challenge: ctx.param("code_challenge").map(str::to_string),
        method: ctx
            .param("code_challenge_method")
            .unwrap_or("plain")
            .to_string(),
    };
    let oauth_state = secret(48);
    s.oauth
        .lock()
        .expect("oauth")
        .states
        .insert(oauth_state.clone(), req.clone());
    signin_page(&s, &oauth_state, &req, None)
}

fn check_password(s: &Shared, username: &str, password: &str) -> bool {
    let org = s.org();
    org.user(username).is_some_and(|u| match u.provider {
        "enterprise" => u.idp_password.as_deref() == Some(password),
        _ => u.password.as_deref() == Some(password),
    })
}

fn redirect(location: &str) -> Response {
    let mut r = respond::bytes(302, "text/html; charset=utf-8", "");
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `POST /sharing/oauth2/signin` (not under `/rest`).
pub async fn signin(State(s): State<Arc<Shared>>, Extension(ctx): Extension<Arc<Ctx>>) -> Response {
    let oauth_state = ctx.param("oauth_state").unwrap_or("").to_string();
    let Some(req) = s
        .oauth
        .lock()
        .expect("oauth")
        .states
        .get(&oauth_state)
        .cloned()
    else {
        return respond::html(
            400,
            "Error",
            "<div id=\"errorMessage\">Invalid or expired oauth_state</div>",
        );
    };
    let username = ctx.param("username").unwrap_or("").to_string();
    let password = ctx.param("password").unwrap_or("");
    if !check_password(&s, &username, password) {
        return signin_page(
            &s,
            &oauth_state,
            &req,
            Some("Invalid username or password."),
        );
    }
    s.oauth.lock().expect("oauth").states.remove(&oauth_state);
    let state_part = req
        .state
        .as_deref()
        .map(|st| format!("&state={}", enc(st)))
        .unwrap_or_default();
    if req.response_type == "token" {
        let ttl = access_ttl(&s, req.expiration_minutes);
        let (token, _) = s.tokens.lock().expect("tokens").issue(&username, ttl, None);
        let loc = format!(
            "{}#access_token={}&expires_in={}&username={}&ssl={}&persist=false{state_part}",
            req.redirect_uri,
            enc(&token),
            ttl.as_secs(),
            enc(&username),
            s.tls
        );
        return redirect(&loc);
    }
    let redirect_uri = req.redirect_uri.clone();
    let code = s.oauth.lock().expect("oauth").issue_code(&username, req);
    if redirect_uri == OOB_REDIRECT_URI {
        redirect(&format!(
            "{}/sharing/oauth2/approval?code={}",
            s.urls.portal,
            enc(&code)
        ))
    } else {
        let sep = if redirect_uri.contains('?') { '&' } else { '?' };
        redirect(&format!(
            "{redirect_uri}{sep}code={}{state_part}",
            enc(&code)
        ))
    }
}

/// `GET /sharing/oauth2/approval?code=...`: the out-of-band page showing the code.
pub async fn approval(Extension(ctx): Extension<Arc<Ctx>>) -> Response {
    let code = ctx.param("code").unwrap_or("");
    respond::html(
        200,
        "OAuth Approval",
        &format!(
            "<h2>Copy this code and paste it in your application</h2>\n<input id=\"code\" type=\"text\" readonly value=\"{}\">",
            esc(code)
        ),
    )
}

fn access_ttl(s: &Shared, minutes: Option<i64>) -> Duration {
    let ttl = s.token_ttl();
    match minutes {
        Some(m) if m > 0 => ttl.min(Duration::from_secs(m as u64 * 60)),
        _ => ttl,
    }
}

fn oauth_error(code: u16, error: &str, description: &str) -> Response {
    let body = json!({"error": {"code": code, "error": error, "error_description": description,
        "message": description, "details": []}});
    respond::bytes(200, "application/json; charset=utf-8", body.to_string())
}

fn pkce_ok(req: &AuthRequest, verifier: Option<&str>) -> bool {
    let Some(challenge) = &req.challenge else {
        return true;
    };
    let Some(v) = verifier else { return false };
    if req.method.eq_ignore_ascii_case("S256") {
        let digest = Sha256::digest(v.as_bytes());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == *challenge
    } else {
        v == challenge
    }
}

fn issue_refresh(
    s: &Shared,
    username: &str,
    client_id: &str,
    minutes: Option<i64>,
) -> (String, u64) {
    let mut ttl = s.refresh_ttl;
    if let Some(m) = minutes.filter(|m| *m > 0) {
        ttl = ttl.min(Duration::from_secs(m as u64 * 60));
    }
    let token = secret(48);
    s.oauth.lock().expect("oauth").refresh.insert(
        token.clone(),
        RefreshInfo {
            username: username.to_string(),
            client_id: client_id.to_string(),
            expires: now_ms() + ttl.as_millis() as i64,
        },
    );
    (token, ttl.as_secs())
}

#[allow(clippy::result_large_err)] // the error is the ready-made response
fn valid_refresh(s: &Shared, token: &str, client_id: &str) -> Result<RefreshInfo, Response> {
    let info = s.oauth.lock().expect("oauth").refresh.get(token).cloned();
    match info {
        Some(i) if i.client_id != client_id => {
            Err(oauth_error(400, "invalid_request", "Invalid client_id"))
        }
        Some(i) if i.expires > now_ms() => Ok(i),
        Some(_) => Err(oauth_error(498, "invalid_request", "refresh_token expired")),
        None => Err(oauth_error(498, "invalid_request", "Invalid refresh_token")),
    }
}

/// `POST /sharing/rest/oauth2/token`.
pub async fn token(State(s): State<Arc<Shared>>, Extension(ctx): Extension<Arc<Ctx>>) -> Response {
    let client_id = ctx.param("client_id").unwrap_or("").to_string();
    if client_id != OAUTH_CLIENT_ID && client_id != PYTHON_API_CLIENT_ID {
        return oauth_error(400, "invalid_client", "Invalid client_id");
    }
    let ssl = s.tls;
    match ctx.param("grant_type").unwrap_or("") {
        "authorization_code" => {
            let code = ctx.param("code").unwrap_or("");
            let Some(grant) = s.oauth.lock().expect("oauth").codes.remove(code) else {
                return oauth_error(400, "invalid_request", "Invalid authorization code");
            };
            if grant.expires <= now_ms() || grant.request.client_id != client_id {
                return oauth_error(400, "invalid_request", "Invalid authorization code");
            }
            if ctx.param("redirect_uri") != Some(grant.request.redirect_uri.as_str()) {
                return oauth_error(400, "invalid_request", "Invalid redirect_uri");
            }
            if !pkce_ok(&grant.request, ctx.param("code_verifier")) {
                return oauth_error(400, "invalid_request", "Invalid code_verifier");
            }
            let ttl = s.token_ttl();
            let (access, _) = s
                .tokens
                .lock()
                .expect("tokens")
                .issue(&grant.username, ttl, None);
            let (refresh, rsecs) = issue_refresh(
                &s,
                &grant.username,
                &client_id,
                grant.request.expiration_minutes,
            );
            respond::json(
                &ctx_json(&ctx),
                &json!({"access_token": access, "expires_in": ttl.as_secs(),
                "username": grant.username, "ssl": ssl, "refresh_token": refresh,
                "refresh_token_expires_in": rsecs}),
            )
        }
        "refresh_token" => {
            let rt = ctx.param("refresh_token").unwrap_or("");
            let info = match valid_refresh(&s, rt, &client_id) {
                Ok(i) => i,
                Err(r) => return r,
            };
            let ttl = s.token_ttl();
            let (access, _) = s
                .tokens
                .lock()
                .expect("tokens")
                .issue(&info.username, ttl, None);
            respond::json(
                &ctx_json(&ctx),
                &json!({"access_token": access, "expires_in": ttl.as_secs(),
                "username": info.username, "ssl": ssl}),
            )
        }
        "exchange_refresh_token" => {
            let rt = ctx.param("refresh_token").unwrap_or("").to_string();
            let info = match valid_refresh(&s, &rt, &client_id) {
                Ok(i) => i,
                Err(r) => return r,
            };
            s.oauth.lock().expect("oauth").refresh.remove(&rt);
            let (refresh, rsecs) = issue_refresh(&s, &info.username, &client_id, None);
            let ttl = s.token_ttl();
            let (access, _) = s
                .tokens
                .lock()
                .expect("tokens")
                .issue(&info.username, ttl, None);
            respond::json(
                &ctx_json(&ctx),
                &json!({"access_token": access, "expires_in": ttl.as_secs(),
                "username": info.username, "ssl": ssl, "refresh_token": refresh,
                "refresh_token_expires_in": rsecs}),
            )
        }
        _ => oauth_error(400, "unsupported_grant_type", "Invalid grant_type"),
    }
}

/// The token endpoint answers JSON even without `f`.
fn ctx_json(ctx: &Ctx) -> Ctx {
    let mut c = ctx.clone();
    if c.param("f").is_none() {
        c.params.insert("f".into(), "json".into());
    }
    c
}

/// `POST /sharing/rest/oauth2/revokeToken` (`auth_token` = refresh or access token).
pub async fn revoke(State(s): State<Arc<Shared>>, Extension(ctx): Extension<Arc<Ctx>>) -> Response {
    let t = ctx
        .param("auth_token")
        .or_else(|| ctx.param("token"))
        .unwrap_or("")
        .to_string();
    let a = s.oauth.lock().expect("oauth").refresh.remove(&t).is_some();
    let b = s.tokens.lock().expect("tokens").revoke(&t);
    respond::json(&ctx_json(&ctx), &json!({"success": a || b}))
}
