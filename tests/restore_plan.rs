//! The restore plan and `--dry-run`: a plan from a real snapshot, in dependency order, with
//! reasons, and not one write request to the target.

mod common;

use std::path::Path;

use agol_tui::engine::backup::run::{BackupOptions, run_backup};
use agol_tui::engine::progress::NullSink;
use agol_tui::engine::restore::plan::{Action, OnConflict, PlanInput};
use agol_tui::engine::restore::run::{RestoreOptions, run_restore};
use agol_tui::engine::selection::Selection;
use agol_tui::fake::FakePortal;
use tokio_util::sync::CancellationToken;

/// Backs up the whole sample org into `dest`.
async fn backup_all(fake: &FakePortal, dest: &Path) {
    let client = common::admin(fake);
    let me = client.community_self().await.unwrap();
    let options = BackupOptions {
        dest: dest.to_path_buf(),
        workers: 4,
        full: false,
        with_dependencies: false,
        geojson: false,
        thumbnails: true,
        attachments: true,
        export: None,
    };
    let all = Selection {
        all: true,
        ..Selection::default()
    };
    run_backup(
        &client,
        &me,
        &all,
        &options,
        &NullSink,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
}

/// Paths of write operations.
const WRITES: &[&str] = &[
    "/addItem",
    "/update",
    "/createFolder",
    "/addResources",
    "/updateResources",
    "/addRelationship",
    "/share",
    "/shareItems",
    "/createService",
    "/addToDefinition",
    "/applyEdits",
    "/addFeatures",
    "/addAttachment",
    "/delete",
    "/addPart",
    "/commit",
    "/deleteFeatures",
    "/move",
    "/reassign",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_into_the_same_portal_plans_every_item_and_writes_nothing() {
    let fake = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    backup_all(&fake, dir.path()).await;
    let before = fake.requests().len();

    let client = common::admin(&fake);
    let me = client.community_self().await.unwrap();
    let options = RestoreOptions {
        input: PlanInput {
            dest: dir.path().to_path_buf(),
            selection: Selection {
                all: true,
                ..Selection::default()
            },
            on_conflict: OnConflict::Skip,
            ..PlanInput::default()
        },
        dry_run: true,
        ..RestoreOptions::default()
    };
    let report = run_restore(&client, &me, &options, &NullSink, &CancellationToken::new())
        .await
        .unwrap();
    let plan = &report.plan;
    assert!(plan.same_portal);
    assert!(report.outcomes.is_empty());
    let ok_items = fake.items().len() - plan.not_in_snapshot.len();
    assert_eq!(plan.items.len(), ok_items, "every archived item is planned");
    assert!(
        plan.items
            .iter()
            .all(|i| i.action == Action::Skip && i.reason.contains("exists")),
        "{}",
        plan.render()
    );
    let tiers: Vec<u8> = plan.items.iter().map(|i| i.tier).collect();
    assert!(
        tiers.windows(2).all(|w| w[0] <= w[1]),
        "dependency order: {tiers:?}"
    );
    let text = plan.render();
    assert!(text.contains("skip"), "{text}");

    let writes: Vec<_> = fake.requests()[before..]
        .iter()
        .filter(|r| r.method != "GET" && WRITES.iter().any(|w| r.path.ends_with(w)))
        .cloned()
        .collect();
    assert!(writes.is_empty(), "a dry run wrote: {writes:?}");
    assert!(
        !dir.path().join("restores").exists(),
        "a dry run does not even create the journal"
    );
}
