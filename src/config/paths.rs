//! Where the config file, tokens and logs live.

use std::path::PathBuf;

/// The default config file (`$XDG_CONFIG_HOME/agol-tui/config.toml` on Linux),
/// or `AGOL_CONFIG` when set.
pub fn default_config_file() -> PathBuf {
    if let Some(p) = std::env::var_os("AGOL_CONFIG") {
        return PathBuf::from(p);
    }
    dirs()
        .map(|d| d.config_dir().join("config.toml"))
        .unwrap_or_else(|| PathBuf::from("agol-tui.toml"))
}

/// The data directory (refresh tokens, logs), or `AGOL_DATA_DIR` when set.
pub fn data_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("AGOL_DATA_DIR") {
        return PathBuf::from(p);
    }
    dirs()
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".agol-tui"))
}

/// Where `.contentexport` packages are staged before a restore: `$AGOL_DATA_DIR/packages`.
pub fn package_staging_root() -> PathBuf {
    data_dir().join("packages")
}

/// The log file.
pub fn log_file() -> PathBuf {
    data_dir().join("logs").join("agol-tui.log")
}

fn dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "agol-tui")
}
