//! Restoring `.contentexport` packages: staging (per docs/contentexport.md "Reading"), then the
//! restore engine over loopback HTTP into an empty fake org, and `restore --package` on the CLI.
//! Packages are laid out here the way Esri's export writes them, then tar-gz'ed.

mod common;
mod package_common;
mod restore_common;

use std::collections::BTreeMap;
use std::path::Path;

use agol_tui::engine::archive::destination::Destination;
use agol_tui::engine::archive::manifest::{Manifest, ManifestItem, Outcome};
use agol_tui::engine::package::import::{Staged, stage, stage_with_cancel};
use agol_tui::engine::package::reader::ReadLimits;
use agol_tui::engine::restore::plan::OnConflict;
use agol_tui::engine::restore::source::ItemArchive;
use package_common::*;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

fn staged_manifest(s: &Staged) -> Manifest {
    Destination::open_existing(&s.dest)
        .unwrap()
        .snapshot(Some(&s.snapshot))
        .unwrap()
        .manifest()
        .unwrap()
}

fn by_id(m: &Manifest) -> BTreeMap<String, ManifestItem> {
    m.items.iter().map(|i| (i.id.clone(), i.clone())).collect()
}

fn open(s: &Staged, m: &ManifestItem) -> ItemArchive {
    let snap = Destination::open_existing(&s.dest)
        .unwrap()
        .snapshot(Some(&s.snapshot))
        .unwrap();
    ItemArchive::open(&snap.dir.join(m.archive.as_ref().unwrap())).unwrap()
}

/// Stages `package` under `dir/staging` with the default limits.
fn stage_in(dir: &Path, package: &Path) -> Staged {
    stage(package, &dir.join("staging"), &ReadLimits::default()).unwrap()
}

fn stage_sample(dir: &Path) -> (std::path::PathBuf, Staged) {
    let layout = sample(&dir.join("layout"), "hydrants_pkg");
    let package = layout.pack(dir);
    let staged = stage_in(dir, &package);
    (package, staged)
}

#[test]
fn staging_converts_every_item_per_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    // A scratch folder a killed staging run left (its pid no longer runs) is removed.
    let stale = dir
        .path()
        .join("staging/.extract-0123456789abcdef-4000000000");
    std::fs::create_dir_all(stale.join("x")).unwrap();
    let (package, staged) = stage_sample(dir.path());
    assert!(!stale.exists(), "stale scratch removed");
    assert!(!staged.reused);
    assert_eq!(staged.items, 6);
    let m = staged_manifest(&staged);
    assert_eq!(m.portal, SOURCE);
    assert!(
        m.options["package_sha256"]
            .as_str()
            .is_some_and(|s| s.starts_with(
                &staged
                    .dest
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .to_string()
            )),
        "{:?}",
        m.options
    );
    assert_eq!(m.options["package_name"], "hydrants_pkg");
    let items = by_id(&m);

    let missing = &items[MISSING];
    assert_eq!(missing.outcome, Outcome::Failed);
    assert!(
        missing
            .reason
            .as_deref()
            .unwrap()
            .contains("not in the package"),
        "{missing:?}"
    );
    for id in [HYD, VIEW, MAP, CSV, APP] {
        assert_eq!(items[id].outcome, Outcome::Ok, "{:?}", items[id]);
        assert_eq!(items[id].owner, "jdoe_acme");
    }

    // Web map: item.json without the package keys, data, thumbnail, metadata, relationships.
    let mut a = open(&staged, &items[MAP]);
    let item = a.json("item.json").unwrap().unwrap();
    assert!(item.get("origin_item_type").is_none());
    assert_eq!(item["title"], "Hydrant map");
    let data = a.json("data.json").unwrap().unwrap();
    assert_eq!(data["operationalLayers"][0]["itemId"], HYD);
    assert!(a.has("thumbnail/hydrant_map.png"));
    assert!(a.has("metadata/metadata.xml"));
    assert_eq!(
        a.json("relationships.json").unwrap().unwrap(),
        json!({"forward": {"Map2Service": [HYD]}, "reverse": {}})
    );

    // CSV: the one data file under its name.
    let mut a = open(&staged, &items[CSV]);
    assert!(
        String::from_utf8(a.read("data/hydrants.csv").unwrap())
            .unwrap()
            .starts_with("name,x,y")
    );

    // App: resources at their full paths.
    let mut a = open(&staged, &items[APP]);
    assert_eq!(
        a.names_under("resources/"),
        vec!["resources/config/x.json", "resources/images/a.png"]
    );
    assert_eq!(
        a.json("resources/config/x.json").unwrap().unwrap()["map"],
        MAP
    );

    // Hosted service: service.json and layers/0.json from flc_props, no data.
    let mut a = open(&staged, &items[HYD]);
    assert_eq!(
        a.json("service.json").unwrap().unwrap()["maxRecordCount"],
        2000
    );
    assert_eq!(
        a.json("layers/0.json").unwrap().unwrap()["name"],
        "Hydrants"
    );
    assert!(a.names_under("export/").is_empty());

    // View: service.json, layers/0.json and sources.json naming the source service.
    let mut a = open(&staged, &items[VIEW]);
    assert!(a.has("service.json") && a.has("layers/0.json"));
    let sources = a.json("sources.json").unwrap().unwrap();
    assert_eq!(sources["services"][0]["url"], HYD_URL);
    assert_eq!(sources["services"][0]["name"], "Hydrants");

    // The same package again: the complete staged snapshot is reused.
    let again = stage(
        &package,
        &dir.path().join("staging"),
        &ReadLimits::default(),
    )
    .unwrap();
    assert!(again.reused);
    assert_eq!(
        (again.dest, again.snapshot),
        (staged.dest.clone(), staged.snapshot.clone())
    );
    assert!(
        Destination::open_existing(&staged.dest)
            .unwrap()
            .partials()
            .is_empty()
    );
}

