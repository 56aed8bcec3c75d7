//! Middleware on all three origins: latency, fault knobs, request log, one-buffer bodies
//! (streamed bodies pass through unbuffered).

use super::ctx::Ctx;
use super::faults::{Cut, Fault};
use super::respond;
use super::state::Shared;
use super::tokens::{referer_of, token_from};
use super::{Origin, RequestRecord};
use axum::body::{Body, HttpBody as _};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use bytes::Bytes;
use futures::StreamExt;
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

fn status_title(status: u16) -> &'static str {
    match status {
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        504 => "Gateway Timeout",
        _ => "Service Unavailable",
    }
}

fn fault_response(fault: Fault) -> Response {
    match fault {
        Fault::Fail(status) => {
            let title = status_title(status);
            let mut r = respond::html(status, title, &format!("<h1>{status} {title}</h1>"));
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

/// Sign-in endpoints, exempt from random [`super::FaultRatios`] faults.
fn is_auth_path(path: &str) -> bool {
    path.ends_with("/generateToken") || path.contains("/oauth2/")
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
    let mut params = parse_params(parts.uri.query(), &parts.headers, &body);
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
    let exempt = is_auth_path(&record.path);
    let fault = mw
        .shared
        .faults
        .lock()
        .expect("faults lock")
        .next_fault(exempt, &record.path);
    super::hostile::adjust_request(&mw.shared, &mut parts.uri, &mut params);
    let start_param = params.get("start").cloned();
    let intercepted = match fault {
        None => super::hostile::intercept(&mw.shared, &record.path),
        Some(_) => None,
    };
    let resp = match (fault, intercepted) {
        (Some(f), _) => fault_response(f),
        (None, Some(r)) => r,
        (None, None) => {
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
    record.status = rparts.status.as_u16();
    let record_path = record.path.clone();
    mw.shared.log.lock().expect("log lock").push(record);
    if rbody.size_hint().exact().is_none() {
        // A streamed body (large downloads): never buffered; the handler set Content-Length.
        let declared = rparts
            .headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let cut = mw.shared.faults.lock().expect("faults lock").take_cut(
            exempt || fault.is_some(),
            false,
            declared,
        );
        let body = match cut {
            Cut::None => rbody,
            _ => cut_connection(rbody, declared.unwrap_or(0) / 2),
        };
        return Response::from_parts(rparts, body);
    }
    let out = axum::body::to_bytes(rbody, BODY_LIMIT)
        .await
        .unwrap_or_default();
    let out = super::hostile::rewrite_json(&mw.shared, &record_path, start_param.as_deref(), out);
    if let Some(mode) = super::hostile::take_body_mode(&mw.shared, &record_path) {
        rparts.headers.remove(header::CONTENT_LENGTH);
        if let super::hostile::BodyMode::Drip(_) = mode {
            rparts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(out.len()));
        }
        return Response::from_parts(rparts, super::hostile::body_for(mode, out));
    }
    let is_json = looks_like_json(&rparts.headers, &out);
    let cut = if fault.is_some() {
        Cut::None
    } else {
        mw.shared.faults.lock().expect("faults lock").take_cut(
            exempt,
            is_json,
            Some(out.len() as u64),
        )
    };
    let full = out.len();
    let body = match cut {
        Cut::None => Body::from(out),
        Cut::Json => {
            let half = out.slice(..full / 2);
            rparts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(half.len()));
            return Response::from_parts(rparts, Body::from(half));
        }
        Cut::Connection => cut_connection(Body::from(out), full as u64 / 2),
    };
    rparts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(full));
    Response::from_parts(rparts, body)
}

/// `body` limited to its first `keep` bytes, then an I/O error: hyper drops the connection
/// short of the declared `Content-Length`, which is what a cut connection looks like.
fn cut_connection(body: Body, keep: u64) -> Body {
    let data = body.into_data_stream();
    let stream =
        futures::stream::unfold((data, keep, false), |(mut data, left, done)| async move {
            if done {
                return None;
            }
            let abort = || {
                std::io::Error::new(
                    std::io::ErrorKind::ConnectionAborted,
                    "fake portal: connection cut",
                )
            };
            if left == 0 {
                // Give hyper a chance to flush what was sent before the connection drops.
                tokio::time::sleep(std::time::Duration::from_millis(30)).await;
                return Some((Err(abort()), (data, 0, true)));
            }
            match data.next().await {
                Some(Ok(mut b)) => {
                    if b.len() as u64 > left {
                        b.truncate(left as usize);
                    }
                    let left = left - b.len() as u64;
                    Some((Ok(b), (data, left, false)))
                }
                Some(Err(_)) | None => Some((Err(abort()), (data, 0, true))),
            }
        });
    Body::from_stream(stream)
}
