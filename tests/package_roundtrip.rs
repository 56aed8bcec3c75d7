//! Our own package round trip without Esri: the whole sample org A is backed up (no server-side
//! export, so feature data travels in the lossless `agol-tui/` parts), written as a
//! `.contentexport`, staged by our reader and restored into an empty org B, then compared item
//! by item exactly like the snapshot round trip (sharing included: our packages carry it), and
//! every item is back in its original folder.

mod common;
mod restore_common;

use agol_tui::engine::archive::manifest::Outcome;
use agol_tui::engine::package::import::stage;
use agol_tui::engine::package::reader::ReadLimits;
use agol_tui::engine::package::write::write_package;
use agol_tui::engine::restore::plan::OnConflict;
use restore_common::compare::{Check, compare_orgs};
use restore_common::*;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn org_a_through_a_lossless_package_into_empty_org_b_matches_item_by_item() {
    let a = common::fake().await;
    let b = empty_org().await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("backups");
    let backup_a = backup_all(&a, &dest).await;
    let package = dir.path().join("org-a.contentexport");
    let staging = dir.path().join("staging");
    let (d, p, s) = (dest.clone(), package.clone(), staging.clone());
    let staged = tokio::task::spawn_blocking(move || {
        let written = write_package(&d, None, &p)?;
        stage(&p, &s, &ReadLimits::default()).map(|staged| (written, staged))
    })
    .await
    .unwrap();
    let (written, staged) = staged.unwrap();
    let ok = backup_a
        .manifest
        .items
        .iter()
        .filter(|i| i.outcome == Outcome::Ok)
        .count();
    assert_eq!(written.items, ok, "every backed-up item is in the package");
    assert_eq!(staged.items, ok, "every packaged item is staged");

    let mut options = options(&staged.dest, OnConflict::Skip);
    options.input.snapshot = Some(staged.snapshot.clone());
    let report = restore(&b, &options, &CancellationToken::new())
        .await
        .unwrap();
    assert_no_failures(&report);
    let backup_b = backup_all(&b, &dir.path().join("b")).await;
    let compared = compare_orgs(
        &a,
        &backup_a,
        &backup_b,
        &report.plan.remap,
        &Check::default(),
    );
    assert_eq!(compared, ok, "every item compared");

    // Our packages declare each item's folder title, so items land in their original folders.
    let b_folders: std::collections::BTreeMap<&str, Option<&str>> = backup_b
        .manifest
        .items
        .iter()
        .map(|i| (i.id.as_str(), i.folder.as_deref()))
        .collect();
    let mut in_folders = 0;
    for ia in backup_a
        .manifest
        .items
        .iter()
        .filter(|i| i.outcome == Outcome::Ok)
    {
        let new_id = &report.plan.remap.ids[&ia.id];
        assert_eq!(
            b_folders[new_id.as_str()],
            ia.folder.as_deref(),
            "{}: folder",
            ia.title
        );
        in_folders += usize::from(ia.folder.is_some());
    }
    assert!(in_folders > 0, "the sample org has items in folders");
}
