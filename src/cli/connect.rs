//! Turns profile + environment + flags into a signed-in [`Client`].

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::sync::Arc;

use secrecy::SecretString;

use super::{Cli, CliError, ConnectArgs};
use crate::client::auth::{Credentials, OAuthCredentials};
use crate::client::models::User;
use crate::client::{Client, PortalUrl};
use crate::config::token_store::FileTokenStore;
use crate::config::{AuthMethod, Config, Profile, paths};

/// The settings a command runs with, after every override.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The profile name (`default` when none was configured).
    pub profile_name: String,
    /// The profile's values (empty when none).
    pub profile: Profile,
    /// The config file used.
    pub config_path: PathBuf,
    /// The portal.
    pub portal: PortalUrl,
    /// The username, when known.
    pub username: Option<String>,
    /// How to sign in.
    pub auth: AuthMethod,
    /// CA file for private CAs.
    pub ca_file: Option<PathBuf>,
    /// Plain http allowed.
    pub allow_http: bool,
    /// Default workers.
    pub workers: usize,
    /// Request limits from `[limits]`.
    pub limits: crate::client::Limits,
}

/// Loads the config and resolves the connection settings.
pub fn resolve(cli: &Cli, args: &ConnectArgs) -> Result<Resolved, CliError> {
    let (config_path, must_exist) = match &cli.config {
        Some(p) => (p.clone(), true),
        None => (paths::default_config_file(), false),
    };
    let config = Config::load(&config_path, must_exist)?;
    let (profile_name, profile) = config
        .profile(cli.profile.as_deref())
        .map_err(CliError::usage)?
        .unwrap_or_else(|| {
            (
                cli.profile.clone().unwrap_or_else(|| "default".into()),
                Profile::default(),
            )
        });
    let allow_http = args.allow_http || profile.allow_http.unwrap_or(false);
    let portal_text = args.portal.clone().or_else(|| profile.portal.clone()).ok_or_else(|| {
        CliError::usage(
            "no portal given: pass --portal URL (or set AGOL_PORTAL), or sign in once with `agol-tui login --portal URL --username NAME` to save a profile",
        )
    })?;
    let portal = PortalUrl::parse(&portal_text, allow_http)?;
    let env_token = std::env::var_os("AGOL_TOKEN").is_some();
    let env_password = std::env::var_os("AGOL_PASSWORD").is_some();
    let auth = if args.oauth {
        AuthMethod::OAuth
    } else if args.token_stdin || (env_token && !args.password_stdin) {
        AuthMethod::Token
    } else if args.password_stdin || env_password {
        AuthMethod::Password
    } else {
        profile.auth.unwrap_or_default()
    };
    let workers = profile
        .workers
        .or(config.defaults.workers)
        .unwrap_or(crate::config::DEFAULT_WORKERS);
    Ok(Resolved {
        username: args.username.clone().or_else(|| profile.username.clone()),
        ca_file: args.ca_file.clone().or_else(|| profile.ca_file.clone()),
        profile_name,
        profile,
        config_path,
        portal,
        auth,
        allow_http,
        workers,
        limits: config.limits.limits(),
    })
}

/// A client without credentials for the resolved portal (TLS settings applied).
pub fn anonymous_client(r: &Resolved) -> Result<Client, CliError> {
    let mut builder = Client::builder(r.portal.clone()).limits(r.limits);
    if let Some(ca) = &r.ca_file {
        builder = builder.ca_file(ca)?;
    }
    Ok(builder.build()?)
}

/// Builds a signed-in client from the resolved settings and returns it with the user.
pub async fn connect(r: &Resolved, args: &ConnectArgs) -> Result<(Client, User), CliError> {
    let credentials = credentials(r, args)?;
    let mut builder = Client::builder(r.portal.clone())
        .credentials(credentials)
        .limits(r.limits);
    if let Some(ca) = &r.ca_file {
        builder = builder.ca_file(ca)?;
    }
    let client = builder.build()?;
    client.sign_in().await?;
    let me = client.community_self().await?;
    Ok((client, me))
}

fn credentials(r: &Resolved, args: &ConnectArgs) -> Result<Credentials, CliError> {
    match r.auth {
        AuthMethod::Password => {
            let username = r.username.clone().ok_or_else(|| {
                CliError::usage("no username given: pass --username NAME or set AGOL_USERNAME")
            })?;
            let password = read_password(args, &username, r)?;
            Ok(Credentials::Password { username, password })
        }
        AuthMethod::Token => {
            let token = if args.token_stdin {
                read_stdin_line("token")?
            } else {
                std::env::var("AGOL_TOKEN").map(SecretString::from).map_err(|_| {
                    CliError::usage("no token given: pass it on standard input with --token-stdin or set AGOL_TOKEN")
                })?
            };
            Ok(Credentials::Token { token })
        }
        AuthMethod::OAuth => {
            let client_id = r.profile.oauth_client_id.clone().ok_or_else(|| {
                CliError::usage(format!(
                    "profile `{}` has no oauth_client_id; sign in with `agol-tui login --oauth --client-id ID`",
                    r.profile_name
                ))
            })?;
            let store = FileTokenStore::for_profile(
                &paths::data_dir(),
                &r.profile_name,
                r.portal.root(),
                &client_id,
                r.username.clone(),
            );
            let saved = store
                .load()
                .map_err(|e| CliError::failure(format!("cannot read the saved OAuth sign-in: {e}")))?
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "no saved OAuth sign-in for profile `{}` at {}; run `agol-tui login --oauth --profile {}`",
                        r.profile_name,
                        r.portal,
                        r.profile_name
                    ))
                })?;
            Ok(Credentials::OAuth(OAuthCredentials {
                client_id,
                refresh_token: saved.refresh_token,
                refresh_expires_at: saved.expires_at,
                store: Some(Arc::new(store)),
                access: None,
            }))
        }
    }
}

fn read_password(
    args: &ConnectArgs,
    username: &str,
    r: &Resolved,
) -> Result<SecretString, CliError> {
    if args.password_stdin {
        return read_stdin_line("password");
    }
    if let Ok(p) = std::env::var("AGOL_PASSWORD") {
        return Ok(SecretString::from(p));
    }
    if std::io::stdin().is_terminal() {
        let p = rpassword::prompt_password(format!("Password for {username} at {}: ", r.portal))
            .map_err(|e| CliError::failure(format!("cannot read the password: {e}")))?;
        return Ok(SecretString::from(p));
    }
    Err(CliError::usage(
        "no password: this is not an interactive terminal, so pass it with --password-stdin or AGOL_PASSWORD (or use --oauth / --token-stdin)",
    ))
}

/// Reads one line of standard input as a secret.
pub fn read_stdin_line(what: &str) -> Result<SecretString, CliError> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        CliError::failure(format!("cannot read the {what} from standard input: {e}"))
    })?;
    let trimmed = line.trim_end_matches(['\r', '\n']).to_string();
    if trimmed.is_empty() {
        return Err(CliError::usage(format!("standard input held no {what}")));
    }
    Ok(SecretString::from(trimmed))
}
