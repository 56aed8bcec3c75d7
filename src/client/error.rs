//! The client's typed error: transport, HTTP status, the ArcGIS error envelope, tokens, decoding.

use std::time::Duration;

/// Why a request could not reach the server or finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    /// Connecting failed (refused, DNS, unreachable).
    Connect,
    /// The TLS handshake or certificate check failed.
    Tls,
    /// The request or response timed out.
    Timeout,
    /// The connection broke while sending or receiving (reset, truncated body).
    Interrupted,
    /// Anything else from the HTTP stack.
    Other,
}

/// Everything a portal request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The portal URL given by the user cannot be used.
    #[error("portal URL `{url}` is not usable: {reason}")]
    InvalidPortalUrl {
        /// The URL as given.
        url: String,
        /// What is wrong and how to fix it.
        reason: String,
    },
    /// The request never got an HTTP answer.
    #[error("{}", transport_message(*.kind, url, message))]
    Transport {
        /// Category of the failure.
        kind: TransportKind,
        /// The URL (never with a token).
        url: String,
        /// The underlying error text.
        message: String,
    },
    /// A real HTTP error status (4xx/5xx) without a usable ArcGIS error body.
    #[error("{url} answered HTTP {status}{}", http_hint(*.status))]
    Http {
        /// The HTTP status code.
        status: u16,
        /// The URL (never with a token).
        url: String,
        /// `Retry-After` from the response, if any.
        retry_after: Option<Duration>,
    },
    /// The ArcGIS error envelope (`{"error":{...}}`, usually inside HTTP 200).
    #[error("{url}: {message} (code {code}{}){}", message_code.as_deref().map(|c| format!(", {c}")).unwrap_or_default(), details_suffix(details))]
    Api {
        /// `error.code`, an HTTP-like number.
        code: i64,
        /// `error.messageCode`, e.g. `CONT_0001`.
        message_code: Option<String>,
        /// `error.message`.
        message: String,
        /// `error.details`.
        details: Vec<String>,
        /// The URL (never with a token).
        url: String,
    },
    /// A body with `"success": false`.
    #[error("{url} reported failure: {body}")]
    Unsuccessful {
        /// The URL (never with a token).
        url: String,
        /// The body as returned (no secrets are echoed by the portal).
        body: String,
    },
    /// The token was rejected (498) or is required (499) and could not be renewed.
    #[error(
        "{url}: the portal rejected the sign-in token ({message}); sign in again with `agol-tui login`"
    )]
    InvalidToken {
        /// The URL (never with a token).
        url: String,
        /// The portal's message.
        message: String,
    },
    /// The body was not the JSON we expected.
    #[error("{url}: unexpected response at JSON path `{json_path}`: {message}")]
    Decode {
        /// The URL (never with a token).
        url: String,
        /// Where in the document decoding failed (`.` for the root).
        json_path: String,
        /// What was wrong.
        message: String,
    },
    /// Signing in failed.
    #[error("{0}")]
    Auth(String),
    /// The answer broke one of the request limits (body cap, total time, paging progress).
    #[error("{url}: {message}")]
    Limit {
        /// The URL (never with a token).
        url: String,
        /// Which limit, and the knob that raises it.
        message: String,
    },
    /// An answer that is not what was asked for: a redirect where JSON was expected, a redirect
    /// without a target or in a loop, an HTML page where a file was expected.
    #[error("{url}: {reason}")]
    Unexpected {
        /// The URL (never with a token).
        url: String,
        /// What came back instead.
        reason: String,
    },
}

fn details_suffix(details: &[String]) -> String {
    if details.is_empty() {
        String::new()
    } else {
        format!(": {}", details.join("; "))
    }
}

fn http_hint(status: u16) -> &'static str {
    match status {
        401 | 403 => " (no permission: sign in as a user who can see this content)",
        404 => " (not found: check the portal URL and the item id)",
        429 => " (throttled by the server: try again later or use fewer --workers)",
        500..=599 => " (server error: try again later)",
        _ => "",
    }
}

fn transport_message(kind: TransportKind, url: &str, message: &str) -> String {
    match kind {
        TransportKind::Connect => format!(
            "cannot reach {url}: {message}. Check the portal URL, your network and any proxy settings"
        ),
        TransportKind::Tls => format!(
            "TLS failure talking to {url}: {message}. If the portal uses a private CA, pass its certificate with --ca-file or AGOL_CA_FILE"
        ),
        TransportKind::Timeout => format!(
            "{url} timed out: {message} (the [limits] idle_timeout_secs, request_timeout_secs and download_timeout_secs config keys set the bounds)"
        ),
        TransportKind::Interrupted => format!("connection to {url} broke: {message}"),
        TransportKind::Other => format!("request to {url} failed: {message}"),
    }
}

impl Error {
    /// True for failures worth retrying on a safe request: throttling, 5xx, timeouts, resets.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { kind, .. } => matches!(
                kind,
                TransportKind::Timeout | TransportKind::Interrupted | TransportKind::Connect
            ),
            Error::Http { status, .. } => is_retryable_status(i64::from(*status)),
            Error::Api { code, .. } => is_retryable_status(*code),
            // A truncated body decodes badly; the next attempt may be whole.
            Error::Decode { message, .. } => message.contains("EOF"),
            _ => false,
        }
    }

    /// True when the portal says the token is invalid, expired or missing (498/499).
    pub fn is_auth(&self) -> bool {
        match self {
            Error::InvalidToken { .. } => true,
            Error::Api { code, .. } => *code == 498 || *code == 499,
            Error::Http { status, .. } => *status == 498 || *status == 499,
            _ => false,
        }
    }

    /// The `Retry-After` the server asked for, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// True when the portal reports that the item does not exist or is not visible.
    pub fn is_missing_item(&self) -> bool {
        matches!(self, Error::Api { message_code: Some(c), .. } if c == "CONT_0001")
            || matches!(self, Error::Api { code: 404, .. })
    }

    /// True when the portal refuses the caller (403).
    pub fn is_forbidden(&self) -> bool {
        matches!(
            self,
            Error::Api { code: 403, .. } | Error::Http { status: 403, .. }
        )
    }
}

fn is_retryable_status(code: i64) -> bool {
    matches!(code, 429 | 500 | 502 | 503 | 504)
}

/// The client's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
