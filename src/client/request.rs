//! The one request layer: `f=json`, the fixed `Referer`, the token (header on GET, form field on
//! POST, only for trusted hosts), long GETs as POSTs, the error envelope, retries, 498/499 replay.

use bytes::Bytes;
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{Error, Result, TransportKind};
use super::json::{check_envelope, from_value, parse_value};
use super::retry::parse_retry_after;
use super::scope::Grant;
use super::{Client, REFERER};

/// URLs longer than this are sent as POST (arcgis-rest-js uses the same threshold).
pub const MAX_GET_URL: usize = 2000;

/// Redirects followed for one download at most.
pub const MAX_REDIRECTS: usize = 5;

/// Most of an error body read to look for the ArcGIS error envelope.
const ERROR_BODY_CAP: u64 = 64 * 1024;

/// HTTP method of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET (reads).
    Get,
    /// POST with an urlencoded form.
    Post,
}

/// The body of one multipart file part; rebuilt for every attempt (files are reopened and
/// streamed, never held in memory).
#[derive(Debug, Clone)]
pub enum PartBody {
    /// A file on disk, streamed.
    File(std::path::PathBuf),
    /// Bytes already in memory (small parts, `addPart` chunks).
    Bytes(Bytes),
}

/// One file part of a multipart POST.
#[derive(Debug, Clone)]
pub struct FilePart {
    /// The form field name (`file`, `thumbnail`, `metadata`, `attachment`, ...).
    pub name: String,
    /// Where the bytes come from.
    pub body: PartBody,
    /// The file name sent in `Content-Disposition`.
    pub file_name: String,
    /// The part's `Content-Type`.
    pub mime: String,
}

/// One logical request to a portal or ArcGIS Server.
#[derive(Clone)]
pub struct Call {
    method: Method,
    url: String,
    params: Vec<(String, String)>,
    parts: Vec<FilePart>,
    safe: bool,
    json: bool,
    anonymous: bool,
    streamed: bool,
}

/// Parameters whose values are secrets: never shown by `Debug`.
const SECRET_PARAMS: &[&str] = &[
    "password",
    "token",
    "refresh_token",
    "access_token",
    "code",
    "code_verifier",
    "client_secret",
];

impl std::fmt::Debug for Call {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let params: Vec<(&str, &str)> = self
            .params
            .iter()
            .map(|(k, v)| {
                let shown = if SECRET_PARAMS.contains(&k.as_str()) {
                    "[redacted]"
                } else {
                    v.as_str()
                };
                (k.as_str(), shown)
            })
            .collect();
        f.debug_struct("Call")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("params", &params)
            .field("parts", &self.parts.len())
            .field("safe", &self.safe)
            .finish()
    }
}

impl Call {
    /// A GET that returns JSON (safe to retry).
    pub fn get(url: impl Into<String>) -> Self {
        Call {
            method: Method::Get,
            url: url.into(),
            params: Vec::new(),
            parts: Vec::new(),
            safe: true,
            json: true,
            anonymous: false,
            streamed: false,
        }
    }

    /// A POST that changes something (never retried automatically).
    pub fn post(url: impl Into<String>) -> Self {
        Call {
            method: Method::Post,
            safe: false,
            ..Call::get(url)
        }
    }

    /// A POST that only reads (e.g. token requests), safe to retry.
    pub fn post_read(url: impl Into<String>) -> Self {
        Call {
            safe: true,
            ..Call::post(url)
        }
    }

    /// Adds a parameter.
    pub fn param(mut self, name: &str, value: impl ToString) -> Self {
        self.params.push((name.to_string(), value.to_string()));
        self
    }

