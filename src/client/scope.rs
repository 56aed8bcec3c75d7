//! Which hosts may receive the token, by the portal's word (never by a server's own claim):
//!
//! - the portal's own origin;
//! - on ArcGIS Online, the org's hosting servers as `portals/{id}/urls` lists them
//!   (`urls.features.https`, `urls.tiles.https`), and only for URLs whose first path segment is
//!   the org id (those hosts are shared by every org);
//! - on ArcGIS Enterprise, the federated servers `portals/self/servers` lists; they get a server
//!   token (see [`Grant::Server`]).
//!
//! Never over plain `http`, except to a loopback host. A server's `/rest/info`
//! `owningSystemUrl` is a claim anyone can make and plays no part. Anything else is read
//! anonymously.

use serde_json::Value;

use super::portal_url::is_loopback;
use super::request::Call;
use super::{Client, PortalUrl};

/// What a URL may receive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    /// No token at all.
    None,
    /// The portal token (the portal itself, ArcGIS Online hosting servers).
    Portal,
    /// A server token for this federated server root (ArcGIS Enterprise), exchanged with
    /// `generateToken` and `serverUrl`.
    Server(String),
}

/// A host and port as listed in `portals/{id}/urls` (https only).
#[derive(Debug, Clone, PartialEq, Eq)]
struct HostPort {
    host: String,
    port: u16,
}

/// A federated server from `portals/self/servers`: origin and path prefix of its `url`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Federated {
    origin: String,
    path: String,
    url: String,
}

/// The org's own servers, as the portal lists them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct OrgServers {
    org_id: String,
    hosting: Vec<HostPort>,
    federated: Vec<Federated>,
}

/// The token's allowed destinations, learned once from the portal.
pub struct TokenScope {
    portal: PortalUrl,
    servers: tokio::sync::Mutex<Option<std::sync::Arc<OrgServers>>>,
}

impl TokenScope {
    /// A scope that starts with the portal's own origin.
    pub fn new(portal: PortalUrl) -> Self {
        TokenScope {
            portal,
            servers: tokio::sync::Mutex::new(None),
        }
    }

    /// True when `url` may receive a token of some kind (see [`TokenScope::grant`]).
    pub async fn allows(&self, client: &Client, url: &str) -> bool {
        self.grant(client, url).await != Grant::None
    }

    /// What `url` may receive; asks the portal for its server lists the first time a URL
    /// outside the portal's origin comes up.
    pub async fn grant(&self, client: &Client, url: &str) -> Grant {
        let Ok(parsed) = url::Url::parse(url) else {
            return Grant::None;
        };
        if !transport_ok(&parsed) {
            return Grant::None;
        }
        if parsed.origin().ascii_serialization() == self.portal.origin() {
            return Grant::Portal;
        }
        let Some(servers) = self.servers(client).await else {
            return Grant::None;
        };
        decide(&servers, &parsed)
    }

    /// The portal's server lists, loaded on first use (a failed load is tried again later).
    async fn servers(&self, client: &Client) -> Option<std::sync::Arc<OrgServers>> {
        let mut slot = self.servers.lock().await;
        if let Some(s) = slot.as_ref() {
            return Some(s.clone());
        }
        match load(client, &self.portal).await {
            Ok(s) => {
                tracing::info!(
                    org = %s.org_id,
                    hosting = s.hosting.len(),
                    federated = s.federated.len(),
                    "token scope: the portal's own servers"
                );
                let s = std::sync::Arc::new(s);
                *slot = Some(s.clone());
                Some(s)
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the portal's list of its own servers; hosted services get no token until it can be read");
                None
            }
        }
    }
}

/// True when a token may travel over this URL's scheme: https, or http to a loopback host.
fn transport_ok(url: &url::Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => url
            .host_str()
            .is_some_and(|h| is_loopback(strip_brackets(h))),
        _ => false,
    }
}

fn strip_brackets(h: &str) -> &str {
    h.trim_start_matches('[').trim_end_matches(']')
}

fn decide(servers: &OrgServers, url: &url::Url) -> Grant {
    let host = url.host_str().unwrap_or("").to_ascii_lowercase();
    let port = url.port_or_known_default().unwrap_or(0);
    let first_segment = url.path_segments().and_then(|mut s| s.next());
    if !servers.org_id.is_empty()
        && first_segment == Some(servers.org_id.as_str())
        && servers
            .hosting
            .iter()
            .any(|h| h.host == host && h.port == port)
    {
        return Grant::Portal;
    }
    let origin = url.origin().ascii_serialization();
    let path = url.path();
    for f in &servers.federated {
        if f.origin == origin && path_under(path, &f.path) {
            return Grant::Server(f.url.clone());
        }
    }
    Grant::None
}

/// True when `path` is `prefix` or below it (segment boundary, ASCII case ignored).
fn path_under(path: &str, prefix: &str) -> bool {
    let prefix = prefix.trim_end_matches('/');
    if prefix.is_empty() {
        return true;
    }
    let lower = path.to_ascii_lowercase();
    let p = prefix.to_ascii_lowercase();
    lower == p || lower.starts_with(&format!("{p}/"))
}

async fn load(client: &Client, portal: &PortalUrl) -> super::Result<OrgServers> {
    let me = client.portal_self().await?;
    let org_id = me.id.unwrap_or_default();
    let mut out = OrgServers {
        org_id: org_id.clone(),
        ..OrgServers::default()
    };
    if me.is_portal {
        let body: Value = client
            .json(Call::get(portal.sharing("portals/self/servers")))
            .await?;
        out.federated = federated_servers(&body);
    } else if !org_id.is_empty() {
        let body: Value = client
            .json(Call::get(portal.sharing(&format!(
                "portals/{}/urls",
                super::api::portal::path_segment(&org_id)
            ))))
            .await?;
        out.hosting = hosting_servers(&body);
    }
    Ok(out)
}

