//! Fetching items into archives, over real loopback HTTP against the fake portal.

mod common;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::Mutex;

use agol_tui::client::Client;
use agol_tui::engine::archive::writer::ItemArchiveWriter;
use agol_tui::engine::backup::fetch::{
    DataKind, FetchOptions, Fetched, ItemProgress, change_markers, dependencies, fetch_item,
    sweep_export_leftovers,
};
use agol_tui::fake::FakePortal;
use agol_tui::fake::features::sample as svc;
use agol_tui::fake::sample;
use common::{admin, fake};
use serde_json::Value;

/// A fetched item's archive, opened.
struct Fetch {
    result: agol_tui::client::Result<Fetched>,
    entries: BTreeMap<String, Vec<u8>>,
    progress: Vec<ItemProgress>,
}

impl Fetch {
    fn ok(&self) -> &Fetched {
        self.result.as_ref().expect("fetch succeeds")
    }
    fn json(&self, name: &str) -> Value {
        serde_json::from_slice(
            self.entries
                .get(name)
                .unwrap_or_else(|| panic!("no {name} in {:?}", self.names())),
        )
        .unwrap_or_else(|e| panic!("{name} is not JSON: {e}"))
    }
    fn names(&self) -> Vec<&str> {
        self.entries.keys().map(String::as_str).collect()
    }
    fn has(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }
}

fn read_zip(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(File::open(path).unwrap()).unwrap();
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut buf = Vec::new();
        f.read_to_end(&mut buf).unwrap();
        out.insert(f.name().unwrap().to_string(), buf);
    }
    out
}

