//! `agol-tui restore --dest DIR [--snapshot ID] [SELECTION] [--target-profile P | --target-portal URL]
//! [--target-owner U | --owner-map FILE.csv [--fallback-owner U]] [--target-folder F]
//! [--on-conflict skip|overwrite|copy] [--dry-run]`, or
//! `agol-tui restore --package FILE.contentexport [--staging DIR] …`: the package is staged as a
//! snapshot (`docs/contentexport.md`) and restored like one (every item unless SELECTION narrows).
//!
//! The target is the source profile's portal unless `--target-profile` / `--target-portal` (or
//! `AGOL_TARGET_PORTAL`) says otherwise; target credentials come from `AGOL_TARGET_USERNAME`,
//! `AGOL_TARGET_PASSWORD`, `AGOL_TARGET_TOKEN`, else the chosen profile's sign-in.

use std::path::{Path, PathBuf};

use clap::Args;
use secrecy::SecretString;
use tokio_util::sync::CancellationToken;

use super::connect::{connect, resolve};
use super::report::CliSink;
use super::{Cli, CliError, ConnectArgs, EXIT_OK, EXIT_PARTIAL};
use crate::client::models::User;
use crate::client::{Client, Credentials, PortalUrl};
use crate::engine::archive::manifest::Outcome;
use crate::engine::package::import::{Staged, check_package_path, stage_with_cancel};
use crate::engine::package::reader::ReadLimits;
use crate::engine::restore::context::Tuning;
use crate::engine::restore::owners::OwnerMap;
use crate::engine::restore::plan::{OnConflict, PlanInput};
use crate::engine::restore::run::{RestoreOptions, run_restore};
use crate::engine::selection::Selection;

/// `restore` arguments.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup destination directory.
    #[arg(long, value_name = "DIR")]
    pub dest: Option<PathBuf>,
    /// Snapshot id (default: the latest).
    #[arg(long, value_name = "ID")]
    pub snapshot: Option<String>,
    /// Restore an Esri `.contentexport` package instead of a snapshot (staged first).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["dest", "snapshot"])]
    pub package: Option<PathBuf>,
    /// Where packages are staged (default: `$AGOL_DATA_DIR/packages`).
    #[arg(long, value_name = "DIR", requires = "package")]
    pub staging: Option<PathBuf>,
    /// Restore into the portal of this profile.
    #[arg(long, value_name = "P", conflicts_with = "target_portal")]
    pub target_profile: Option<String>,
    /// Restore into this portal (credentials from AGOL_TARGET_*).
    #[arg(long, env = "AGOL_TARGET_PORTAL", value_name = "URL")]
    pub target_portal: Option<String>,
    /// Put every restored item under this user (admins). Default: each item's original owner
    /// (after --owner-map) when that user exists in the target and you are an admin there,
    /// else you, with a note per item.
    #[arg(long, value_name = "U")]
    pub target_owner: Option<String>,
    /// CSV of `source,target` usernames for a target whose usernames differ (ArcGIS Online
    /// usernames are unique across orgs, so AGOL to AGOL needs one). Admins only.
    #[arg(long, value_name = "FILE.csv", conflicts_with = "target_owner")]
    pub owner_map: Option<PathBuf>,
    /// Where items go whose owner (after --owner-map) is not a user of the target (admins;
    /// default: you).
    #[arg(long, value_name = "U", conflicts_with = "target_owner")]
    pub fallback_owner: Option<String>,
    /// Folder for the restored items (created when missing; default: the original folder).
    #[arg(long, value_name = "F")]
    pub target_folder: Option<String>,
    /// What to do with items that still exist in the target.
    #[arg(long, value_name = "skip|overwrite|copy", default_value = "skip")]
    pub on_conflict: String,
    /// Ask for the original item ids (ArcGIS Enterprise 10.8.1+ only).
    #[arg(long)]
    pub preserve_ids: bool,
    /// Print the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the plan or report as JSON.
    #[arg(long)]
    pub json: bool,
    /// How to reach and sign in to the source portal (also the default target).
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Which items of the snapshot (none: every item it holds).
    #[command(flatten)]
    pub selection: RestoreSelectionArgs,
}