#[test]
fn agol_tui_entries_override_and_exports_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let l = sample(&dir.path().join("layout"), "ours");
    add_fgdb_service(&l);
    // Our writer's lossless parts: features, a service definition, a full-path resource.
    l.json(
        &format!("{HYD}/agol-tui/service.json"),
        &json!({"maxRecordCount": 1234, "capabilities": "Query"}),
    );
    l.json(
        &format!("{HYD}/agol-tui/layers/0.features.json"),
        &json!({"objectIdFieldName": "OBJECTID", "features": [
            {"attributes": {"OBJECTID": 1, "NAME": "H1"}, "geometry": {"x": 1.0, "y": 2.0}},
            {"attributes": {"OBJECTID": 2, "NAME": "H2"}, "geometry": {"x": 3.0, "y": 4.0}}]}),
    );
    l.json(
        &format!("{APP}/resources/resources.json"),
        &json!({"a/dup.json": {}, "b/dup.json": {}}),
    );
    l.put(&format!("{APP}/resources/dup.json"), "{\"which\":\"base\"}");
    l.put(
        &format!("{APP}/agol-tui/resources/a/dup.json"),
        "{\"which\":\"a\"}",
    );
    l.put(
        &format!("{APP}/agol-tui/resources/b/dup.json"),
        "{\"which\":\"b\"}",
    );
    let package = l.pack(dir.path());
    let staged = stage_in(dir.path(), &package);
    let m = staged_manifest(&staged);
    let items = by_id(&m);

    let hyd = &items[HYD];
    assert_eq!(hyd.feature_counts.get("0"), Some(&2), "{hyd:?}");
    let mut a = open(&staged, hyd);
    assert_eq!(
        a.json("service.json").unwrap().unwrap()["maxRecordCount"],
        1234
    );
    assert!(a.has("layers/0.features.json"));

    let mut a = open(&staged, &items[APP]);
    assert_eq!(
        a.json("resources/a/dup.json").unwrap().unwrap()["which"],
        "a"
    );
    assert_eq!(
        a.json("resources/b/dup.json").unwrap().unwrap()["which"],
        "b"
    );

    let mut a = open(&staged, &items[FGDB_SVC]);
    assert!(a.has("export/Valves.zip"));
    let desc = a.json("archive.json").unwrap().unwrap();
    assert_eq!(desc["export"]["data_item_type"], "File Geodatabase");
}

#[test]
fn a_broken_item_fails_with_the_file_named_and_the_rest_is_staged() {
    let dir = tempfile::tempdir().unwrap();
    let l = sample(&dir.path().join("layout"), "broken");
    l.put(&format!("{CSV}/properties.json"), "{ not json");
    l.remove(&format!("{APP}/properties.json"));
    let package = l.pack(dir.path());
    let staged = stage_in(dir.path(), &package);
    let items = by_id(&staged_manifest(&staged));
    let csv = items[CSV].reason.clone().unwrap();
    assert!(
        csv.contains(CSV) && csv.contains("properties.json") && csv.contains("not valid JSON"),
        "{csv}"
    );
    let app = items[APP].reason.clone().unwrap();
    assert!(app.contains("properties.json is missing"), "{app}");
    assert_eq!(items[MAP].outcome, Outcome::Ok);
}

