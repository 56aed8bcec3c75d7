//! Issue 10 acceptance 1 (references): the whole sample org A — configurable apps included
//! (an Instant App whose item URL is `?appid=<its id>`, a StoryMap with a draft resource, a
//! Dashboard, an Experience Builder experience with `config/config.json`, a QuickCapture
//! project with `qc.project.json`) — is restored into the empty org B (another host, another
//! urlKey). B is then read back over HTTP (a backup of B), and every string of every item's
//! data, `url`, `properties`, text fields and JSON resources is scanned: none may name an item
//! id of A or one of A's hosts. Expectations come from A's state: the ids are A's items, the
//! hosts are A's portal and hosted-services origins and A's `<urlKey>.maps.arcgis.com`.

mod common;
mod restore_common;

use std::collections::{BTreeMap, BTreeSet};

use agol_tui::engine::archive::manifest::Outcome;
use agol_tui::engine::restore::plan::OnConflict;
use agol_tui::engine::restore::source::ItemArchive;
use agol_tui::fake::FakePortal;
use agol_tui::fake::sample::{EMPTY_ORG_URL_KEY, URL_KEY, item_id};
use restore_common::*;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

/// `host:port` of an origin URL.
fn authority(origin: &str) -> String {
    let u = url::Url::parse(origin).unwrap();
    format!(
        "{}:{}",
        u.host_str().unwrap(),
        u.port_or_known_default().unwrap()
    )
}

/// Every string of a JSON value (keys too), with its JSON pointer.
fn strings(v: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(s) => out.push((path.to_string(), s.clone())),
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                strings(x, &format!("{path}/{i}"), out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                let p = format!("{path}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push((format!("{p} (key)"), k.clone()));
                strings(x, &p, out);
            }
        }
        _ => {}
    }
}

/// The strings of one restored item as B serves it: item `url`, `properties`, text fields,
/// data and every JSON resource, each as (where, text).
fn item_strings(archive: &mut ItemArchive) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let item = archive.json("item.json").unwrap().unwrap();
    for k in [
        "url",
        "title",
        "snippet",
        "description",
        "accessInformation",
        "licenseInfo",
    ] {
        if let Some(s) = item[k].as_str() {
            out.push((format!("item.json#/{k}"), s.to_string()));
        }
    }
    let mut found = Vec::new();
    strings(&item["properties"], "", &mut found);
    out.extend(
        found
            .into_iter()
            .map(|(p, s)| (format!("item.json#/properties{p}"), s)),
    );
    let mut parts: Vec<String> = archive.names_under("resources/");
    parts.push("data.json".into());
    for name in parts.into_iter().filter(|n| n.ends_with(".json")) {
        if !archive.has(&name) {
            continue;
        }
        let bytes = archive.read(&name).unwrap();
        let text = String::from_utf8_lossy(&bytes).to_string();
        match serde_json::from_str::<Value>(&text) {
            Ok(v) => {
                let mut found = Vec::new();
                strings(&v, "", &mut found);
                out.extend(found.into_iter().map(|(p, s)| (format!("{name}#{p}"), s)));
            }
            // Not strict JSON (e.g. raw control characters): scanned as one text.
            Err(_) => out.push((name.clone(), text)),
        }
    }
    out
}

/// What in `text` names org A: one of its item ids or hosts.
fn names_a(text: &str, a_ids: &BTreeSet<String>, a_hosts: &[String]) -> Vec<String> {
    let lower = text.to_ascii_lowercase();
    let decoded = lower.replace("%3a", ":").replace("%2f", "/");
    let mut hits: Vec<String> = a_ids
        .iter()
        .filter(|id| lower.contains(id.as_str()))
        .cloned()
        .collect();
    hits.extend(
        a_hosts
            .iter()
            .filter(|h| lower.contains(h.as_str()) || decoded.contains(h.as_str()))
            .cloned(),
    );
    hits
}

