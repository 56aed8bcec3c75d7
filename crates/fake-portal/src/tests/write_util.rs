//! Helpers for the write-side tests: an empty org, urlencoded and multipart POSTs.

use super::client;
use crate::{FakeConfig, FakePortal};
use serde_json::Value;

/// A portal with the empty org (`enterprise` as given).
pub async fn empty(enterprise: bool) -> FakePortal {
    FakePortal::start(FakeConfig {
        empty_org: true,
        enterprise,
        ..FakeConfig::default()
    })
    .await
    .expect("start fake")
}

async fn parse(r: reqwest::Response) -> Value {
    let body = r.text().await.expect("body");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// POST an urlencoded form (plus `f=json` and `token`) to an absolute `url`.
pub async fn post(url: &str, token: &str, form: &[(&str, &str)]) -> Value {
    let mut all: Vec<(&str, &str)> = form.to_vec();
    all.extend([("f", "json"), ("token", token)]);
    parse(client().post(url).form(&all).send().await.expect("send")).await
}

/// POST multipart: text `fields` (plus `f=json` and `token`) and `files` as
/// `(field, file name, bytes)`.
pub async fn post_multipart(
    url: &str,
    token: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &str, Vec<u8>)],
) -> Value {
    let mut form = reqwest::multipart::Form::new()
        .text("f", "json")
        .text("token", token.to_string());
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    for (k, name, bytes) in files {
        let part = reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.to_string());
        form = form.part(k.to_string(), part);
    }
    parse(
        client()
            .post(url)
            .multipart(form)
            .send()
            .await
            .expect("send"),
    )
    .await
}

/// GET an absolute `url` with `f=json`, `token` and `params`, parsed as JSON.
pub async fn get(url: &str, token: &str, params: &[(&str, &str)]) -> Value {
    let mut all: Vec<(&str, &str)> = params.to_vec();
    all.extend([("f", "json"), ("token", token)]);
    parse(client().get(url).query(&all).send().await.expect("send")).await
}

/// GET raw bytes of an absolute `url` with `token`.
pub async fn bytes(url: &str, token: &str) -> Vec<u8> {
    client()
        .get(url)
        .query(&[("token", token)])
        .send()
        .await
        .expect("send")
        .bytes()
        .await
        .expect("bytes")
        .to_vec()
}
