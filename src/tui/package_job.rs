//! The executor's `.contentexport` side: package files for the restore dialog's source list,
//! reading a chosen package's items (the safe reader's `inspect`), staging a package as a
//! snapshot before the restore job, and writing a package after a backup. All of it is disk
//! work: callers run it on blocking threads.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use tokio_util::sync::CancellationToken;

use super::executor::Connection;
use super::restore_job::{self, RestoreRequest};
use crate::app::restore::{PackageContents, PackageFile, PackageItem, check_typed_path};
use crate::engine::package::import::stage_with_cancel;
use crate::engine::package::inspect::inspect;
use crate::engine::package::reader::ReadLimits;
use crate::engine::package::write::write_package;
use crate::engine::progress::ProgressSink;
use crate::engine::restore::plan::OnConflict;

/// The file extension of a package.
const EXT: &str = "contentexport";

/// The `.contentexport` files in `DEST/packages/` and in `cwd`, newest first (one row per file
/// even when both folders are the same). Unreadable folders simply list nothing.
pub fn list_packages(dest: &Path, cwd: &Path) -> Vec<PackageFile> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for dir in [dest.join("packages"), cwd.to_path_buf()] {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if !path
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case(EXT))
            {
                continue;
            }
            let Ok(meta) = e.metadata() else { continue };
            if !meta.is_file() {
                continue;
            }
            let key = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
            if !seen.insert(key) {
                continue;
            }
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0);
            out.push(PackageFile {
                path,
                bytes: meta.len(),
                modified,
            });
        }
    }
    out.sort_by(|a, b| b.modified.cmp(&a.modified).then(a.path.cmp(&b.path)));
    out
}

/// `~` and `~/…` expanded against `home`; anything else unchanged.
pub fn expand_tilde(raw: &str, home: Option<&Path>) -> PathBuf {
    match (raw, home) {
        ("~", Some(h)) => h.to_path_buf(),
        (r, Some(h)) if r.starts_with("~/") => h.join(&r[2..]),
        _ => PathBuf::from(raw),
    }
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()))
}

/// Reads the package at `raw` (as typed or listed; `~` expanded) for the dialog: refuses a
/// path that is missing, not a file or not a `.contentexport`, then lists its items with the
/// safe reader (hostile packages are refused with the reader's reason).
pub fn read_package(raw: &str) -> Result<PackageContents, String> {
    let raw = check_typed_path(raw)?;
    let path = expand_tilde(&raw, home_dir().as_deref());
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!("{}: no such file", path.display()));
        }
        Err(e) => return Err(format!("{}: {e}", path.display())),
    };
    if !meta.is_file() {
        return Err(format!("{}: not a file", path.display()));
    }
    let limits = ReadLimits::from_env().map_err(|e| e.to_string())?;
    let report = inspect(&path, &limits).map_err(|e| e.to_string())?;
    for w in &report.warnings {
        tracing::warn!("package {}: {w}", path.display());
    }
    for m in &report.missing {
        tracing::warn!(
            "package {}: {} ({}) lacks {}",
            path.display(),
            m.title,
            m.id,
            m.part
        );
    }
    Ok(PackageContents {
        items: report
            .items
            .into_iter()
            .map(|i| PackageItem {
                id: i.id,
                title: i.title,
                item_type: i.item_type,
                present: i.present,
            })
            .collect(),
        missing: report.missing.len(),
        bytes: meta.len(),
        path,
    })
}

/// What a package restore takes.
#[derive(Debug, Clone)]
pub struct PackageRestore {
    /// Where packages are staged (`config::paths::package_staging_root()` in the app).
    pub staging_root: PathBuf,
    /// The package file.
    pub package: PathBuf,
    /// Item ids (as in the package).
    pub ids: Vec<String>,
    /// Conflict rule.
    pub on_conflict: OnConflict,
    /// Plan only.
    pub dry_run: bool,
}

/// Stages the package as a snapshot (blocking thread), then restores it with the restore job
/// (progress per item through `sink`). Staging errors, including refusals of hostile
/// packages, end the job with that error. `cancel` also stops the staging itself (between tar
/// entries, every few MB and between items), which then leaves nothing staged behind.
pub async fn restore_package(
    conn: &Connection,
    req: PackageRestore,
    job: u64,
    sink: &dyn ProgressSink,
    cancel: &CancellationToken,
) -> Result<String, String> {
    let name = req.package.display().to_string();
    tracing::info!("restore #{job}: staging package {name}");
    let package = req.package.clone();
    let root = req.staging_root.clone();
    let token = cancel.clone();
    let staged = tokio::task::spawn_blocking(move || {
        let limits = ReadLimits::from_env().map_err(|e| e.to_string())?;
        stage_with_cancel(&package, &root, &limits, &token)
    })
    .await
    .map_err(|e| format!("staging {name} crashed: {e}"))??;
    tracing::info!(
        "restore #{job}: package {name} {} as snapshot {} in {} ({} items)",
        if staged.reused {
            "already staged"
        } else {
            "staged"
        },
        staged.snapshot,
        staged.dest.display(),
        staged.items
    );
    if cancel.is_cancelled() {
        return Err("cancelled".into());
    }
    let request = RestoreRequest {
        dest: staged.dest,
        snapshot: staged.snapshot,
        ids: req.ids,
        on_conflict: req.on_conflict,
        dry_run: req.dry_run,
    };
    let file = req
        .package
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or(name);
    restore_job::run(conn, request, job, sink, cancel)
        .await
        // Counts first: the jobs pane shows this line under the job row (which already names
        // the package), cut at the pane's width; at 80 columns "0 failed" must stay visible.
        .map(|summary| format!("{summary} (package {file})"))
}

/// The package a backup with the package format writes: `DEST/packages/<snapshot>.contentexport`.
pub fn package_path(dest: &Path, snapshot: &str) -> PathBuf {
    dest.join("packages").join(format!("{snapshot}.{EXT}"))
}

/// Writes snapshot `snapshot` of `dest` as a package (blocking) and says where.
pub fn write_after_backup(dest: &Path, snapshot: &str) -> Result<String, String> {
    let out = package_path(dest, snapshot);
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let written = write_package(dest, Some(snapshot), &out)?;
    Ok(format!(
        "wrote package {} ({} items, {} bytes)",
        written.path.display(),
        written.items,
        written.bytes
    ))
}
