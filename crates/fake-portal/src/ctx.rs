//! The parsed request handed to portal handlers by the middleware.

use super::state::Shared;
use super::tokens::{referer_of, token_from};
use axum::http::{HeaderMap, Method};
use axum::response::Response;
use std::collections::BTreeMap;

/// Requested response format (`f`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fmt {
    Json,
    Pjson,
    Html,
}

/// One request: method, merged query + form parameters, headers.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub method: Method,
    pub params: BTreeMap<String, String>,
    pub headers: HeaderMap,
}

impl Ctx {
    /// A parameter by name (exact, then case-insensitive); empty values count as absent.
    pub fn param(&self, key: &str) -> Option<&str> {
        self.params
            .get(key)
            .or_else(|| {
                self.params
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .map(|(_, v)| v)
            })
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A numeric parameter, or `default`.
    pub fn num(&self, key: &str, default: i64) -> i64 {
        self.param(key)
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(default)
    }

    /// The `f` parameter.
    pub fn fmt(&self) -> Fmt {
        match self.param("f").map(str::to_ascii_lowercase).as_deref() {
            Some("json") => Fmt::Json,
            Some("pjson") => Fmt::Pjson,
            _ => Fmt::Html,
        }
    }

    /// The token carried by this request, if any.
    pub fn token(&self) -> Option<String> {
        token_from(&self.headers, self.param("token"))
    }

    /// The `Referer` header.
    pub fn referer(&self) -> Option<String> {
        referer_of(&self.headers)
    }

    /// Who is calling: `Ok(None)` = anonymous; an invalid or expired token answers 498.
    #[allow(clippy::result_large_err)] // the error is the ready-made response
    pub fn caller(&self, s: &Shared) -> Result<Option<String>, Response> {
        let Some(token) = self.token() else {
            return Ok(None);
        };
        let referer = self.referer();
        let res = s
            .tokens
            .lock()
            .expect("tokens lock")
            .validate(&token, referer.as_deref());
        match res {
            Ok(u) => Ok(Some(u)),
            Err(_) => Err(super::respond::invalid_token(self)),
        }
    }
}
