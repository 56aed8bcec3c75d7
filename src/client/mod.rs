//! The ArcGIS REST client: HTTP and JSON only (no terminal, no disk writes).
//!
//! [`Client`] is cheap to clone and shared by every worker. It owns one request layer
//! ([`request`]), the token manager ([`auth`]) and the rule of which hosts may see the token
//! ([`scope`]). The REST areas live under [`api`], typed responses under [`models`].

pub mod api;
pub mod auth;
pub mod error;
pub mod json;
pub mod limits;
pub mod models;
pub mod paging;
pub mod portal_url;
pub mod request;
pub mod retry;
pub mod scope;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub use auth::{Credentials, TokenManager};
pub use error::{Error, Result};
pub use limits::Limits;
pub use portal_url::PortalUrl;
pub use retry::RetryPolicy;

/// The fixed `Referer` sent with every request and used when generating tokens.
pub const REFERER: &str = "agol-tui";

/// A portal client: the portal, an HTTP connection pool, optional credentials.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    portal: PortalUrl,
    auth: Option<Arc<TokenManager>>,
    retry: RetryPolicy,
    scope: scope::TokenScope,
    hosts: request::HostLimiter,
    limits: Limits,
}

/// Requests in flight to one host at most, by default (shared by all workers).
pub const DEFAULT_MAX_PER_HOST: usize = 8;

/// Builds a [`Client`].
pub struct ClientBuilder {
    portal: PortalUrl,
    ca_pem: Vec<Vec<u8>>,
    retry: RetryPolicy,
    timeout: Duration,
    connect_timeout: Duration,
    credentials: Option<Credentials>,
    max_per_host: usize,
    limits: Limits,
}

impl ClientBuilder {
    /// Limits requests in flight to one host (scheme, host and port), shared by every clone.
    pub fn max_per_host(mut self, n: usize) -> Self {
        self.max_per_host = n.max(1);
        self
    }

    /// Trusts an extra CA certificate (PEM bytes) on top of the system roots.
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_pem.push(pem.into());
        self
    }

    /// Trusts the CA certificate(s) in a PEM file (`--ca-file`, `AGOL_CA_FILE`).
    pub fn ca_file(self, path: &Path) -> Result<Self> {
        let pem = std::fs::read(path).map_err(|e| {
            Error::Auth(format!(
                "cannot read the CA file {}: {e}; pass a PEM certificate file with --ca-file",
                path.display()
            ))
        })?;
        Ok(self.ca_pem(pem))
    }

    /// Sets the retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Sets the per-read timeout (default 120 s; large downloads keep going while bytes flow).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self.limits.idle_timeout = timeout;
        self
    }

    /// Sets the request limits (JSON body cap, idle, total and download timeouts); the idle
    /// timeout replaces [`timeout`](Self::timeout).
    pub fn limits(mut self, limits: Limits) -> Self {
        self.timeout = limits.idle_timeout;
        self.limits = limits;
        self
    }

    /// Signs requests with these credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client> {
        let mut http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .read_timeout(self.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("agol-tui/", env!("CARGO_PKG_VERSION")));
        let mut certs = Vec::new();
        for pem in &self.ca_pem {
            let found = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| Error::Auth(format!("the CA file is not a PEM certificate: {e}")))?;
            if found.is_empty() {
                return Err(Error::Auth(
                    "the CA file holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)"
                        .into(),
                ));
            }
            certs.extend(found);
        }
        if !certs.is_empty() {
            http = http.tls_certs_merge(certs);
        }
        let http = http.build().map_err(|e| Error::Transport {
            kind: error::TransportKind::Tls,
            url: self.portal.root().to_string(),
            message: format!("cannot set up the HTTP client: {e}"),
        })?;
        let auth = self.credentials.map(|c| Arc::new(TokenManager::new(c)));
        Ok(Client {
            inner: Arc::new(Inner {
                scope: scope::TokenScope::new(self.portal.clone()),
                http,
                portal: self.portal,
                auth,
                retry: self.retry,
                hosts: request::HostLimiter::new(self.max_per_host),
                limits: self.limits,
            }),
        })
    }
}

impl Client {
    /// Starts building a client for a portal.
    pub fn builder(portal: PortalUrl) -> ClientBuilder {
        ClientBuilder {
            portal,
            ca_pem: Vec::new(),
            retry: RetryPolicy::default(),
            timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(20),
            credentials: None,
            max_per_host: DEFAULT_MAX_PER_HOST,
            limits: Limits::default(),
        }
    }

    /// The portal this client talks to.
    pub fn portal(&self) -> &PortalUrl {
        &self.inner.portal
    }

    /// The request limits in force.
    pub fn limits(&self) -> Limits {
        self.inner.limits
    }

    /// The token manager, when the client signs its requests.
    pub fn token_manager(&self) -> Option<&Arc<TokenManager>> {
        self.inner.auth.as_ref()
    }

    /// What `url` would receive from this client: no token, the portal token or a federated
    /// server's token (see [`scope`]); reads the portal's server lists on first use.
    pub async fn token_grant(&self, url: &str) -> scope::Grant {
        if self.inner.auth.is_none() {
            return scope::Grant::None;
        }
        self.inner.scope.grant(self, url).await
    }

    /// Gets a valid token now (signing in if needed); proves the credentials work.
    pub async fn sign_in(&self) -> Result<()> {
        match &self.inner.auth {
            Some(auth) => auth.token(self).await.map(|_| ()),
            None => Ok(()),
        }
    }
}
