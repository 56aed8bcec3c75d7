//! `--on-conflict` in the same org: skip leaves everything, copy makes new items next to the
//! originals, overwrite puts the backed-up content back into the original item.

mod common;
mod restore_common;

use agol_tui::engine::restore::plan::OnConflict;
use agol_tui::engine::selection::Selection;
use agol_tui::fake::sample;
use restore_common::*;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skip_copy_and_overwrite_in_the_same_org() {
    let a = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    backup_all(&a, dir.path()).await;
    // A second destination with its own restore journal, for the overwrite part.
    let dir_overwrite = tempfile::tempdir().unwrap();
    backup_all(&a, dir_overwrite.path()).await;
    let pdf = sample::item_id("pdf");
    let webmap = sample::item_id("webmap");
    let original_pdf = a.item_data(&pdf).unwrap();
    let before = a.items().len();
    let only = |ids: &[&String]| Selection {
        ids: ids.iter().map(|s| s.to_string()).collect(),
        ..Selection::default()
    };

    // skip: nothing is written.
    let mut opts = options(dir.path(), OnConflict::Skip);
    opts.input.selection = only(&[&pdf, &webmap]);
    let report = restore(&a, &opts, &CancellationToken::new()).await.unwrap();
    assert_eq!(report.failed(), 0);
    assert_eq!(a.items().len(), before, "skip creates nothing");

    // copy: two new items, originals untouched.
    let mut opts = options(dir.path(), OnConflict::Copy);
    opts.input.selection = only(&[&pdf, &webmap]);
    let report = restore(&a, &opts, &CancellationToken::new()).await.unwrap();
    assert_eq!(report.failed(), 0, "{:?}", report.outcomes);
    assert_eq!(
        a.items().len(),
        before + 2,
        "copy adds one item per restored item"
    );
    let new_pdf = report
        .outcomes
        .iter()
        .find(|o| o.old_id == pdf)
        .unwrap()
        .new_id
        .clone()
        .unwrap();
    assert_ne!(new_pdf, pdf);
    assert_eq!(
        a.item_data(&new_pdf).unwrap(),
        original_pdf,
        "the copy holds the backed-up bytes"
    );

    // A second copy run with the same journal makes another copy (copy means copy).
    let mut opts = options(dir.path(), OnConflict::Copy);
    opts.input.selection = only(&[&pdf]);
    restore(&a, &opts, &CancellationToken::new()).await.unwrap();
    assert_eq!(a.items().len(), before + 3);

    // overwrite: the original item gets its backed-up content back, no new item. (With a journal
    // from an earlier restore, overwrite updates that earlier restored copy instead.)
    assert!(a.set_item_data(&pdf, b"%PDF-1.4 changed after the backup".to_vec()));
    let mut opts = options(dir_overwrite.path(), OnConflict::Overwrite);
    opts.input.selection = only(&[&pdf]);
    let report = restore(&a, &opts, &CancellationToken::new()).await.unwrap();
    assert_eq!(report.failed(), 0, "{:?}", report.outcomes);
    assert_eq!(a.items().len(), before + 3, "overwrite creates nothing");
    assert_eq!(
        report.outcomes[0].new_id.as_deref(),
        Some(pdf.as_str()),
        "updated in place"
    );
    assert_eq!(
        a.item_data(&pdf).unwrap(),
        original_pdf,
        "the original holds the backed-up bytes again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overwrite_reloads_a_hosted_feature_layer_in_place() {
    use agol_tui::client::request::Call;
    use agol_tui::fake::features::sample as svc;
    let a = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    backup_all(&a, dir.path()).await;
    let client = common::admin(&a);
    let url = client
        .item(svc::HYDRANTS_ITEM_ID)
        .await
        .unwrap()
        .item
        .url
        .unwrap();
    let first = |v: serde_json::Value| v["features"][0]["attributes"].clone();
    let query = |where_: String| {
        Call::get(format!("{url}/0/query"))
            .param("where", where_)
            .param("outFields", "*")
    };
    let before = first(client.json(query("OBJECTID = 1".into())).await.unwrap());
    let gid = before["GlobalID"].as_str().unwrap().to_string();

    // Changes after the backup: an edited feature and an extra attachment.
    a.edit_feature(svc::HYDRANTS, 0, 1);
    a.add_attachment(
        svc::HYDRANTS,
        0,
        1,
        "later.jpg",
        b"\xff\xd8\xff later".to_vec(),
    );
    assert_eq!(a.attachment_count(svc::HYDRANTS, 0), Some(23));
    let items_before = a.items().len();

    let mut opts = options(dir.path(), OnConflict::Overwrite);
    opts.input.selection = Selection {
        ids: vec![svc::HYDRANTS_ITEM_ID.to_string()],
        ..Selection::default()
    };
    let report = restore(&a, &opts, &CancellationToken::new()).await.unwrap();
    assert_eq!(report.failed(), 0, "{:?}", report.outcomes);
    assert_eq!(
        report.outcomes[0].new_id.as_deref(),
        Some(svc::HYDRANTS_ITEM_ID),
        "the same item, reloaded"
    );
    assert_eq!(a.items().len(), items_before, "no new item");
    assert_eq!(a.feature_count(svc::HYDRANTS, 0), Some(450));
    assert_eq!(a.feature_count(svc::HYDRANTS, 5), Some(120));
    assert_eq!(
        a.attachment_count(svc::HYDRANTS, 0),
        Some(22),
        "back to the backed-up attachments"
    );
    let after = first(
        client
            .json(query(format!("GlobalID = '{gid}'")))
            .await
            .unwrap(),
    );
    for (k, v) in before.as_object().unwrap() {
        if k != "OBJECTID" {
            assert_eq!(&after[k], v, "attribute {k} is back to its backed-up value");
        }
    }
}
