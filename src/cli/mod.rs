//! Headless subcommands (cron, systemd, scripts): argument definitions and dispatch.

pub mod archive_cmds;
pub mod backup;
pub mod connect;
#[cfg(feature = "fake")]
pub mod demo;
#[cfg(feature = "fake")]
pub mod demo_server;
pub mod errors;
pub mod export_package;
pub mod inspect;
pub mod logging;
pub mod login;
pub mod ping;
pub mod report;
pub mod restore;
pub mod scan;
pub mod tui_start;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::engine::selection::Selection;

/// Exit code: everything worked.
pub const EXIT_OK: i32 = 0;
/// Exit code: the command failed.
pub const EXIT_FAILURE: i32 = 1;
/// Exit code: bad usage or configuration.
pub const EXIT_USAGE: i32 = 2;
/// Exit code: some items failed, all others were done.
pub const EXIT_PARTIAL: i32 = 3;

/// agol-tui: scan, back up, verify and restore ArcGIS Online / Enterprise content.
#[derive(Debug, Parser)]
#[command(name = "agol-tui", version, about, long_about = None)]
pub struct Cli {
    /// Config file (default: the per-user config dir, or AGOL_CONFIG).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Profile from the config file.
    #[arg(long, global = true, env = "AGOL_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// More log output on stderr (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// The command; none opens the terminal UI for the default profile (or --profile), or
    /// its sign-in screen.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Sign in, show who you are and save the profile (never a password).
    Login(login::LoginArgs),
    /// Write an inventory CSV of the selected items.
    Scan(Box<scan::ScanArgs>),
    /// Back up the selected items into a new snapshot (incremental).
    Backup(Box<backup::BackupArgs>),
    /// List the snapshots of a destination.
    Snapshots(archive_cmds::SnapshotsArgs),
    /// Check every archive of a snapshot against its manifest.
    Verify(archive_cmds::VerifyArgs),
    /// Restore items of a snapshot into the same or another portal.
    Restore(Box<restore::RestoreArgs>),
    /// Remove old snapshots by a keep policy.
    Prune(archive_cmds::PruneArgs),
    /// List the items of an Esri .contentexport package and what it lacks.
    Inspect(inspect::InspectArgs),
    /// Write a snapshot as an Esri .contentexport package.
    ExportPackage(export_package::ExportPackageArgs),
    /// Run agol-tui on the built-in sample portal (no account needed).
    #[cfg(feature = "fake")]
    Demo(demo::DemoArgs),
    /// Serve the built-in sample portal and print its URL and credentials.
    #[cfg(feature = "fake")]
    DemoServer(demo_server::DemoServerArgs),
}

/// How to reach and sign in to the portal (flags override env, env overrides the profile).
#[derive(Debug, Clone, Args, Default)]
pub struct ConnectArgs {
    /// Portal URL, e.g. https://acme.maps.arcgis.com or https://gis.example.com/portal.
    #[arg(long, env = "AGOL_PORTAL", value_name = "URL")]
    pub portal: Option<String>,
    /// Username.
    #[arg(long, env = "AGOL_USERNAME", value_name = "NAME")]
    pub username: Option<String>,
    /// Read the password from the first line of standard input (else AGOL_PASSWORD, else a prompt).
    #[arg(long, conflicts_with_all = ["token_stdin", "oauth"])]
    pub password_stdin: bool,
    /// Read a pre-issued token or API key from standard input (else AGOL_TOKEN).
    #[arg(long, conflicts_with = "oauth")]
    pub token_stdin: bool,
    /// Sign in with OAuth 2.0 (SAML, MFA and social logins).
    #[arg(long)]
    pub oauth: bool,
    /// Allow plain http to a portal that is not on this machine.
    #[arg(long)]
    pub allow_http: bool,
    /// Extra CA certificate (PEM) for portals with a private CA.
    #[arg(long, env = "AGOL_CA_FILE", value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
}

impl ConnectArgs {
    /// The values the environment gives (what clap would fill in without flags).
    pub fn from_env() -> ConnectArgs {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        ConnectArgs {
            portal: var("AGOL_PORTAL"),
            username: var("AGOL_USERNAME"),
            ca_file: var("AGOL_CA_FILE").map(PathBuf::from),
            ..ConnectArgs::default()
        }
    }
}

