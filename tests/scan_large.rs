//! Acceptance: an org of 20,000 items behind a 10,000-result search cap is scanned completely,
//! each item exactly once (admin: per-user listing; non-admin: created-date partitions).

mod common;

use std::collections::HashSet;

use agol_tui::engine::progress::NullSink;
use agol_tui::engine::scan::{ScanOptions, scan};
use agol_tui::engine::selection::Selection;
use agol_tui::fake::FakeConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_scan_all_of_20000_items_lists_each_once() {
    let fake = common::fake_with(FakeConfig {
        generated_items: 20_000,
        search_cap: 10_000,
        ..FakeConfig::default()
    })
    .await;
    let expected: HashSet<String> = fake.items().into_iter().map(|i| i.id).collect();
    assert!(expected.len() >= 20_000);
    let client = common::admin(&fake);
    let me = client.community_self().await.unwrap();
    let selection = Selection {
        all: true,
        ..Selection::default()
    };
    let report = scan(
        &client,
        &me,
        &selection,
        &ScanOptions {
            workers: 8,
            index: Default::default(),
        },
        &NullSink,
    )
    .await
    .unwrap();
    assert!(
        report.failed.is_empty(),
        "{:?}",
        &report.failed[..report.failed.len().min(3)]
    );
    let ids: Vec<_> = report.rows.iter().map(|r| r.id.clone()).collect();
    let unique: HashSet<_> = ids.iter().cloned().collect();
    assert_eq!(unique.len(), ids.len(), "no item listed twice");
    assert_eq!(unique, expected, "every item listed");
}
