//! Portal URL handling: accept the forms people type, derive the sharing root.

use std::net::IpAddr;

use url::Url;

use super::error::{Error, Result};

/// A validated portal location: its root (what people type) and its sharing REST root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalUrl {
    root: String,
    origin: String,
    host: String,
}

impl PortalUrl {
    /// Parses a portal URL such as `https://www.arcgis.com`, `https://org.maps.arcgis.com`,
    /// `https://host/portal`, `https://host:7443/arcgis`, any of them with `/sharing/rest` or a
    /// trailing slash, or `http://127.0.0.1:PORT[/path]`.
    ///
    /// Plain `http` is refused for anything but a loopback host unless `allow_http` is set.
    pub fn parse(input: &str, allow_http: bool) -> Result<Self> {
        let invalid = |reason: &str| Error::InvalidPortalUrl {
            url: input.to_string(),
            reason: reason.to_string(),
        };
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(invalid(
                "it is empty; give the portal address, e.g. https://www.arcgis.com or https://gis.example.com/portal",
            ));
        }
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_string()
        } else {
            format!("https://{trimmed}")
        };
        let url = Url::parse(&with_scheme).map_err(|e| {
            invalid(&format!(
                "{e}; expected e.g. https://gis.example.com/portal"
            ))
        })?;
        let host = url
            .host_str()
            .ok_or_else(|| invalid("it has no host name"))?
            .to_ascii_lowercase();
        match url.scheme() {
            "https" => {}
            "http" if allow_http || is_loopback(&host) => {}
            "http" => {
                return Err(invalid(
                    "plain http would send your password and token unencrypted; use https, or pass --allow-http if this portal really only speaks http",
                ));
            }
            other => return Err(invalid(&format!("scheme `{other}` is not http or https"))),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid(
                "it contains credentials; give the username with --username and the password at the prompt",
            ));
        }
        let mut path = url.path().trim_end_matches('/').to_string();
        for suffix in ["/sharing/rest", "/sharing"] {
            if path.to_ascii_lowercase().ends_with(suffix) {
                path.truncate(path.len() - suffix.len());
                break;
            }
        }
        let path = path.trim_end_matches('/');
        let origin = url.origin().ascii_serialization();
        Ok(PortalUrl {
            root: format!("{origin}{path}"),
            origin,
            host,
        })
    }

    /// The portal root without a trailing slash, e.g. `https://gis.example.com/portal`.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// `scheme://host[:port]` of the portal.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The sharing REST root, e.g. `https://www.arcgis.com/sharing/rest`.
    pub fn sharing_root(&self) -> String {
        format!("{}/sharing/rest", self.root)
    }

    /// A URL under the sharing root; `path` starts without a slash, e.g. `portals/self`.
    pub fn sharing(&self, path: &str) -> String {
        format!(
            "{}/sharing/rest/{}",
            self.root,
            path.trim_start_matches('/')
        )
    }

    /// True for ArcGIS Online (`www.arcgis.com` and `*.maps.arcgis.com` org URLs).
    pub fn is_arcgis_online(&self) -> bool {
        self.host == "www.arcgis.com"
            || self.host == "arcgis.com"
            || self.host.ends_with(".arcgis.com")
    }

    /// The page a person opens in a browser for an item.
    pub fn item_page_url(&self, item_id: &str) -> String {
        format!("{}/home/item.html?id={}", self.root, item_id)
    }
}

impl std::fmt::Display for PortalUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.root)
    }
}

/// True for `localhost` and loopback IP addresses (127.0.0.0/8, ::1).
pub fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare == "localhost"
        || bare
            .parse::<IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms_derive_the_sharing_root() {
        let cases = [
            ("https://www.arcgis.com", "https://www.arcgis.com"),
            ("https://www.arcgis.com/", "https://www.arcgis.com"),
            (
                "https://www.arcgis.com/sharing/rest",
                "https://www.arcgis.com",
            ),
            (
                "https://www.arcgis.com/sharing/rest/",
                "https://www.arcgis.com",
            ),
            ("www.arcgis.com", "https://www.arcgis.com"),
            (
                "https://acme.maps.arcgis.com",
                "https://acme.maps.arcgis.com",
            ),
            (
                "https://acme.maps.arcgis.com/",
                "https://acme.maps.arcgis.com",
            ),
            (
                "https://ACME.maps.arcgis.com/sharing/rest",
                "https://acme.maps.arcgis.com",
            ),
            (
                "https://gis.example.com/portal",
                "https://gis.example.com/portal",
            ),
            (
                "https://gis.example.com/portal/",
                "https://gis.example.com/portal",
            ),
            (
                "https://gis.example.com/portal/sharing/rest",
                "https://gis.example.com/portal",
            ),
            (
                "https://gis.example.com/portal/sharing",
                "https://gis.example.com/portal",
            ),
            (
                "https://gis.example.com:7443/arcgis",
                "https://gis.example.com:7443/arcgis",
            ),
            (
                "https://gis.example.com:7443/arcgis/",
                "https://gis.example.com:7443/arcgis",
            ),
            (
                "https://gis.example.com:7443/arcgis/sharing/rest",
                "https://gis.example.com:7443/arcgis",
            ),
            (
                "https://gis.example.com:443/portal",
                "https://gis.example.com/portal",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
            (
                "http://127.0.0.1:8080/portal/sharing/rest",
                "http://127.0.0.1:8080/portal",
            ),
            (
                "http://localhost:9000/arcgis",
                "http://localhost:9000/arcgis",
            ),
            ("http://[::1]:9000", "http://[::1]:9000"),
            (
                "  https://www.arcgis.com/sharing/rest?f=json  ",
                "https://www.arcgis.com",
            ),
        ];
        for (input, root) in cases {
            let parsed = PortalUrl::parse(input, false).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(parsed.root(), root, "root of {input}");
            assert_eq!(
                parsed.sharing_root(),
                format!("{root}/sharing/rest"),
                "sharing of {input}"
            );
        }
    }

    #[test]
    fn plain_http_to_remote_hosts_needs_allow_http() {
        let err = PortalUrl::parse("http://gis.example.com/portal", false).unwrap_err();
        assert!(err.to_string().contains("--allow-http"), "{err}");
        let ok = PortalUrl::parse("http://gis.example.com/portal", true).unwrap();
        assert_eq!(
            ok.sharing_root(),
            "http://gis.example.com/portal/sharing/rest"
        );
    }

    #[test]
    fn garbage_is_refused_with_a_reason() {
        for bad in [
            "",
            "ftp://x.example.com",
            "https://user:pw@x.example.com/portal",
            "https://",
        ] {
            let err = PortalUrl::parse(bad, false).unwrap_err();
            assert!(
                matches!(err, Error::InvalidPortalUrl { .. }),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn online_detection_and_item_pages() {
        assert!(
            PortalUrl::parse("https://acme.maps.arcgis.com", false)
                .unwrap()
                .is_arcgis_online()
        );
        assert!(
            !PortalUrl::parse("https://gis.example.com/portal", false)
                .unwrap()
                .is_arcgis_online()
        );
        let p = PortalUrl::parse("https://gis.example.com/portal", false).unwrap();
        assert_eq!(
            p.item_page_url("abc"),
            "https://gis.example.com/portal/home/item.html?id=abc"
        );
    }
}
