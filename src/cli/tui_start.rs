//! `agol-tui` with no subcommand: the TUI for the default profile (or `--profile P`). A
//! profile that can sign in without asking (saved OAuth sign-in, `AGOL_PASSWORD`,
//! `AGOL_TOKEN`) opens straight on the content tree; otherwise the sign-in screen opens,
//! prefilled from the profile, with the reason shown inline.

use super::connect::{connect, resolve};
use super::{Cli, CliError, ConnectArgs, EXIT_OK};
use crate::app::msg::Msg;
use crate::app::signin::SignInForm;
use crate::app::state::{Settings, State};
use crate::config::{AuthMethod, Config, paths};
use crate::tui::executor::{Connection, SignInTarget, session_of};
use crate::tui::launch::launch;

/// Opens the TUI.
pub async fn run(cli: &Cli) -> Result<i32, CliError> {
    let config_path = cli
        .config
        .clone()
        .unwrap_or_else(paths::default_config_file);
    let config = Config::load(&config_path, cli.config.is_some())?;
    let keymap = config.keymap();
    let args = ConnectArgs::from_env();
    let resolved = resolve(cli, &args);
    let profile_name = resolved
        .as_ref()
        .map(|r| r.profile_name.clone())
        .unwrap_or_else(|_| cli.profile.clone().unwrap_or_else(|| "default".into()));
    let (destination, workers) = match &resolved {
        Ok(r) => (
            r.profile
                .destination
                .clone()
                .or_else(|| config.defaults.destination.clone())
                .unwrap_or_else(|| paths::data_dir().join("backups").join(&r.profile_name)),
            r.workers,
        ),
        Err(_) => (
            config
                .defaults
                .destination
                .clone()
                .unwrap_or_else(|| paths::data_dir().join("backups").join(&profile_name)),
            config
                .defaults
                .workers
                .unwrap_or(crate::config::DEFAULT_WORKERS),
        ),
    };
    let settings = Settings {
        destination,
        workers,
        ..Settings::default()
    };
    let target = SignInTarget {
        profile: profile_name,
        config_path: Some(config_path),
        ca_file: resolved.as_ref().ok().and_then(|r| r.ca_file.clone()),
        allow_http: resolved.as_ref().is_ok_and(|r| r.allow_http),
        limits: config.limits.limits(),
    };
    let (form, conn, first) = match &resolved {
        Err(_) => (SignInForm::default(), None, None),
        Ok(r) => {
            let username = r.username.clone().unwrap_or_default();
            let mut form = SignInForm::new(r.portal.root(), &username);
            form.oauth = r.auth == AuthMethod::OAuth;
            if let Some(id) = &r.profile.oauth_client_id {
                form.client_id = tui_input::Input::new(id.clone());
            }
            let can_try = match r.auth {
                AuthMethod::Password => std::env::var_os("AGOL_PASSWORD").is_some(),
                AuthMethod::Token | AuthMethod::OAuth => true,
            };
            if can_try {
                match connect(r, &args).await {
                    Ok((client, me)) => {
                        let org = client.portal_self().await.ok().and_then(|p| p.name);
                        let session = session_of(&client, &me, org.as_deref());
                        (
                            form,
                            Some(Connection { client, me }),
                            Some(Msg::SignedIn(session)),
                        )
                    }
                    Err(e) => {
                        form.error = Some(e.message);
                        (form, None, None)
                    }
                }
            } else {
                (form, None, None)
            }
        }
    };
    let state = State::signed_out(keymap, settings, form);
    launch(state, conn, first, target)
        .await
        .map_err(|e| CliError::failure(format!("terminal error: {e}")))?;
    Ok(EXIT_OK)
}
