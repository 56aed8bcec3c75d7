//! `agol-tui scan --out FILE.csv [SELECTION]`: the inventory CSV, incremental on reruns.

use std::path::PathBuf;

use clap::Args;

use super::connect::{connect, resolve};
use super::report::CliSink;
use super::{Cli, CliError, ConnectArgs, EXIT_OK, EXIT_PARTIAL, SelectionArgs};
use crate::engine::error::EngineError;
use crate::engine::jobs::{ScanJob, run_scan};
use crate::engine::selection::Selection;

/// `scan` arguments.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Where to write the inventory CSV.
    #[arg(long, value_name = "FILE.csv")]
    pub out: PathBuf,
    /// An earlier inventory: items whose `Modified` is unchanged are not fetched again
    /// (default: the --out file when it exists).
    #[arg(long, value_name = "FILE.csv")]
    pub index: Option<PathBuf>,
    /// Items fetched in parallel (default from the profile, else 4).
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    /// How to reach and sign in to the portal.
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// Which items.
    #[command(flatten)]
    pub selection: SelectionArgs,
}

/// Runs `scan`.
pub async fn run(cli: &Cli, args: &ScanArgs) -> Result<i32, CliError> {
    let selection = Selection::from(&args.selection);
    if selection.is_empty() {
        return Err(CliError::usage(
            "nothing selected: pass --all, or narrow with --owner, --folder, --id, --type, --tag, --query or --authoritative",
        ));
    }
    if let Some(w) = args.workers
        && !(1..=64).contains(&w)
    {
        return Err(CliError::usage(format!(
            "--workers must be between 1 and 64 (got {w})"
        )));
    }
    if let Ok(meta) = std::fs::metadata(&args.out)
        && !meta.is_file()
    {
        return Err(CliError::usage(format!(
            "--out {} is not a regular file (a device, FIFO or directory); give a file path for the inventory CSV",
            args.out.display()
        )));
    }
    let resolved = resolve(cli, &args.connect)?;
    let job = ScanJob {
        selection,
        workers: args.workers.unwrap_or(resolved.workers),
        index: args
            .index
            .clone()
            .or_else(|| args.out.is_file().then(|| args.out.clone())),
        out: args.out.clone(),
    };
    let (client, me) = connect(&resolved, &args.connect).await?;
    let sink = CliSink::new("scan");
    let result = run_scan(&client, &me, &job, &sink).await;
    sink.finish();
    let summary = result.map_err(EngineError::from)?;
    for line in summary.item_lines() {
        crate::safe_eprintln!("{line}");
    }
    crate::safe_eprintln!("{summary}");
    Ok(if summary.has_failures() {
        EXIT_PARTIAL
    } else {
        EXIT_OK
    })
}
