//! Round trip: back up the whole sample org A, restore it into an empty org B, back B up, and
//! compare B's archives with A's item by item: the properties of issue point 3, data (byte for
//! byte after remapping, and every remapped reference points at B), thumbnails, metadata,
//! resources, relationships, sharing, each layer's schema, features (count, attributes,
//! geometry by GlobalID) and every attachment's bytes on the right feature.

mod common;
mod restore_common;

use agol_tui::engine::restore::plan::OnConflict;
use agol_tui::engine::restore::rewrite::Rewriter;
use restore_common::*;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_a_restored_into_empty_org_b_matches_item_by_item() {
    let a = common::fake().await;
    let b = empty_org().await;
    let dir_a = tempfile::tempdir().unwrap();
    let backup_a = backup_all(&a, dir_a.path()).await;
    let report = restore(
        &b,
        &options(dir_a.path(), OnConflict::Skip),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_no_failures(&report);
    let remap: Rewriter = report.plan.remap.clone();
    let dir_b = tempfile::tempdir().unwrap();
    let backup_b = backup_all(&b, dir_b.path()).await;
    let compared =
        compare::compare_orgs(&a, &backup_a, &backup_b, &remap, &compare::Check::default());
    assert!(compared >= 20, "compared {compared} items");

    // The web map opens B's layers, never A's.
    let map = report
        .outcomes
        .iter()
        .find(|o| o.title == "Hydrant Map")
        .unwrap();
    let data = String::from_utf8(b.item_data(map.new_id.as_ref().unwrap()).unwrap()).unwrap();
    assert!(
        data.contains(&b.services_origin()) || data.contains(&b.url()),
        "{data}"
    );
    assert!(!data.contains(&a.services_origin()), "{data}");
}
