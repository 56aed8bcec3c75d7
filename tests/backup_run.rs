//! Backup runs end to end against the fake portal: complete archives, counts, incremental
//! reruns, verify, prune, the lock, and the CLI's exit codes and pings.

mod common;

use std::collections::{BTreeSet, HashSet};
use std::io::Read;
use std::path::Path;

use agol_tui::client::request::Call;
use agol_tui::engine::archive::destination::Destination;
use agol_tui::engine::archive::manifest::{Manifest, Outcome};
use agol_tui::engine::archive::verify::verify_snapshot;
use agol_tui::engine::backup::run::{BackupOptions, BackupReport, run_backup};
use agol_tui::engine::progress::NullSink;
use agol_tui::engine::selection::Selection;
use agol_tui::fake::FakePortal;
use tokio_util::sync::CancellationToken;

fn options(dest: &Path) -> BackupOptions {
    BackupOptions {
        dest: dest.to_path_buf(),
        workers: 4,
        full: false,
        with_dependencies: false,
        geojson: false,
        thumbnails: true,
        attachments: true,
        export: None,
    }
}

async fn backup(fake: &FakePortal, opts: &BackupOptions) -> BackupReport {
    let client = common::admin(fake);
    let me = client.community_self().await.unwrap();
    let selection = Selection {
        all: true,
        ..Selection::default()
    };
    run_backup(
        &client,
        &me,
        &selection,
        opts,
        &NullSink,
        &CancellationToken::new(),
    )
    .await
    .unwrap()
}

fn zip_names(path: &Path) -> BTreeSet<String> {
    let zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    zip.file_names().map(|n| n.unwrap().to_string()).collect()
}

