//! Which hosts may receive the token: the portal's own origin and ArcGIS Servers federated with
//! it (their `/rest/info` names the portal as `owningSystemUrl`); on ArcGIS Online also its
//! `*.arcgis.com` hosted-services hosts. Anything else is read anonymously.

use std::collections::HashMap;

use serde::Deserialize;

use super::request::Call;
use super::{Client, PortalUrl};

/// The token's allowed destinations, learned lazily and cached per server.
pub struct TokenScope {
    portal: PortalUrl,
    decided: std::sync::Mutex<HashMap<String, bool>>,
    probe_lock: tokio::sync::Mutex<()>,
}

#[derive(Deserialize)]
struct ServerInfo {
    #[serde(rename = "owningSystemUrl")]
    owning_system_url: Option<String>,
}

impl TokenScope {
    /// A scope that starts with the portal's own origin.
    pub fn new(portal: PortalUrl) -> Self {
        TokenScope {
            portal,
            decided: std::sync::Mutex::new(HashMap::new()),
            probe_lock: tokio::sync::Mutex::new(()),
        }
    }

    /// True when `url` may receive the token; probes the server's `/rest/info` once.
    pub async fn allows(&self, client: &Client, url: &str) -> bool {
        let Some(origin) = origin_of(url) else {
            return false;
        };
        if origin == self.portal.origin() {
            return true;
        }
        if self.portal.is_arcgis_online()
            && host_of(url).is_some_and(|h| h.ends_with(".arcgis.com"))
        {
            return true;
        }
        let Some(server_root) = server_root(url) else {
            return false;
        };
        if let Some(known) = self.cached(&server_root) {
            return known;
        }
        let _guard = self.probe_lock.lock().await;
        if let Some(known) = self.cached(&server_root) {
            return known;
        }
        let info_url = format!("{server_root}/rest/info");
        let federated = match client
            .json::<ServerInfo>(Call::get(&info_url).anonymous())
            .await
        {
            Ok(info) => info
                .owning_system_url
                .as_deref()
                .is_some_and(|owner| self.is_portal(owner)),
            Err(e) => {
                tracing::warn!(url = %info_url, error = %e, "cannot tell whether this server is federated; it gets no token");
                false
            }
        };
        tracing::info!(server = %server_root, federated, "token scope decided");
        if let Ok(mut map) = self.decided.lock() {
            map.insert(server_root, federated);
        }
        federated
    }

    fn cached(&self, key: &str) -> Option<bool> {
        self.decided.lock().ok().and_then(|m| m.get(key).copied())
    }

    fn is_portal(&self, owner: &str) -> bool {
        match PortalUrl::parse(owner, true) {
            Ok(p) => {
                p.root().eq_ignore_ascii_case(self.portal.root())
                    || (self.portal.is_arcgis_online() && p.is_arcgis_online())
            }
            Err(_) => false,
        }
    }
}

fn origin_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .map(|u| u.origin().ascii_serialization())
}

fn host_of(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
}

/// The ArcGIS Server root of a services URL: everything before `/rest/`.
pub fn server_root(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let path = parsed.path();
    let idx = path.to_ascii_lowercase().find("/rest/")?;
    Some(format!(
        "{}{}",
        parsed.origin().ascii_serialization(),
        &path[..idx]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_roots() {
        assert_eq!(
            server_root("https://services3.arcgis.com/AbC/arcgis/rest/services/H/FeatureServer/0")
                .as_deref(),
            Some("https://services3.arcgis.com/AbC/arcgis")
        );
        assert_eq!(
            server_root("https://gis.example.com/server/rest/services/Hosted/H/FeatureServer")
                .as_deref(),
            Some("https://gis.example.com/server")
        );
        assert_eq!(server_root("https://example.com/data.csv"), None);
    }
}
