//! Configuration: a TOML file with named profiles, overridden by environment and flags
//! (defaults < file < env < flags). Secrets never live here.

pub mod paths;
pub mod save;
pub mod token_store;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::client::PortalUrl;

/// Default number of items processed in parallel.
pub const DEFAULT_WORKERS: usize = 4;

/// How a profile signs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AuthMethod {
    /// Username and password through generateToken.
    #[default]
    Password,
    /// OAuth 2.0 (SAML/MFA users); needs `oauth_client_id`.
    OAuth,
    /// A pre-issued token or API key from `--token-stdin` / `AGOL_TOKEN`.
    Token,
}

/// One named connection.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Portal URL, e.g. `https://acme.maps.arcgis.com` or `https://gis.example.com/portal`.
    pub portal: Option<String>,
    /// Username.
    pub username: Option<String>,
    /// `password`, `oauth` or `token`.
    pub auth: Option<AuthMethod>,
    /// The OAuth app's client id (registered with the `urn:ietf:wg:oauth:2.0:oob` redirect).
    pub oauth_client_id: Option<String>,
    /// Allow plain http to a non-loopback portal.
    pub allow_http: Option<bool>,
    /// Extra CA certificate (PEM) for portals with a private CA.
    pub ca_file: Option<PathBuf>,
    /// Default backup destination.
    pub destination: Option<PathBuf>,
    /// Default number of parallel workers.
    pub workers: Option<usize>,
}

/// Defaults that apply to every profile.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Default backup destination.
    pub destination: Option<PathBuf>,
    /// Default number of parallel workers.
    pub workers: Option<usize>,
}

/// `[limits]`: bounds on what one request may cost (see [`crate::client::Limits`]).
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    /// Largest JSON answer read, in MiB (default 256).
    pub max_json_mib: Option<u64>,
    /// Longest wait for the next bytes of an answer, in seconds (default 120).
    pub idle_timeout_secs: Option<u64>,
    /// Longest one JSON request may take, in seconds (default 600).
    pub request_timeout_secs: Option<u64>,
    /// Longest one file download may take, in seconds (default 21600).
    pub download_timeout_secs: Option<u64>,
}

/// Upper bound of `max_json_mib` (64 GiB: more cannot be meant).
const MAX_JSON_MIB: u64 = 65_536;
/// Upper bound of the timeouts (a week).
const MAX_TIMEOUT_SECS: u64 = 7 * 24 * 3600;

impl LimitsConfig {
    /// The client limits: the defaults with the given keys applied (validated by
    /// [`Config::parse`]).
    pub fn limits(&self) -> crate::client::Limits {
        use std::time::Duration;
        let d = crate::client::Limits::default();
        crate::client::Limits {
            max_json_bytes: self
                .max_json_mib
                .map_or(d.max_json_bytes, |m| m.saturating_mul(1024 * 1024)),
            idle_timeout: self
                .idle_timeout_secs
                .map_or(d.idle_timeout, Duration::from_secs),
            request_timeout: self
                .request_timeout_secs
                .map_or(d.request_timeout, Duration::from_secs),
            download_timeout: self
                .download_timeout_secs
                .map_or(d.download_timeout, Duration::from_secs),
        }
    }

    fn check(&self) -> Result<(), String> {
        let range = |key: &str, v: Option<u64>, max: u64, example: &str| match v {
            Some(v) if v == 0 || v > max => Err(format!(
                "key `limits.{key}` must be between 1 and {max} (got {v}); set e.g. {key} = {example}, or remove it for the default"
            )),
            _ => Ok(()),
        };
        range("max_json_mib", self.max_json_mib, MAX_JSON_MIB, "256")?;
        range(
            "idle_timeout_secs",
            self.idle_timeout_secs,
            MAX_TIMEOUT_SECS,
            "120",
        )?;
        range(
            "request_timeout_secs",
            self.request_timeout_secs,
            MAX_TIMEOUT_SECS,
            "600",
        )?;
        range(
            "download_timeout_secs",
            self.download_timeout_secs,
            MAX_TIMEOUT_SECS,
            "21600",
        )
    }
}

/// The whole configuration file.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Profile used when `--profile` is not given.
    pub default_profile: Option<String>,
    /// Defaults for every profile.
    #[serde(default)]
    pub defaults: Defaults,
    /// Named profiles.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// Key bindings for the TUI (action name → key list); checked by the TUI.
    #[serde(default)]
    pub keymap: BTreeMap<String, toml::Value>,
    /// Request limits (JSON body cap, timeouts).
    #[serde(default)]
    pub limits: LimitsConfig,
}

/// A configuration problem, with the file, the key and the fix.
#[derive(Debug, thiserror::Error)]
#[error("config file {}: {problem}", file.display())]
pub struct ConfigError {
    /// The file.
    pub file: PathBuf,
    /// What is wrong, naming the key, and how to fix it.
    pub problem: String,
}