async fn restored_copy() -> (
    FakePortal,
    FakePortal,
    agol_tui::engine::restore::run::RestoreReport,
    agol_tui::engine::backup::run::BackupReport,
    tempfile::TempDir,
    tempfile::TempDir,
) {
    let a = common::fake().await;
    let b = empty_org().await;
    let dir_a = tempfile::tempdir().unwrap();
    backup_all(&a, dir_a.path()).await;
    let report = restore(
        &b,
        &options(dir_a.path(), OnConflict::Skip),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    assert_no_failures(&report);
    let dir_b = tempfile::tempdir().unwrap();
    let backup_b = backup_all(&b, dir_b.path()).await;
    (a, b, report, backup_b, dir_a, dir_b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_string_in_the_restored_org_names_a_source_item_or_host() {
    let (a, b, report, backup_b, _da, _db) = restored_copy().await;
    // The two orgs differ where a reference could leak: hosts and urlKey.
    assert_ne!(authority(&a.url()), authority(&b.url()));
    assert_ne!(URL_KEY, EMPTY_ORG_URL_KEY);

    let a_ids: BTreeSet<String> = a.items().into_iter().map(|i| i.id).collect();
    let b_ids: BTreeSet<String> = b.items().into_iter().map(|i| i.id).collect();
    assert!(
        a_ids.is_disjoint(&b_ids),
        "B reuses ids of A; the check below would prove nothing"
    );
    let a_hosts = vec![
        authority(&a.url()),
        authority(&a.services_origin()),
        format!("{URL_KEY}.maps.arcgis.com"),
    ];

    let mut leaks = Vec::new();
    let mut scanned = 0;
    for ib in backup_b
        .manifest
        .items
        .iter()
        .filter(|i| i.outcome == Outcome::Ok)
    {
        let mut archive =
            ItemArchive::open(&backup_b.dir.join(ib.archive.as_ref().unwrap())).unwrap();
        for (place, text) in item_strings(&mut archive) {
            scanned += 1;
            for hit in names_a(&text, &a_ids, &a_hosts) {
                leaks.push(format!(
                    "{} [{}] {place}: names {hit}: {text}",
                    ib.title, ib.item_type
                ));
            }
        }
    }
    assert!(scanned > 200, "only {scanned} strings scanned");
    assert!(
        leaks.is_empty(),
        "{} strings in B still name org A:\n{}",
        leaks.len(),
        leaks.join("\n")
    );

    // Every app of A came back (the scan above covered them).
    let new_ids: BTreeMap<String, String> = report
        .outcomes
        .iter()
        .filter_map(|o| o.new_id.clone().map(|n| (o.old_id.clone(), n)))
        .collect();
    for label in [
        "instant-app",
        "storymap-apps",
        "dashboard-status",
        "experience",
        "quickcapture",
    ] {
        let new = new_ids
            .get(&item_id(label))
            .unwrap_or_else(|| panic!("{label} not restored"));
        assert!(b_ids.contains(new), "{label}: {new} not in B");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apps_that_name_themselves_name_their_new_id_and_the_new_host() {
    let (a, b, report, _backup_b, _da, _db) = restored_copy().await;
    let new_id = |label: &str| -> String {
        report
            .outcomes
            .iter()
            .find(|o| o.old_id == item_id(label))
            .and_then(|o| o.new_id.clone())
            .unwrap_or_else(|| panic!("{label} not restored"))
    };
    let new_map = new_id("webmap");
    let b_host = authority(&b.url());

    // Instant App (A: url `…?appid=<own id>`, data values.appId = own id, values.webmap).
    let app = new_id("instant-app");
    let item = b.item_json(&app).unwrap();
    let url = item["url"].as_str().unwrap();
    assert!(url.ends_with(&format!("?appid={app}")), "{url}");
    assert!(url.contains(&b_host), "{url}");
    let data: Value = serde_json::from_slice(&b.item_data(&app).unwrap()).unwrap();
    assert_eq!(data["values"]["appId"], app.as_str());
    assert_eq!(data["values"]["webmap"], new_map.as_str());
    assert!(
        data["values"]["portalUrl"]
            .as_str()
            .unwrap()
            .contains(&b_host)
    );

    // StoryMap (A: url `/stories/<own id>`), Dashboard (`/apps/dashboards/<own id>`),
    // Experience (`/experience/<own id>/`): the item URLs follow the new ids.
    for (label, tail) in [
        ("storymap-apps", "/apps/storymaps/stories/"),
        ("dashboard-status", "/apps/dashboards/"),
        ("experience", "/experience/"),
    ] {
        let id = new_id(label);
        let item = b.item_json(&id).unwrap();
        let url = item["url"].as_str().unwrap();
        assert!(url.contains(&format!("{tail}{id}")), "{label}: {url}");
        assert!(url.contains(&b_host), "{label}: {url}");
        assert!(!url.contains(&authority(&a.url())), "{label}: {url}");
    }

    // The Dashboard's widgets open B's map and layer.
    let dash: Value =
        serde_json::from_slice(&b.item_data(&new_id("dashboard-status")).unwrap()).unwrap();
    assert_eq!(dash["widgets"][0]["itemId"], new_map.as_str());
    let hyd_new = report
        .outcomes
        .iter()
        .find(|o| o.old_id == agol_tui::fake::features::sample::HYDRANTS_ITEM_ID)
        .and_then(|o| o.new_id.clone())
        .unwrap();
    assert_eq!(
        dash["widgets"][1]["datasets"][0]["dataSource"]["itemId"],
        hyd_new.as_str()
    );
}
