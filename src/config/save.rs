//! Saving a profile after `login`, keeping the rest of the file (comments included).

use std::path::Path;

use toml_edit::{DocumentMut, Item, Table, value};

use super::{AuthMethod, ConfigError};

/// What `login` records for a profile (never a password or token).
pub struct ProfileUpdate<'a> {
    /// Profile name.
    pub name: &'a str,
    /// Portal root.
    pub portal: &'a str,
    /// Username.
    pub username: Option<&'a str>,
    /// Auth method.
    pub auth: AuthMethod,
    /// OAuth client id.
    pub oauth_client_id: Option<&'a str>,
    /// Whether plain http was allowed.
    pub allow_http: bool,
    /// Make it the default profile.
    pub make_default: bool,
}

/// Writes the profile into the config file (created if missing), atomically.
pub fn save_profile(path: &Path, update: &ProfileUpdate<'_>) -> Result<(), ConfigError> {
    let err = |problem: String| ConfigError {
        file: path.to_path_buf(),
        problem,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(err(format!("cannot be read ({e})"))),
    };
    let mut doc: DocumentMut = text.parse().map_err(|e| {
        err(format!(
            "is not valid TOML, so the profile was not saved: {e}"
        ))
    })?;
    if update.make_default || doc.get("default_profile").is_none() {
        doc["default_profile"] = value(update.name);
    }
    if doc.get("profiles").is_none() {
        let mut t = Table::new();
        t.set_implicit(true);
        doc["profiles"] = Item::Table(t);
    }
    let profiles = doc["profiles"]
        .as_table_mut()
        .ok_or_else(|| err("key `profiles` must be a table of profiles".into()))?;
    if profiles.get(update.name).is_none() {
        profiles.insert(update.name, Item::Table(Table::new()));
    }
    let p = profiles[update.name]
        .as_table_mut()
        .ok_or_else(|| err(format!("key `profiles.{}` must be a table", update.name)))?;
    p["portal"] = value(update.portal);
    match update.username {
        Some(u) => p["username"] = value(u),
        None => {
            p.remove("username");
        }
    }
    p["auth"] = value(match update.auth {
        AuthMethod::Password => "password",
        AuthMethod::OAuth => "oauth",
        AuthMethod::Token => "token",
    });
    if let Some(id) = update.oauth_client_id {
        p["oauth_client_id"] = value(id);
    }
    if update.allow_http {
        p["allow_http"] = value(true);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| err(format!("its folder cannot be created ({e})")))?;
    super::token_store::write_private(path, doc.to_string().as_bytes())
        .map_err(|e| err(format!("cannot be written ({e})")))
}
