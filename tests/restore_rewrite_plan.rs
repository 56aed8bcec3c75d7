//! The plan of a restore into another org names every string the reference rewrite changes
//! (part and JSON pointer) and warns about references to the source org it cannot map.

mod common;
mod restore_common;

use agol_tui::engine::restore::plan::{Action, OnConflict};
use agol_tui::engine::selection::Selection;
use agol_tui::fake::features::sample::HYDRANTS_ITEM_ID;
use agol_tui::fake::sample::item_id;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_lists_rewritten_paths_and_warns_about_items_left_out() {
    let a = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    restore_common::backup_all(&a, dir.path()).await;
    let b = restore_common::empty_org().await;

    // The web map and the viewer app, without the Hydrants service they draw.
    let mut options = restore_common::options(dir.path(), OnConflict::Skip);
    options.dry_run = true;
    options.input.selection = Selection {
        ids: vec![item_id("webmap"), item_id("app")],
        ..Selection::default()
    };
    let report = restore_common::restore(&b, &options, &CancellationToken::new())
        .await
        .unwrap();
    let plan = &report.plan;
    assert_eq!(plan.items.len(), 2);
    assert!(plan.items.iter().all(|i| i.action == Action::Create));
    let map = plan
        .items
        .iter()
        .find(|i| i.old_id == item_id("webmap"))
        .unwrap();
    let app = plan
        .items
        .iter()
        .find(|i| i.old_id == item_id("app"))
        .unwrap();

    // The map's layers name the service that is not restored: warned about, by path.
    for p in [
        "/operationalLayers/0/itemId",
        "/operationalLayers/0/url",
        "/tables/0/url",
    ] {
        assert!(
            map.warnings
                .iter()
                .any(|w| w.starts_with(&format!("data.json#{p}: "))),
            "{p}: {:#?}",
            map.warnings
        );
    }
    assert!(
        map.warnings
            .iter()
            .any(|w| w.contains(HYDRANTS_ITEM_ID) && w.contains("not in this restore")),
        "{:#?}",
        map.warnings
    );
    // Nothing of the map is rewritten (its only references are to the service left out).
    assert!(
        !map.rewrites
            .iter()
            .any(|r| r.starts_with("data.json#/operationalLayers")),
        "{:#?}",
        map.rewrites
    );

    // The app names the map (restored) and itself, and its url holds the source host.
    for p in [
        "data.json#/values/webmap",
        "data.json#/map/itemId",
        "item.url",
    ] {
        assert!(
            app.rewrites.iter().any(|r| r == p),
            "{p}: {:#?}",
            app.rewrites
        );
    }
    assert!(
        !app.warnings.iter().any(|w| w.contains(&item_id("webmap"))),
        "{:#?}",
        app.warnings
    );

    // The same in the text plan and in --json.
    let text = plan.render();
    assert!(text.contains("rewrites data.json#/values/webmap"), "{text}");
    assert!(
        text.contains("warning: data.json#/operationalLayers/0/itemId: item "),
        "{text}"
    );
    let json = serde_json::to_value(plan).unwrap();
    let items = json["items"].as_array().unwrap();
    assert!(items.iter().any(|i| {
        i["rewrites"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "item.url")
    }));
    assert!(
        items
            .iter()
            .any(|i| !i["warnings"].as_array().unwrap().is_empty())
    );
    // A dry run writes nothing into B.
    assert!(b.requests().iter().all(|r| !r.path.ends_with("/addItem")));
}
