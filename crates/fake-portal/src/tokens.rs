//! Access tokens: issue, validate (expiry and referer binding), and read from a request.

use super::ids::{now_ms, secret};
use axum::http::HeaderMap;
use std::collections::HashMap;
use std::time::Duration;

/// One issued access token.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub username: String,
    /// Absolute expiry, epoch ms.
    pub expires: i64,
    /// `client=referer` tokens only work with this exact `Referer` header.
    pub referer: Option<String>,
    /// Server tokens (`generateToken` with `serverUrl`): the server they were issued for.
    pub server: Option<String>,
}

/// All issued access tokens.
#[derive(Debug, Default)]
pub struct TokenStore {
    tokens: HashMap<String, TokenInfo>,
}

impl TokenStore {
    /// Issue a token for `username` valid for `ttl`, optionally bound to `referer`.
    pub fn issue(
        &mut self,
        username: &str,
        ttl: Duration,
        referer: Option<String>,
    ) -> (String, i64) {
        let token = secret(64);
        let expires = now_ms() + ttl.as_millis() as i64;
        self.tokens.insert(
            token.clone(),
            TokenInfo {
                username: username.to_string(),
                expires,
                referer,
                server: None,
            },
        );
        (token, expires)
    }

    /// Look a token up without checks.
    pub fn get(&self, token: &str) -> Option<&TokenInfo> {
        self.tokens.get(token)
    }

    /// Marks `token` as a server token for `server_url`.
    pub fn mark_server(&mut self, token: &str, server_url: &str) {
        if let Some(info) = self.tokens.get_mut(token) {
            info.server = Some(server_url.to_string());
        }
    }

    /// Forget a token.
    pub fn revoke(&mut self, token: &str) -> bool {
        self.tokens.remove(token).is_some()
    }

    /// The username behind `token`, or `Err(498)` when unknown, expired or used from another
    /// referer.
    pub fn validate(&self, token: &str, referer: Option<&str>) -> Result<String, u16> {
        let info = self.tokens.get(token).ok_or(498u16)?;
        if info.expires <= now_ms() {
            return Err(498);
        }
        if let Some(bound) = &info.referer
            && referer != Some(bound.as_str())
        {
            return Err(498);
        }
        Ok(info.username.clone())
    }
}

/// The token of a request: `token` parameter, else `X-Esri-Authorization: Bearer`, else
/// `Authorization: Bearer`.
pub fn token_from(headers: &HeaderMap, token_param: Option<&str>) -> Option<String> {
    if let Some(t) = token_param.filter(|t| !t.is_empty()) {
        return Some(t.to_string());
    }
    ["x-esri-authorization", "authorization"]
        .iter()
        .filter_map(|h| headers.get(*h)?.to_str().ok())
        .filter_map(|v| {
            let (scheme, rest) = v.trim().split_once(' ')?;
            scheme
                .eq_ignore_ascii_case("bearer")
                .then(|| rest.trim().to_string())
        })
        .find(|t| !t.is_empty())
}

/// The `Referer` header value.
pub fn referer_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get(axum::http::header::REFERER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}
