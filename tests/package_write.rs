//! Writing snapshots as `.contentexport` packages (`docs/contentexport.md`, "Writing"): the sample
//! org is backed up through the binary over loopback HTTP, then `export-package` (or
//! `backup --format contentexport`) writes the package, which must pass our own reader.

mod common;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use agol_tui::engine::archive::destination::Destination;
use agol_tui::engine::archive::manifest::{Manifest, ManifestItem, Outcome};
use agol_tui::engine::package::inspect::{self, DataKind, PackageReport};
use agol_tui::engine::package::reader::{self, PackageListing, ReadLimits};
use agol_tui::engine::package::write::write_package;
use serde_json::Value;

/// The latest snapshot's manifest and directory.
fn snapshot(dest: &Path) -> (Manifest, PathBuf) {
    let snap = Destination::open_existing(dest)
        .unwrap()
        .snapshot(None)
        .unwrap();
    (snap.manifest().unwrap(), snap.dir)
}

fn find(m: &Manifest, pred: impl Fn(&ManifestItem) -> bool) -> &ManifestItem {
    m.items
        .iter()
        .find(|i| i.outcome == Outcome::Ok && pred(i))
        .expect("the sample holds such an item")
}

/// Reads one entry of an item archive of the snapshot.
fn archive_entry(dir: &Path, item: &ManifestItem, name: &str) -> Vec<u8> {
    let file = std::fs::File::open(dir.join(item.archive.as_ref().unwrap())).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut out = Vec::new();
    zip.by_name(name).unwrap().read_to_end(&mut out).unwrap();
    out
}

fn json(listing: &PackageListing, path: &str) -> Value {
    serde_json::from_slice(
        listing
            .small_files
            .get(path)
            .unwrap_or_else(|| panic!("{path} in the package")),
    )
    .unwrap()
}

/// Scans the package and checks it passes our reader with nothing missing and no warning.
fn checked(path: &Path) -> (PackageListing, PackageReport) {
    let listing = reader::scan(path, &ReadLimits::default()).expect("our reader accepts it");
    let report = inspect::report(&listing).unwrap();
    assert!(report.missing.is_empty(), "{:?}", report.missing);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert!(report.complete);
    (listing, report)
}