/// Which items of the snapshot or package a restore takes. Without any of these it takes every
/// item the source holds; each flag narrows that set (flags combine with AND).
#[derive(Debug, Args, Default)]
pub struct RestoreSelectionArgs {
    /// Every item of the snapshot (the default when no other selection is given).
    #[arg(long)]
    pub all: bool,
    /// Only these item ids of the snapshot.
    #[arg(long = "id", value_name = "ID", num_args = 1..)]
    pub ids: Vec<String>,
    /// Only items these users owned when the snapshot was taken.
    #[arg(long = "owner", value_name = "USER", num_args = 1..)]
    pub owners: Vec<String>,
    /// Only items that were in this folder (title; `/` for the root folder) in the snapshot.
    #[arg(long, value_name = "FOLDER")]
    pub folder: Option<String>,
    /// Only items of these types (e.g. "Web Map").
    #[arg(long = "type", value_name = "TYPE", num_args = 1..)]
    pub types: Vec<String>,
    /// Only items that had one of these tags in the snapshot.
    #[arg(long = "tag", value_name = "TAG", num_args = 1..)]
    pub tags: Vec<String>,
    /// Leave out items of these types.
    #[arg(long = "exclude-type", value_name = "TYPE", num_args = 1..)]
    pub exclude_types: Vec<String>,
    /// Leave out items that had any of these tags.
    #[arg(long = "exclude-tag", value_name = "TAG", num_args = 1..)]
    pub exclude_tags: Vec<String>,
}

impl From<&RestoreSelectionArgs> for Selection {
    /// No selection at all means every item of the source.
    fn from(a: &RestoreSelectionArgs) -> Self {
        let mut s = Selection {
            all: a.all,
            ids: a.ids.clone(),
            owners: a.owners.clone(),
            folder: a.folder.clone(),
            types: a.types.clone(),
            tags: a.tags.clone(),
            exclude_types: a.exclude_types.clone(),
            exclude_tags: a.exclude_tags.clone(),
            ..Selection::default()
        };
        if s.is_empty() {
            s.all = true;
        }
        s
    }
}

/// Runs `restore`.
pub async fn run(cli: &Cli, args: &RestoreArgs) -> Result<i32, CliError> {
    let selection = Selection::from(&args.selection);
    let on_conflict: OnConflict = args.on_conflict.parse().map_err(CliError::usage)?;
    let owner_map = match &args.owner_map {
        Some(path) => OwnerMap::read(path).map_err(CliError::usage)?,
        None => OwnerMap::default(),
    };
    // Ctrl-C stops staging (cleanly: nothing half-staged is left) and the restore alike.
    let cancel = CancellationToken::new();
    let ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            ctrl_c.cancel();
        }
    });
    let staged = match &args.package {
        Some(package) => {
            Some(stage_package(package, args.staging.clone(), args.json, &cancel).await?)
        }
        None => None,
    };
    // Signing in is raced against Ctrl-C: the handler above replaced the default of exiting.
    let (client, me, default_dest) = tokio::select! {
        t = target(cli, args) => t?,
        _ = cancel.cancelled() => {
            return Err(CliError::failure("cancelled before the restore started; nothing was changed"));
        }
    };
    let (dest, snapshot) = match staged {
        Some(s) => (s.dest, Some(s.snapshot)),
        None => (
            args.dest.clone().or(default_dest).ok_or_else(|| {
                CliError::usage(
                    "no destination: pass --dest DIR (or --package FILE) or set `destination` in the profile",
                )
            })?,
            args.snapshot.clone(),
        ),
    };
    let options = RestoreOptions {
        input: PlanInput {
            dest,
            snapshot,
            selection,
            target_owner: args.target_owner.clone(),
            owner_map,
            fallback_owner: args.fallback_owner.clone(),
            target_folder: args.target_folder.clone(),
            on_conflict,
        },
        dry_run: args.dry_run,
        tuning: Tuning {
            preserve_ids: args.preserve_ids,
            ..Tuning::default()
        },
    };
    let sink = CliSink::new("restore");
    let report = run_restore(&client, &me, &options, &sink, &cancel)
        .await
        .map_err(|e| {
            if e.contains("--preserve-ids")
                || e.contains("--target-owner")
                || e.contains("--owner-map")
                || e.contains("--fallback-owner")
                || e.contains("nothing selected")
                || e.contains("not supported")
            {
                CliError::usage(e)
            } else {
                CliError::failure(e)
            }
        })?;
    sink.finish();
    if args.dry_run {
        if args.json {
            // serde_json escapes every control character itself.
            println!(
                "{}",
                serde_json::to_string_pretty(&report.plan).unwrap_or_default()
            );
        } else {
            print!("{}", crate::safe_text::term_block(&report.plan.render()));
            crate::safe_println!("dry run: nothing was changed");
        }
        return Ok(EXIT_OK);
    }
    if args.json {
        // serde_json escapes every control character itself.
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    }
    let count = |o: Outcome| report.outcomes.iter().filter(|x| x.outcome == o).count();
    for o in &report.outcomes {
        match o.outcome {
            Outcome::Failed => crate::safe_eprintln!(
                "failed: {} ({}): {}",
                o.title,
                o.old_id,
                o.reason.as_deref().unwrap_or("")
            ),
            _ => {
                for n in &o.notes {
                    crate::safe_eprintln!("note: {} ({}): {n}", o.title, o.old_id);
                }
            }
        }
    }
    crate::safe_println!(
        "restore {} into {}: {} items, {} restored, {} skipped, {} failed (journal {})",
        report.plan.snapshot,
        report.plan.target_portal,
        report.outcomes.len(),
        count(Outcome::Ok),
        count(Outcome::Skipped),
        count(Outcome::Failed),
        report.journal.display()
    );
    Ok(if report.failed() == 0 {
        EXIT_OK
    } else {
        EXIT_PARTIAL
    })
}

