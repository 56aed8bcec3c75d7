//! `inspect FILE.contentexport`: list a package's items and what its manifest names but it lacks.

use std::path::PathBuf;

use clap::Args;

use super::{CliError, EXIT_OK, EXIT_PARTIAL};
use crate::engine::package::inspect::{InspectError, PackageReport, inspect};
use crate::engine::package::reader::{PackageError, ReadLimits};

/// `inspect` arguments.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The package file (NAME.contentexport).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs `inspect`: exit 0 when complete, 3 when items or parts are missing, 1 when the package
/// is refused or damaged, 2 when the file cannot be opened or a limit is invalid.
pub fn run(args: &InspectArgs) -> Result<i32, CliError> {
    let limits = ReadLimits::from_env().map_err(|e| CliError::usage(e.to_string()))?;
    if !args.file.is_file() {
        return Err(CliError::usage(format!(
            "{}: no such package file",
            args.file.display()
        )));
    }
    let report = inspect(&args.file, &limits).map_err(|e| match e {
        InspectError::Read(PackageError::BadFileName { .. }) => CliError::usage(e.to_string()),
        other => CliError::failure(other.to_string()),
    })?;
    if args.json {
        let text =
            serde_json::to_string_pretty(&report).map_err(|e| CliError::failure(e.to_string()))?;
        println!("{text}"); // serde_json escapes control characters
    } else {
        print!("{}", crate::safe_text::term_block(&render(&report)));
    }
    Ok(if report.complete {
        EXIT_OK
    } else {
        EXIT_PARTIAL
    })
}

/// The plain-text report.
pub fn render(report: &PackageReport) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "package {}: {} items, {} missing",
        report.package,
        report.items.len(),
        report.missing.len()
    );
    for item in &report.items {
        let _ = writeln!(out, "\n{}  {}  ({})", item.id, item.title, item.item_type);
        let _ = writeln!(out, "  source:        {}", item.source);
        if !item.present {
            let _ = writeln!(out, "  MISSING from the package");
            continue;
        }
        let deps = if item.dependencies.is_empty() {
            "none".to_string()
        } else {
            item.dependencies.join(", ")
        };
        let _ = writeln!(out, "  depends on:    {deps}");
        let props = match (&item.properties, &item.origin_item_type) {
            (true, Some(t)) => format!("yes ({t})"),
            (true, None) => "yes".into(),
            (false, _) => "MISSING".into(),
        };
        let _ = writeln!(out, "  properties:    {props}");
        let _ = writeln!(out, "  data:          {}", item.data.describe());
        let _ = writeln!(
            out,
            "  resources:     {} listed, {} files",
            item.resources, item.resource_files
        );
        let _ = writeln!(
            out,
            "  thumbnail:     {}",
            item.thumbnail.as_deref().unwrap_or("none")
        );
        let yes = |b: bool| if b { "yes" } else { "no" };
        let _ = writeln!(out, "  metadata:      {}", yes(item.metadata));
        let _ = writeln!(out, "  relationships: {}", yes(item.relationships));
    }
    if !report.missing.is_empty() {
        let _ = writeln!(
            out,
            "\nmissing (named by the manifest, not in the package):"
        );
        for m in &report.missing {
            let _ = writeln!(out, "  {} ({}): {}", m.id, m.title, m.part);
        }
    }
    for w in &report.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    out
}
