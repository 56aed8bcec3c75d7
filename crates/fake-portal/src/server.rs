//! Listeners and the [`FakePortal`] handle: bind, seed, serve, fault knobs, test helpers.

use super::config::FakeConfig;
use super::faults::Faults;
use super::middleware::{MwState, layer};
use super::oauth::{AuthRequest, OAuthStore};
use super::sample::ORG_ID;
use super::seed::{SeedUrls, sample_org};
use super::state::{Shared, Urls};
use super::tokens::TokenStore;
use super::{ItemSummary, Origin, RequestRecord, router, services, tls};
use axum::Router;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;

/// A running fake portal; dropping it shuts the listeners down.
pub struct FakePortal {
    pub(super) shared: Arc<Shared>,
    cancel: CancellationToken,
    cert_pem: Option<String>,
}

impl Drop for FakePortal {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

async fn serve_conn<I>(io: I, router: Router, cancel: CancellationToken)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let svc = TowerToHyperService::new(router);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.writev(false).keep_alive(true);
    let conn = builder.serve_connection(TokioIo::new(io), svc);
    tokio::select! {
        _ = conn => {}
        _ = cancel.cancelled() => {}
    }
}

/// Accept connections; each one gets its own task (TLS handshake included).
async fn accept_loop(
    listener: TcpListener,
    router: Router,
    tls: Option<TlsAcceptor>,
    cancel: CancellationToken,
) {
    loop {
        let accepted = tokio::select! {
            _ = cancel.cancelled() => return,
            r = listener.accept() => r,
        };
        let Ok((tcp, _)) = accepted else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let (router, tls, cancel) = (router.clone(), tls.clone(), cancel.clone());
        tokio::spawn(async move {
            match tls {
                Some(acceptor) => {
                    if let Ok(stream) = acceptor.accept(tcp).await {
                        serve_conn(stream, router, cancel).await;
                    }
                }
                None => serve_conn(tcp, router, cancel).await,
            }
        });
    }
}

/// Collapse repeated slashes in the path (`//sharing/rest/...`), as real web servers do; the
/// Python client sends such paths.
fn collapse_slashes(mut req: axum::extract::Request) -> axum::extract::Request {
    let path = req.uri().path();
    if !path.contains("//") {
        return req;
    }
    let mut clean = String::with_capacity(path.len());
    for c in path.chars() {
        if !(c == '/' && clean.ends_with('/')) {
            clean.push(c);
        }
    }
    if let Some(q) = req.uri().query() {
        clean = format!("{clean}?{q}");
    }
    let mut parts = req.uri().clone().into_parts();
    if let Ok(pq) = clean.parse() {
        parts.path_and_query = Some(pq);
        if let Ok(uri) = axum::http::Uri::from_parts(parts) {
            *req.uri_mut() = uri;
        }
    }
    req
}

fn with_middleware(router: Router, shared: &Arc<Shared>, origin: Origin) -> Router {
    use tower::ServiceExt;
    let normalized = router.map_request(collapse_slashes);
    Router::new()
        .fallback_service(normalized)
        .layer(axum::middleware::from_fn_with_state(
            MwState {
                shared: shared.clone(),
                origin,
            },
            layer,
        ))
}

impl FakePortal {
    /// Bind the three listeners on 127.0.0.1, seed the sample org and start serving.
    pub async fn start(config: FakeConfig) -> std::io::Result<FakePortal> {
        let portal_l = TcpListener::bind(("127.0.0.1", config.port)).await?;
        let services_l = TcpListener::bind(("127.0.0.1", 0)).await?;
        let foreign_l = TcpListener::bind(("127.0.0.1", 0)).await?;
        let catcher_l = TcpListener::bind(("127.0.0.1", 0)).await?;
        let storage_l = TcpListener::bind(("127.0.0.1", 0)).await?;
        let tls = if config.tls { Some(tls::make()?) } else { None };
        let scheme = if config.tls { "https" } else { "http" };
        let origin = |l: &TcpListener| -> std::io::Result<String> {
            Ok(format!("{scheme}://127.0.0.1:{}", l.local_addr()?.port()))
        };
        let urls = Urls {
            portal: origin(&portal_l)?,
            services: origin(&services_l)?,
            foreign: origin(&foreign_l)?,
            catcher: origin(&catcher_l)?,
            storage: origin(&storage_l)?,
        };
        let seed_urls = SeedUrls {
            portal: urls.portal.clone(),
            hosted_services: format!("{}/{ORG_ID}/arcgis/rest/services", urls.services),
            foreign_services: format!("{}/arcgis/rest/services", urls.foreign),
        };
        let org = if config.empty_org {
            let mut org = super::empty::empty_org(&seed_urls);
            super::empty_users::apply(&mut org, &config.empty_org_users);
            org
        } else {
            let mut org = sample_org(&seed_urls, config.generated_items);
            super::bench::add_bench_items(
                &mut org,
                &seed_urls,
                config.large_file_bytes,
                config.large_layer_features,
            );
            if config.no_data_quirks {
                super::seed_items::remove_data_quirks(&mut org);
            }
            org.reindex();
            org
        };
        let shared = Arc::new(Shared {
            org: RwLock::new(org),
            tokens: Mutex::new(TokenStore::default()),
            oauth: Mutex::new(OAuthStore::default()),
            faults: Mutex::new(Faults::new(config.fail_ratio_5xx)),
            log: Mutex::new(Vec::new()),
            urls,
            tls: config.tls,
            search_cap: config.search_cap,
            latency: Mutex::new(config.latency),
            token_ttl: Mutex::new(config.token_ttl),
            refresh_ttl: config.refresh_token_ttl,
            hosted: services::hosted_store(config.large_layer_features, config.empty_org),
            jobs: Mutex::new(Default::default()),
            enterprise: config.enterprise,
            uploads: Mutex::new(Default::default()),
            hostile: Mutex::new(Default::default()),
        });
        let cancel = CancellationToken::new();
        let acceptor = tls.as_ref().map(|t| t.acceptor.clone());
        let routers = [
            (
                portal_l,
                with_middleware(
                    router::portal_router(shared.clone()),
                    &shared,
                    Origin::Portal,
                ),
            ),
            (
                services_l,
                with_middleware(
                    services::hosted_router(shared.clone()),
                    &shared,
                    Origin::Services,
                ),
            ),
            (
                foreign_l,
                with_middleware(services::foreign_router(), &shared, Origin::Foreign),
            ),
            (
                catcher_l,
                with_middleware(
                    super::hostile::catcher_router(&shared),
                    &shared,
                    Origin::Catcher,
                ),
            ),
            (
                storage_l,
                with_middleware(
                    super::hostile::storage_router(shared.clone()),
                    &shared,
                    Origin::Storage,
                ),
            ),
        ];
        for (listener, router) in routers {
            tokio::spawn(accept_loop(
                listener,
                router,
                acceptor.clone(),
                cancel.clone(),
            ));
        }
        Ok(FakePortal {
            shared,
            cancel,
            cert_pem: tls.map(|t| t.cert_pem),
        })
    }

