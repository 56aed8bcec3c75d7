//! `agol-tui backup --dest DIR [SELECTION]`: a snapshot of the selected items, incremental
//! against the previous one; made for cron (exit codes, summary line, health pings).

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use tokio_util::sync::CancellationToken;

use super::connect::{connect, resolve};
use super::export_package::report_written;
use super::ping::{Ping, ping};
use super::report::CliSink;
use super::{Cli, CliError, ConnectArgs, EXIT_FAILURE, EXIT_OK, EXIT_PARTIAL, SelectionArgs};
use crate::engine::backup::run::{BackupOptions, run_backup_with};
use crate::engine::package::write::{package_name_for, write_package};
use crate::engine::selection::Selection;

/// `backup` arguments.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Destination directory (default: the profile's `destination`).
    #[arg(long, value_name = "DIR")]
    pub dest: Option<PathBuf>,
    /// Items backed up in parallel (default from the profile, else 4).
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    /// Also write each layer as GeoJSON.
    #[arg(long)]
    pub geojson: bool,
    /// Add a server-side export: "File Geodatabase", "Shapefile", "GeoPackage", "CSV" or "GeoJson".
    #[arg(long, value_name = "FORMAT")]
    pub export: Option<String>,
    /// What to produce: `archive` (the snapshot only) or `contentexport` (the snapshot, with a
    /// File Geodatabase export of hosted feature services where allowed, then an Esri
    /// .contentexport package of it).
    #[arg(long, value_enum, default_value_t = Format::Archive)]
    pub format: Format,
    /// With --format contentexport: the package file (default DEST/packages/<snapshot>.contentexport).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Download everything again, even unchanged items.
    #[arg(long)]
    pub full: bool,
    /// Skip thumbnails.
    #[arg(long)]
    pub no_thumbnails: bool,
    /// Skip feature attachments.
    #[arg(long)]
    pub no_attachments: bool,
    /// Add what the selection needs: a web map's layers, an app's map, a form's service.
    #[arg(long)]
    pub with_dependencies: bool,
    /// Health-check URL: pinged at start (/start), on success, and on failure (/fail).
    #[arg(long, env = "AGOL_PING_URL", value_name = "URL")]
    pub ping_url: Option<String>,
    /// How to reach and sign in to the portal.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Which items.
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// What `backup` produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A snapshot in agol-tui's archive format.
    Archive,
    /// A snapshot, then an Esri .contentexport package of it.
    Contentexport,
}

/// The server-side export a .contentexport package carries for hosted feature services.
const PACKAGE_EXPORT: &str = "File Geodatabase";

const EXPORT_FORMATS: &[&str] = &[
    "File Geodatabase",
    "Shapefile",
    "GeoPackage",
    "CSV",
    "GeoJson",
];