    /// Adds a parameter when present.
    pub fn param_opt(self, name: &str, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.param(name, v),
            None => self,
        }
    }

    /// Adds a file part streamed from `path`; the call becomes a multipart POST.
    pub fn part_file(
        mut self,
        name: &str,
        path: impl Into<std::path::PathBuf>,
        file_name: &str,
        mime: &str,
    ) -> Self {
        self.method = Method::Post;
        self.parts.push(FilePart {
            name: name.to_string(),
            body: PartBody::File(path.into()),
            file_name: file_name.to_string(),
            mime: mime.to_string(),
        });
        self
    }

    /// Adds a file part from bytes in memory; the call becomes a multipart POST.
    pub fn part_bytes(
        mut self,
        name: &str,
        bytes: impl Into<Bytes>,
        file_name: &str,
        mime: &str,
    ) -> Self {
        self.method = Method::Post;
        self.parts.push(FilePart {
            name: name.to_string(),
            body: PartBody::Bytes(bytes.into()),
            file_name: file_name.to_string(),
            mime: mime.to_string(),
        });
        self
    }

    /// True when the call is sent as `multipart/form-data`.
    pub fn is_multipart(&self) -> bool {
        !self.parts.is_empty()
    }

    /// Asks for raw bytes: no `f=json` is added.
    pub fn raw(mut self) -> Self {
        self.json = false;
        self
    }

    /// Never attaches a token (sign-in calls, federation probes).
    pub fn anonymous(mut self) -> Self {
        self.anonymous = true;
        self
    }

    /// The URL without parameters.
    pub fn url(&self) -> &str {
        &self.url
    }
}

/// What the layer hands back for a JSON call: the decoded value and the bytes as returned.
#[derive(Debug, Clone)]
pub struct JsonBody {
    /// The parsed document (already checked for the error envelope).
    pub value: Value,
    /// The exact bytes the server sent.
    pub raw: Bytes,
}

impl Client {
    /// Sends a JSON call and decodes the answer into `T`.
    pub async fn json<T: DeserializeOwned>(&self, call: Call) -> Result<T> {
        let url = call.url.clone();
        let body = self.json_body(call).await?;
        from_value(&url, body.value)
    }

    /// Sends a JSON call and returns the checked value together with the raw bytes.
    pub async fn json_body(&self, call: Call) -> Result<JsonBody> {
        let cap = self.inner.limits.max_json_bytes;
        self.run(&call, |resp, url| async move {
            let raw = read_body(resp, &url, cap).await?;
            let value = parse_value(&url, &raw)?;
            check_envelope(&url, &value)?;
            Ok(JsonBody { value, raw })
        })
        .await
    }

    /// Sends a call and returns the whole body as bytes (an ArcGIS error body still fails).
    pub async fn bytes(&self, call: Call) -> Result<Bytes> {
        let cap = self.inner.limits.max_json_bytes;
        self.run(&call.raw(), |resp, url| async move {
            let looks_json = content_type_is_texty(&resp);
            let raw = read_body(resp, &url, cap).await?;
            if looks_json
                && raw.len() < 64 * 1024
                && raw.trim_ascii_start().starts_with(b"{\"error\"")
                && let Ok(value) = parse_value(&url, &raw)
            {
                check_envelope(&url, &value)?;
            }
            Ok(raw)
        })
        .await
    }

    /// Sends a call and hands back the streaming response after the status check, for large
    /// downloads that go straight to disk. Redirects are followed (see [`Client::follow`]);
    /// the whole download is bounded by [`super::Limits::download_timeout`].
    pub async fn stream(&self, mut call: Call) -> Result<reqwest::Response> {
        call.streamed = true;
        self.run(&call.raw(), |resp, _url| async move { Ok(resp) })
            .await
    }

    /// Follows the redirects of a download (ArcGIS Online sends file downloads to its storage),
    /// at most [`MAX_REDIRECTS`]; each hop gets a token only when the scope allows its host.
    /// A redirect without a target, a loop or too many hops is an error: a redirect's own body
    /// is never the data.
    async fn follow(&self, call: &Call, mut resp: reqwest::Response) -> Result<reqwest::Response> {
        let mut here = call.url.clone();
        let mut seen = vec![here.clone()];
        for _ in 0..=MAX_REDIRECTS {
            if !is_redirect(resp.status()) {
                return Ok(resp);
            }
            let status = resp.status().as_u16();
            let location = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let Some(location) = location else {
                return Err(Error::Unexpected {
                    url: call.url.clone(),
                    reason: format!(
                        "HTTP {status} redirect without a Location header; its body is not the data"
                    ),
                });
            };
            let next = url::Url::parse(&here)
                .and_then(|base| base.join(&location))
                .map_err(|e| Error::Unexpected {
                    url: call.url.clone(),
                    reason: format!("HTTP {status} redirect to an unusable address: {e}"),
                })?;
            if !matches!(next.scheme(), "http" | "https") {
                return Err(Error::Unexpected {
                    url: call.url.clone(),
                    reason: format!("HTTP {status} redirect to a `{}:` address", next.scheme()),
                });
            }
            let next = next.to_string();
            if seen.contains(&next) {
                return Err(Error::Unexpected {
                    url: call.url.clone(),
                    reason: format!("HTTP {status} redirects in a loop"),
                });
            }
            seen.push(next.clone());
            let token = if call.anonymous {
                None
            } else {
                self.token_for(&next).await?
            };
            tracing::debug!(from = %without_query(&here), to = %without_query(&next), with_token = token.is_some(), "following a redirect");
            let hop = Call {
                method: Method::Get,
                url: next.clone(),
                params: Vec::new(),
                parts: Vec::new(),
                json: false,
                ..call.clone()
            };
            resp = self.send_once(&hop, token.as_ref()).await?;
            here = next;
        }
        Err(Error::Unexpected {
            url: call.url.clone(),
            reason: format!("more than {MAX_REDIRECTS} redirects"),
        })
    }

