//! Token sources (generateToken, OAuth 2.0 code + PKCE with refresh, pre-issued tokens / API
//! keys) and the token manager that refreshes before expiry and after a 498/499.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::error::{Error, Result};
use super::request::Call;
use super::{Client, PortalUrl, REFERER};

/// The OAuth redirect for terminals: the portal shows the code for the user to paste.
pub const OOB_REDIRECT: &str = "urn:ietf:wg:oauth:2.0:oob";

/// Minutes asked for a generateToken token (the portal may cap it lower).
pub const PASSWORD_TOKEN_MINUTES: u32 = 120;

/// Where a rotated OAuth refresh token is kept (implemented outside the client: the client
/// never writes to disk).
pub trait RefreshTokenStore: Send + Sync {
    /// Saves a new refresh token and its expiry.
    fn save(&self, refresh_token: &SecretString, expires_at: SystemTime) -> std::io::Result<()>;
}

/// How the client signs in.
pub enum Credentials {
    /// Built-in account: `generateToken` with a password.
    Password {
        /// Portal username (case-sensitive).
        username: String,
        /// The password; never logged or stored.
        password: SecretString,
    },
    /// OAuth 2.0: access tokens minted from a refresh token.
    OAuth(OAuthCredentials),
    /// A pre-issued token or API key; cannot be refreshed.
    Token {
        /// The token.
        token: SecretString,
    },
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Password { username, .. } => write!(
                f,
                "Password {{ username: {username:?}, password: [redacted] }}"
            ),
            Credentials::OAuth(o) => write!(
                f,
                "OAuth {{ client_id: {:?}, refresh_token: [redacted] }}",
                o.client_id
            ),
            Credentials::Token { .. } => f.write_str("Token { [redacted] }"),
        }
    }
}

/// What an OAuth sign-in keeps between access tokens.
pub struct OAuthCredentials {
    /// The app's client id (from the profile).
    pub client_id: String,
    /// The current refresh token.
    pub refresh_token: SecretString,
    /// When the refresh token stops working.
    pub refresh_expires_at: SystemTime,
    /// Where a rotated refresh token is saved.
    pub store: Option<Arc<dyn RefreshTokenStore>>,
    /// An access token already in hand (e.g. just after the code exchange).
    pub access: Option<(SecretString, SystemTime)>,
}

#[derive(Clone)]
struct Issued {
    value: SecretString,
    expires_at: Option<SystemTime>,
    lifetime: Option<Duration>,
}

impl Issued {
    fn fresh(&self, now: SystemTime) -> bool {
        match (self.expires_at, self.lifetime) {
            (Some(exp), Some(life)) => {
                let margin = (life / 4).min(Duration::from_secs(300));
                exp.duration_since(now)
                    .map(|left| left > margin)
                    .unwrap_or(false)
            }
            (Some(exp), None) => exp > now + Duration::from_secs(60),
            _ => true,
        }
    }
}

struct State {
    current: Option<Issued>,
    static_rejected: bool,
    oauth_refresh: Option<(SecretString, SystemTime, Duration)>,
}

/// Hands out valid tokens; one refresher at a time for all workers.
pub struct TokenManager {
    credentials: Credentials,
    state: tokio::sync::Mutex<State>,
    username: std::sync::Mutex<Option<String>>,
    servers: tokio::sync::Mutex<std::collections::HashMap<String, ServerToken>>,
}

/// A federated server's token, or the note that the portal would not exchange one.
#[derive(Clone)]
enum ServerToken {
    Issued(Issued),
    /// The portal refused the `serverUrl` exchange: the server gets the portal token.
    Unsupported,
}