/// Paths that carry data, features, attachments or resources (not definitions).
fn is_content_request(path: &str, params: &std::collections::BTreeMap<String, String>) -> bool {
    path.ends_with("/data")
        || path.contains("/resources")
        || path.contains("/attachments")
        || path.ends_with("/queryAttachments")
        || path.contains("/info/")
        || (path.ends_with("/query")
            && params.get("returnCountOnly").is_none_or(|v| v != "true")
            && params.get("returnIdsOnly").is_none_or(|v| v != "true"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_backup_holds_every_part_and_the_counts_match() {
    let fake = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    let report = backup(&fake, &options(dir.path())).await;
    let m = &report.manifest;
    let expected: HashSet<String> = fake.items().into_iter().map(|i| i.id).collect();
    let got: HashSet<String> = m.items.iter().map(|i| i.id.clone()).collect();
    assert_eq!(got, expected, "every item of the org is in the manifest");
    let failed: Vec<_> = m
        .items
        .iter()
        .filter(|i| i.outcome == Outcome::Failed)
        .collect();
    assert!(
        failed.iter().all(|i| i.item_type == "Code Attachment"),
        "only the broken Code Attachment fails: {failed:?}"
    );
    assert!(!failed.is_empty(), "the Code Attachment download fails");
    assert!(failed[0].reason.as_deref().unwrap_or("").len() > 5);

    let client = common::admin(&fake);
    for item in m.items.iter().filter(|i| i.outcome == Outcome::Ok) {
        let path = report.dir.join(item.archive.as_ref().unwrap());
        let names = zip_names(&path);
        for part in item.parts.iter().chain(["archive.json".to_string()].iter()) {
            assert!(names.contains(part), "{}: {part} listed", item.title);
        }
        for must in ["item.json", "relationships.json", "sharing.json"] {
            assert!(names.contains(must), "{}: {must} in {names:?}", item.title);
        }
        if item.item_type == "Feature Service" {
            assert!(names.contains("service.json"), "{}", item.title);
            assert!(!item.feature_counts.is_empty(), "{}", item.title);
            let record = client.item(&item.id).await.unwrap();
            let url = record.item.url.unwrap();
            for (layer, count) in &item.feature_counts {
                let v: serde_json::Value = client
                    .json(
                        Call::get(format!("{url}/{layer}/query"))
                            .param("where", "1=1")
                            .param("returnCountOnly", "true"),
                    )
                    .await
                    .unwrap();
                assert_eq!(
                    v["count"].as_u64().unwrap(),
                    *count,
                    "{} layer {layer}",
                    item.title
                );
                assert!(
                    names.contains(&format!("layers/{layer}.json"))
                        && names.contains(&format!("layers/{layer}.features.json"))
                );
            }
        }
        if item.item_type == "Web Map" {
            assert!(names.contains("data.json"), "{}: {names:?}", item.title);
        }
        if ["CSV", "PDF", "Shapefile", "File Geodatabase"].contains(&item.item_type.as_str()) {
            assert!(
                names.iter().any(|n| n.starts_with("data/")),
                "{}: {names:?}",
                item.title
            );
        }
    }
    let hydrants = m
        .items
        .iter()
        .find(|i| i.title == "Hydrants" && i.item_type == "Feature Service")
        .unwrap();
    assert_eq!(hydrants.attachment_counts.get("0").copied(), Some(22));
    assert!(
        zip_names(&report.dir.join(hydrants.archive.as_ref().unwrap()))
            .contains("layers/0/attachments.json")
    );
    let story = m.items.iter().find(|i| i.item_type == "StoryMap").unwrap();
    assert!(story.parts.iter().any(|p| p.starts_with("resources/")));
    assert!(
        m.items
            .iter()
            .any(|i| i.notes.iter().any(|n| n.contains("thumbnail"))),
        "a missing thumbnail is a note"
    );

    // The same archive through the real `unzip -l`, when the machine has it.
    if let Ok(out) = std::process::Command::new("unzip")
        .arg("-l")
        .arg(report.dir.join(hydrants.archive.as_ref().unwrap()))
        .output()
    {
        let listing = String::from_utf8_lossy(&out.stdout);
        assert!(
            listing.contains("layers/0.features.json") && listing.contains("service.json"),
            "{listing}"
        );
    }
    assert!(report.dir.join("inventory.csv").is_file() && report.dir.join("log.jsonl").is_file());
    let v = verify_snapshot(
        &Destination::open_existing(dir.path())
            .unwrap()
            .snapshot(None)
            .unwrap(),
    )
    .unwrap();
    assert!(v.problems.is_empty(), "{:?}", v.problems);
    assert!(v.checked > 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unchanged_rerun_fetches_no_content_and_adds_no_bytes_then_an_edit_refetches_one_service()
 {
    let fake = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    let first = backup(&fake, &options(dir.path())).await;
    fake.clear_requests();
    let second = backup(&fake, &options(dir.path())).await;
    let content: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| is_content_request(&r.path, &r.params))
        .collect();
    let failed_ids: HashSet<_> = second
        .manifest
        .items
        .iter()
        .filter(|i| i.outcome == Outcome::Failed)
        .map(|i| i.id.clone())
        .collect();
    // A service that reports no edit dates cannot be proven unchanged: it is fetched every time.
    let client = common::admin(&fake);
    let mut volatile_paths = Vec::new();
    let volatile_ids: Vec<String> = second
        .manifest
        .items
        .iter()
        .filter(|i| i.markers.volatile)
        .map(|i| i.id.clone())
        .collect();
    for i in second.manifest.items.iter().filter(|i| i.markers.volatile) {
        let url = client.item(&i.id).await.unwrap().item.url.unwrap();
        volatile_paths.push(reqwest::Url::parse(&url).unwrap().path().to_string());
    }
    assert!(
        volatile_paths.len() <= 1,
        "only the foreign service lacks edit dates: {volatile_paths:?}"
    );
    let unexpected: Vec<_> = content
        .iter()
        .filter(|r| {
            !failed_ids
                .iter()
                .chain(&volatile_ids)
                .any(|id| r.path.contains(id.as_str()))
        })
        .filter(|r| {
            !volatile_paths
                .iter()
                .any(|p| r.path.starts_with(p.as_str()))
        })
        .map(|r| r.path.clone())
        .collect();
    assert!(
        unexpected.is_empty(),
        "an unchanged rerun fetched content: {unexpected:?}"
    );
    let ok_new_bytes: u64 = second
        .manifest
        .items
        .iter()
        .filter(|i| i.outcome == Outcome::Ok && !i.reused)
        .map(|i| i.size)
        .sum();
    assert_eq!(ok_new_bytes, 0, "no archive bytes added");
    assert_eq!(second.manifest.totals.ok, first.manifest.totals.ok);
    for i in second
        .manifest
        .items
        .iter()
        .filter(|i| i.outcome == Outcome::Ok)
    {
        let a = std::fs::metadata(second.dir.join(i.archive.as_ref().unwrap())).unwrap();
        assert!(
            std::os::unix::fs::MetadataExt::nlink(&a) >= 2,
            "{} is a hard link",
            i.title
        );
    }

    fake.edit_feature("Hydrants", 0, 1);
    fake.clear_requests();
    let third = backup(&fake, &options(dir.path())).await;
    let queried: BTreeSet<String> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/query") && is_content_request(&r.path, &r.params))
        .map(|r| {
            r.path
                .split("/FeatureServer")
                .next()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(queried.contains("Hydrants"), "{queried:?}");
    assert!(
        queried
            .iter()
            .all(|s| s == "Hydrants" || s == "Hydrants_view"),
        "only the edited service (and its view) are fetched: {queried:?}"
    );
    let hyd = third
        .manifest
        .items
        .iter()
        .find(|i| i.title == "Hydrants" && i.item_type == "Feature Service")
        .unwrap();
    assert!(!hyd.reused);
    // Every snapshot is complete on its own.
    let dest = Destination::open_existing(dir.path()).unwrap();
    assert_eq!(dest.snapshots().len(), 3);
    for s in dest.snapshots() {
        assert!(verify_snapshot(&s).unwrap().problems.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleted_items_stay_in_old_snapshots_and_prune_keeps_what_is_needed() {
    let fake = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    let first = backup(&fake, &options(dir.path())).await;
    let victim = first
        .manifest
        .items
        .iter()
        .find(|i| i.item_type == "PDF" && i.outcome == Outcome::Ok)
        .unwrap()
        .clone();
    fake.delete_item(&victim.id);
    let second = backup(&fake, &options(dir.path())).await;
    assert!(
        second.manifest.items.iter().all(|i| i.id != victim.id),
        "gone from the new snapshot"
    );
    assert!(
        first.dir.join(victim.archive.as_ref().unwrap()).is_file(),
        "kept in the old one"
    );

    let dest = Destination::open_existing(dir.path()).unwrap();
    let removed = agol_tui::engine::archive::prune::prune(
        &dest,
        &agol_tui::engine::archive::prune::KeepPolicy {
            last: 1,
            ..Default::default()
        },
        false,
    )
    .unwrap();
    assert_eq!(removed, vec![first.snapshot.clone()]);
    let kept = dest.snapshot(None).unwrap();
    let v = verify_snapshot(&kept).unwrap();
    assert!(
        v.problems.is_empty(),
        "pruning the older snapshot removed nothing the kept one needs: {:?}",
        v.problems
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_on_the_same_destination_is_refused_while_one_holds_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let dest = Destination::open_or_create(dir.path()).unwrap();
    let held = dest.lock().unwrap();
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let me = client.community_self().await.unwrap();
    let err = run_backup(
        &client,
        &me,
        &Selection {
            all: true,
            ..Selection::default()
        },
        &options(dir.path()),
        &NullSink,
        &CancellationToken::new(),
    )
    .await
    .unwrap_err();
    assert!(err.contains("another agol-tui run"), "{err}");
    drop(held);
}

#[test]
fn a_non_destination_directory_is_never_written_to() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("precious.txt"), b"keep me").unwrap();
    let err = Destination::open_or_create(dir.path()).unwrap_err();
    assert!(
        matches!(
            err,
            agol_tui::engine::archive::error::ArchiveError::NotEmptyNotDestination { .. }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("not empty"), "{err}");
    let mut s = String::new();
    std::fs::File::open(dir.path().join("precious.txt"))
        .unwrap()
        .read_to_string(&mut s)
        .unwrap();
    assert_eq!(s, "keep me");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[allow(dead_code)]
fn manifest_of(dir: &Path) -> Manifest {
    Destination::open_existing(dir)
        .unwrap()
        .snapshot(None)
        .unwrap()
        .manifest()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_titles_get_safe_distinct_archive_names() {
    let fake = common::fake().await;
    let pdfs: Vec<_> = fake
        .items()
        .into_iter()
        .filter(|i| {
            ["PDF", "CSV", "Web Map", "Dashboard", "Shapefile"].contains(&i.item_type.as_str())
        })
        .collect();
    let hostile = [
        "../../etc/passwd",
        "CON",
        "a/b\\c",
        &"x".repeat(300),
        "💧🚒 Hydrants 💧",
        "..",
        "nul.txt",
    ];
    assert!(pdfs.len() >= hostile.len());
    for (item, title) in pdfs.iter().zip(hostile.iter()) {
        assert!(fake.set_item_title(&item.id, title));
    }
    // Two items with the same title as well.
    fake.set_item_title(&pdfs[hostile.len()].id, "CON");
    let dir = tempfile::tempdir().unwrap();
    let report = backup(&fake, &options(dir.path())).await;
    let mut seen = HashSet::new();
    for i in report
        .manifest
        .items
        .iter()
        .filter(|i| i.outcome == Outcome::Ok)
    {
        let rel = i.archive.clone().unwrap();
        assert!(seen.insert(rel.clone()), "distinct: {rel}");
        let full = report.dir.join(&rel).canonicalize().unwrap();
        assert!(
            full.starts_with(report.dir.canonicalize().unwrap()),
            "{rel} stays inside the snapshot"
        );
        assert!(
            rel.split('/')
                .all(|c| !c.is_empty() && c != ".." && c.len() <= 120),
            "{rel}"
        );
    }
    let emoji = report
        .manifest
        .items
        .iter()
        .find(|i| i.title.contains("💧🚒"))
        .unwrap();
    assert!(
        emoji
            .archive
            .as_ref()
            .unwrap()
            .contains("💧🚒 Hydrants 💧__"),
        "unicode stays readable"
    );
    assert!(!dir.path().join("etc").exists() && !report.dir.join("etc").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flaky_network_with_ten_percent_faults_still_gives_every_item_intact() {
    use agol_tui::client::{Client, Credentials, PortalUrl, RetryPolicy};
    let fake = common::fake().await;
    let client = Client::builder(PortalUrl::parse(&fake.url(), false).unwrap())
        .retry(RetryPolicy {
            max_attempts: 8,
            ..RetryPolicy::fast()
        })
        .credentials(Credentials::Password {
            username: agol_tui::fake::sample::ADMIN_USERNAME.into(),
            password: secrecy::SecretString::from(
                agol_tui::fake::sample::ADMIN_PASSWORD.to_string(),
            ),
        })
        .build()
        .unwrap();
    let me = client.community_self().await.unwrap();
    fake.set_fault_ratios(agol_tui::fake::FaultRatios {
        status_5xx: 0.04,
        throttle_429: 0.02,
        truncate: 0.04,
        seed: 7,
    });
    let dir = tempfile::tempdir().unwrap();
    let report = run_backup(
        &client,
        &me,
        &Selection {
            all: true,
            ..Selection::default()
        },
        &options(dir.path()),
        &NullSink,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    fake.set_fault_ratios(agol_tui::fake::FaultRatios::default());
    let failed: Vec<_> = report
        .manifest
        .items
        .iter()
        .filter(|i| i.outcome == Outcome::Failed && i.item_type != "Code Attachment")
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    let faults = fake.requests().iter().filter(|r| r.status >= 429).count();
    assert!(faults > 10, "faults were injected ({faults})");
    let snap = Destination::open_existing(dir.path())
        .unwrap()
        .snapshot(None)
        .unwrap();
    assert!(verify_snapshot(&snap).unwrap().problems.is_empty());
    // The archives equal a clean backup's content.
    let clean_dir = tempfile::tempdir().unwrap();
    let clean = backup(&fake, &options(clean_dir.path())).await;
    for a in report
        .manifest
        .items
        .iter()
        .filter(|i| i.outcome == Outcome::Ok)
    {
        let b = clean.manifest.items.iter().find(|b| b.id == a.id).unwrap();
        assert_eq!(a.feature_counts, b.feature_counts, "{}", a.title);
        assert_eq!(a.parts, b.parts, "{}", a.title);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_dependencies_adds_what_a_web_map_and_an_app_need_once_each() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let me = client.community_self().await.unwrap();
    let app = agol_tui::fake::sample::item_id("app");
    let webmap = agol_tui::fake::sample::item_id("webmap");
    let hydrants = agol_tui::fake::features::sample::HYDRANTS_ITEM_ID.to_string();
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(dir.path());
    opts.with_dependencies = true;
    opts.export = Some("GeoJson".into());
    let selection = Selection {
        ids: vec![app.clone(), webmap.clone()],
        ..Selection::default()
    };
    let report = run_backup(
        &client,
        &me,
        &selection,
        &opts,
        &NullSink,
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    let ids: Vec<_> = report.manifest.items.iter().map(|i| i.id.clone()).collect();
    let unique: HashSet<_> = ids.iter().cloned().collect();
    assert_eq!(unique.len(), ids.len(), "each item once");
    for must in [&app, &webmap, &hydrants] {
        assert!(unique.contains(must), "{must} in {ids:?}");
    }
    let hyd = report
        .manifest
        .items
        .iter()
        .find(|i| i.id == hydrants)
        .unwrap();
    assert!(
        hyd.parts.iter().any(|p| p.starts_with("export/")),
        "the server-side export is in the archive: {:?}",
        hyd.parts
    );
    assert!(
        fake.items()
            .iter()
            .all(|i| !i.title.contains("agol-tui-export-temp")),
        "the temporary export item was deleted"
    );
}

#[tokio::test]
async fn a_backup_can_run_as_a_spawned_task() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let me = client.community_self().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let opts = options(dir.path());
    let handle = tokio::spawn(async move {
        let selection = Selection {
            ids: vec![agol_tui::fake::sample::item_id("pdf")],
            ..Selection::default()
        };
        run_backup(
            &client,
            &me,
            &selection,
            &opts,
            &NullSink,
            &CancellationToken::new(),
        )
        .await
        .map(|r| r.manifest.totals.ok)
    });
    assert_eq!(handle.await.unwrap().unwrap(), 1);
}