    /// Portal root as a user types it, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn url(&self) -> String {
        self.shared.urls.portal.clone()
    }

    /// The sharing API root, `url() + "/sharing/rest"`.
    pub fn sharing_url(&self) -> String {
        self.shared.sharing_url()
    }

    /// Origin of the federated hosted-services server.
    pub fn services_origin(&self) -> String {
        self.shared.urls.services.clone()
    }

    /// Origin of a server that is not federated with the portal.
    pub fn foreign_origin(&self) -> String {
        self.shared.urls.foreign.clone()
    }

    /// The self-signed certificate (PEM) when serving TLS.
    pub fn ca_cert_pem(&self) -> Option<String> {
        self.cert_pem.clone()
    }

    /// Every request seen so far, on all origins.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.log.lock().expect("log lock").clone()
    }

    /// Forget the request log.
    pub fn clear_requests(&self) {
        self.shared.log.lock().expect("log lock").clear();
    }

    /// The next `n` requests whose path ends with `path_suffix` answer HTTP `status` (a 403
    /// burst on `addItem`, say); other requests pass.
    pub fn fail_next_matching(&self, path_suffix: &str, n: u32, status: u16) {
        self.shared
            .faults
            .lock()
            .expect("faults")
            .fail_next_matching(path_suffix, n, status);
    }

    /// The next `n` requests (any origin) answer HTTP `status` with a small HTML body.
    pub fn fail_next(&self, n: u32, status: u16) {
        self.shared
            .faults
            .lock()
            .expect("faults")
            .fail_next(n, status);
    }

    /// The next `n` requests answer HTTP 429 with `Retry-After: retry_after_secs`.
    pub fn throttle_next(&self, n: u32, retry_after_secs: u64) {
        self.shared
            .faults
            .lock()
            .expect("faults")
            .throttle_next(n, retry_after_secs);
    }

    /// The next `n` JSON bodies are cut in half (Content-Length matches the cut body).
    pub fn truncate_next(&self, n: u32) {
        self.shared.faults.lock().expect("faults").truncate_next(n);
    }

    /// Delay added to every request from now on.
    pub fn set_latency(&self, d: Duration) {
        *self.shared.latency.lock().expect("latency") = d;
    }

    /// Lifetime of access tokens issued from now on.
    pub fn set_token_ttl(&self, d: Duration) {
        *self.shared.token_ttl.lock().expect("ttl") = d;
    }

    /// Set an item's `modified` (epoch ms), e.g. for incremental-scan tests.
    pub fn set_item_modified(&self, item_id: &str, modified_ms: i64) {
        if let Some(it) = self.shared.org.write().expect("org").item_mut(item_id) {
            it.modified = modified_ms;
        }
    }

    /// Every item (id, title, type, owner, folder title, modified).
    pub fn items(&self) -> Vec<ItemSummary> {
        let org = self.shared.org();
        org.items
            .iter()
            .map(|it| ItemSummary {
                id: it.id.clone(),
                title: it.title.clone(),
                item_type: it.item_type.clone(),
                owner: it.owner.clone(),
                folder: org.folder_title(it),
                modified: it.modified,
            })
            .collect()
    }

    /// A valid pre-issued token for `username` (not referer-bound), like an API key.
    pub fn issue_token(&self, username: &str) -> String {
        let ttl = self.shared.token_ttl();
        self.shared
            .tokens
            .lock()
            .expect("tokens")
            .issue(username, ttl, None)
            .0
    }

    /// The code the approval page would show after `username` signed in with the
    /// `urn:ietf:wg:oauth:2.0:oob` redirect and an S256 `code_challenge`.
    pub fn oauth_code_for(&self, username: &str, client_id: &str, code_challenge: &str) -> String {
        let req = AuthRequest {
            client_id: client_id.to_string(),
            response_type: "code".into(),
            redirect_uri: super::sample::OOB_REDIRECT_URI.into(),
            state: None,
            expiration_minutes: None,
            challenge: Some(code_challenge.to_string()),
            method: "S256".into(),
        };
        self.shared
            .oauth
            .lock()
            .expect("oauth")
            .issue_code(username, req)
    }
}