    /// The retry / token-refresh loop around one call; `read` turns a response into `T`.
    async fn run<T, F, Fut>(&self, call: &Call, read: F) -> Result<T>
    where
        F: Fn(reqwest::Response, String) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let policy = self.inner.retry;
        let mut attempt = 0u32;
        let mut replayed_after_refresh = false;
        loop {
            attempt += 1;
            let token = if call.anonymous {
                None
            } else {
                self.token_for(&call.url).await?
            };
            let sent = match self.send_once(call, token.as_ref()).await {
                Ok(resp) if is_redirect(resp.status()) => {
                    if call.json {
                        Err(Error::Unexpected {
                            url: call.url.clone(),
                            reason: format!(
                                "HTTP {} redirect where a JSON answer was expected",
                                resp.status().as_u16()
                            ),
                        })
                    } else {
                        self.follow(call, resp).await
                    }
                }
                other => other,
            };
            let outcome = match sent {
                Ok(resp) => match status_error(&resp, &call.url) {
                    Some(status_err) => {
                        // A JSON error body on a real 4xx says more than the status alone;
                        // throttling and 5xx keep the status (and its Retry-After).
                        let body = read_body(resp, &call.url, ERROR_BODY_CAP)
                            .await
                            .unwrap_or_default();
                        let envelope = parse_value(&call.url, &body)
                            .ok()
                            .and_then(|v| check_envelope(&call.url, &v).err());
                        match (envelope, &status_err) {
                            (Some(api), Error::Http { status, .. })
                                if *status != 429 && *status < 500 =>
                            {
                                Err(api)
                            }
                            _ => Err(status_err),
                        }
                    }
                    None => read(resp, call.url.clone()).await,
                },
                Err(e) => Err(e),
            };
            let err = match outcome {
                Ok(v) => return Ok(v),
                Err(e) => e,
            };
            if err.is_auth() {
                if let (Some(auth), Some(sent)) = (&self.inner.auth, &token)
                    && !replayed_after_refresh
                {
                    tracing::info!(url = %call.url, "token rejected; refreshing and replaying once");
                    auth.invalidate(sent).await;
                    replayed_after_refresh = true;
                    continue;
                }
                if token.is_some() || self.inner.auth.is_some() && !call.anonymous {
                    return Err(Error::InvalidToken {
                        url: call.url.clone(),
                        message: auth_message(&err),
                    });
                }
                return Err(err);
            }
            // Writes are retried only when the server refused them unprocessed (429): throttling
            // slows a restore down instead of failing it, so it gets more patience.
            let throttled = is_throttled(&err);
            let limit = if throttled {
                policy.max_attempts.max(THROTTLE_ATTEMPTS)
            } else {
                policy.max_attempts
            };
            if (call.safe && err.is_retryable() || !call.safe && throttled) && attempt < limit {
                let wait = policy.delay(attempt, err.retry_after());
                tracing::warn!(url = %call.url, attempt, wait_ms = wait.as_millis() as u64, error = %err, "retrying");
                tokio::time::sleep(wait).await;
                continue;
            }
            return Err(err);
        }
    }

    /// Sends one HTTP request: parameters, `Referer`, token placement, GET→POST for long URLs.
    async fn send_once(
        &self,
        call: &Call,
        token: Option<&SecretString>,
    ) -> Result<reqwest::Response> {
        let mut params = call.params.clone();
        if call.json && !params.iter().any(|(k, _)| k == "f") {
            params.push(("f".into(), "json".into()));
        }
        let mut method = call.method;
        if method == Method::Get && get_url_len(&call.url, &params) > MAX_GET_URL {
            method = Method::Post;
        }
        let http = &self.inner.http;
        let mut req = match method {
            Method::Get => http.get(&call.url).query(&params),
            Method::Post => {
                if let Some(t) = token {
                    params.push(("token".into(), t.expose_secret().to_string()));
                }
                if call.parts.is_empty() {
                    http.post(&call.url).form(&params)
                } else {
                    http.post(&call.url)
                        .multipart(multipart_form(&call.url, params, &call.parts).await?)
                }
            }
        };
        req = req.header(reqwest::header::REFERER, REFERER);
        let limits = &self.inner.limits;
        req = req.timeout(if call.streamed {
            limits.download_timeout
        } else {
            limits.request_timeout
        });
        if let (Method::Get, Some(t)) = (method, token) {
            req = req.header(
                "X-Esri-Authorization",
                format!("Bearer {}", t.expose_secret()),
            );
        }
        tracing::debug!(method = ?method, url = %call.url, with_token = token.is_some(), "request");
        let _permit = self.inner.hosts.acquire(&call.url).await;
        req.send().await.map_err(|e| transport_error(&call.url, &e))
    }

    /// The token for a URL, or `None` when the host must not receive it (see
    /// [`super::scope`]): the portal token, or a server token for an Enterprise federated server.
    /// Boxed because signing in and reading the portal's server lists send requests themselves.
    fn token_for<'a>(
        &'a self,
        url: &'a str,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Option<SecretString>>> + Send + 'a>,
    > {
        Box::pin(async move {
            let Some(auth) = &self.inner.auth else {
                return Ok(None);
            };
            match self.inner.scope.grant(self, url).await {
                Grant::None => {
                    tracing::debug!(
                        url,
                        "host is not one the portal lists as its own (or not https): no token sent"
                    );
                    Ok(None)
                }
                Grant::Portal => auth.token(self).await.map(Some),
                Grant::Server(server) => auth.server_token(self, &server).await.map(Some),
            }
        })
    }
}

