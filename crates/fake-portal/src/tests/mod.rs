//! Tests of the fake portal over real loopback HTTP(S).

mod admin_defs;
mod auth;
mod bench;
mod changes;
mod content;
mod export;
mod faults;
mod infra;
mod oauth;
mod publish;
mod search;
mod services;
mod write_items;
mod write_services;
mod write_util;

use super::sample::*;
use super::{FakeConfig, FakePortal};
use serde_json::Value;

/// A portal with default settings.
pub async fn portal() -> FakePortal {
    FakePortal::start(FakeConfig::default())
        .await
        .expect("start fake")
}

/// A client that does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// GET `path` under the sharing root with `params`, parsed as JSON.
pub async fn get_json(p: &FakePortal, path: &str, params: &[(&str, &str)]) -> Value {
    let url = format!("{}{path}", p.sharing_url());
    let body = client()
        .get(url)
        .query(params)
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("body");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// A token for `user` via generateToken with `client=referer`.
pub async fn token_for(p: &FakePortal, user: &str, password: &str, referer: &str) -> String {
    let v: Value = client()
        .post(format!("{}/generateToken", p.sharing_url()))
        .form(&[
            ("username", user),
            ("password", password),
            ("client", "referer"),
            ("referer", referer),
            ("expiration", "60"),
            ("f", "json"),
        ])
        .send()
        .await
        .expect("send")
        .json()
        .await
        .expect("json");
    v["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token: {v}"))
        .to_string()
}

/// Admin token (unbound).
pub fn admin_token(p: &FakePortal) -> String {
    p.issue_token(ADMIN_USERNAME)
}