/// What Esri's export writes for the sample fake org: a view whose relationships and graph do not
/// name its source (only its layers' `adminLayerInfo` does), and JSON data with raw control
/// characters in a string (the restore escapes them).
#[test]
fn a_view_found_by_admin_layer_info_and_raw_controls_in_data() {
    let dir = tempfile::tempdir().unwrap();
    let l = sample(&dir.path().join("layout"), "quirks");
    l.json(
        &format!("{VIEW}/relationships.json"),
        &json!({"contains": [], "requires": [], "contained_by": [], "required_by": [], "related_items": {}}),
    );
    let graph = std::fs::read_to_string(l.dir.join(&l.name).join("graph.gml")).unwrap();
    l.put(
        "graph.gml",
        graph.replace("  edge [\n    source 1\n    target 0\n  ]\n", ""),
    );
    let mut vl = layer_def(0, "Hydrants");
    vl["adminLayerInfo"] = json!({"viewLayerDefinition": {"table": {"name": "Hydrants",
        "sourceServiceName": "Hydrants", "sourceLayerId": 0, "sourceLayerFields": "*"}}});
    l.json(&format!("{VIEW}/data/layer_0_props.json"), &vl);
    l.put(
        &format!("{MAP}/data/structure.json"),
        "{\"operationalLayers\":[],\"baseMap\":{\"title\":\"Notes\tmap\u{1}\"}}",
    );
    let package = l.pack(dir.path());
    let staged = stage_in(dir.path(), &package);
    let items = by_id(&staged_manifest(&staged));
    let mut a = open(&staged, &items[VIEW]);
    let sources = a.json("sources.json").unwrap().expect("sources.json");
    assert_eq!(sources["services"][0]["url"], HYD_URL);
    assert_eq!(items[MAP].outcome, Outcome::Ok, "{:?}", items[MAP].reason);
}

#[test]
fn a_hostile_package_errors_and_stages_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let package = hostile_package(dir.path(), "evil");
    let staging = dir.path().join("staging");
    let err = stage(&package, &staging, &ReadLimits::default()).unwrap_err();
    assert!(err.contains("..") || err.contains("refused"), "{err}");
    let left: Vec<_> = std::fs::read_dir(&staging)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "staging left {left:?}");
    assert!(!dir.path().join("evil.txt").exists());
}