/// Stages a package (on a blocking thread) and prints `staged N items from FILE` (to stderr with
/// `--json`, so stdout stays one JSON document). `cancel` (Ctrl-C) stops the staging, which
/// then removes its scratch folder and `.partial` snapshot.
async fn stage_package(
    package: &Path,
    staging: Option<PathBuf>,
    json: bool,
    cancel: &CancellationToken,
) -> Result<Staged, CliError> {
    let limits = ReadLimits::from_env().map_err(|e| CliError::usage(e.to_string()))?;
    check_package_path(package).map_err(CliError::usage)?;
    let root = staging.unwrap_or_else(crate::config::paths::package_staging_root);
    let file = package.to_path_buf();
    let token = cancel.clone();
    let staged =
        tokio::task::spawn_blocking(move || stage_with_cancel(&file, &root, &limits, &token))
            .await
            .map_err(|e| CliError::failure(format!("staging stopped: {e}")))?
            .map_err(CliError::failure)?;
    let line = format!(
        "staged {} items from {}{}",
        staged.items,
        package.display(),
        if staged.reused { " (reused)" } else { "" }
    );
    if json {
        crate::safe_eprintln!("{line}");
    } else {
        crate::safe_println!("{line}");
    }
    Ok(staged)
}

/// The signed-in target client, its user, and the profile's default destination.
async fn target(
    cli: &Cli,
    args: &RestoreArgs,
) -> Result<(Client, User, Option<PathBuf>), CliError> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if let Some(profile) = &args.target_profile {
        let target_cli = Cli {
            config: cli.config.clone(),
            profile: Some(profile.clone()),
            verbose: cli.verbose,
            command: None,
        };
        let connect_args = ConnectArgs {
            ca_file: args.connect.ca_file.clone(),
            allow_http: args.connect.allow_http,
            ..ConnectArgs::default()
        };
        let resolved = resolve(&target_cli, &connect_args)?;
        let dest = resolved.profile.destination.clone();
        let (client, me) = match target_env_credentials(resolved.username.clone())? {
            Some(creds) => {
                sign_in(
                    resolved.portal.clone(),
                    creds,
                    resolved.ca_file.as_deref(),
                    resolved.limits,
                )
                .await?
            }
            None => connect(&resolved, &connect_args).await?,
        };
        return Ok((client, me, dest));
    }
    if let Some(portal) = &args.target_portal {
        let portal = PortalUrl::parse(portal, args.connect.allow_http)?;
        let creds = target_env_credentials(var("AGOL_TARGET_USERNAME"))?.ok_or_else(|| {
            CliError::usage("no target credentials: set AGOL_TARGET_USERNAME and AGOL_TARGET_PASSWORD, or AGOL_TARGET_TOKEN, or use --target-profile")
        })?;
        let limits = resolve(cli, &args.connect)
            .map(|r| r.limits)
            .unwrap_or_default();
        let (client, me) = sign_in(portal, creds, args.connect.ca_file.as_deref(), limits).await?;
        let dest = resolve(cli, &args.connect)
            .ok()
            .and_then(|r| r.profile.destination);
        return Ok((client, me, dest));
    }
    let resolved = resolve(cli, &args.connect)?;
    let dest = resolved.profile.destination.clone();
    let (client, me) = connect(&resolved, &args.connect).await?;
    Ok((client, me, dest))
}

fn target_env_credentials(username: Option<String>) -> Result<Option<Credentials>, CliError> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if let Some(token) = var("AGOL_TARGET_TOKEN") {
        return Ok(Some(Credentials::Token {
            token: SecretString::from(token),
        }));
    }
    if let Some(password) = var("AGOL_TARGET_PASSWORD") {
        let username = var("AGOL_TARGET_USERNAME").or(username).ok_or_else(|| {
            CliError::usage(
                "AGOL_TARGET_PASSWORD is set but no target username: set AGOL_TARGET_USERNAME",
            )
        })?;
        return Ok(Some(Credentials::Password {
            username,
            password: SecretString::from(password),
        }));
    }
    Ok(None)
}

async fn sign_in(
    portal: PortalUrl,
    creds: Credentials,
    ca_file: Option<&std::path::Path>,
    limits: crate::client::Limits,
) -> Result<(Client, User), CliError> {
    let mut builder = Client::builder(portal).credentials(creds).limits(limits);
    if let Some(ca) = ca_file {
        builder = builder.ca_file(ca)?;
    }
    let client = builder.build()?;
    client.sign_in().await?;
    let me = client.community_self().await?;
    Ok((client, me))
}
