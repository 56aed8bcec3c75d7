//! Health pings for cron (the Healthchecks.io convention): `URL/start` at the start, `URL` on
//! success, `URL/fail` on failure. A failing ping is logged, never fatal. No token is ever sent.

use std::time::Duration;

/// Which ping to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ping {
    /// The run starts.
    Start,
    /// The run succeeded.
    Success,
    /// The run failed (or partly failed).
    Fail,
}

/// Sends a ping to `base` (no-op when `None`).
pub async fn ping(base: Option<&str>, kind: Ping, body: &str) {
    let Some(base) = base else { return };
    let base = base.trim_end_matches('/');
    let url = match kind {
        Ping::Start => format!("{base}/start"),
        Ping::Success => base.to_string(),
        Ping::Fail => format!("{base}/fail"),
    };
    let client = match reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "cannot send the health ping");
            return;
        }
    };
    for attempt in 1..=3 {
        match client.post(&url).body(body.to_string()).send().await {
            Ok(r) if r.status().is_success() => return,
            Ok(r) => {
                tracing::warn!(%url, status = r.status().as_u16(), attempt, "health ping refused")
            }
            Err(e) => tracing::warn!(%url, error = %e, attempt, "health ping failed"),
        }
        tokio::time::sleep(Duration::from_millis(500 * attempt)).await;
    }
}