/// The raw tar entry names, in order (to check the top folder and directory entries).
fn tar_names(path: &Path) -> Vec<String> {
    let gz = flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap());
    let mut tar = tar::Archive::new(gz);
    tar.entries()
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let name = e.path().unwrap().to_string_lossy().to_string();
            if e.header().entry_type().is_dir() {
                format!("{}/", name.trim_end_matches('/'))
            } else {
                name
            }
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapshot_of_the_sample_org_becomes_a_package_our_reader_accepts() {
    let fake = common::fake().await;
    let home = tempfile::tempdir().unwrap();
    let (dest, _) = common::backup_all_with_binary(&fake, home.path(), &[]).await;
    let (manifest, dir) = snapshot(&dest);
    let out = home.path().join("out").join("riverside.contentexport");
    let o = common::run(common::agol(
        &fake,
        home.path(),
        &[
            "export-package",
            "--dest",
            dest.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    ))
    .await;
    let text = common::text(&o);
    let ok: Vec<&ManifestItem> = manifest
        .items
        .iter()
        .filter(|i| i.outcome == Outcome::Ok)
        .collect();
    let failed = manifest.items.len() - ok.len();
    assert_eq!(
        o.status.code(),
        Some(if failed == 0 { 0 } else { 3 }),
        "{text}"
    );
    assert!(
        text.contains(&format!("{} items", ok.len()))
            && text.contains(&format!("{failed} left out")),
        "{text}"
    );
    for i in manifest.items.iter().filter(|i| i.outcome != Outcome::Ok) {
        assert!(
            text.contains(&format!("left out: {} ({})", i.title, i.id)),
            "{text}"
        );
    }

    // Layout: one top folder named as the file stem, directories entered before their files.
    let names = tar_names(&out);
    assert_eq!(names[0], "riverside/");
    assert!(names.iter().all(|n| n.starts_with("riverside/")));
    let (listing, report) = checked(&out);
    assert_eq!(listing.name, "riverside");

    // Manifest: exactly the snapshot's ok items, with title, type, created and source.
    let pm = json(&listing, "manifest.json");
    let ids: BTreeSet<String> = pm["items"].as_object().unwrap().keys().cloned().collect();
    let want: BTreeSet<String> = ok.iter().map(|i| i.id.clone()).collect();
    assert_eq!(ids, want);
    for i in &ok {
        let e = &pm["items"][&i.id];
        assert_eq!(e["title"], i.title.as_str());
        assert_eq!(e["type"], i.item_type.as_str());
        assert_eq!(e["source"], manifest.portal.as_str());
        assert!(e["created"].as_i64().unwrap() > 0);
        assert!(names.contains(&format!("riverside/{}/", i.id)));
        for sub in ["files", "resources", "data"] {
            assert!(
                names.contains(&format!("riverside/{}/{sub}/", i.id)),
                "{sub}"
            );
        }
    }

    // Graph: web map → its feature service, view → its source service.
    let hydrants = find(&manifest, |i| {
        i.item_type == "Feature Service" && i.title == "Hydrants"
    });
    let webmap = find(&manifest, |i| {
        i.item_type == "Web Map" && i.title == "Hydrant Map"
    });
    let deps = |id: &str| {
        report
            .items
            .iter()
            .find(|r| r.id == id)
            .unwrap()
            .dependencies
            .clone()
    };
    assert!(
        deps(&webmap.id).contains(&hydrants.id),
        "{:?}",
        deps(&webmap.id)
    );
    let view = find(&manifest, |i| {
        i.item_type == "Feature Service" && i.parts.iter().any(|p| p == "sources.json")
    });
    assert!(
        deps(&view.id).contains(&hydrants.id),
        "{:?}",
        deps(&view.id)
    );
    let rel = json(&listing, &format!("{}/relationships.json", hydrants.id));
    assert!(
        rel["required_by"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| v == webmap.id.as_str())
    );
    for key in ["contains", "requires", "contained_by", "related_items"] {
        assert!(rel.get(key).is_some(), "{key}");
    }

    // properties.json: item.json plus origin_item_type per kind of item.
    for i in &ok {
        let props = json(&listing, &format!("{}/properties.json", i.id));
        let origin = props["origin_item_type"].as_str().unwrap_or_default();
        assert!(
            ["TextItem", "ServiceItem", "FileItem"].contains(&origin),
            "{}: {origin:?}",
            i.title
        );
    }
    let pdf = find(&manifest, |i| i.item_type == "PDF");
    for (item, origin) in [
        (webmap, "TextItem"),
        (hydrants, "ServiceItem"),
        (pdf, "FileItem"),
    ] {
        let props = json(&listing, &format!("{}/properties.json", item.id));
        assert_eq!(props["origin_item_type"], origin, "{}", item.title);
        assert_eq!(props["id"], item.id.as_str());
        let original: Value =
            serde_json::from_slice(&archive_entry(&dir, item, "item.json")).unwrap();
        assert_eq!(props["title"], original["title"]);
        assert_eq!(props["typeKeywords"], original["typeKeywords"]);
    }

    // structure.json is data.json byte for byte; thumbnail and metadata under files/.
    let wm_report = report.items.iter().find(|r| r.id == webmap.id).unwrap();
    assert_eq!(wm_report.data, DataKind::Structure);
    assert!(wm_report.thumbnail.is_some());
    let target = tempfile::tempdir().unwrap();
    let root = reader::extract(&out, target.path(), &ReadLimits::default()).unwrap();
    assert_eq!(
        std::fs::read(root.join(&webmap.id).join("data/structure.json")).unwrap(),
        archive_entry(&dir, webmap, "data.json")
    );
    let props = json(&listing, &format!("{}/properties.json", webmap.id));
    let thumb = props["thumbnail"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    assert!(root.join(&webmap.id).join("files").join(&thumb).is_file());
    assert!(root.join(&hydrants.id).join("files/metadata.xml").is_file());

    // resources.json keys are the full resource paths; files under their base names.
    let app = find(&manifest, |i| {
        i.parts.iter().any(|p| p == "resources/images/icon_001.png")
    });
    let res = json(&listing, &format!("{}/resources/resources.json", app.id));
    let keys: BTreeSet<String> = res.as_object().unwrap().keys().cloned().collect();
    let want: BTreeSet<String> = app
        .parts
        .iter()
        .filter_map(|p| p.strip_prefix("resources/"))
        .map(str::to_string)
        .collect();
    assert_eq!(keys, want);
    assert_eq!(
        res["config/settings.json"]["resource"],
        "config/settings.json"
    );
    // The sample org keeps this resource private; the package says so.
    assert_eq!(res["config/settings.json"]["access"], "private");
    assert_eq!(res["images/icon_001.png"]["access"], "inherit");
    assert!(res["config/settings.json"]["size"].as_u64().unwrap() > 0);
    assert!(root.join(&app.id).join("resources/settings.json").is_file());
    assert!(root.join(&app.id).join("resources/icon_001.png").is_file());

    // A hosted service backed up without an export: definition in flc_props.json with full
    // layer definitions, and the lossless parts under agol-tui/, declared in properties.json.
    let hyd_report = report.items.iter().find(|r| r.id == hydrants.id).unwrap();
    assert!(
        matches!(&hyd_report.data, DataKind::ServiceExport { exports, .. } if exports.is_empty()),
        "{:?}",
        hyd_report.data
    );
    let flc: Value = serde_json::from_slice(
        &std::fs::read(root.join(&hydrants.id).join("data/flc_props.json")).unwrap(),
    )
    .unwrap();
    let layer0 = flc["layers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["id"] == 0)
        .unwrap();
    assert!(
        layer0.get("fields").is_some(),
        "full layer definition: {layer0}"
    );
    let props = json(&listing, &format!("{}/properties.json", hydrants.id));
    assert!(props.get("data_item_type").is_none());
    let entries: Vec<String> = props["agolTui"]["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    for e in ["service.json", "layers/0.json", "layers/0.features.json"] {
        assert!(entries.iter().any(|x| x == e), "{e} in {entries:?}");
        assert_eq!(
            std::fs::read(root.join(&hydrants.id).join("agol-tui").join(e)).unwrap(),
            archive_entry(&dir, hydrants, e),
            "{e}"
        );
    }
    assert_eq!(props["agolTui"]["format"], "agol-tui-backup");

    // The view: view_props.json and one layer_<n>_props.json per layer.
    let view_report = report.items.iter().find(|r| r.id == view.id).unwrap();
    assert!(matches!(view_report.data, DataKind::View { layers } if layers > 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_format_contentexport_carries_a_file_geodatabase_export() {
    let fake = common::fake().await;
    let home = tempfile::tempdir().unwrap();
    let (dest, o) =
        common::backup_all_with_binary(&fake, home.path(), &["--format", "contentexport"]).await;
    let text = common::text(&o);
    let (manifest, _) = snapshot(&dest);
    let out = dest
        .join("packages")
        .join(format!("{}.contentexport", manifest.snapshot));
    assert!(out.is_file(), "{text}");
    assert!(
        text.contains(&format!("package {}", out.display())),
        "{text}"
    );
    let (listing, report) = checked(&out);
    assert_eq!(listing.name, manifest.snapshot);

    let hydrants = find(&manifest, |i| {
        i.item_type == "Feature Service" && i.title == "Hydrants"
    });
    assert!(
        hydrants.parts.iter().any(|p| p.starts_with("export/")),
        "{:?}",
        hydrants.parts
    );
    let r = report.items.iter().find(|r| r.id == hydrants.id).unwrap();
    match &r.data {
        DataKind::ServiceExport {
            exports,
            data_item_type,
        } => {
            assert_eq!(exports.len(), 1, "{exports:?}");
            assert!(exports[0].ends_with(".zip"), "{exports:?}");
            assert_eq!(data_item_type.as_deref(), Some("File Geodatabase"));
        }
        other => panic!("{other:?}"),
    }
    let props = json(&listing, &format!("{}/properties.json", hydrants.id));
    assert_eq!(props["data_item_type"], "File Geodatabase");
    assert_eq!(props["origin_item_type"], "ServiceItem");
    // With an export, the features travel in the FGDB, not in agol-tui/.
    assert!(!listing.has_file(&format!("{}/agol-tui/layers/0.features.json", hydrants.id)));

    // Views are not exported: they travel as view definitions.
    let view = find(&manifest, |i| {
        i.item_type == "Feature Service" && i.parts.iter().any(|p| p == "sources.json")
    });
    assert!(
        !view.parts.iter().any(|p| p.starts_with("export/")),
        "{:?}",
        view.parts
    );
    let vr = report.items.iter().find(|r| r.id == view.id).unwrap();
    assert!(matches!(vr.data, DataKind::View { .. }), "{:?}", vr.data);

    // --out names the package; a second run is incremental and still writes it.
    let named = home.path().join("named.contentexport");
    let (_, o) = common::backup_all_with_binary(
        &fake,
        home.path(),
        &[
            "--format",
            "contentexport",
            "--out",
            named.to_str().unwrap(),
        ],
    )
    .await;
    assert!(named.is_file(), "{}", common::text(&o));
    let (listing, _) = checked(&named);
    let props = json(&listing, &format!("{}/properties.json", hydrants.id));
    assert_eq!(props["data_item_type"], "File Geodatabase");
}

fn leftovers(dir: &Path) -> Vec<PathBuf> {
    common::walk(dir)
        .into_iter()
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            n.contains("contentexport") || n.ends_with(".tmp")
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_left_behind_when_the_package_cannot_be_written() {
    let fake = common::fake().await;
    let home = tempfile::tempdir().unwrap();
    let (dest, _) = common::backup_all_with_binary(
        &fake,
        home.path(),
        &["--type", "Web Map", "--no-thumbnails"],
    )
    .await;
    let outdir = home.path().join("pk");
    std::fs::create_dir_all(&outdir).unwrap();
    let dest_s = dest.to_str().unwrap();

    for (args, needle) in [
        (
            vec![
                "--out".to_string(),
                outdir.join("p.tar.gz").to_str().unwrap().to_string(),
            ],
            ".contentexport",
        ),
        (
            vec![
                "--snapshot".to_string(),
                "19990101T000000Z".to_string(),
                "--out".to_string(),
                outdir.join("p.contentexport").to_str().unwrap().to_string(),
            ],
            "no snapshot",
        ),
    ] {
        let mut all = vec!["export-package", "--dest", dest_s];
        all.extend(args.iter().map(String::as_str));
        let o = common::run(common::agol(&fake, home.path(), &all)).await;
        assert_eq!(o.status.code(), Some(2), "{}", common::text(&o));
        assert!(common::text(&o).contains(needle), "{}", common::text(&o));
        assert!(leftovers(&outdir).is_empty(), "{:?}", leftovers(&outdir));
    }

    // The library refuses the same, and a destination that is not one.
    let bad = write_package(&dest, None, &outdir.join("x.zip")).unwrap_err();
    assert!(bad.contains(".contentexport"), "{bad}");
    let bad = write_package(&outdir, None, &outdir.join("x.contentexport")).unwrap_err();
    assert!(bad.contains("not an agol-tui backup destination"), "{bad}");
    // A damaged item archive is left out, with the reason; the rest is written.
    let (manifest, dir) = snapshot(&dest);
    let item = manifest
        .items
        .iter()
        .find(|i| i.outcome == Outcome::Ok)
        .unwrap();
    let wrote = write_package(&dest, None, &outdir.join("ok.contentexport")).unwrap();
    assert_eq!(
        wrote.items,
        manifest
            .items
            .iter()
            .filter(|i| i.outcome == Outcome::Ok)
            .count()
    );
    std::fs::remove_file(outdir.join("ok.contentexport")).unwrap();
    let archive = dir.join(item.archive.as_ref().unwrap());
    std::fs::remove_file(&archive).unwrap();
    std::fs::write(&archive, b"not a zip").unwrap();
    let wrote = write_package(&dest, None, &outdir.join("ok.contentexport")).unwrap();
    assert!(
        wrote
            .left_out
            .iter()
            .any(|l| l.id == item.id && l.reason.contains("not a readable item archive")),
        "{:?}",
        wrote.left_out
    );
    let (listing, _) = checked(&outdir.join("ok.contentexport"));
    assert!(
        !listing
            .small_files
            .contains_key(&format!("{}/properties.json", item.id))
    );
    std::fs::remove_file(outdir.join("ok.contentexport")).unwrap();
    assert!(leftovers(&outdir).is_empty(), "{:?}", leftovers(&outdir));

    // A hostile item id in the manifest is never used as a folder name.
    let path = dir.join("manifest.json");
    let mut m: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let victim = m["items"]
        .as_array()
        .unwrap()
        .iter()
        .position(|i| i["outcome"] == "ok" && i["id"] != item.id.as_str())
        .unwrap();
    m["items"][victim]["id"] = Value::String("../../evil".into());
    std::fs::write(&path, serde_json::to_vec(&m).unwrap()).unwrap();
    let wrote = write_package(&dest, None, &outdir.join("h.contentexport")).unwrap();
    assert!(
        wrote
            .left_out
            .iter()
            .any(|l| l.id == "../../evil" && l.reason.contains("letters and digits")),
        "{:?}",
        wrote.left_out
    );
    let (listing, _) = checked(&outdir.join("h.contentexport"));
    assert!(listing.entries.iter().all(|e| !e.path.contains("evil")));
    // Backed up without thumbnails: properties.json names none (Esri's importer would look).
    let pm = json(&listing, "manifest.json");
    let kept = pm["items"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone();
    let props = json(&listing, &format!("{kept}/properties.json"));
    assert_eq!(props["thumbnail"], Value::Null, "{props}");
    assert!(
        !listing
            .entries
            .iter()
            .any(|e| e.path.starts_with(&format!("{kept}/files/")) && e.path.ends_with(".png"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_export_falls_back_to_the_lossless_feature_files() {
    use agol_tui::fake::features::sample as svc;
    let fake = common::fake().await;
    let home = tempfile::tempdir().unwrap();
    let dest = home.path().join("backups");
    // The server refuses the export (403): the backup goes on and notes it.
    fake.fail_next_matching("/export", 3, 403);
    let o = common::run(common::agol(
        &fake,
        home.path(),
        &[
            "backup",
            "--id",
            svc::HYDRANTS_ITEM_ID,
            "--dest",
            dest.to_str().unwrap(),
            "--format",
            "contentexport",
        ],
    ))
    .await;
    let text = common::text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(
        text.contains("note: ") && text.contains("export skipped") && text.contains("lossless"),
        "{text}"
    );
    let (manifest, _) = snapshot(&dest);
    let out = dest
        .join("packages")
        .join(format!("{}.contentexport", manifest.snapshot));
    let (listing, _) = checked(&out);
    let id = svc::HYDRANTS_ITEM_ID;
    let props = json(&listing, &format!("{id}/properties.json"));
    assert!(props.get("data_item_type").is_none(), "{props}");
    assert!(listing.has_file(&format!("{id}/data/flc_props.json")));
    for e in ["service.json", "layers/0.json", "layers/0.features.json"] {
        assert!(listing.has_file(&format!("{id}/agol-tui/{e}")), "{e}");
    }

    // --out without --format contentexport is a usage error.
    let o = common::run(common::agol(
        &fake,
        home.path(),
        &[
            "backup",
            "--all",
            "--dest",
            dest.to_str().unwrap(),
            "--out",
            home.path().join("x.contentexport").to_str().unwrap(),
        ],
    ))
    .await;
    assert_eq!(o.status.code(), Some(2), "{}", common::text(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_file_is_streamed_into_the_package() {
    use agol_tui::fake::FakeConfig;
    use agol_tui::fake::sample::LARGE_FILE_ITEM_ID;
    const SIZE: u64 = 40 * 1024 * 1024;
    let fake = common::fake_with(FakeConfig {
        large_file_bytes: SIZE,
        ..FakeConfig::default()
    })
    .await;
    let home = tempfile::tempdir().unwrap();
    let dest = home.path().join("backups");
    let o = common::run(common::agol(
        &fake,
        home.path(),
        &[
            "backup",
            "--id",
            LARGE_FILE_ITEM_ID,
            "--dest",
            dest.to_str().unwrap(),
        ],
    ))
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", common::text(&o));
    let out = home.path().join("big.contentexport");
    let args = [
        "export-package",
        "--dest",
        dest.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    let bin = env!("CARGO_BIN_EXE_agol-tui");
    // Peak memory of the writer, from GNU time when the machine has it.
    let timed = Path::new("/usr/bin/time").is_file();
    let mut cmd = if timed {
        let mut c = std::process::Command::new("/usr/bin/time");
        c.args(["-f", "maxrss_kib=%M", bin]);
        c
    } else {
        std::process::Command::new(bin)
    };
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home.path());
    let o = common::run(cmd).await;
    let text = common::text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    let (listing, _) = checked(&out);
    let entry = listing
        .entries
        .iter()
        .find(|e| e.path == format!("{LARGE_FILE_ITEM_ID}/data/large.gdb.zip"))
        .expect("the file is in data/");
    assert_eq!(entry.size, SIZE);
    if timed {
        let kib: u64 = text
            .split("maxrss_kib=")
            .nth(1)
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or_else(|| panic!("{text}"));
        eprintln!("export-package peaked at {kib} KiB");
        assert!(
            // Holding the file in memory would need more than its size on top of the runtime.
            kib * 1024 < SIZE,
            "the writer peaked at {kib} KiB for a {SIZE}-byte file"
        );
    } else {
        eprintln!("no /usr/bin/time: peak memory not measured");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_damaged_entry_mid_stream_leaves_no_package_behind() {
    use agol_tui::fake::features::sample as svc;
    let fake = common::fake().await;
    let home = tempfile::tempdir().unwrap();
    let dest = home.path().join("backups");
    let o = common::run(common::agol(
        &fake,
        home.path(),
        &[
            "backup",
            "--id",
            svc::HYDRANTS_ITEM_ID,
            "--dest",
            dest.to_str().unwrap(),
        ],
    ))
    .await;
    assert_eq!(o.status.code(), Some(0), "{}", common::text(&o));
    // Flip bytes inside the compressed features of layer 0: the item opens fine (its small
    // parts are intact) but copying that entry fails half-way through the package.
    let (manifest, dir) = snapshot(&dest);
    let archive = dir.join(manifest.items[0].archive.as_ref().unwrap());
    let (start, len) = {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&archive).unwrap()).unwrap();
        let e = zip.by_name("layers/0.features.json").unwrap();
        (e.data_start().unwrap(), e.compressed_size())
    };
    assert!(len > 64, "{len}");
    let mut bytes = std::fs::read(&archive).unwrap();
    for b in &mut bytes[(start + len / 2) as usize..(start + len / 2 + 16) as usize] {
        *b ^= 0xff;
    }
    std::fs::remove_file(&archive).unwrap();
    std::fs::write(&archive, &bytes).unwrap();

    let outdir = home.path().join("pk");
    let out = outdir.join("p.contentexport");
    let o = common::run(common::agol(
        &fake,
        home.path(),
        &[
            "export-package",
            "--dest",
            dest.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    ))
    .await;
    assert_eq!(o.status.code(), Some(1), "{}", common::text(&o));
    assert!(
        common::text(&o).contains("layers/0.features.json"),
        "{}",
        common::text(&o)
    );
    assert!(leftovers(&outdir).is_empty(), "{:?}", leftovers(&outdir));
}

/// No password or token in anything a package backup and a package restore leave behind: the
/// package (every tar entry, decompressed), the staged snapshot's archives, the journals, logs
/// and the command output.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_packages_staged_snapshots_or_output() {
    let a = common::fake().await;
    let b = common::empty_fake().await;
    let home = tempfile::tempdir().unwrap();
    let (dest, out) =
        common::backup_all_with_binary(&a, home.path(), &["--format", "contentexport", "-vv"])
            .await;
    let package = std::fs::read_dir(dest.join("packages"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut restore = common::agol(
        &a,
        home.path(),
        &[
            "restore",
            "--package",
            package.to_str().unwrap(),
            "--all",
            "-vv",
        ],
    );
    common::target(&mut restore, &b);
    let restored = common::run(restore).await;
    assert!(
        matches!(restored.status.code(), Some(0 | 3)),
        "{}",
        common::text(&restored)
    );

    let secrets = common::secrets_of(&[&a, &b]);
    let mut texts = vec![
        ("backup output".to_string(), common::text(&out)),
        ("restore output".to_string(), common::text(&restored)),
    ];
    texts.extend(common::texts_under(home.path()));
    let zips = texts
        .iter()
        .filter_map(|(n, _)| n.split_once(" in ").map(|(_, file)| file))
        .filter(|f| f.ends_with(".zip"))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let packages = texts
        .iter()
        .filter(|(n, _)| n.ends_with(".contentexport"))
        .count();
    assert_eq!(packages, 1, "the package was searched");
    assert!(
        zips > 40,
        "the snapshot's and the staged snapshot's archives were searched ({zips})"
    );
    assert!(
        texts.iter().any(|(n, _)| n.ends_with(".jsonl")),
        "journals searched"
    );
    for (name, body) in &texts {
        for s in &secrets {
            assert!(!body.contains(s.as_str()), "a secret is in {name}");
        }
    }
}