/// `urls.features.https` and `urls.tiles.https` of a `portals/{id}/urls` answer; entries are
/// host names (optionally with a port; an `https://` prefix is tolerated, any other scheme is
/// ignored).
fn hosting_servers(body: &Value) -> Vec<HostPort> {
    let mut out = Vec::new();
    for kind in ["features", "tiles"] {
        let list = body
            .pointer(&format!("/urls/{kind}/https"))
            .and_then(Value::as_array);
        for entry in list.into_iter().flatten().filter_map(Value::as_str) {
            let text = entry.trim();
            let candidate = if text.contains("://") {
                text.to_string()
            } else {
                format!("https://{text}")
            };
            let Ok(u) = url::Url::parse(&candidate) else {
                continue;
            };
            if u.scheme() != "https" {
                continue;
            }
            if let (Some(host), Some(port)) = (u.host_str(), u.port_or_known_default()) {
                let hp = HostPort {
                    host: host.to_ascii_lowercase(),
                    port,
                };
                if !out.contains(&hp) {
                    out.push(hp);
                }
            }
        }
    }
    out
}

/// The `url` of every server in a `portals/self/servers` answer (https, or http on loopback).
fn federated_servers(body: &Value) -> Vec<Federated> {
    let list = body.get("servers").and_then(Value::as_array);
    list.into_iter()
        .flatten()
        .filter_map(|s| s.get("url").and_then(Value::as_str))
        .filter_map(|u| {
            let parsed = url::Url::parse(u.trim()).ok()?;
            if !transport_ok(&parsed) {
                return None;
            }
            let url = u.trim().trim_end_matches('/').to_string();
            Some(Federated {
                origin: parsed.origin().ascii_serialization(),
                path: parsed.path().trim_end_matches('/').to_string(),
                url,
            })
        })
        .collect()
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
    use serde_json::json;

    fn u(s: &str) -> url::Url {
        url::Url::parse(s).unwrap()
    }

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

    fn online() -> OrgServers {
        OrgServers {
            org_id: "AbC123".into(),
            hosting: hosting_servers(&json!({"urls": {
                "features": {"https": ["services3.arcgis.com", "features.example.com:8443"],
                             "http": ["plain.arcgis.com"]},
                "tiles": {"https": ["tiles3.arcgis.com"]}}})),
            federated: Vec::new(),
        }
    }

    #[test]
    fn online_hosting_servers_need_the_org_id_and_https() {
        let s = online();
        let ok = "https://services3.arcgis.com/AbC123/arcgis/rest/services/H/FeatureServer";
        assert_eq!(decide(&s, &u(ok)), Grant::Portal);
        let tiles = "https://tiles3.arcgis.com/AbC123/arcgis/rest/services/T/MapServer";
        assert_eq!(decide(&s, &u(tiles)), Grant::Portal);
        let port = "https://features.example.com:8443/AbC123/arcgis/rest/services";
        assert_eq!(decide(&s, &u(port)), Grant::Portal);
        for no in [
            // another org on the same shared host
            "https://services3.arcgis.com/OtherOrg/arcgis/rest/services/H/FeatureServer",
            // a host the portal does not list, even under arcgis.com
            "https://evil.arcgis.com/AbC123/arcgis/rest/services/H/FeatureServer",
            // the right host on another port
            "https://services3.arcgis.com:444/AbC123/arcgis/rest/services/H/FeatureServer",
            // only listed under http
            "https://plain.arcgis.com/AbC123/arcgis/rest/services/H/FeatureServer",
            // org id as a later segment only
            "https://services3.arcgis.com/x/AbC123/arcgis/rest/services",
        ] {
            assert_eq!(decide(&s, &u(no)), Grant::None, "{no}");
        }
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(!transport_ok(&u("http://services3.arcgis.com/AbC123/x")));
        assert!(!transport_ok(&u("http://10.0.0.1/x")));
        assert!(transport_ok(&u("http://127.0.0.1:8080/x")));
        assert!(transport_ok(&u("http://localhost/x")));
        assert!(transport_ok(&u("http://[::1]:80/x")));
        assert!(transport_ok(&u("https://example.com/x")));
        assert!(!transport_ok(&u("ftp://example.com/x")));
    }

    #[test]
    fn enterprise_federated_servers_by_path_prefix() {
        let s = OrgServers {
            org_id: "0123456789ABCDEF".into(),
            hosting: Vec::new(),
            federated: federated_servers(&json!({"servers": [
                {"id": "a", "name": "gis.example.com:443", "url": "https://gis.example.com/server",
                 "adminUrl": "https://gis.example.com:6443/arcgis", "isHosted": true,
                 "serverType": "ArcGIS", "serverRole": "HOSTING_SERVER"},
                {"id": "b", "url": "http://gis2.example.com/arcgis"}]})),
        };
        assert_eq!(s.federated.len(), 1, "the http server is dropped");
        let ok = "https://gis.example.com/server/rest/services/Hosted/H/FeatureServer";
        assert_eq!(
            decide(&s, &u(ok)),
            Grant::Server("https://gis.example.com/server".into())
        );
        for no in [
            "https://gis.example.com/server2/rest/services/H/FeatureServer",
            "https://gis.example.com/other/rest/services/H/FeatureServer",
            "https://gis.example.com:6443/arcgis/rest/services/H/FeatureServer",
            "http://gis2.example.com/arcgis/rest/services/H/FeatureServer",
        ] {
            assert_eq!(decide(&s, &u(no)), Grant::None, "{no}");
        }
    }
}
