//! `agol-tui export-package --dest DIR [--snapshot ID] --out FILE.contentexport`: one snapshot as
//! an Esri `.contentexport` package (docs/contentexport.md, "Writing").

use std::path::{Path, PathBuf};

use clap::Args;

use super::{CliError, EXIT_OK, EXIT_PARTIAL};
use crate::engine::archive::destination::Destination;
use crate::engine::package::write::{WrittenPackage, package_name_for, write_package};

/// `export-package` arguments.
#[derive(Debug, Args)]
pub struct ExportPackageArgs {
    /// Destination directory holding the snapshot.
    #[arg(long, value_name = "DIR")]
    pub dest: PathBuf,
    /// Snapshot id (default: the latest).
    #[arg(long, value_name = "ID")]
    pub snapshot: Option<String>,
    /// The package to write; must end in .contentexport.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

/// Prints what was written (stdout) and what was left out (stderr); returns the exit code:
/// 0, or 3 when items were left out.
pub fn report_written(written: &WrittenPackage) -> i32 {
    for l in &written.left_out {
        crate::safe_eprintln!("left out: {} ({}): {}", l.title, l.id, l.reason);
    }
    crate::safe_println!(
        "package {}: snapshot {}, {} items, {} bytes, {} left out",
        written.path.display(),
        written.snapshot,
        written.items,
        written.bytes,
        written.left_out.len()
    );
    if written.left_out.is_empty() {
        EXIT_OK
    } else {
        EXIT_PARTIAL
    }
}

/// Checks the arguments a person can fix (exit 2) before writing anything.
pub fn check(dest: &Path, snapshot: Option<&str>, out: &Path) -> Result<(), CliError> {
    package_name_for(out).map_err(CliError::usage)?;
    let destination = Destination::open_existing(dest)?;
    destination.snapshot(snapshot)?;
    Ok(())
}

/// Runs `export-package`.
pub async fn run(args: &ExportPackageArgs) -> Result<i32, CliError> {
    check(&args.dest, args.snapshot.as_deref(), &args.out)?;
    let (dest, snapshot, out) = (args.dest.clone(), args.snapshot.clone(), args.out.clone());
    let written =
        tokio::task::spawn_blocking(move || write_package(&dest, snapshot.as_deref(), &out))
            .await
            .map_err(|e| CliError::failure(format!("the package writer stopped: {e}")))?
            .map_err(CliError::failure)?;
    Ok(report_written(&written))
}
