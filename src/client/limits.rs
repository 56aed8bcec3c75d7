//! Bounds on what one request may cost: JSON body size, idle and total time. Set from the
//! `[limits]` config section; the error texts name the knob to raise.

use std::time::Duration;

/// Per-request bounds of a [`super::Client`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest JSON (or in-memory) body read, in bytes (`[limits] max_json_mib`).
    pub max_json_bytes: u64,
    /// Longest wait for the next bytes of an answer (`[limits] idle_timeout_secs`).
    pub idle_timeout: Duration,
    /// Longest a JSON request may take from sending to the last byte
    /// (`[limits] request_timeout_secs`).
    pub request_timeout: Duration,
    /// Longest one streamed download may take (`[limits] download_timeout_secs`).
    pub download_timeout: Duration,
}

/// Default JSON body cap: 256 MiB.
pub const DEFAULT_MAX_JSON_MIB: u64 = 256;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_json_bytes: DEFAULT_MAX_JSON_MIB * 1024 * 1024,
            idle_timeout: Duration::from_secs(120),
            request_timeout: Duration::from_secs(600),
            download_timeout: Duration::from_secs(6 * 3600),
        }
    }
}

/// The config knob that raises the JSON body cap (named in errors).
pub const JSON_CAP_KNOB: &str = "max_json_mib in the [limits] section of the config file";

/// Text for a body over the cap.
pub fn json_cap_message(cap: u64) -> String {
    format!(
        "the answer is larger than the {} cap for JSON bodies; raise {JSON_CAP_KNOB} if this portal really sends that much",
        human(cap)
    )
}

/// `256 MiB`, `12 KiB`, `17 bytes`.
pub fn human(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}
