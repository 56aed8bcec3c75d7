//! Issue 11 finding 5: a restore stopped right after a hosted service was created, twice, then
//! run again, must end with one copy of the service under the name an uninterrupted restore
//! gives it, and every reference (the map, the view) pointing at a service that exists.
//! The stop is simulated in-process: the fake refuses `addToDefinition`, so the run leaves
//! the service created but unfinished, exactly the journal state of a kill at that point
//! (tests/restore_kill.rs kills the real binary).

mod common;
mod restore_common;

use agol_tui::engine::archive::manifest::Outcome;
use agol_tui::engine::restore::plan::OnConflict;
use agol_tui::engine::selection::Selection;
use agol_tui::fake::features::sample as svc;
use restore_common::*;
use tokio_util::sync::CancellationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_crashes_after_create_service_then_a_rerun_point_the_map_at_the_live_service() {
    let a = common::fake().await;
    let b = empty_org().await;
    let dir = tempfile::tempdir().unwrap();
    backup_all(&a, dir.path()).await;

    let mut only = options(dir.path(), OnConflict::Skip);
    only.input.selection = Selection {
        ids: vec![svc::HYDRANTS_ITEM_ID.to_string()],
        ..Default::default()
    };
    for run in 1..=2 {
        b.fail_next_matching("/addToDefinition", 1, 400);
        let r = restore(&b, &only, &CancellationToken::new()).await.unwrap();
        assert_eq!(r.outcomes[0].outcome, Outcome::Failed, "run {run}");
        let names = b.service_names();
        assert_eq!(
            names
                .iter()
                .filter(|n| n.starts_with(svc::HYDRANTS))
                .count(),
            1,
            "run {run}: the half-made copy of the earlier run was removed: {names:?}"
        );
    }
    // The service alone, then everything (the map and the view take the journal's URL).
    let r = restore(&b, &only, &CancellationToken::new()).await.unwrap();
    assert_no_failures(&r);
    let all = restore(
        &b,
        &options(dir.path(), OnConflict::Skip),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_no_failures(&all);

    let services: Vec<_> = b
        .items()
        .into_iter()
        .filter(|i| i.title == "Hydrants" && i.item_type == "Feature Service")
        .collect();
    assert_eq!(services.len(), 1, "one Hydrants service: {services:?}");
    let names = b.service_names();
    assert!(
        names.iter().any(|n| n == svc::HYDRANTS),
        "the service has the name an uninterrupted restore gives it: {names:?}"
    );
    assert!(
        !names.iter().any(|n| n == "Hydrants_1"),
        "no Hydrants_1: {names:?}"
    );
    let journal = std::fs::read_to_string(agol_tui::engine::restore::journal::journal_path(
        dir.path(),
        &b.url(),
    ))
    .unwrap();
    let map = b
        .items()
        .into_iter()
        .find(|i| i.item_type == "Web Map" && i.title == "Hydrant Map")
        .expect("the map was restored");
    let data = String::from_utf8(b.item_data(&map.id).unwrap()).unwrap();
    let services_origin = b.services_origin();
    let mut pointed = 0;
    for (at, _) in data.match_indices("/FeatureServer") {
        let start = data[..at].rfind('"').map(|i| i + 1).unwrap_or(0);
        let url = &data[start..at];
        let name = url.rsplit('/').next().unwrap();
        if url.starts_with(&services_origin) || url.contains("/rest/services/") {
            pointed += 1;
            assert!(
                names.iter().any(|n| n == name),
                "the map points at service {name}, which does not exist in the target ({names:?}); journal:\n{journal}"
            );
        }
    }
    assert!(pointed > 0, "the map references the service: {data}");
    let view = all
        .outcomes
        .iter()
        .find(|o| o.old_id == svc::HYDRANTS_VIEW_ITEM_ID)
        .expect("the view is in the restore");
    assert_ne!(view.outcome, Outcome::Failed, "{view:?}");
}