async fn fetch_with(client: &Client, id: &str, options: FetchOptions) -> Fetch {
    let dir = tempfile::tempdir().unwrap();
    let record = client.item(id).await.expect("item record");
    let path = dir.path().join("item.zip");
    let mut archive = ItemArchiveWriter::create(&path).unwrap();
    let seen = Mutex::new(Vec::new());
    let progress = |p: ItemProgress| seen.lock().unwrap().push(p);
    let spool = dir.path().join("spool");
    let options = FetchOptions {
        spool_dir: spool.clone(),
        ..options
    };
    let result = fetch_item(client, &record, &mut archive, &options, &progress).await;
    let entries = match &result {
        Ok(_) => {
            archive.finish(serde_json::json!({"version": 1})).unwrap();
            read_zip(&path)
        }
        Err(_) => BTreeMap::new(),
    };
    let left: Vec<_> = std::fs::read_dir(&spool)
        .map(|d| d.filter_map(|e| e.ok()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "spool files left behind: {left:?}");
    Fetch {
        result,
        entries,
        progress: seen.into_inner().unwrap(),
    }
}

async fn fetch(client: &Client, id: &str) -> Fetch {
    fetch_with(client, id, FetchOptions::new("unused")).await
}

/// `returnCountOnly` straight from the fake.
async fn count(fake: &FakePortal, client: &Client, service: &str, layer: i64) -> u64 {
    let _ = fake;
    let url = service_url(fake, service);
    let v: Value = client
        .json(
            agol_tui::client::request::Call::get(format!("{url}/{layer}/query"))
                .param("where", "1=1")
                .param("returnCountOnly", "true"),
        )
        .await
        .unwrap();
    v["count"].as_u64().unwrap()
}

fn service_url(fake: &FakePortal, service: &str) -> String {
    format!(
        "{}/{}/arcgis/rest/services/{service}/FeatureServer",
        fake.services_origin(),
        sample::ORG_ID
    )
}

fn features_of(f: &Fetch, layer: &str) -> Vec<Value> {
    f.json(&format!("layers/{layer}.features.json"))["features"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn hydrants_service_with_layers_features_and_attachments() {
    let fake = fake().await;
    let client = admin(&fake);
    let f = fetch(&client, svc::HYDRANTS_ITEM_ID).await;
    let got = f.ok();
    for name in [
        "item.json",
        "data.json",
        "metadata/metadata.xml",
        "relationships.json",
        "sharing.json",
        "service.json",
        "layers/0.json",
        "layers/2.json",
        "layers/5.json",
        "layers/0.features.json",
        "layers/2.features.json",
        "layers/5.features.json",
        "layers/0/attachments.json",
    ] {
        assert!(f.has(name), "{name} missing from {:?}", f.names());
    }
    assert_eq!(got.data_kind, DataKind::Json);
    let item_raw = client.item(svc::HYDRANTS_ITEM_ID).await.unwrap().raw;
    assert_eq!(
        f.entries["item.json"],
        item_raw.to_vec(),
        "item.json as returned"
    );
    for (layer, expected) in [(0, 450u64), (2, 50), (5, 120)] {
        let counted = count(&fake, &client, svc::HYDRANTS, layer).await;
        assert_eq!(counted, expected);
        assert_eq!(got.feature_counts[&layer.to_string()], expected);
        let feats = features_of(&f, &layer.to_string());
        assert_eq!(feats.len() as u64, expected);
        let mut oids: Vec<i64> = feats
            .iter()
            .map(|x| x["attributes"]["OBJECTID"].as_i64().unwrap())
            .collect();
        let n = oids.len();
        oids.sort();
        oids.dedup();
        assert_eq!(oids.len(), n, "no duplicate features in layer {layer}");
    }
    let set = f.json("layers/0.features.json");
    assert_eq!(set["objectIdFieldName"], "OBJECTID");
    assert_eq!(set["geometryType"], "esriGeometryPoint");
    assert!(set["spatialReference"]["wkid"].is_number());
    assert!(set["fields"].as_array().unwrap().len() > 3);
    assert!(set["features"][0]["geometry"]["x"].is_number());
    let table = f.json("layers/5.features.json");
    assert!(table.get("geometryType").is_none());

    assert_eq!(got.attachment_counts["0"], 22);
    let index = f.json("layers/0/attachments.json");
    let index = index.as_array().unwrap();
    assert_eq!(index.len(), 22);
    for a in index {
        let entry = a["entry"].as_str().unwrap();
        assert!(entry.starts_with(&format!(
            "layers/0/attachments/{}/{}-",
            a["parentObjectId"], a["id"]
        )));
        assert_eq!(f.entries[entry].len() as u64, a["size"].as_u64().unwrap());
        assert!(a["parentGlobalId"].is_string() && a["globalId"].is_string());
    }
    let sharing = f.json("sharing.json");
    assert_eq!(sharing["access"], "shared");
    assert_eq!(sharing["groups"].as_array().unwrap().len(), 2);
    let rel = f.json("relationships.json");
    assert_eq!(
        rel["forward"]["Service2Service"],
        serde_json::json!([svc::HYDRANTS_VIEW_ITEM_ID])
    );
    assert_eq!(
        rel["reverse"]["Map2Service"],
        serde_json::json!([sample::item_id("webmap")])
    );
    assert!(rel["forward"]["WMA2Code"].as_array().unwrap().is_empty());

    // Pages of maxRecordCount ordered by the object id; progress reached the total.
    let pages: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/0/query") && r.params.contains_key("resultOffset"))
        .collect();
    assert_eq!(pages.len(), 3, "450 rows in pages of 200");
    assert!(pages.iter().all(|r| r.params["resultRecordCount"] == "200"
        && r.params["orderByFields"] == "OBJECTID ASC"
        && r.params["outFields"] == "*"
        && !r.params.contains_key("outSR")));
    let last = f.progress.last().unwrap();
    assert_eq!(last.features, 620);
    assert_eq!(last.features_total, Some(620));
}

#[tokio::test]
async fn parcels_without_pagination_use_id_batches() {
    let fake = fake().await;
    let client = admin(&fake);
    let f = fetch(&client, svc::PARCELS_NO_PAGING_ITEM_ID).await;
    assert_eq!(f.ok().feature_counts["0"], 300);
    assert_eq!(
        f.ok().data_kind,
        DataKind::None,
        "a service without overrides"
    );
    assert_eq!(features_of(&f, "0").len(), 300);
    assert!(
        f.ok().notes.iter().any(|n| n == "no thumbnail"),
        "{:?}",
        f.ok().notes
    );
    let log = fake.requests();
    let queries: Vec<_> = log
        .iter()
        .filter(|r| r.path.contains(svc::PARCELS_NO_PAGING) && r.path.ends_with("/query"))
        .collect();
    assert!(
        !queries.iter().any(|r| r.params.contains_key("resultOffset")
            && r.status == 200
            && !r.params.contains_key("returnCountOnly")),
        "no resultOffset page was served"
    );
    assert!(
        queries
            .iter()
            .any(|r| r.params.get("returnIdsOnly").map(String::as_str) == Some("true"))
    );
    let batches = queries
        .iter()
        .filter(|r| r.params.contains_key("objectIds"))
        .count();
    assert_eq!(batches, 2, "300 ids in batches of 200");
    let long: Vec<_> = queries
        .iter()
        .filter(|r| r.params.get("objectIds").is_some_and(|l| l.len() > 500))
        .collect();
    assert!(
        !long.is_empty() && long.iter().all(|r| r.method == "POST"),
        "long id lists are posted"
    );
}

#[tokio::test]
async fn view_and_survey_services() {
    let fake = fake().await;
    let client = admin(&fake);
    let view = fetch(&client, svc::HYDRANTS_VIEW_ITEM_ID).await;
    assert_eq!(view.ok().feature_counts["0"], 351);
    assert!(view.has("sources.json") && view.has("service.json"));
    assert_eq!(view.json("service.json")["isView"], true);

    let survey = fetch(&client, svc::FIELD_INSPECTIONS_ITEM_ID).await;
    let got = survey.ok();
    assert!(
        got.attachment_counts["0"] > 0,
        "{:?}",
        got.attachment_counts
    );
}

#[tokio::test]
async fn public_trails_on_a_foreign_server() {
    let fake = fake().await;
    let client = admin(&fake);
    let f = fetch(&client, svc::PUBLIC_TRAILS_ITEM_ID).await;
    assert_eq!(f.ok().feature_counts["0"], 30);
    assert!(
        fake.requests()
            .iter()
            .filter(|r| r.origin == agol_tui::fake::Origin::Foreign)
            .all(|r| r.token.is_none()),
        "no token to a server that is not federated"
    );
}

#[tokio::test]
async fn every_sample_item_type_fetches() {
    let fake = fake().await;
    let client = admin(&fake);
    // (label, type, expected data entry)
    let cases = [
        ("webmap", DataKind::Json, "data.json"),
        ("app", DataKind::Json, "data.json"),
        ("dashboard", DataKind::Json, "data.json"),
        ("storymap", DataKind::Json, "data.json"),
        ("webscene", DataKind::Json, "data.json"),
        ("notes-webmap", DataKind::Json, "data.json"),
        ("form", DataKind::File, "data/Hydrant_Inspection_Survey.zip"),
        ("csv", DataKind::File, "data/hydrant_inspections_2023.csv"),
        ("pdf", DataKind::File, "data/water_quality_2023.pdf"),
        ("shapefile", DataKind::File, "data/service_areas.zip"),
        ("fgdb", DataKind::File, "data/asset_inventory.gdb.zip"),
        ("excel", DataKind::File, "data/meter_readings_2024.xlsx"),
    ];
    for (label, kind, entry) in cases {
        let f = fetch(&client, &sample::item_id(label)).await;
        let got = f.result.as_ref().unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(got.data_kind, kind, "{label}");
        assert!(f.has(entry), "{label}: {entry} not in {:?}", f.names());
        assert!(f.has("item.json") && f.has("sharing.json") && f.has("relationships.json"));
    }
    // The CSV's bytes as stored.
    let csv = fetch(&client, &sample::item_id("csv")).await;
    assert!(
        String::from_utf8_lossy(&csv.entries["data/hydrant_inspections_2023.csv"])
            .starts_with("FACILITYID,INSPECTED")
    );
    assert!(csv.ok().notes.iter().any(|n| n == "no thumbnail"));

    // Story map: metadata and every resource (private ones too, as admin).
    let story = fetch(&client, &sample::item_id("storymap")).await;
    for name in [
        "metadata/metadata.xml",
        "resources/draft_1700000000000.json",
        "resources/images/logo.png",
        "resources/config/settings.json",
    ] {
        assert!(story.has(name), "{name} not in {:?}", story.names());
    }
    // App: 121 resources over two listing pages.
    let app = fetch(&client, &sample::item_id("app")).await;
    let resources = app
        .names()
        .iter()
        .filter(|n| n.starts_with("resources/"))
        .count();
    assert_eq!(resources, 121);
    let rel = app.json("relationships.json");
    assert_eq!(
        rel["forward"]["WMA2Code"],
        serde_json::json!([sample::item_id("code")])
    );

    // Empty data: no entry.
    let empty = fetch(&client, &sample::item_id("empty-app")).await;
    assert_eq!(empty.ok().data_kind, DataKind::Empty);
    assert!(!empty.names().iter().any(|n| n.starts_with("data")));

    // A broken thumbnail (404) is a note, not a failure.
    let shp = fetch(&client, &sample::item_id("shapefile")).await;
    assert!(
        shp.ok()
            .notes
            .iter()
            .any(|n| n.starts_with("thumbnail not downloaded")),
        "{:?}",
        shp.ok().notes
    );
    assert!(!shp.names().iter().any(|n| n.starts_with("thumbnail/")));
    // A working thumbnail is stored under its base name.
    let wm = fetch(&client, &sample::item_id("webmap")).await;
    assert!(
        wm.names().iter().any(|n| n.starts_with("thumbnail/")),
        "{:?}",
        wm.names()
    );
    assert!(wm.ok().notes.iter().any(|n| n == "no metadata"));
}

#[tokio::test]
async fn a_code_attachment_that_fails_is_an_item_failure() {
    let fake = fake().await;
    let client = admin(&fake);
    let f = fetch(&client, &sample::item_id("code")).await;
    let err = f.result.expect_err("HTTP 500 on /data fails the item");
    assert!(err.to_string().contains("500"), "{err}");
}

#[tokio::test]
async fn change_markers_only_read_definitions() {
    let fake = fake().await;
    let client = admin(&fake);
    fake.clear_requests();
    let record = client.item(svc::HYDRANTS_ITEM_ID).await.unwrap();
    fake.clear_requests();
    let m = change_markers(&client, &record.item).await.unwrap();
    assert_eq!(m.item_modified, record.item.modified);
    assert!(!m.volatile);
    assert_eq!(
        m.layers.keys().cloned().collect::<Vec<_>>(),
        vec!["0", "2", "5"]
    );
    assert!(m.layers["0"].data_last_edit.is_some());
    let log = fake.requests();
    for r in &log {
        assert!(
            !r.path.ends_with("/query")
                && !r.path.contains("attachments")
                && !r.path.ends_with("/data")
                && !r.path.contains("/resources"),
            "not a definition request: {}",
            r.path
        );
    }
    let services: Vec<_> = log
        .iter()
        .filter(|r| r.origin == agol_tui::fake::Origin::Services && !r.path.ends_with("/rest/info"))
        .collect();
    assert_eq!(services.len(), 1, "one request: {services:?}");
    assert!(services[0].path.ends_with("/FeatureServer/layers"));

    // No editingInfo on the foreign server: judged by an object-id fingerprint, not volatile.
    let trails = client.item(svc::PUBLIC_TRAILS_ITEM_ID).await.unwrap();
    let markers = change_markers(&client, &trails.item).await.unwrap();
    assert!(!markers.volatile);
    let fp = markers.layers["0"]
        .fingerprint
        .clone()
        .expect("a fingerprint");
    assert!(fp.starts_with("ids:30:"), "{fp}");
    // A plain item: just `modified`.
    let pdf = client.item(&sample::item_id("pdf")).await.unwrap();
    let m = change_markers(&client, &pdf.item).await.unwrap();
    assert!(m.layers.is_empty() && !m.volatile);
}

/// Fetches with a progress callback that may arm fault knobs at a chosen moment.
async fn fetch_hooked(
    client: &Client,
    id: &str,
    hook: &(dyn Fn(ItemProgress) + Send + Sync),
) -> agol_tui::client::Result<Fetched> {
    let record = client.item(id).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut archive = ItemArchiveWriter::create(&dir.path().join("a.zip")).unwrap();
    let options = FetchOptions::new(dir.path().join("spool"));
    fetch_item(client, &record, &mut archive, &options, hook).await
}

#[tokio::test]
async fn truncated_pages_and_503s_are_survived() {
    let fake = fake().await;
    let client = admin(&fake);
    client.sign_in().await.unwrap();
    // The first feature page (right after the layer's count is known) comes back cut in half.
    let armed = Mutex::new(false);
    let hook = |p: ItemProgress| {
        let mut armed = armed.lock().unwrap();
        if p.features_total.is_some() && !*armed {
            *armed = true;
            fake.truncate_next(1);
        }
    };
    fake.clear_requests();
    let got = fetch_hooked(&client, svc::HYDRANTS_ITEM_ID, &hook)
        .await
        .unwrap();
    assert_eq!(got.feature_counts["0"], 450);
    let first_pages = fake
        .requests()
        .into_iter()
        .filter(|r| {
            r.path.ends_with("/0/query")
                && r.params.get("resultOffset").map(String::as_str) == Some("0")
        })
        .count();
    assert_eq!(first_pages, 2, "the cut page was asked for again");

    // Two 503s on the first feature page of the table.
    let armed = Mutex::new(false);
    let hook = |p: ItemProgress| {
        let mut armed = armed.lock().unwrap();
        if p.features_total.unwrap_or(0) > 500 && !*armed {
            *armed = true;
            fake.fail_next(2, 503);
        }
    };
    fake.clear_requests();
    let got = fetch_hooked(&client, svc::HYDRANTS_ITEM_ID, &hook)
        .await
        .unwrap();
    assert_eq!(got.feature_counts["5"], 120);
    assert_eq!(
        fake.requests().iter().filter(|r| r.status == 503).count(),
        2
    );

    // A truncated JSON data body is downloaded again, never stored cut.
    fake.clear_requests();
    let record = client.item(&sample::item_id("webmap")).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.zip");
    let mut archive = ItemArchiveWriter::create(&path).unwrap();
    fake.truncate_next(1);
    let options = FetchOptions::new(dir.path().join("spool"));
    fetch_item(&client, &record, &mut archive, &options, &|_| {})
        .await
        .unwrap();
    archive.finish(serde_json::json!({})).unwrap();
    let entries = read_zip(&path);
    let data: Value = serde_json::from_slice(&entries["data.json"]).expect("whole JSON");
    assert!(data["operationalLayers"].is_array());
    let data_requests = common::requests_ending(&fake, "/data");
    assert_eq!(data_requests.len(), 2, "downloaded twice");

    // Data that keeps coming back cut fails the item after three attempts.
    fake.clear_requests();
    fake.truncate_next(3);
    let dir = tempfile::tempdir().unwrap();
    let mut archive = ItemArchiveWriter::create(&dir.path().join("b.zip")).unwrap();
    let err = fetch_item(&client, &record, &mut archive, &options, &|_| {})
        .await
        .expect_err("never stored cut");
    assert!(err.to_string().contains("middle of the document"), "{err}");
    assert_eq!(common::requests_ending(&fake, "/data").len(), 3);
}

#[tokio::test]
async fn geojson_and_no_attachments() {
    let fake = fake().await;
    let client = admin(&fake);
    let options = FetchOptions {
        geojson: true,
        attachments: false,
        ..FetchOptions::new("x")
    };
    let f = fetch_with(&client, svc::HYDRANTS_ITEM_ID, options).await;
    let got = f.ok();
    for (layer, n) in [("0", 450), ("2", 50), ("5", 120)] {
        let g = f.json(&format!("layers/{layer}.geojson"));
        assert_eq!(g["type"], "FeatureCollection");
        assert_eq!(g["features"].as_array().unwrap().len(), n);
    }
    assert!(got.attachment_counts.is_empty());
    assert!(!f.has("layers/0/attachments.json"));
    assert!(
        got.notes
            .iter()
            .any(|n| n.contains("attachments not requested"))
    );
    let parcels = fetch_with(
        &client,
        svc::PARCELS_NO_PAGING_ITEM_ID,
        FetchOptions {
            geojson: true,
            ..FetchOptions::new("x")
        },
    )
    .await;
    assert_eq!(
        parcels.json("layers/0.geojson")["features"]
            .as_array()
            .unwrap()
            .len(),
        300
    );
}

#[tokio::test]
async fn dependencies_of_maps_apps_dashboards_and_forms() {
    let fake = fake().await;
    let client = admin(&fake);
    let deps = |label: &str| {
        let client = client.clone();
        let id = sample::item_id(label);
        async move {
            let record = client.item(&id).await.unwrap();
            dependencies(&client, &record).await.unwrap()
        }
    };
    assert_eq!(
        deps("webmap").await,
        vec![svc::HYDRANTS_ITEM_ID.to_string()]
    );
    let app = deps("app").await;
    assert_eq!(
        app,
        vec![sample::item_id("webmap"), sample::item_id("code")]
    );
    let dash = deps("dashboard").await;
    assert!(dash.contains(&sample::item_id("webmap")));
    assert!(dash.contains(&svc::HYDRANTS_ITEM_ID.to_string()));
    assert_eq!(dash.len(), 2);
    assert_eq!(
        deps("form").await,
        vec![svc::FIELD_INSPECTIONS_ITEM_ID.to_string()]
    );
    assert_eq!(deps("storymap").await, vec![sample::item_id("webmap")]);
    assert!(deps("csv").await.is_empty());
}

#[tokio::test]
async fn export_downloads_and_deletes_the_temp_item() {
    let fake = fake().await;
    let client = admin(&fake);
    let before = fake.items().len();
    let options = FetchOptions {
        export: Some("File Geodatabase".into()),
        ..FetchOptions::new("x")
    };
    let f = fetch_with(&client, svc::HYDRANTS_ITEM_ID, options).await;
    f.ok();
    let exported: Vec<_> = f
        .names()
        .into_iter()
        .filter(|n| n.starts_with("export/"))
        .collect();
    assert_eq!(exported.len(), 1, "{:?}", f.names());
    assert!(exported[0].ends_with(".zip"));
    assert_eq!(fake.items().len(), before, "the temp item is gone");
    assert!(
        !fake
            .items()
            .iter()
            .any(|i| i.title.starts_with("agol-tui-export-temp"))
    );
    let deletes = common::requests_ending(&fake, "/delete");
    assert_eq!(deletes.len(), 1);
    assert_eq!(deletes[0].params["permanentDelete"], "true");
    let export = &common::requests_ending(&fake, "/export")[0];
    assert_eq!(export.params["tags"], "agol-tui-export-temp");

    // A non-feature item: nothing exported, a note.
    let csv = fetch_with(
        &client,
        &sample::item_id("csv"),
        FetchOptions {
            export: Some("CSV".into()),
            ..FetchOptions::new("x")
        },
    )
    .await;
    assert!(
        csv.ok()
            .notes
            .iter()
            .any(|n| n.starts_with("export skipped"))
    );

    // Not the owner and no Extract capability: skipped with a note, nothing created.
    let publisher = common::password_client(
        &fake,
        sample::PUBLISHER_USERNAME,
        sample::PUBLISHER_PASSWORD,
    );
    let trails = fetch_with(
        &publisher,
        svc::PUBLIC_TRAILS_ITEM_ID,
        FetchOptions {
            export: Some("CSV".into()),
            ..FetchOptions::new("x")
        },
    )
    .await;
    assert!(
        trails
            .ok()
            .notes
            .iter()
            .any(|n| n.starts_with("export skipped")),
        "{:?}",
        trails.ok().notes
    );
    assert_eq!(fake.items().len(), before);
}

#[tokio::test]
async fn an_export_that_times_out_still_deletes_its_temp_item() {
    let fake = fake().await;
    let client = admin(&fake);
    let before = fake.items().len();
    let options = FetchOptions {
        export: Some("Shapefile".into()),
        export_timeout: std::time::Duration::ZERO,
        ..FetchOptions::new("x")
    };
    let f = fetch_with(&client, svc::PARCELS_NO_PAGING_ITEM_ID, options).await;
    let err = f.result.expect_err("the export did not finish in time");
    assert!(err.to_string().contains("did not finish"), "{err}");
    assert_eq!(fake.items().len(), before, "the temp item was deleted");
    assert_eq!(common::requests_ending(&fake, "/delete").len(), 1);
}

#[tokio::test]
async fn a_failed_download_after_export_still_deletes_and_leftovers_are_swept() {
    let fake = fake().await;
    let client = admin(&fake);
    client.sign_in().await.unwrap();
    // Leave a temp item behind as a killed run would.
    let started: Value = client
        .json(
            agol_tui::client::request::Call::post(format!(
                "{}/content/users/{}/export",
                fake.sharing_url(),
                sample::ADMIN_USERNAME
            ))
            .param("itemId", svc::HYDRANTS_ITEM_ID)
            .param("exportFormat", "CSV")
            .param("title", "agol-tui-export-temp leftover")
            .param("tags", "agol-tui-export-temp"),
        )
        .await
        .unwrap();
    let left = started["exportItemId"].as_str().unwrap().to_string();
    assert!(fake.items().iter().any(|i| i.id == left));
    let n = sweep_export_leftovers(&client, sample::ADMIN_USERNAME)
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert!(!fake.items().iter().any(|i| i.id == left));
}

#[tokio::test]
async fn fetching_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let fake = fake().await;
    let client = admin(&fake);
    let record = client.item(&sample::item_id("pdf")).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut archive = ItemArchiveWriter::create(&dir.path().join("a.zip")).unwrap();
    let options = FetchOptions::new(dir.path().join("spool"));
    let progress = |_: ItemProgress| {};
    let fut = fetch_item(&client, &record, &mut archive, &options, &progress);
    assert_send(&fut);
    fake.clear_requests();
    let got = fut.await.unwrap();
    assert_eq!(got.data_kind, DataKind::File);
    let related = common::requests_ending(&fake, "/relatedItems");
    assert_eq!(
        related.len(),
        2,
        "one request per direction when nothing is related"
    );
    assert!(related[0].params["relationshipTypes"].contains("Map2Service,"));
    // The web map has one forward and one reverse relationship: the type lists are halved.
    fake.clear_requests();
    let wm = fetch(&client, &sample::item_id("webmap")).await;
    let rel = wm.json("relationships.json");
    assert_eq!(
        rel["forward"]["Map2Service"],
        serde_json::json!([svc::HYDRANTS_ITEM_ID])
    );
    assert_eq!(
        rel["forward"]["Map2AppConfig"],
        serde_json::json!([sample::item_id("app")])
    );
    let n = common::requests_ending(&fake, "/relatedItems").len();
    assert!(n <= 24, "{n} relatedItems requests");
}