impl TokenManager {
    /// A manager for these credentials.
    pub fn new(credentials: Credentials) -> Self {
        let now = SystemTime::now();
        let (current, oauth_refresh) = match &credentials {
            Credentials::OAuth(o) => (
                o.access.as_ref().map(|(t, exp)| Issued {
                    value: t.clone(),
                    expires_at: Some(*exp),
                    lifetime: exp.duration_since(now).ok(),
                }),
                Some((
                    o.refresh_token.clone(),
                    o.refresh_expires_at,
                    o.refresh_expires_at.duration_since(now).unwrap_or_default(),
                )),
            ),
            Credentials::Token { token } => (
                Some(Issued {
                    value: token.clone(),
                    expires_at: None,
                    lifetime: None,
                }),
                None,
            ),
            Credentials::Password { .. } => (None, None),
        };
        let username = match &credentials {
            Credentials::Password { username, .. } => Some(username.clone()),
            _ => None,
        };
        TokenManager {
            credentials,
            state: tokio::sync::Mutex::new(State {
                current,
                static_rejected: false,
                oauth_refresh,
            }),
            username: std::sync::Mutex::new(username),
            servers: tokio::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// A token for the federated server at `server_url` (one the portal lists as its own):
    /// exchanged with `generateToken`, `token` and `serverUrl`, cached until close to expiry.
    /// When the portal refuses the exchange (older portals, some API keys) the server gets the
    /// portal token, which a server federated with the portal accepts.
    pub async fn server_token(&self, client: &Client, server_url: &str) -> Result<SecretString> {
        let mut servers = self.servers.lock().await;
        let now = SystemTime::now();
        match servers.get(server_url) {
            Some(ServerToken::Issued(t)) if t.fresh(now) => return Ok(t.value.clone()),
            Some(ServerToken::Unsupported) => return self.token(client).await,
            _ => {}
        }
        let portal_token = self.token(client).await?;
        match exchange_server_token(client, &portal_token, server_url).await {
            Ok(issued) => {
                let value = issued.value.clone();
                servers.insert(server_url.to_string(), ServerToken::Issued(issued));
                Ok(value)
            }
            Err(e @ (Error::Api { .. } | Error::Unsuccessful { .. } | Error::Decode { .. })) => {
                tracing::warn!(server = server_url, error = %e, "the portal does not exchange server tokens; the federated server gets the portal token");
                servers.insert(server_url.to_string(), ServerToken::Unsupported);
                Ok(portal_token)
            }
            Err(e) => Err(e),
        }
    }

    /// The username the portal reported with the token, when known.
    pub fn username(&self) -> Option<String> {
        self.username.lock().ok().and_then(|u| u.clone())
    }

    /// A valid token, refreshed first when it is missing or close to expiry.
    pub async fn token(&self, client: &Client) -> Result<SecretString> {
        let mut state = self.state.lock().await;
        let now = SystemTime::now();
        if let Some(cur) = &state.current
            && cur.fresh(now)
        {
            return Ok(cur.value.clone());
        }
        refuse_plain_http(client)?;
        let issued = match &self.credentials {
            Credentials::Password { username, password } => {
                generate_token(client, username, password).await?
            }
            Credentials::OAuth(o) => self.refresh_oauth(client, o, &mut state).await?,
            Credentials::Token { token } => {
                if state.static_rejected {
                    return Err(Error::InvalidToken {
                        url: client.portal().sharing_root(),
                        message: "the pre-issued token or API key has expired or was revoked and cannot be refreshed; issue a new one or sign in with a password or --oauth".into(),
                    });
                }
                Issued {
                    value: token.clone(),
                    expires_at: None,
                    lifetime: None,
                }
            }
        };
        let value = issued.value.clone();
        state.current = Some(issued);
        Ok(value)
    }

    /// Forgets `rejected` so the next [`token`](Self::token) call gets a new one.
    pub async fn invalidate(&self, rejected: &SecretString) {
        {
            let mut servers = self.servers.lock().await;
            servers.retain(|_, t| {
                !matches!(t, ServerToken::Issued(i) if i.value.expose_secret() == rejected.expose_secret())
            });
        }
        let mut state = self.state.lock().await;
        if state
            .current
            .as_ref()
            .is_some_and(|c| c.value.expose_secret() == rejected.expose_secret())
        {
            state.current = None;
            if matches!(self.credentials, Credentials::Token { .. }) {
                state.static_rejected = true;
            }
        }
    }

    async fn refresh_oauth(
        &self,
        client: &Client,
        o: &OAuthCredentials,
        state: &mut State,
    ) -> Result<Issued> {
        let (mut refresh, mut refresh_exp, lifetime) =
            state.oauth_refresh.clone().ok_or_else(|| {
                Error::Auth("no OAuth refresh token; run `agol-tui login --oauth`".into())
            })?;
        let now = SystemTime::now();
        if refresh_exp <= now {
            return Err(Error::InvalidToken {
                url: client.portal().sharing("oauth2/token"),
                message: "the OAuth refresh token has expired; run `agol-tui login --oauth` again"
                    .into(),
            });
        }
        let window = (lifetime / 2).min(Duration::from_secs(24 * 3600));
        if refresh_exp.duration_since(now).unwrap_or_default() < window {
            let rotated = exchange_refresh_token(client, &o.client_id, &refresh).await?;
            refresh = rotated.0;
            refresh_exp = rotated.1;
            if let Some(store) = &o.store {
                store.save(&refresh, refresh_exp).map_err(|e| {
                    Error::Auth(format!("cannot save the rotated OAuth refresh token: {e}"))
                })?;
            }
            state.oauth_refresh = Some((refresh.clone(), refresh_exp, lifetime));
            tracing::info!("rotated the OAuth refresh token");
        }
        let grant: TokenGrant = client
            .json(
                Call::post_read(client.portal().sharing("oauth2/token"))
                    .anonymous()
                    .param("grant_type", "refresh_token")
                    .param("client_id", &o.client_id)
                    .param("refresh_token", refresh.expose_secret()),
            )
            .await
            .map_err(|e| oauth_failure("refreshing the access token", e))?;
        if let Some(u) = &grant.username
            && let Ok(mut slot) = self.username.lock()
        {
            *slot = Some(u.clone());
        }
        grant.access_issued()
    }
}

fn oauth_failure(what: &str, e: Error) -> Error {
    match e {
        Error::Api { message, code, .. } if code == 498 || code == 400 => Error::InvalidToken {
            url: "oauth2/token".into(),
            message: format!("{what} failed ({message}); run `agol-tui login --oauth` again"),
        },
        other => other,
    }
}

#[derive(Deserialize)]
struct GenerateTokenResponse {
    token: String,
    expires: Option<i64>,
}

/// Secrets never travel over plain http, except to a loopback portal (`allow_http` portals are
/// read anonymously).
fn refuse_plain_http(client: &Client) -> Result<()> {
    let origin = client.portal().origin();
    let loopback = url::Url::parse(origin)
        .ok()
        .and_then(|u| u.host_str().map(|h| h.trim_matches(['[', ']']).to_string()))
        .is_some_and(|h| super::portal_url::is_loopback(&h));
    if origin.starts_with("http://") && !loopback {
        return Err(Error::Auth(format!(
            "{origin} is plain http: the password or token would travel unencrypted, so agol-tui does not sign in there; use the portal's https address (allow_http only permits anonymous reads)"
        )));
    }
    Ok(())
}

/// `generateToken` with `token` and `serverUrl`: a token valid on one federated server only.
async fn exchange_server_token(
    client: &Client,
    portal_token: &SecretString,
    server_url: &str,
) -> Result<Issued> {
    let resp: GenerateTokenResponse = client
        .json(
            Call::post_read(client.portal().sharing("generateToken"))
                .anonymous()
                .param("token", portal_token.expose_secret())
                .param("serverUrl", server_url)
                .param("client", "referer")
                .param("referer", REFERER)
                .param("expiration", PASSWORD_TOKEN_MINUTES),
        )
        .await?;
    let now = SystemTime::now();
    let expires_at = resp.expires.map(epoch_ms_to_time);
    Ok(Issued {
        value: SecretString::from(resp.token),
        expires_at,
        lifetime: expires_at.and_then(|e| e.duration_since(now).ok()),
    })
}

async fn generate_token(
    client: &Client,
    username: &str,
    password: &SecretString,
) -> Result<Issued> {
    let url = client.portal().sharing("generateToken");
    let resp: Result<GenerateTokenResponse> = client
        .json(
            Call::post_read(url)
                .anonymous()
                .param("username", username)
                .param("password", password.expose_secret())
                .param("client", "referer")
                .param("referer", REFERER)
                .param("expiration", PASSWORD_TOKEN_MINUTES),
        )
        .await;
    let resp = resp.map_err(|e| match e {
        Error::Api { details, message, .. }
            if details.iter().any(|d| d.contains("Invalid username or password"))
                || message.contains("Invalid username or password") =>
        {
            Error::Auth(format!(
                "sign-in as `{username}` at {} failed: invalid username or password. If your organization signs in through SAML/enterprise logins or uses multi-factor authentication, this account has no portal password: sign in with `agol-tui login --oauth` instead",
                client.portal()
            ))
        }
        other => other,
    })?;
    let now = SystemTime::now();
    let expires_at = resp.expires.map(epoch_ms_to_time);
    Ok(Issued {
        value: SecretString::from(resp.token),
        expires_at,
        lifetime: expires_at.and_then(|e| e.duration_since(now).ok()),
    })
}

/// The OAuth token endpoint's answer (`expires_in` values are seconds).
#[derive(Deserialize)]
pub struct TokenGrant {
    /// The access token.
    pub access_token: Option<String>,
    /// Seconds until the access token expires.
    pub expires_in: Option<i64>,
    /// The refresh token (code and exchange grants).
    pub refresh_token: Option<String>,
    /// Seconds until the refresh token expires.
    pub refresh_token_expires_in: Option<i64>,
    /// The signed-in user.
    pub username: Option<String>,
}

impl std::fmt::Debug for TokenGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenGrant")
            .field("expires_in", &self.expires_in)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

impl TokenGrant {
    fn access_issued(&self) -> Result<Issued> {
        let token = self
            .access_token
            .clone()
            .ok_or_else(|| Error::Auth("the OAuth token answer has no access_token".into()))?;
        let life = Duration::from_secs(self.expires_in.unwrap_or(1800).max(1) as u64);
        Ok(Issued {
            value: SecretString::from(token),
            expires_at: Some(SystemTime::now() + life),
            lifetime: Some(life),
        })
    }
}

async fn exchange_refresh_token(
    client: &Client,
    client_id: &str,
    refresh: &SecretString,
) -> Result<(SecretString, SystemTime)> {
    let grant: TokenGrant = client
        .json(
            Call::post_read(client.portal().sharing("oauth2/token"))
                .anonymous()
                .param("grant_type", "exchange_refresh_token")
                .param("client_id", client_id)
                .param("redirect_uri", OOB_REDIRECT)
                .param("refresh_token", refresh.expose_secret()),
        )
        .await
        .map_err(|e| oauth_failure("rotating the refresh token", e))?;
    let token = grant
        .refresh_token
        .ok_or_else(|| Error::Auth("exchange_refresh_token returned no refresh_token".into()))?;
    let secs = grant
        .refresh_token_expires_in
        .unwrap_or(14 * 24 * 3600)
        .max(1) as u64;
    Ok((
        SecretString::from(token),
        SystemTime::now() + Duration::from_secs(secs),
    ))
}

/// A PKCE verifier and its S256 challenge.
pub struct Pkce {
    /// The secret verifier sent with the code exchange.
    pub verifier: SecretString,
    /// `BASE64URL(SHA256(verifier))`, sent with the authorize request.
    pub challenge: String,
}

impl Pkce {
    /// A fresh random verifier (43 characters) and its challenge.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        let verifier = URL_SAFE_NO_PAD.encode(bytes);
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Pkce {
            verifier: SecretString::from(verifier),
            challenge,
        }
    }
}

/// The URL a person opens to sign in; the portal then shows a code to paste back.
pub fn authorize_url(
    portal: &PortalUrl,
    client_id: &str,
    pkce: &Pkce,
    refresh_minutes: u32,
) -> String {
    let mut url =
        url::Url::parse(&portal.sharing("oauth2/authorize")).expect("portal URLs are valid");
    url.query_pairs_mut()
        .append_pair("client_id", client_id)
        .append_pair("response_type", "code")
        .append_pair("redirect_uri", OOB_REDIRECT)
        .append_pair("code_challenge", &pkce.challenge)
        .append_pair("code_challenge_method", "S256")
        .append_pair("expiration", &refresh_minutes.to_string());
    url.to_string()
}

/// Exchanges a pasted authorization code for access and refresh tokens.
pub async fn exchange_code(
    client: &Client,
    client_id: &str,
    code: &str,
    verifier: &SecretString,
) -> Result<TokenGrant> {
    let grant: TokenGrant = client
        .json(
            Call::post(client.portal().sharing("oauth2/token"))
                .anonymous()
                .param("grant_type", "authorization_code")
                .param("client_id", client_id)
                .param("code", code.trim())
                .param("redirect_uri", OOB_REDIRECT)
                .param("code_verifier", verifier.expose_secret()),
        )
        .await
        .map_err(|e| match e {
            Error::Api { message, .. } => Error::Auth(format!(
                "the portal refused the authorization code ({message}); codes are single-use and expire within minutes: run `agol-tui login --oauth` again and paste the new code"
            )),
            other => other,
        })?;
    if grant.access_token.is_none() || grant.refresh_token.is_none() {
        return Err(Error::Auth(
            "the OAuth code exchange returned no access or refresh token".into(),
        ));
    }
    Ok(grant)
}

impl OAuthCredentials {
    /// Credentials from a fresh code exchange.
    pub fn from_grant(
        client_id: &str,
        grant: &TokenGrant,
        store: Option<Arc<dyn RefreshTokenStore>>,
    ) -> Result<Self> {
        let now = SystemTime::now();
        let refresh = grant
            .refresh_token
            .clone()
            .ok_or_else(|| Error::Auth("no refresh token in the OAuth answer".into()))?;
        let refresh_secs = grant
            .refresh_token_expires_in
            .unwrap_or(14 * 24 * 3600)
            .max(1) as u64;
        Ok(OAuthCredentials {
            client_id: client_id.to_string(),
            refresh_token: SecretString::from(refresh),
            refresh_expires_at: now + Duration::from_secs(refresh_secs),
            store,
            access: grant.access_token.clone().map(|t| {
                (
                    SecretString::from(t),
                    now + Duration::from_secs(grant.expires_in.unwrap_or(1800).max(1) as u64),
                )
            }),
        })
    }
}

/// Converts epoch milliseconds to a time.
pub fn epoch_ms_to_time(ms: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_millis(ms.max(0) as u64)
}
