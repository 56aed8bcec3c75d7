//! The executor's restore side: the snapshot list for the dialog (disk, off the loop) and the
//! restore job itself (`run_restore` against the signed-in portal) with its summary.

use std::path::{Path, PathBuf};

use tokio_util::sync::CancellationToken;

use super::executor::Connection;
use crate::app::restore::SnapshotInfo;
use crate::engine::archive::destination::Destination;
use crate::engine::archive::manifest::Outcome;
use crate::engine::progress::ProgressSink;
use crate::engine::restore::plan::{Action, OnConflict, PlanInput};
use crate::engine::restore::run::{RestoreOptions, run_restore};
use crate::engine::selection::Selection;

/// The destination's complete snapshots, newest first, with their item counts. A destination
/// that does not exist yet simply has none.
pub fn list_snapshots(dest: &Path) -> Result<Vec<SnapshotInfo>, String> {
    if !dest.exists() {
        return Ok(Vec::new());
    }
    let destination = Destination::open_existing(dest)?;
    let mut out = Vec::new();
    for snap in destination.snapshots().into_iter().rev() {
        let manifest = snap.manifest()?;
        let failed = manifest
            .items
            .iter()
            .filter(|i| i.outcome == Outcome::Failed)
            .count();
        let ids = manifest
            .items
            .iter()
            .filter(|i| i.outcome == Outcome::Ok && i.archive.is_some())
            .map(|i| i.id.clone())
            .collect();
        out.push(SnapshotInfo {
            id: snap.id.clone(),
            items: manifest.items.len(),
            failed,
            ids,
            portal: manifest.portal.clone(),
        });
    }
    Ok(out)
}

/// What the job restores.
#[derive(Debug, Clone)]
pub struct RestoreRequest {
    /// Destination directory.
    pub dest: PathBuf,
    /// Snapshot id.
    pub snapshot: String,
    /// Item ids in the snapshot.
    pub ids: Vec<String>,
    /// Conflict rule.
    pub on_conflict: OnConflict,
    /// Plan only.
    pub dry_run: bool,
}

/// Runs one restore into the signed-in portal (same org, original owners and folders) and
/// returns the job summary. Item failures arrive as `ItemFailed` events and are logged.
pub async fn run(
    conn: &Connection,
    req: RestoreRequest,
    job: u64,
    sink: &dyn ProgressSink,
    cancel: &CancellationToken,
) -> Result<String, String> {
    let options = RestoreOptions {
        input: PlanInput {
            dest: req.dest,
            snapshot: Some(req.snapshot.clone()),
            selection: Selection {
                ids: req.ids,
                ..Selection::default()
            },
            target_owner: None,
            owner_map: Default::default(),
            fallback_owner: None,
            target_folder: None,
            on_conflict: req.on_conflict,
        },
        dry_run: req.dry_run,
        ..RestoreOptions::default()
    };
    tracing::info!(
        "restore #{job} of snapshot {} started{}",
        req.snapshot,
        if req.dry_run { " (dry run)" } else { "" }
    );
    let report = run_restore(&conn.client, &conn.me, &options, sink, cancel).await?;
    let plan = &report.plan;
    for line in plan.render().lines() {
        tracing::info!("restore #{job}: {line}");
    }
    for missing in &plan.not_in_snapshot {
        tracing::warn!("restore #{job}: not restorable: {missing}");
    }
    if req.dry_run {
        let count = |f: fn(&Action) -> bool| plan.items.iter().filter(|i| f(&i.action)).count();
        return Ok(format!(
            "dry run of {}: {} planned actions ({} create, {} update, {} skip); nothing changed, plan in the log",
            plan.snapshot,
            plan.items.len(),
            count(|a| *a == Action::Create),
            count(|a| matches!(a, Action::Update { .. })),
            count(|a| *a == Action::Skip),
        ));
    }
    let (mut created, mut updated, mut skipped, mut failed) = (0, 0, 0, 0);
    for (planned, out) in plan.items.iter().zip(&report.outcomes) {
        match (&out.outcome, &planned.action) {
            (Outcome::Failed, _) => {
                failed += 1;
                tracing::warn!(
                    "restore #{job}: {} ({}) failed: {}",
                    out.title,
                    out.old_id,
                    out.reason.as_deref().unwrap_or("no reason given")
                );
            }
            (Outcome::Skipped, _) | (_, Action::Skip) => skipped += 1,
            (_, Action::Update { .. }) => updated += 1,
            (_, Action::Create) => created += 1,
        }
        for note in &out.notes {
            tracing::info!("restore #{job}: {}: {note}", out.title);
        }
    }
    Ok(format!(
        "{created} created, {updated} updated, {skipped} skipped, {failed} failed; snapshot {} → {}",
        plan.snapshot, plan.target_portal
    ))
}
