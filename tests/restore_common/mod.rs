//! Shared helpers of the restore tests: back up org A, restore into a fake org B.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use agol_tui::engine::backup::run::{BackupOptions, BackupReport, run_backup};
use agol_tui::engine::progress::NullSink;
use agol_tui::engine::restore::context::Tuning;
use agol_tui::engine::restore::plan::{OnConflict, PlanInput};
use agol_tui::engine::restore::run::{RestoreOptions, RestoreReport, run_restore};
use agol_tui::engine::selection::Selection;
use agol_tui::fake::{FakeConfig, FakePortal};
use tokio_util::sync::CancellationToken;

use super::common;

pub mod compare;

/// Everything.
pub fn all() -> Selection {
    Selection {
        all: true,
        ..Selection::default()
    }
}

/// Backs up the whole org of `fake` into `dest`.
pub async fn backup_all(fake: &FakePortal, dest: &Path) -> BackupReport {
    backup_all_as(&common::admin(fake), dest).await
}

/// Backs up the whole org `client` is signed in to into `dest`.
pub async fn backup_all_as(client: &agol_tui::client::Client, dest: &Path) -> BackupReport {
    backup_all_with(client, dest, None).await
}

/// Backs up the whole org `client` is signed in to into `dest`, with a server-side `export`
/// of the hosted feature services when given (e.g. "File Geodatabase").
pub async fn backup_all_with(
    client: &agol_tui::client::Client,
    dest: &Path,
    export: Option<&str>,
) -> BackupReport {
    let me = client.community_self().await.unwrap();
    let options = BackupOptions {
        dest: dest.to_path_buf(),
        workers: 4,
        full: true,
        with_dependencies: false,
        geojson: false,
        thumbnails: true,
        attachments: true,
        export: export.map(str::to_string),
    };
    run_backup(
        client,
        &me,
        &all(),
        &options,
        &NullSink,
        &CancellationToken::new(),
    )
    .await
    .unwrap()
}

/// An empty org B.
pub async fn empty_org() -> FakePortal {
    common::fake_with(FakeConfig {
        empty_org: true,
        ..FakeConfig::default()
    })
    .await
}

/// Restore options for `dest` with fast pacing.
pub fn options(dest: &Path, on_conflict: OnConflict) -> RestoreOptions {
    RestoreOptions {
        input: PlanInput {
            dest: dest.to_path_buf(),
            selection: all(),
            on_conflict,
            ..PlanInput::default()
        },
        dry_run: false,
        tuning: Tuning {
            pace: Duration::from_millis(10),
            feature_batch: 7,
            ..Tuning::default()
        },
    }
}

/// Restores everything of `dest` into `target` as its admin.
pub async fn restore(
    target: &FakePortal,
    options: &RestoreOptions,
    cancel: &CancellationToken,
) -> Result<RestoreReport, String> {
    let client = common::admin(target);
    let me = client.community_self().await.unwrap();
    run_restore(&client, &me, options, &NullSink, cancel).await
}

/// Panics with the failed outcomes when any item of `report` failed.
pub fn assert_no_failures(report: &RestoreReport) {
    let failed: Vec<_> = report
        .outcomes
        .iter()
        .filter(|o| o.outcome == agol_tui::engine::archive::manifest::Outcome::Failed)
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
}
