//! Hostile-server knobs: redirected or HTML item data, endless and dripping bodies, creeping
//! `nextStart`, endless `exceededTransferLimit`; the storage origin that redirected downloads
//! land on, and the catcher origin (a server that claims federation with the portal in its
//! own `/rest/info` and accepts any token, as an attacker's server would).

use super::features::{self, CallerAuth, ServerInfo, ServiceStore};
use super::model::ItemData;
use super::respond;
use super::server::FakePortal;
use super::state::Shared;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::Response;
use axum::routing::any;
use bytes::Bytes;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;

/// How an item's `/data` misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataMode {
    /// HTTP 302 to the storage origin, which serves the real bytes (as ArcGIS Online does).
    RedirectToStorage,
    /// HTTP 302 with an HTML "moved" body and no `Location` header.
    RedirectWithoutLocation,
    /// HTTP 302 to itself, forever.
    RedirectLoop,
    /// HTTP 200 with an HTML sign-in page instead of the data.
    HtmlPage,
}

/// How a response body misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyMode {
    /// A JSON-looking body that never ends (no `Content-Length`).
    Endless,
    /// The real body, one byte every `interval`.
    Drip(Duration),
}

/// Pending hostile behaviour.
#[derive(Debug, Default)]
pub struct Hostile {
    data: HashMap<String, DataMode>,
    storage: HashMap<String, (Bytes, String)>,
    bodies: Vec<(String, u32, BodyMode)>,
    creeping_next_start: bool,
    endless_transfer_limit: bool,
}

impl FakePortal {
    /// Item `id`'s `/data` misbehaves as `mode` from now on; with
    /// [`DataMode::RedirectToStorage`] the storage origin serves the item's current bytes.
    pub fn set_data_mode(&self, id: &str, mode: DataMode) {
        let bytes = {
            let org = self.shared.org();
            org.item(id).map(|it| match &it.data {
                ItemData::Json(t) => (Bytes::from(t.clone()), "text/plain".to_string()),
                ItemData::File {
                    bytes,
                    content_type,
                    ..
                } => (bytes.clone(), content_type.to_string()),
                _ => (Bytes::new(), "application/octet-stream".to_string()),
            })
        };
        let mut h = self.shared.hostile.lock().expect("hostile");
        if let Some(b) = bytes {
            h.storage.insert(id.to_string(), b);
        }
        h.data.insert(id.to_string(), mode);
    }

    /// The next `n` responses to paths ending with `path_suffix` get body `mode`.
    pub fn hostile_body_next(&self, path_suffix: &str, n: u32, mode: BodyMode) {
        self.shared.hostile.lock().expect("hostile").bodies.push((
            path_suffix.to_string(),
            n,
            mode,
        ));
    }

    /// Paged Sharing-API answers say `nextStart = start + 1` (creeping) while on.
    pub fn set_creeping_next_start(&self, on: bool) {
        self.shared
            .hostile
            .lock()
            .expect("hostile")
            .creeping_next_start = on;
    }

    /// Feature `/query` answers ignore `resultOffset` and always say
    /// `exceededTransferLimit: true` while on.
    pub fn set_endless_transfer_limit(&self, on: bool) {
        self.shared
            .hostile
            .lock()
            .expect("hostile")
            .endless_transfer_limit = on;
    }

    /// Origin of the storage server that redirected downloads land on.
    pub fn storage_origin(&self) -> String {
        self.shared.urls.storage.clone()
    }

    /// Origin of the catcher: a server the portal does not list, whose `/rest/info` claims
    /// `owningSystemUrl` = this portal, serving the foreign sample services under `/arcgis`.
    pub fn catcher_origin(&self) -> String {
        self.shared.urls.catcher.clone()
    }

    /// Adds a copy of item `template` (same type and owner) with a new id, `title` and `url`;
    /// `modified` is now. Returns the new id. For items that point at other servers.
    ///
    /// # Panics
    /// When `template` does not exist.
    pub fn add_item_like(&self, template: &str, title: &str, url: &str) -> String {
        let mut org = self.shared.org_mut();
        let mut it = org
            .item(template)
            .cloned()
            .unwrap_or_else(|| panic!("add_item_like: no item {template}"));
        it.id = super::ids::new_item_id();
        it.title = title.to_string();
        it.url = Some(url.to_string());
        it.modified = super::ids::now_ms();
        it.groups.clear();
        let id = it.id.clone();
        org.items.push(it);
        org.reindex();
        id
    }

    /// The federated server a token was issued for with `serverUrl`, `None` for portal tokens
    /// and unknown tokens.
    pub fn server_of_token(&self, token: &str) -> Option<String> {
        self.shared
            .tokens
            .lock()
            .expect("tokens")
            .get(token)
            .and_then(|t| t.server.clone())
    }
}

/// The item id of a `/sharing/rest/content/items/{id}/data` path.
fn data_item(path: &str) -> Option<&str> {
    path.strip_prefix("/sharing/rest/content/items/")?
        .strip_suffix("/data")
        .filter(|id| !id.contains('/'))
}

