//! `agol-tui demo`: the whole product on the built-in sample portal, no account needed. Starts
//! the sample org in-process and opens the TUI signed in as its admin.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use secrecy::SecretString;

use super::{CliError, EXIT_OK};
use crate::app::msg::Msg;
use crate::app::signin::SignInForm;
use crate::app::state::{Settings, State};
use crate::client::{Client, Credentials, PortalUrl};
use crate::fake::{FakeConfig, FakePortal, sample};
use crate::keymap::Keymap;
use crate::tui::executor::{Connection, SignInTarget, session_of};
use crate::tui::launch::launch;

/// `demo` arguments.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where backups made in the demo go.
    #[arg(long, default_value = "agol-demo-backups", value_name = "DIR")]
    pub dest: PathBuf,
    /// Where scans made in the demo are written.
    #[arg(long, default_value = ".", value_name = "DIR")]
    pub scan_dir: PathBuf,
    /// Delay the sample portal adds to every request, in milliseconds (to watch progress).
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub latency_ms: u64,
    /// Extra generated items in the sample org (spread over generated users).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub generated_items: usize,
}

/// Starts the sample portal in-process, signs in as its admin and opens the TUI.
pub async fn run(args: &DemoArgs, keymap: Keymap) -> Result<i32, CliError> {
    let portal = FakePortal::start(FakeConfig {
        generated_items: args.generated_items,
        ..FakeConfig::default()
    })
    .await
    .map_err(|e| CliError::failure(format!("cannot start the sample portal: {e}")))?;
    let client = Client::builder(PortalUrl::parse(&portal.url(), false)?)
        .credentials(Credentials::Password {
            username: sample::ADMIN_USERNAME.into(),
            password: SecretString::from(sample::ADMIN_PASSWORD.to_string()),
        })
        .build()?;
    let me = client.community_self().await?;
    let org = client.portal_self().await?;
    portal.set_latency(Duration::from_millis(args.latency_ms));
    let session = session_of(&client, &me, org.name.as_deref());
    let settings = Settings {
        destination: args.dest.clone(),
        scan_dir: args.scan_dir.clone(),
        ..Settings::default()
    };
    let state = State::signed_out(keymap, settings, SignInForm::default());
    tracing::info!(
        "sample portal \"{}\" at {}; signed in as {} (password {})",
        sample::ORG_NAME,
        portal.url(),
        sample::ADMIN_USERNAME,
        "see `agol-tui demo-server`"
    );
    launch(
        state,
        Some(Connection { client, me }),
        Some(Msg::SignedIn(session)),
        SignInTarget::default(),
    )
    .await
    .map_err(|e| CliError::failure(format!("terminal error: {e}")))?;
    drop(portal);
    Ok(EXIT_OK)
}