/// Attempts for a request the server throttled (429), writes included.
pub const THROTTLE_ATTEMPTS: u32 = 8;

/// True when the server refused the request because of throttling (HTTP 429, or 429 in the
/// error envelope): nothing was processed, so even a write may be sent again.
pub fn is_throttled(err: &Error) -> bool {
    matches!(
        err,
        Error::Http { status: 429, .. } | Error::Api { code: 429, .. }
    )
}

/// Builds a fresh multipart form: text fields first, then the file parts (files are opened
/// now and streamed with their length, so a retry re-reads them from the start).
async fn multipart_form(
    url: &str,
    params: Vec<(String, String)>,
    parts: &[FilePart],
) -> Result<reqwest::multipart::Form> {
    use reqwest::multipart::{Form, Part};
    let mut form = Form::new();
    for (k, v) in params {
        form = form.text(k, v);
    }
    for p in parts {
        let local = |e: std::io::Error| Error::Transport {
            kind: TransportKind::Other,
            url: url.to_string(),
            message: format!("cannot read the file to upload for `{}`: {e}", p.name),
        };
        let part = match &p.body {
            PartBody::Bytes(b) => Part::bytes(b.to_vec()),
            PartBody::File(path) => {
                let file = tokio::fs::File::open(path).await.map_err(local)?;
                let len = file.metadata().await.map_err(local)?.len();
                let stream = tokio_util::io::ReaderStream::new(file);
                Part::stream_with_length(reqwest::Body::wrap_stream(stream), len)
            }
        };
        let part = part
            .file_name(p.file_name.clone())
            .mime_str(&p.mime)
            .map_err(|e| Error::Transport {
                kind: TransportKind::Other,
                url: url.to_string(),
                message: format!("bad content type `{}` for `{}`: {e}", p.mime, p.name),
            })?;
        form = form.part(p.name.clone(), part);
    }
    Ok(form)
}