/// A response that replaces the handler's, when a data knob applies to `path`.
pub fn intercept(shared: &Shared, path: &str) -> Option<Response> {
    let id = data_item(path)?;
    let mode = *shared.hostile.lock().ok()?.data.get(id)?;
    let moved = "<html><body><h1>Moved</h1><p>The document has moved.</p></body></html>";
    let mut r = match mode {
        DataMode::RedirectToStorage => {
            let mut r = respond::bytes(302, "text/html", moved);
            let loc = format!("{}/blobs/{id}?sig=fake-signature", shared.urls.storage);
            r.headers_mut().insert(header::LOCATION, hv(&loc));
            r
        }
        DataMode::RedirectWithoutLocation => respond::bytes(302, "text/html", moved),
        DataMode::RedirectLoop => {
            let mut r = respond::bytes(302, "text/html", moved);
            r.headers_mut().insert(header::LOCATION, hv(path));
            r
        }
        DataMode::HtmlPage => respond::html(
            200,
            "Sign In",
            "<h1>Sign in to ArcGIS</h1><form>user name</form>",
        ),
    };
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Some(r)
}

fn hv(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or(HeaderValue::from_static("/"))
}

/// Request changed by the knobs: `resultOffset` dropped from the parameters and the query
/// string while the endless-`exceededTransferLimit` knob is on.
pub fn adjust_request(
    shared: &Shared,
    uri: &mut axum::http::Uri,
    params: &mut BTreeMap<String, String>,
) {
    let endless = shared
        .hostile
        .lock()
        .map(|h| h.endless_transfer_limit)
        .unwrap_or(false);
    if !endless || !uri.path().ends_with("/query") {
        return;
    }
    params.retain(|k, _| !k.eq_ignore_ascii_case("resultOffset"));
    let Some(query) = uri.query() else {
        return;
    };
    let kept: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("resultOffset"))
        .collect();
    let q = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    if let Ok(new) = format!("{}?{q}", uri.path()).parse() {
        *uri = new;
    }
}

/// The body mode pending for `path`, consumed.
pub fn take_body_mode(shared: &Shared, path: &str) -> Option<BodyMode> {
    let mut h = shared.hostile.lock().ok()?;
    let slot = h
        .bodies
        .iter_mut()
        .find(|(suffix, n, _)| *n > 0 && path.ends_with(suffix.as_str()))?;
    slot.1 -= 1;
    Some(slot.2)
}

/// Rewrites a buffered JSON body for the creeping / endless knobs.
pub fn rewrite_json(shared: &Shared, path: &str, start: Option<&str>, body: Bytes) -> Bytes {
    let (creep, endless) = match shared.hostile.lock() {
        Ok(h) => (h.creeping_next_start, h.endless_transfer_limit),
        Err(_) => return body,
    };
    if !(creep || endless && path.ends_with("/query")) {
        return body;
    }
    let Ok(mut v) = serde_json::from_slice::<Value>(&body) else {
        return body;
    };
    let Some(obj) = v.as_object_mut() else {
        return body;
    };
    let mut changed = false;
    if creep && obj.contains_key("nextStart") {
        let start: i64 = start.and_then(|s| s.parse().ok()).unwrap_or(1);
        obj.insert("nextStart".into(), Value::from(start + 1));
        changed = true;
    }
    if endless && path.ends_with("/query") && obj.contains_key("features") {
        obj.insert("exceededTransferLimit".into(), Value::Bool(true));
        changed = true;
    }
    if !changed {
        return body;
    }
    serde_json::to_vec(&v).map(Bytes::from).unwrap_or(body)
}

/// A body for `mode`: endless JSON-looking bytes, or `real` one byte per interval.
pub fn body_for(mode: BodyMode, real: Bytes) -> Body {
    match mode {
        BodyMode::Endless => {
            let head = futures::stream::once(async {
                Ok::<Bytes, std::io::Error>(Bytes::from_static(b"{\"items\":["))
            });
            let chunk = Bytes::from("{\"id\":\"0\"},".repeat(6000));
            let tail = futures::stream::repeat_with(move || Ok(chunk.clone()));
            Body::from_stream(futures::StreamExt::chain(head, tail))
        }
        BodyMode::Drip(every) => {
            let stream = futures::stream::unfold((real, 0usize), move |(real, i)| async move {
                if i >= real.len() {
                    return None;
                }
                if i > 0 {
                    tokio::time::sleep(every).await;
                }
                Some((
                    Ok::<Bytes, std::io::Error>(real.slice(i..i + 1)),
                    (real, i + 1),
                ))
            });
            Body::from_stream(stream)
        }
    }
}

/// Router of the storage origin: `/blobs/{id}` serves the bytes stored by
/// [`FakePortal::set_data_mode`]; any token is ignored (storage URLs are signed).
pub fn storage_router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/blobs/{id}", any(blob))
        .fallback(|| async { respond::not_found() })
        .with_state(shared)
}

async fn blob(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let found = s
        .hostile
        .lock()
        .ok()
        .and_then(|h| h.storage.get(&id).cloned());
    match found {
        Some((bytes, ct)) => respond::bytes(200, &ct, bytes),
        None => respond::not_found(),
    }
}

/// Accepts any token (and keeps it: the request log records what it was sent).
struct CatcherAuth;

impl CallerAuth for CatcherAuth {
    fn caller(
        &self,
        _headers: &HeaderMap,
        _token_param: Option<&str>,
    ) -> Result<Option<String>, u16> {
        Ok(None)
    }
}

/// Router of the catcher origin: the foreign sample services under `/arcgis`, with a
/// `/arcgis/rest/info` that names this portal as `owningSystemUrl`.
pub fn catcher_router(shared: &Shared) -> Router {
    features::router(
        Arc::new(ServiceStore::sample_foreign()),
        Arc::new(CatcherAuth),
        ServerInfo {
            owning_system_url: Some(shared.urls.portal.clone()),
        },
        super::services::FOREIGN_PREFIX.to_string(),
    )
}
