//! The OAuth refresh token on disk: one JSON file per profile, mode 0600, written atomically.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::client::auth::RefreshTokenStore;

/// A saved refresh token.
#[derive(Serialize, Deserialize)]
struct Saved {
    portal: String,
    client_id: String,
    username: Option<String>,
    refresh_token: String,
    refresh_expires_ms: u64,
}

/// The refresh token file of one profile.
pub struct FileTokenStore {
    path: PathBuf,
    portal: String,
    client_id: String,
    username: Option<String>,
}

/// What a stored refresh token file holds.
pub struct StoredRefresh {
    /// The refresh token.
    pub refresh_token: SecretString,
    /// Its expiry.
    pub expires_at: SystemTime,
    /// Who it belongs to.
    pub username: Option<String>,
}

impl FileTokenStore {
    /// The store for a profile under the data dir.
    pub fn for_profile(
        data_dir: &Path,
        profile: &str,
        portal: &str,
        client_id: &str,
        username: Option<String>,
    ) -> Self {
        FileTokenStore {
            path: data_dir.join("tokens").join(format!("{profile}.json")),
            portal: portal.to_string(),
            client_id: client_id.to_string(),
            username,
        }
    }

    /// The file path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the saved refresh token, if any (and if it belongs to this portal and app).
    pub fn load(&self) -> std::io::Result<Option<StoredRefresh>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let saved: Saved = serde_json::from_str(&text).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}: {e}", self.path.display()),
            )
        })?;
        if saved.portal != self.portal || saved.client_id != self.client_id {
            return Ok(None);
        }
        Ok(Some(StoredRefresh {
            refresh_token: SecretString::from(saved.refresh_token),
            expires_at: UNIX_EPOCH + Duration::from_millis(saved.refresh_expires_ms),
            username: saved.username,
        }))
    }
}

impl RefreshTokenStore for FileTokenStore {
    fn save(&self, refresh_token: &SecretString, expires_at: SystemTime) -> std::io::Result<()> {
        let saved = Saved {
            portal: self.portal.clone(),
            client_id: self.client_id.clone(),
            username: self.username.clone(),
            refresh_token: refresh_token.expose_secret().to_string(),
            refresh_expires_ms: expires_at
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_millis() as u64,
        };
        let bytes = serde_json::to_vec_pretty(&saved).map_err(std::io::Error::other)?;
        write_private(&self.path, &bytes)
    }
}

/// Writes a file readable only by its owner (0600): temp name, fsync, rename.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp, path)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