fn auth_message(err: &Error) -> String {
    match err {
        Error::Api { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

fn get_url_len(url: &str, params: &[(String, String)]) -> usize {
    let query: usize = params.iter().map(|(k, v)| k.len() + v.len() * 3 + 2).sum();
    url.len() + query
}

fn content_type_is_texty(resp: &reqwest::Response) -> bool {
    resp.headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| ct.contains("json") || ct.starts_with("text/"))
        .unwrap_or(true)
}

/// A real HTTP error status as an error, with `Retry-After`.
fn status_error(resp: &reqwest::Response, url: &str) -> Option<Error> {
    let status = resp.status();
    if status.is_success() {
        return None;
    }
    let retry_after = parse_retry_after(
        resp.headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok()),
    );
    Some(Error::Http {
        status: status.as_u16(),
        url: url.to_string(),
        retry_after,
    })
}

/// True for the statuses that send the client elsewhere (not 304, which has no target).
fn is_redirect(status: reqwest::StatusCode) -> bool {
    status.is_redirection() && status != reqwest::StatusCode::NOT_MODIFIED
}

/// A URL without its query (signed storage URLs carry their signature there).
fn without_query(url: &str) -> &str {
    url.split_once('?').map_or(url, |(u, _)| u)
}

/// Reads a body into memory, at most `cap` bytes (never allocating by a declared size); a
/// failure while reading is a transport error, retried like the others.
async fn read_body(mut resp: reqwest::Response, url: &str, cap: u64) -> Result<Bytes> {
    let over = || Error::Limit {
        url: url.to_string(),
        message: super::limits::json_cap_message(cap),
    };
    if resp.content_length().is_some_and(|n| n > cap) {
        return Err(over());
    }
    let mut buf = bytes::BytesMut::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| transport_error(url, &e))? {
        if buf.len() as u64 + chunk.len() as u64 > cap {
            return Err(over());
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// Classifies a reqwest error; the message never holds a token (tokens are never in URLs).
pub fn transport_error(url: &str, e: &reqwest::Error) -> Error {
    let text = error_chain(e);
    let kind = if e.is_timeout() {
        TransportKind::Timeout
    } else if e.is_body() || e.is_decode() || text.contains("close_notify") {
        // Broken while reading the answer (truncated, reset, TLS closed without close_notify):
        // the request itself got through, another attempt may get the whole body.
        TransportKind::Interrupted
    } else if text.contains("certificate")
        || text.contains("tls")
        || text.contains("TLS")
        || text.contains("handshake")
    {
        TransportKind::Tls
    } else if e.is_connect() {
        TransportKind::Connect
    } else if e.is_body()
        || e.is_decode()
        || text.contains("reset")
        || text.contains("closed")
        || e.is_request()
    {
        TransportKind::Interrupted
    } else {
        TransportKind::Other
    };
    Error::Transport {
        kind,
        url: url.to_string(),
        message: text,
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

/// Bounds the requests in flight per host (scheme, host, port) across all clones of a client.
pub struct HostLimiter {
    per_host: usize,
    hosts:
        std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<tokio::sync::Semaphore>>>,
}

impl HostLimiter {
    /// A limiter allowing `per_host` requests in flight to each host.
    pub fn new(per_host: usize) -> Self {
        HostLimiter {
            per_host: per_host.max(1),
            hosts: Default::default(),
        }
    }

    /// Waits for a slot for `url`'s host; the slot is freed when the permit drops.
    pub async fn acquire(&self, url: &str) -> Option<tokio::sync::OwnedSemaphorePermit> {
        let origin = url::Url::parse(url).ok()?.origin().ascii_serialization();
        let sem = {
            let mut map = self.hosts.lock().ok()?;
            map.entry(origin)
                .or_insert_with(|| std::sync::Arc::new(tokio::sync::Semaphore::new(self.per_host)))
                .clone()
        };
        sem.acquire_owned().await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secret_parameters() {
        let call = Call::post_read("https://x/sharing/rest/generateToken")
            .param("username", "jdoe")
            .param("password", "hunter2")
            .param("refresh_token", "r-secret");
        let shown = format!("{call:?}");
        assert!(
            shown.contains("jdoe") && shown.contains("[redacted]"),
            "{shown}"
        );
        assert!(
            !shown.contains("hunter2") && !shown.contains("r-secret"),
            "{shown}"
        );
    }
}