impl Config {
    /// Reads and validates a config file; a missing file at the default path is an empty config.
    pub fn load(path: &Path, must_exist: bool) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !must_exist => {
                return Ok(Config::default());
            }
            Err(e) => {
                return Err(ConfigError {
                    file: path.to_path_buf(),
                    problem: format!("cannot be read ({e}); check the path given to --config"),
                });
            }
        };
        Config::parse(path, &text)
    }

    /// Parses and validates config text; `path` is only used in messages.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let err = |problem: String| ConfigError {
            file: path.to_path_buf(),
            problem,
        };
        let config: Config =
            toml::from_str(text).map_err(|e| err(describe_toml_error(text, &e)))?;
        if let Some(name) = &config.default_profile
            && !config.profiles.contains_key(name)
        {
            let known: Vec<_> = config.profiles.keys().cloned().collect();
            return Err(err(format!(
                "key `default_profile` names profile `{name}`, which is not defined; add a [profiles.{name}] table or use one of: {}",
                if known.is_empty() {
                    "(none defined)".into()
                } else {
                    known.join(", ")
                }
            )));
        }
        check_workers("defaults.workers", config.defaults.workers).map_err(err)?;
        config.limits.check().map_err(err)?;
        crate::keymap::Keymap::from_table(&config.keymap).map_err(err)?;
        for (name, p) in &config.profiles {
            let key = |k: &str| format!("profiles.{name}.{k}");
            if let Some(portal) = &p.portal {
                PortalUrl::parse(portal, p.allow_http.unwrap_or(false)).map_err(|e| {
                    let fix = if portal.trim_start().starts_with("http://") {
                        "use https, or set allow_http = true in this profile if the portal only speaks http"
                    } else {
                        "write the portal address, e.g. portal = \"https://acme.maps.arcgis.com\""
                    };
                    err(format!("key `{}`: {e}; {fix}", key("portal")))
                })?;
            }
            check_workers(&key("workers"), p.workers).map_err(err)?;
            if p.auth == Some(AuthMethod::OAuth)
                && p.oauth_client_id.as_deref().is_none_or(str::is_empty)
            {
                return Err(err(format!(
                    "key `{}` is missing: OAuth sign-in needs the client id of an app registered in your portal with the redirect URI urn:ietf:wg:oauth:2.0:oob; add oauth_client_id = \"...\" to [profiles.{name}]",
                    key("oauth_client_id")
                )));
            }
            if p.username.as_deref() == Some("") {
                return Err(err(format!(
                    "key `{}` is empty; remove it or set the portal username",
                    key("username")
                )));
            }
        }
        Ok(config)
    }

    /// The key bindings: the defaults overridden by `[keymap]` (validated by [`Config::parse`]).
    pub fn keymap(&self) -> crate::keymap::Keymap {
        crate::keymap::Keymap::from_table(&self.keymap).unwrap_or_default()
    }

    /// The profile to use: the given name, else `default_profile`, else the only profile.
    pub fn profile(&self, name: Option<&str>) -> Result<Option<(String, Profile)>, String> {
        let chosen = name
            .map(str::to_string)
            .or_else(|| self.default_profile.clone())
            .or_else(|| {
                (self.profiles.len() == 1)
                    .then(|| self.profiles.keys().next().cloned())
                    .flatten()
            });
        match chosen {
            None => Ok(None),
            Some(n) => match self.profiles.get(&n) {
                Some(p) => Ok(Some((n, p.clone()))),
                None if name.is_some() => Err(format!(
                    "profile `{n}` is not in the config file; create it with `agol-tui login --profile {n} --portal URL --username NAME`"
                )),
                None => Ok(None),
            },
        }
    }
}

fn check_workers(key: &str, workers: Option<usize>) -> Result<(), String> {
    match workers {
        Some(w) if !(1..=64).contains(&w) => Err(format!(
            "key `{key}` must be between 1 and 64 (got {w}); set e.g. workers = {DEFAULT_WORKERS}"
        )),
        _ => Ok(()),
    }
}

fn describe_toml_error(text: &str, e: &toml::de::Error) -> String {
    let location = e
        .span()
        .map(|span| {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!(" (line {line})")
        })
        .unwrap_or_default();
    let message = e.message().trim().to_string();
    let fix = if message.contains("unknown field") {
        "; check the spelling against config.example.toml"
    } else if message.contains("unknown variant") {
        "; auth must be one of \"password\", \"oauth\", \"token\""
    } else if message.contains("invalid type") {
        "; see config.example.toml for the expected type"
    } else {
        "; the file must be valid TOML (see config.example.toml)"
    };
    format!("{message}{location}{fix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_config_parses_and_shows_the_default_limits() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let config = Config::parse(&path, &text).unwrap();
        assert_eq!(config.limits.limits(), crate::client::Limits::default());
        assert_eq!(config.limits.max_json_mib, Some(256));
    }

    #[test]
    fn limits_apply_over_the_defaults() {
        let config = Config::parse(
            Path::new("x.toml"),
            "[limits]\nmax_json_mib = 2\nrequest_timeout_secs = 5\n",
        )
        .unwrap();
        let l = config.limits.limits();
        assert_eq!(l.max_json_bytes, 2 * 1024 * 1024);
        assert_eq!(l.request_timeout, std::time::Duration::from_secs(5));
        assert_eq!(
            l.idle_timeout,
            crate::client::Limits::default().idle_timeout
        );
    }
}