/// Which items a command works on.
#[derive(Debug, Clone, Args, Default)]
pub struct SelectionArgs {
    /// Everything: as an admin every user's content, otherwise all you can see in the org.
    #[arg(long)]
    pub all: bool,
    /// These item ids.
    #[arg(long = "id", value_name = "ID", num_args = 1..)]
    pub ids: Vec<String>,
    /// Content of these owners.
    #[arg(long = "owner", value_name = "USER", num_args = 1..)]
    pub owners: Vec<String>,
    /// Only this folder (title; `/` for the root folder).
    #[arg(long, value_name = "FOLDER")]
    pub folder: Option<String>,
    /// Only these item types (e.g. "Web Map").
    #[arg(long = "type", value_name = "TYPE", num_args = 1..)]
    pub types: Vec<String>,
    /// Only items with one of these tags.
    #[arg(long = "tag", value_name = "TAG", num_args = 1..)]
    pub tags: Vec<String>,
    /// A portal search query, e.g. 'owner:jdoe AND type:"Web Map"'.
    #[arg(long, value_name = "Q")]
    pub query: Option<String>,
    /// Only authoritative items.
    #[arg(long)]
    pub authoritative: bool,
    /// Leave out these item types.
    #[arg(long = "exclude-type", value_name = "TYPE", num_args = 1..)]
    pub exclude_types: Vec<String>,
    /// Leave out items with any of these tags.
    #[arg(long = "exclude-tag", value_name = "TAG", num_args = 1..)]
    pub exclude_tags: Vec<String>,
}

impl From<&SelectionArgs> for Selection {
    fn from(a: &SelectionArgs) -> Self {
        Selection {
            all: a.all,
            ids: a.ids.clone(),
            owners: a.owners.clone(),
            folder: a.folder.clone(),
            types: a.types.clone(),
            tags: a.tags.clone(),
            query: a.query.clone(),
            authoritative: a.authoritative,
            exclude_types: a.exclude_types.clone(),
            exclude_tags: a.exclude_tags.clone(),
        }
    }
}

/// A failure with the exit code it maps to.
#[derive(Debug)]
pub struct CliError {
    /// Exit code.
    pub code: i32,
    /// The message for the person.
    pub message: String,
}

impl CliError {
    /// A usage/config error (exit 2).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_USAGE,
            message: message.into(),
        }
    }

    /// A failure (exit 1).
    pub fn failure(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_FAILURE,
            message: message.into(),
        }
    }
}

impl From<crate::client::Error> for CliError {
    fn from(e: crate::client::Error) -> Self {
        let code = match e {
            crate::client::Error::InvalidPortalUrl { .. } => EXIT_USAGE,
            _ => EXIT_FAILURE,
        };
        CliError {
            code,
            message: e.to_string(),
        }
    }
}

impl From<crate::config::ConfigError> for CliError {
    fn from(e: crate::config::ConfigError) -> Self {
        CliError::usage(e.to_string())
    }
}

/// Runs a subcommand; returns the exit code.
pub async fn run(cli: Cli) -> Result<i32, CliError> {
    match &cli.command {
        Some(Command::Login(args)) => login::run(&cli, args).await,
        Some(Command::Scan(args)) => scan::run(&cli, args).await,
        Some(Command::Backup(args)) => backup::run(&cli, args).await,
        Some(Command::Snapshots(args)) => archive_cmds::snapshots(args),
        Some(Command::Verify(args)) if args.drill => archive_cmds::drill(args).await,
        Some(Command::Verify(args)) => archive_cmds::verify(args),
        Some(Command::Restore(args)) => restore::run(&cli, args).await,
        Some(Command::Prune(args)) => archive_cmds::prune_cmd(args),
        #[cfg(feature = "fake")]
        Some(Command::Demo(args)) => {
            let keymap = match &cli.config {
                Some(p) => crate::config::Config::load(p, true)?.keymap(),
                None => crate::config::Config::load(
                    &crate::config::paths::default_config_file(),
                    false,
                )?
                .keymap(),
            };
            demo::run(args, keymap).await
        }
        #[cfg(feature = "fake")]
        Some(Command::DemoServer(args)) => demo_server::run(args).await,
        Some(Command::Inspect(args)) => inspect::run(args),
        Some(Command::ExportPackage(args)) => export_package::run(args).await,
        None => tui_start::run(&cli).await,
    }
}
