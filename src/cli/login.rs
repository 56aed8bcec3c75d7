//! `agol-tui login`: sign in, show who you are, save the profile (never a password).

use std::io::{BufRead, Write};
use std::sync::Arc;

use clap::Args;

use super::connect::{Resolved, anonymous_client, connect, resolve};
use super::{Cli, CliError, ConnectArgs, EXIT_OK};
use crate::client::auth::RefreshTokenStore;
use crate::client::auth::{OAuthCredentials, Pkce, authorize_url, exchange_code};
use crate::client::{Client, Credentials};
use crate::config::save::{ProfileUpdate, save_profile};
use crate::config::token_store::FileTokenStore;
use crate::config::{AuthMethod, paths};

/// `login` arguments.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// How to reach and sign in to the portal.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// The OAuth app's client id (saved in the profile).
    #[arg(long, value_name = "ID")]
    pub client_id: Option<String>,
    /// Refresh-token lifetime asked for with --oauth, in minutes (default two weeks).
    #[arg(long, default_value_t = 20160, value_name = "MINUTES")]
    pub oauth_expiration: u32,
    /// Do not save the profile.
    #[arg(long)]
    pub no_save: bool,
}

/// Runs `login`.
pub async fn run(cli: &Cli, args: &LoginArgs) -> Result<i32, CliError> {
    let mut resolved = resolve(cli, &args.connect)?;
    let mut oauth_client_id = None;
    let (client, me) = if resolved.auth == AuthMethod::OAuth {
        let client_id = args
            .client_id
            .clone()
            .or_else(|| resolved.profile.oauth_client_id.clone())
            .ok_or_else(|| {
                CliError::usage(
                    "OAuth needs the client id of an app registered in your portal with the redirect URI urn:ietf:wg:oauth:2.0:oob: pass --client-id ID (it is saved in the profile)",
                )
            })?;
        oauth_client_id = Some(client_id.clone());
        oauth_login(&resolved, &client_id, args.oauth_expiration).await?
    } else {
        connect(&resolved, &args.connect).await?
    };
    resolved.username = Some(me.username.clone());
    let portal = client.portal_self().await?;
    crate::safe_println!(
        "Signed in to {} as {} (role {}) in org {}.",
        resolved.portal,
        me.username,
        me.role.as_deref().unwrap_or("unknown"),
        portal.name.as_deref().unwrap_or("(unnamed)")
    );
    if !args.no_save {
        save_profile(
            &resolved.config_path,
            &ProfileUpdate {
                name: &resolved.profile_name,
                portal: resolved.portal.root(),
                username: (resolved.auth != AuthMethod::Token).then_some(me.username.as_str()),
                auth: resolved.auth,
                oauth_client_id: oauth_client_id.as_deref(),
                allow_http: resolved.allow_http,
                make_default: cli.profile.is_none(),
            },
        )?;
        crate::safe_println!(
            "Profile `{}` saved in {} (no password or token is stored there).",
            resolved.profile_name,
            resolved.config_path.display()
        );
    }
    Ok(EXIT_OK)
}

async fn oauth_login(
    resolved: &Resolved,
    client_id: &str,
    expiration: u32,
) -> Result<(Client, crate::client::models::User), CliError> {
    let anonymous = anonymous_client(resolved)?;
    let pkce = Pkce::generate();
    let url = authorize_url(&resolved.portal, client_id, &pkce, expiration);
    let mut err = std::io::stderr();
    let _ = writeln!(
        err,
        "Open this URL in a browser on any machine, sign in, then paste the code shown:\n\n  {url}\n"
    );
    let _ = write!(err, "Code: ");
    let _ = err.flush();
    let mut code = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut code)
        .map_err(|e| CliError::failure(format!("cannot read the code: {e}")))?;
    let code = code.trim();
    if code.is_empty() {
        return Err(CliError::usage(
            "no code was pasted; run `agol-tui login --oauth` again",
        ));
    }
    let grant = exchange_code(&anonymous, client_id, code, &pkce.verifier).await?;
    let username = grant.username.clone();
    let store = Arc::new(FileTokenStore::for_profile(
        &paths::data_dir(),
        &resolved.profile_name,
        resolved.portal.root(),
        client_id,
        username,
    ));
    let creds = OAuthCredentials::from_grant(client_id, &grant, Some(store.clone()))?;
    store
        .save(&creds.refresh_token, creds.refresh_expires_at)
        .map_err(|e| {
            CliError::failure(format!(
                "cannot save the OAuth sign-in in {}: {e}",
                store.path().display()
            ))
        })?;
    let mut builder = Client::builder(resolved.portal.clone())
        .credentials(Credentials::OAuth(creds))
        .limits(resolved.limits);
    if let Some(ca) = &resolved.ca_file {
        builder = builder.ca_file(ca)?;
    }
    let client = builder.build()?;
    let me = client.community_self().await?;
    Ok((client, me))
}
