//! Restore paths beyond the default: uploads in parts (`addPart` + `commit`) and, on ArcGIS
//! Enterprise, the original item ids (`itemIdToCreate`).

mod common;
mod restore_common;

use agol_tui::engine::restore::plan::OnConflict;
use agol_tui::fake::{FakeConfig, sample};
use restore_common::*;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_go_up_in_parts_and_enterprise_keeps_the_original_ids() {
    let a = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    backup_all(&a, dir.path()).await;
    let b = common::fake_with(FakeConfig {
        empty_org: true,
        enterprise: true,
        ..FakeConfig::default()
    })
    .await;

    let mut opts = options(dir.path(), OnConflict::Skip);
    // Every file counts as large here, in parts of 8 bytes.
    opts.tuning.large_file = 1;
    opts.tuning.part_size = 8;
    opts.tuning.preserve_ids = true;
    let pdf = sample::item_id("pdf");
    let csv = sample::item_id("csv");
    opts.input.selection = agol_tui::engine::selection::Selection {
        ids: vec![pdf.clone(), csv.clone()],
        ..Default::default()
    };
    let report = restore(&b, &opts, &CancellationToken::new()).await.unwrap();
    assert_eq!(report.failed(), 0, "{:?}", report.outcomes);
    for id in [&pdf, &csv] {
        let o = report.outcomes.iter().find(|o| &o.old_id == id).unwrap();
        assert_eq!(
            o.new_id.as_deref(),
            Some(id.as_str()),
            "Enterprise keeps the original id"
        );
        assert_eq!(
            b.item_data(id).unwrap(),
            a.item_data(id).unwrap(),
            "the parts assemble to the same bytes"
        );
    }
    let parts = b
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/addPart"))
        .count();
    assert!(parts >= 4, "uploaded in several parts ({parts})");
    assert!(b.requests().iter().any(|r| r.path.ends_with("/commit")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_403_burst_on_adds_slows_the_restore_down_instead_of_failing_it() {
    let a = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    backup_all(&a, dir.path()).await;
    let b = common::fake_with(FakeConfig {
        empty_org: true,
        ..FakeConfig::default()
    })
    .await;
    // The portal refuses the next three adds with HTTP 403, as it does under heavy addItem loops.
    b.fail_next_matching("/addItem", 3, 403);
    let mut opts = options(dir.path(), OnConflict::Skip);
    opts.input.selection = agol_tui::engine::selection::Selection {
        ids: vec![sample::item_id("pdf")],
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let report = restore(&b, &opts, &CancellationToken::new()).await.unwrap();
    assert_eq!(report.failed(), 0, "{:?}", report.outcomes);
    let adds: Vec<u16> = b
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/addItem"))
        .map(|r| r.status)
        .collect();
    assert_eq!(
        adds,
        vec![403, 403, 403, 200],
        "paced retries until the portal accepts"
    );
    assert!(
        started.elapsed() >= opts.tuning.pace,
        "it waited between attempts"
    );
    assert_eq!(b.items().len(), 1);
}
