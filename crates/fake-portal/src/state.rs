//! State shared by every listener of one fake portal.

use super::RequestRecord;
use super::faults::Faults;
use super::features::ServiceStore;
use super::model::Org;
use super::oauth::OAuthStore;
use super::tokens::TokenStore;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// Origins (scheme://host:port) of the three listeners.
#[derive(Debug, Clone)]
pub struct Urls {
    pub portal: String,
    pub services: String,
    pub foreign: String,
    /// A server that claims federation in its `/rest/info` but is not listed by the portal.
    pub catcher: String,
    /// Object storage that redirected downloads land on.
    pub storage: String,
}

/// Everything the handlers and middleware share.
pub struct Shared {
    pub org: RwLock<Org>,
    pub tokens: Mutex<TokenStore>,
    pub oauth: Mutex<OAuthStore>,
    pub faults: Mutex<Faults>,
    pub log: Mutex<Vec<RequestRecord>>,
    pub urls: Urls,
    pub tls: bool,
    pub search_cap: usize,
    pub latency: Mutex<Duration>,
    pub token_ttl: Mutex<Duration>,
    pub refresh_ttl: Duration,
    /// The federated server's hosted feature services.
    pub hosted: Arc<ServiceStore>,
    /// Export jobs: job id -> status polls so far.
    pub jobs: Mutex<HashMap<String, u32>>,
    /// ArcGIS Enterprise mode (honours `itemIdToCreate`).
    pub enterprise: bool,
    /// Multipart uploads not committed yet: item id -> parts.
    pub uploads: Mutex<HashMap<String, super::upload::Upload>>,
    /// Hostile-server knobs (redirects, endless or dripping bodies, looping pages).
    pub hostile: Mutex<super::hostile::Hostile>,
}

impl Shared {
    /// Sharing API root, e.g. `http://127.0.0.1:1234/sharing/rest`.
    pub fn sharing_url(&self) -> String {
        format!("{}/sharing/rest", self.urls.portal)
    }

    /// Current access-token lifetime.
    pub fn token_ttl(&self) -> Duration {
        *self.token_ttl.lock().expect("token ttl lock")
    }

    /// Write access to the org.
    pub fn org_mut(&self) -> std::sync::RwLockWriteGuard<'_, Org> {
        self.org.write().expect("org lock")
    }

    /// `{services origin}/{orgId}/arcgis/rest/services`.
    pub fn hosted_services_url(&self) -> String {
        format!(
            "{}{}/rest/services",
            self.urls.services,
            super::services::hosted_prefix(&self.org().id)
        )
    }

    /// Read access to the org.
    pub fn org(&self) -> std::sync::RwLockReadGuard<'_, Org> {
        self.org.read().expect("org lock")
    }
}