fn options(dest: &Path) -> agol_tui::engine::restore::run::RestoreOptions {
    restore_common::options(dest, OnConflict::Skip)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_package_restores_into_an_empty_org() {
    let dir = tempfile::tempdir().unwrap();
    let (_, staged) = stage_sample(dir.path());
    let b = common::empty_fake().await;
    let before = b.items().len();

    // Dry run: a plan, nothing written; the missing item shows as one that cannot be restored.
    let mut dry = options(&staged.dest);
    dry.dry_run = true;
    let report = restore_common::restore(&b, &dry, &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(b.items().len(), before, "a dry run creates nothing");
    assert_eq!(report.plan.items.len(), 5);
    assert!(
        report
            .plan
            .not_in_snapshot
            .iter()
            .any(|n| n.contains(MISSING)),
        "{:?}",
        report.plan.not_in_snapshot
    );
    assert!(report.plan.render().contains("cannot   Lost item"));

    // The real run.
    let report = restore_common::restore(&b, &options(&staged.dest), &CancellationToken::new())
        .await
        .unwrap();
    let failed: Vec<_> = report
        .outcomes
        .iter()
        .filter(|o| o.outcome != Outcome::Ok)
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(b.items().len(), before + 5);
    let remap = report.plan.remap.clone();
    let new = |old: &str| remap.ids.get(old).cloned().unwrap();
    let hyd_out = report.outcomes.iter().find(|o| o.old_id == HYD).unwrap();
    assert!(
        hyd_out
            .notes
            .iter()
            .any(|n| n.contains("no feature data in the package")),
        "{:?}",
        hyd_out.notes
    );
    let new_hyd_url = remap.urls.get(HYD_URL).cloned().expect("HYD URL remapped");

    // Back the target up and look at what it holds.
    let back = tempfile::tempdir().unwrap();
    let backup = restore_common::backup_all(&b, back.path()).await;
    let items: BTreeMap<String, ManifestItem> = backup
        .manifest
        .items
        .iter()
        .map(|i| (i.id.clone(), i.clone()))
        .collect();
    let arch = |old: &str| {
        let m = &items[&new(old)];
        ItemArchive::open(&backup.dir.join(m.archive.as_ref().unwrap())).unwrap()
    };

    let mut map = arch(MAP);
    let item = map.json("item.json").unwrap().unwrap();
    assert_eq!(item["title"], "Hydrant map");
    assert_eq!(item["snippet"], "Hydrant map snippet");
    let data = map.json("data.json").unwrap().unwrap();
    assert_eq!(data["operationalLayers"][0]["itemId"], new(HYD));
    assert_eq!(
        data["operationalLayers"][0]["url"],
        format!("{new_hyd_url}/0")
    );
    assert!(
        !map.read("data.json")
            .unwrap()
            .windows(HYD.len())
            .any(|w| w == HYD.as_bytes())
    );
    assert!(!map.names_under("thumbnail/").is_empty(), "thumbnail");
    assert!(
        String::from_utf8(map.read("metadata/metadata.xml").unwrap())
            .unwrap()
            .contains("Hydrants")
    );
    let rels = map.json("relationships.json").unwrap().unwrap();
    assert_eq!(rels["forward"]["Map2Service"], json!([new(HYD)]));

    let mut app = arch(APP);
    assert_eq!(
        app.json("data.json").unwrap().unwrap()["values"]["webmap"],
        new(MAP)
    );
    assert_eq!(
        app.names_under("resources/"),
        vec!["resources/config/x.json", "resources/images/a.png"]
    );
    assert_eq!(
        app.json("resources/config/x.json").unwrap().unwrap()["map"],
        new(MAP)
    );

    let mut csv = arch(CSV);
    let item = csv.json("item.json").unwrap().unwrap();
    assert_eq!(item["type"], "CSV");
    let data_names = csv.names_under("data/");
    assert_eq!(data_names.len(), 1, "{data_names:?}");
    assert!(
        String::from_utf8(csv.read(&data_names[0]).unwrap())
            .unwrap()
            .contains("H2,-122.5,37.8")
    );

    let mut hyd = arch(HYD);
    assert_eq!(
        hyd.json("layers/0.json").unwrap().unwrap()["name"],
        "Hydrants"
    );
    assert_eq!(items[&new(HYD)].feature_counts.get("0"), Some(&0));

    let mut view = arch(VIEW);
    let sources = view.json("sources.json").unwrap().unwrap();
    let text = sources.to_string();
    assert!(
        text.contains(&new_hyd_url) || text.contains(&new(HYD)),
        "the view reads from the restored service: {text}"
    );

    // A rerun restores nothing twice.
    let again = restore_common::restore(&b, &options(&staged.dest), &CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(b.items().len(), before + 5, "no duplicates");
    assert!(
        again.outcomes.iter().all(|o| o.outcome == Outcome::Skipped),
        "{:#?}",
        again.outcomes
    );
}

/// A File Geodatabase the fake exported (as Esri's package export gets it) is put into a package
/// with `data_item_type`, restored by publishing (`publish` + `status?jobType=publish`), and the
/// upload deleted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_exported_service_is_restored_by_publishing() {
    use agol_tui::engine::backup::run::{BackupOptions, run_backup};
    use agol_tui::engine::progress::NullSink;
    // Org A exports its Hydrants service as a File Geodatabase.
    let a = common::fake().await;
    let hyd = a
        .items()
        .into_iter()
        .find(|i| i.title == "Hydrants" && i.item_type == "Feature Service")
        .unwrap();
    let client = common::admin(&a);
    let me = client.community_self().await.unwrap();
    let adir = tempfile::tempdir().unwrap();
    let backup = run_backup(
        &client,
        &me,
        &agol_tui::engine::selection::Selection {
            ids: vec![hyd.id.clone()],
            ..Default::default()
        },
        &BackupOptions {
            dest: adir.path().to_path_buf(),
            workers: 1,
            full: true,
            with_dependencies: false,
            geojson: false,
            thumbnails: true,
            attachments: false,
            export: Some("File Geodatabase".into()),
        },
        &NullSink,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    let m = backup.manifest.items[0].clone();
    let mut za = ItemArchive::open(&backup.dir.join(m.archive.as_ref().unwrap())).unwrap();
    let export = za
        .names_under("export/")
        .first()
        .cloned()
        .expect("an export");
    let fgdb = za.read(&export).unwrap();
    let mut props = za.json("item.json").unwrap().unwrap();
    let service = za.json("service.json").unwrap().unwrap();
    let mut layers = Vec::new();
    let mut tables = Vec::new();
    for n in za.names_under("layers/") {
        let id = n.trim_start_matches("layers/").trim_end_matches(".json");
        if id.contains('/') || id.contains('.') {
            continue;
        }
        let def = za.json(&n).unwrap().unwrap();
        if def["type"] == "Table" {
            tables.push(def);
        } else {
            layers.push(def);
        }
    }
    // A layer-level extra that differs from what publishing yields: applied afterwards.
    layers[0]["description"] = json!("described in the package");
    let mut flc = service.clone();
    flc["layers"] = json!(layers);
    flc["tables"] = json!(tables);

    // The package: the sample plus that service, as Esri's export writes it.
    let dir = tempfile::tempdir().unwrap();
    let l = sample(&dir.path().join("layout"), "with_fgdb");
    let mut manifest: Value =
        serde_json::from_slice(&std::fs::read(l.dir.join(&l.name).join("manifest.json")).unwrap())
            .unwrap();
    manifest["items"][&hyd.id] = json!({"title": "Hydrants", "type": "Feature Service",
        "created": 1_700_000_000_000i64, "source": a.url()});
    l.json("manifest.json", &manifest);
    props["origin_item_type"] = json!("ServiceItem");
    props["data_item_type"] = json!("File Geodatabase");
    l.json(&format!("{}/properties.json", hyd.id), &props);
    l.json(
        &format!("{}/relationships.json", hyd.id),
        &json!({"contains": [], "requires": [], "contained_by": [], "required_by": [], "related_items": {}}),
    );
    l.json(&format!("{}/data/flc_props.json", hyd.id), &flc);
    l.put(
        &format!("{}/data/{}", hyd.id, export.trim_start_matches("export/")),
        &fgdb,
    );
    let package = l.pack(dir.path());
    let staged = stage_in(dir.path(), &package);

    let b = common::empty_fake().await;
    let report = restore_common::restore(&b, &options(&staged.dest), &CancellationToken::new())
        .await
        .unwrap();
    let out = report.outcomes.iter().find(|o| o.old_id == hyd.id).unwrap();
    assert_eq!(out.outcome, Outcome::Ok, "{out:#?}");
    assert!(
        out.notes.iter().any(|n| n.contains("was deleted")),
        "{:?}",
        out.notes
    );
    assert_eq!(common::requests_ending(&b, "/publish").len(), 1);
    let new_id = out.new_id.clone().unwrap();
    let items = b.items();
    let svc = items.iter().find(|i| i.id == new_id).unwrap();
    assert_eq!(svc.title, "Hydrants", "the item got the archived title");
    assert!(
        !items.iter().any(|i| i.item_type == "File Geodatabase"),
        "the uploaded FGDB item is deleted"
    );
    // Every layer holds what org A exported.
    let new_url = report
        .plan
        .remap
        .urls
        .values()
        .find(|u| u.contains("/Hydrants"))
        .cloned()
        .unwrap();
    let bc = common::admin(&b);
    for (layer, want) in &m.feature_counts {
        let got = bc
            .feature_count(&format!("{new_url}/{layer}"))
            .await
            .unwrap();
        assert_eq!(got, *want, "layer {layer}");
    }
    let first = layers[0]["id"].as_i64().unwrap();
    let live: Value = bc
        .json(agol_tui::client::request::Call::get(format!(
            "{new_url}/{first}"
        )))
        .await
        .unwrap();
    assert_eq!(live["description"], "described in the package", "{live}");
    // A rerun does not publish again.
    let again = restore_common::restore(&b, &options(&staged.dest), &CancellationToken::new())
        .await
        .unwrap();
    assert!(again.outcomes.iter().all(|o| o.outcome == Outcome::Skipped));
    assert_eq!(common::requests_ending(&b, "/publish").len(), 1);

    // On ArcGIS Enterprise, --preserve-ids keeps the original id of a published service too
    // (publish takes itemIdToCreate, §8), as it does for every other item.
    let c = common::fake_with(agol_tui::fake::FakeConfig {
        empty_org: true,
        enterprise: true,
        ..agol_tui::fake::FakeConfig::default()
    })
    .await;
    let mut opts = options(&staged.dest);
    opts.tuning.preserve_ids = true;
    let report = restore_common::restore(&c, &opts, &CancellationToken::new())
        .await
        .unwrap();
    let out = report.outcomes.iter().find(|o| o.old_id == hyd.id).unwrap();
    assert_eq!(out.outcome, Outcome::Ok, "{out:#?}");
    assert_eq!(
        out.new_id.as_deref(),
        Some(hyd.id.as_str()),
        "--preserve-ids keeps the published service's id"
    );

    // Overwriting the service restored earlier (journal) cannot load an FGDB export into it:
    // that is a failure naming the way out, not an `ok` with the old rows left in place.
    let report = restore_common::restore(
        &b,
        &restore_common::options(&staged.dest, OnConflict::Overwrite),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    let out = report.outcomes.iter().find(|o| o.old_id == hyd.id).unwrap();
    assert_eq!(out.outcome, Outcome::Failed, "{out:#?}");
    let reason = out.reason.clone().unwrap_or_default();
    assert!(
        reason.contains("--on-conflict copy") && reason.contains(".zip"),
        "{reason}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_package_on_the_command_line() {
    let b = common::empty_fake().await;
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let layout = sample(&dir.path().join("layout"), "cli_pkg");
    let package = layout.pack(dir.path());
    let pkg = package.to_str().unwrap();
    let staging = dir.path().join("staging");
    let staging_s = staging.to_str().unwrap();

    // --package conflicts with --dest.
    let out = common::run(common::agol(
        &b,
        home.path(),
        &["restore", "--package", pkg, "--dest", staging_s, "--all"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", common::text(&out));

    let out = common::run(common::agol(
        &b,
        home.path(),
        &[
            "restore",
            "--package",
            pkg,
            "--staging",
            staging_s,
            "--dry-run",
        ],
    ))
    .await;
    let text = common::text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        stdout.starts_with(&format!("staged 6 items from {pkg}\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains("restore plan:") && stdout.contains("dry run"),
        "{stdout}"
    );
    assert!(b.items().is_empty() || b.items().iter().all(|i| i.title != "Hydrant map"));

    let out = common::run(common::agol(
        &b,
        home.path(),
        &["restore", "--package", pkg, "--staging", staging_s],
    ))
    .await;
    let text = common::text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains(&format!("staged 6 items from {pkg} (reused)")),
        "{text}"
    );
    assert!(text.contains("5 restored"), "{text}");
    assert!(b.items().iter().any(|i| i.title == "Hydrant map"));

    // The staged snapshot restores with --dest too (the journal sees everything done).
    let dest = std::fs::read_dir(&staging)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .unwrap();
    let out = common::run(common::agol(
        &b,
        home.path(),
        &[
            "restore",
            "--dest",
            dest.to_str().unwrap(),
            "--all",
            "--json",
        ],
    ))
    .await;
    let text = common::text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    // The JSON report comes first on stdout (the summary line follows it).
    let v: Value = serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter::<Value>()
        .next()
        .unwrap()
        .unwrap();
    assert!(
        v["outcomes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["outcome"] == "skipped"),
        "{v}"
    );
}

/// The client side of publishing, against a stand-in that answers exactly the shape the fake
/// will (`{"services":[{type, serviceurl, size, jobId, serviceItemId, encodedServiceURL}]}`)
/// until the fake portal has `publish` itself.
#[tokio::test]
async fn publish_and_its_status_are_sent_and_read() {
    use std::sync::{Arc, Mutex};
    let seen = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
    let recorded = seen.clone();
    let app = axum::Router::new().fallback(
        move |uri: axum::http::Uri, body: axum::body::Bytes| {
            let recorded = recorded.clone();
            async move {
                let path = uri.path().to_string();
                let query = uri.query().unwrap_or("").to_string();
                let body = String::from_utf8_lossy(&body).to_string();
                recorded
                    .lock()
                    .unwrap()
                    .push((path.clone(), format!("{query}&{body}")));
                let v = if path.ends_with("/publish") {
                    json!({"services": [{"type": "Feature Service",
                        "serviceurl": "http://h/arcgis/rest/services/Valves/FeatureServer",
                        "size": 1024, "jobId": "job-1", "serviceItemId": "9".repeat(32),
                        "encodedServiceURL": "http://h/arcgis/rest/services/Valves/FeatureServer"}]})
                } else if path.ends_with("/status") {
                    json!({"status": "failed", "statusMessage": "bad gdb", "itemId": "9".repeat(32)})
                } else {
                    json!({"error": {"code": 404, "message": "not here"}})
                };
                axum::Json(v)
            }
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/portal", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = agol_tui::client::Client::builder(
        agol_tui::client::PortalUrl::parse(&base, false).unwrap(),
    )
    .retry(agol_tui::client::RetryPolicy::fast())
    .build()
    .unwrap();
    let published = client
        .publish_item(
            "jdoe",
            Some("f0"),
            &"8".repeat(32),
            "fileGeodatabase",
            &json!({"name": "Valves_1"}),
            None,
        )
        .await
        .unwrap();
    assert_eq!(published.service_item_id, "9".repeat(32));
    assert_eq!(
        published.service_url,
        "http://h/arcgis/rest/services/Valves/FeatureServer"
    );
    assert_eq!(published.job_id.as_deref(), Some("job-1"));
    // A failed job reads as an error carrying the portal's message.
    let failed = client
        .job_status("jdoe", &published.service_item_id, Some("job-1"), "publish")
        .await
        .unwrap_err();
    assert!(failed.to_string().contains("bad gdb"), "{failed}");
    let seen = seen.lock().unwrap().clone();
    let (path, params) = &seen[0];
    assert_eq!(path, "/portal/sharing/rest/content/users/jdoe/f0/publish");
    for p in [
        format!("itemId={}", "8".repeat(32)),
        "filetype=fileGeodatabase".to_string(),
        "outputType=featureService".to_string(),
        "publishParameters=%7B%22name%22%3A%22Valves_1%22%7D".to_string(),
    ] {
        assert!(params.contains(&p), "{p} in {params}");
    }
    let (path, params) = &seen[1];
    assert!(
        path.ends_with(&format!("/items/{}/status", "9".repeat(32))),
        "{path}"
    );
    assert!(
        params.contains("jobId=job-1") && params.contains("jobType=publish"),
        "{params}"
    );
}

/// The manifest's item ids are data from the package: an id that is a path (`..`, absolute)
/// must not make staging read files outside the extracted package into a staged archive.
#[test]
fn manifest_ids_that_are_paths_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // A folder outside the package that looks like an item folder, with a "secret" data file.
    let victim = dir.path().join("victim");
    std::fs::create_dir_all(victim.join("data")).unwrap();
    std::fs::write(
        victim.join("properties.json"),
        r#"{"id":"x","title":"Secret","type":"CSV","owner":"jdoe"}"#,
    )
    .unwrap();
    std::fs::write(victim.join("data/secret.csv"), "password,hunter2\n").unwrap();
    let l = sample(&dir.path().join("layout"), "paths");
    let manifest_path = l.dir.join(&l.name).join("manifest.json");
    let mut manifest: Value =
        serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    let abs = victim.to_string_lossy().to_string();
    for bad in [abs.as_str(), "..", "../..", "a/../b"] {
        manifest["items"][bad] = json!({"title": "Secret", "type": "CSV", "source": "https://x"});
    }
    l.json("manifest.json", &manifest);
    let package = l.pack(dir.path());
    let staged = stage_in(dir.path(), &package);
    let items = by_id(&staged_manifest(&staged));
    for bad in [abs.as_str(), "..", "../..", "a/../b"] {
        let m = &items[bad];
        assert_eq!(m.outcome, Outcome::Failed, "{bad:?} must not be staged");
        assert!(m.archive.is_none(), "{bad:?}");
        let reason = m.reason.clone().unwrap();
        assert!(reason.contains("not a valid item id"), "{bad:?}: {reason}");
    }
    assert_eq!(items[MAP].outcome, Outcome::Ok);
}

/// What a GIS admin sees for a package path that cannot be restored: exit 2 (fix the command)
/// and a message that names the file once and the fix; a package that lists no items fails
/// staging (exit 1) instead of going on to an empty restore.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_package_refuses_unusable_paths_with_the_fix_named() {
    let b = common::empty_fake().await;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let folder = dir.path().join("extracted.contentexport");
    std::fs::create_dir_all(&folder).unwrap();
    let zip = dir.path().join("hydrants.zip");
    std::fs::write(&zip, b"PK\x03\x04 not a package").unwrap();
    let empty = Layout::new(&dir.path().join("layout"), "empty");
    empty.json("manifest.json", &json!({"items": {}}));
    let empty = empty.pack(dir.path());
    let missing = dir.path().join("missing.contentexport");
    let cases: [(&Path, i32, &[&str]); 4] = [
        (&missing, 2, &["missing.contentexport", "no such file"]),
        (
            &folder,
            2,
            &["extracted.contentexport", "is a folder", "tar czf"],
        ),
        (&zip, 2, &["hydrants.zip", "NAME.contentexport"]),
        (&empty, 1, &["empty.contentexport", "lists no items"]),
    ];
    for (path, code, wants) in cases {
        let staging = dir.path().join("staging");
        let p = path.to_string_lossy().to_string();
        let st = staging.to_string_lossy().to_string();
        let out = common::run(common::agol(
            &b,
            &home,
            &["restore", "--package", &p, "--staging", &st],
        ))
        .await;
        let text = common::text(&out);
        assert_eq!(out.status.code(), Some(code), "{p}: {text}");
        for w in wants {
            assert!(text.contains(w), "{p}: {w:?} in {text}");
        }
        assert_eq!(
            text.matches(&*path.file_name().unwrap().to_string_lossy())
                .count(),
            1,
            "the file is named once: {text}"
        );
        assert!(!text.contains("staged "), "{text}");
    }
}

/// The sample package with a large (12 MiB) CSV data file, so extracting and converting it take
/// several cancel checks (one every 4 MiB).
fn large_sample(dir: &Path) -> (std::path::PathBuf, u64) {
    let layout = sample(&dir.join("layout"), "big_pkg");
    let mut csv = String::from("id,name,x,y\n");
    let mut n = 0u64;
    while csv.len() < 12 * 1024 * 1024 {
        csv.push_str(&format!(
            "{n},hydrant {n:08},{}.{:06},{}.{:06}\n",
            n % 90,
            n * 7919 % 1_000_000,
            n % 180,
            n * 104_729 % 1_000_000
        ));
        n += 1;
    }
    layout.put(&format!("{CSV}/data/hydrants.csv"), &csv);
    (layout.pack(dir), csv.len() as u64)
}

/// Entries of `root` (none when it does not exist).
fn entries(root: &Path) -> Vec<String> {
    std::fs::read_dir(root)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The size of the CSV being extracted into a scratch folder under `root`, if it exists yet.
fn extracting_csv(root: &Path) -> Option<u64> {
    entries(root)
        .into_iter()
        .filter(|n| n.starts_with(".extract-"))
        .find_map(|n| {
            let f = root
                .join(n)
                .join(format!("big_pkg/{CSV}/data/hydrants.csv"));
            std::fs::metadata(f).ok().map(|m| m.len())
        })
}

/// Whether any `.partial` snapshot under `root` holds an item archive yet.
fn partial_has_archive(dir: &Path, in_partial: bool) -> bool {
    entries(dir).into_iter().any(|n| {
        let p = dir.join(&n);
        if p.is_dir() {
            partial_has_archive(&p, in_partial || n.ends_with(".partial"))
        } else {
            in_partial && n.ends_with(".zip")
        }
    })
}

#[test]
fn a_cancel_before_staging_stages_nothing() {
    use std::sync::atomic::AtomicBool;
    let dir = tempfile::tempdir().unwrap();
    let (package, _) = large_sample(dir.path());
    let root = dir.path().join("staging");
    let err = stage_with_cancel(
        &package,
        &root,
        &ReadLimits::default(),
        &AtomicBool::new(true),
    )
    .unwrap_err();
    assert!(err.contains("cancelled"), "{err}");
    assert!(err.contains("big_pkg.contentexport"), "{err}");
    assert!(entries(&root).is_empty(), "{:?}", entries(&root));
    // Nothing was presented as staged: the next run converts the package.
    let staged = stage(&package, &root, &ReadLimits::default()).unwrap();
    assert!(!staged.reused);
}

/// Another thread cancels once the large file is partly extracted (the staging thread waits for
/// it at its next check, so the test does not depend on timing); extraction stops inside that
/// file and the scratch folder is gone.
#[test]
fn a_cancel_while_extracting_a_large_file_stops_inside_it_and_leaves_nothing() {
    use std::sync::Mutex;
    use std::sync::mpsc;
    let dir = tempfile::tempdir().unwrap();
    let (package, full) = large_sample(dir.path());
    let root = dir.path().join("staging");
    let token = CancellationToken::new();
    let (to_canceller, canceller_rx) = mpsc::channel::<()>();
    let (ack_tx, ack_rx) = mpsc::channel::<()>();
    let canceller = {
        let token = token.clone();
        std::thread::spawn(move || {
            if canceller_rx.recv().is_ok() {
                token.cancel();
                let _ = ack_tx.send(());
            }
        })
    };
    let seen = Mutex::new(None::<u64>);
    let ack_rx = Mutex::new(ack_rx);
    let to_canceller = Mutex::new(Some(to_canceller));
    let hook = || {
        if let Some(len) = extracting_csv(&root).filter(|l| *l > 0)
            && let Some(tx) = to_canceller.lock().unwrap().take()
        {
            *seen.lock().unwrap() = Some(len);
            tx.send(()).unwrap();
            ack_rx.lock().unwrap().recv().unwrap();
        }
        token.is_cancelled()
    };
    let err = stage_with_cancel(&package, &root, &ReadLimits::default(), &hook).unwrap_err();
    canceller.join().unwrap();
    assert!(err.contains("cancelled"), "{err}");
    let seen = seen
        .lock()
        .unwrap()
        .expect("the large file was being extracted");
    assert!(
        seen < full,
        "cancelled inside the large file ({seen} of {full} bytes), not after it"
    );
    assert!(entries(&root).is_empty(), "{:?}", entries(&root));
}

/// A cancel during conversion (once an item archive is written) removes the `.partial`
/// snapshot and the scratch folder; no snapshot is presented as staged.
#[test]
fn a_cancel_while_converting_removes_the_partial_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let (package, _) = large_sample(dir.path());
    let root = dir.path().join("staging");
    let hook = || partial_has_archive(&root, false);
    let err = stage_with_cancel(&package, &root, &ReadLimits::default(), &hook).unwrap_err();
    assert!(err.contains("cancelled"), "{err}");
    let left = entries(&root);
    assert!(
        left.iter().all(|n| !n.starts_with(".extract-")),
        "no scratch folder: {left:?}"
    );
    assert_eq!(left.len(), 1, "only the staging destination: {left:?}");
    let dest = Destination::open_existing(&root.join(&left[0])).unwrap();
    assert!(dest.partials().is_empty(), "{:?}", dest.partials());
    assert!(dest.snapshots().is_empty());
    let staged = stage(&package, &root, &ReadLimits::default()).unwrap();
    assert!(!staged.reused);
    assert_eq!(staged_manifest(&staged).items.len(), 6);
}