/// Runs `backup`.
pub async fn run(cli: &Cli, args: &BackupArgs) -> Result<i32, CliError> {
    let selection = Selection::from(&args.selection);
    if selection.is_empty() {
        return Err(CliError::usage(
            "nothing selected: pass --all, or narrow with --owner, --folder, --id, --type, --tag, --query or --authoritative",
        ));
    }
    let export = match &args.export {
        Some(f) => Some(
            EXPORT_FORMATS
                .iter()
                .find(|k| k.eq_ignore_ascii_case(f))
                .map(|k| k.to_string())
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "--export {f:?} is not a format; use one of: {}",
                        EXPORT_FORMATS.join(", ")
                    ))
                })?,
        ),
        None => None,
    };
    let package = args.format == Format::Contentexport;
    if !package && args.out.is_some() {
        return Err(CliError::usage(
            "--out names the package of --format contentexport; add --format contentexport",
        ));
    }
    if package && export.as_deref().is_some_and(|f| f != PACKAGE_EXPORT) {
        return Err(CliError::usage(format!(
            "--format contentexport carries a {PACKAGE_EXPORT} export of hosted feature services; leave out --export"
        )));
    }
    if let Some(out) = &args.out {
        package_name_for(out).map_err(CliError::usage)?;
    }
    let export = if package {
        Some(PACKAGE_EXPORT.to_string())
    } else {
        export
    };
    let resolved = resolve(cli, &args.connect)?;
    let dest = args
        .dest
        .clone()
        .or_else(|| resolved.profile.destination.clone())
        .ok_or_else(|| {
            CliError::usage("no destination: pass --dest DIR or set `destination` in the profile")
        })?;
    let workers = args.workers.unwrap_or(resolved.workers);
    if !(1..=64).contains(&workers) {
        return Err(CliError::usage(format!(
            "--workers must be between 1 and 64 (got {workers})"
        )));
    }
    let ping_url = args.ping_url.as_deref();
    ping(ping_url, Ping::Start, "").await;
    let outcome = async {
        let (client, me) = connect(&resolved, &args.connect).await?;
        let sink = CliSink::new("backup");
        let cancel = CancellationToken::new();
        let ctrl_c = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                ctrl_c.cancel();
            }
        });
        let options = BackupOptions {
            dest: dest.clone(),
            workers,
            full: args.full,
            with_dependencies: args.with_dependencies,
            geojson: args.geojson,
            thumbnails: !args.no_thumbnails,
            attachments: !args.no_attachments,
            export,
        };
        let report = run_backup_with(&client, &me, &selection, &options, package, &sink, &cancel)
            .await
            .map_err(CliError::failure)?;
        sink.finish();
        Ok::<_, CliError>(report)
    }
    .await;
    match outcome {
        Ok(report) => {
            let failures = report.failures();
            for (id, title, reason) in &failures {
                crate::safe_eprintln!("failed: {title} ({id}): {reason}");
            }
            let t = &report.manifest.totals;
            let summary = format!(
                "backup {}: {} items, {} ok ({} unchanged), {} failed, {} new bytes, {} total bytes in {}",
                report.snapshot,
                t.items,
                t.ok,
                report.manifest.items.iter().filter(|i| i.reused).count(),
                t.failed,
                t.new_bytes,
                t.bytes,
                report.dir.display()
            );
            crate::safe_println!("{summary}");
            let mut code = if failures.is_empty() {
                EXIT_OK
            } else {
                EXIT_PARTIAL
            };
            if package {
                match write_backup_package(&dest, &report.snapshot, args.out.as_deref(), &report)
                    .await
                {
                    Ok(c) => code = code.max(c),
                    Err(e) => {
                        ping(ping_url, Ping::Fail, &e.message).await;
                        return Err(e);
                    }
                }
            }
            ping(
                ping_url,
                if code == EXIT_OK {
                    Ping::Success
                } else {
                    Ping::Fail
                },
                &summary,
            )
            .await;
            Ok(code)
        }
        Err(e) => {
            ping(ping_url, Ping::Fail, &e.message).await;
            Err(CliError {
                code: e.code.max(EXIT_FAILURE),
                message: e.message,
            })
        }
    }
}

/// Writes the package of a finished `backup --format contentexport` and prints its summary;
/// notes which hosted services travel without a server export (their lossless parts do).
async fn write_backup_package(
    dest: &Path,
    snapshot: &str,
    out: Option<&Path>,
    report: &crate::engine::backup::run::BackupReport,
) -> Result<i32, CliError> {
    for item in &report.manifest.items {
        if let Some(note) = item.notes.iter().find(|n| n.starts_with("export skipped")) {
            crate::safe_eprintln!(
                "note: {} ({}): {note}; the package carries its lossless feature files instead",
                item.title,
                item.id
            );
        }
    }
    let out = out.map(Path::to_path_buf).unwrap_or_else(|| {
        dest.join("packages")
            .join(format!("{snapshot}.contentexport"))
    });
    let (dest, snapshot) = (dest.to_path_buf(), snapshot.to_string());
    let written = tokio::task::spawn_blocking(move || write_package(&dest, Some(&snapshot), &out))
        .await
        .map_err(|e| CliError::failure(format!("the package writer stopped: {e}")))?
        .map_err(CliError::failure)?;
    Ok(report_written(&written))
}
