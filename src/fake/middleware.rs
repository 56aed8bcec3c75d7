//! Middleware on all three origins: latency, fault knobs, request log, one-buffer bodies.

use super::ctx::Ctx;
use super::faults::Fault;
use super::respond;
use super::state::Shared;
use super::tokens::{referer_of, token_from};
use super::{Origin, RequestRecord};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use bytes::Bytes;
use std::collections::BTreeMap;
use std::sync::Arc;

const BODY_LIMIT: usize = 1 << 30;
/// Parameters whose values never reach the request log.
const SECRET_KEYS: &[&str] = &[
    "token",
    "password",
    "refresh_token",
    "access_token",
    "auth_token",
    "client_secret",
    "code_verifier",
];

/// State of the middleware for one listener.
#[derive(Clone)]
pub struct MwState {
    pub shared: Arc<Shared>,
    pub origin: Origin,
}

fn parse_params(
    query: Option<&str>,
    headers: &axum::http::HeaderMap,
    body: &[u8],
) -> BTreeMap<String, String> {
    let mut params = BTreeMap::new();
    if let Some(q) = query {
        params.extend(url::form_urlencoded::parse(q.as_bytes()).into_owned());
    }
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct.starts_with("application/x-www-form-urlencoded") {
        params.extend(url::form_urlencoded::parse(body).into_owned());
    } else if let Some(b) = super::multipart::boundary(ct) {
        params.extend(super::multipart::fields(body, &b));
    }
    params
}

fn redacted(params: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    params
        .iter()
        .map(|(k, v)| {
            let secret = SECRET_KEYS.iter().any(|s| k.eq_ignore_ascii_case(s));
            (
                k.clone(),
                if secret {
                    "<redacted>".to_string()
                } else {
                    v.clone()
                },
            )
        })
        .collect()
}

fn fault_response(fault: Fault) -> Response {
    match fault {
        Fault::Fail(status) => {
            let mut r = respond::html(
                status,
                "Service Unavailable",
                &format!("<h1>{status} Service Temporarily Unavailable</h1>"),
            );
            if status == 503 {
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            r
        }
        Fault::Throttle(secs) => {
            let body = serde_json::json!({"error": {"code": 429,
                "message": "Too many requests. Please try again later.", "details": []}});
            let mut r = respond::bytes(429, "application/json; charset=utf-8", body.to_string());
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
    }
}

fn looks_like_json(headers: &axum::http::HeaderMap, body: &Bytes) -> bool {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    (ct.contains("json") || ct.starts_with("text/plain"))
        && body
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'{' || *b == b'[')
}

/// The middleware function (see module docs).
pub async fn layer(State(mw): State<MwState>, req: Request, next: Next) -> Response {
    let latency = *mw.shared.latency.lock().expect("latency lock");
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let (mut parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, BODY_LIMIT)
        .await
        .unwrap_or_default();
    let params = parse_params(parts.uri.query(), &parts.headers, &body);
    let token = token_from(&parts.headers, params.get("token").map(String::as_str));
    let mut record = RequestRecord {
        origin: mw.origin,
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        params: redacted(&params),
        token,
        referer: referer_of(&parts.headers),
        status: 0,
    };
    let fault = mw.shared.faults.lock().expect("faults lock").next_fault();
    let resp = match fault {
        Some(f) => fault_response(f),
        None => {
            let ctx = Ctx {
                method: parts.method.clone(),
                params,
                headers: parts.headers.clone(),
            };
            parts.extensions.insert(Arc::new(ctx));
            next.run(Request::from_parts(parts, Body::from(body))).await
        }
    };
    let (mut rparts, rbody) = resp.into_parts();
    let mut out = axum::body::to_bytes(rbody, BODY_LIMIT)
        .await
        .unwrap_or_default();
    if fault.is_none()
        && looks_like_json(&rparts.headers, &out)
        && mw
            .shared
            .faults
            .lock()
            .expect("faults lock")
            .take_truncate()
    {
        out = out.slice(..out.len() / 2);
    }
    rparts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(out.len()));
    record.status = rparts.status.as_u16();
    mw.shared.log.lock().expect("log lock").push(record);
    Response::from_parts(rparts, Body::from(out))
}
