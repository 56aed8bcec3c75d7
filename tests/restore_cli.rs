//! `agol-tui restore` through the real binary: the dry-run plan (the whole snapshot without a
//! selection), usage errors (exit 2), and `--preserve-ids` failing fast on ArcGIS Online.

mod common;

use agol_tui::fake::{FakePortal, sample};

/// The sample org backed up by the binary into a temp home, and an empty target org.
async fn backed_up_source_and_empty_target() -> (
    FakePortal,
    FakePortal,
    tempfile::TempDir,
    std::path::PathBuf,
) {
    let a = common::fake().await;
    let b = common::empty_fake().await;
    let home = tempfile::tempdir().unwrap();
    let (dest, _) = common::backup_all_with_binary(&a, home.path(), &[]).await;
    (a, b, home, dest)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_the_plan_and_usage_errors_exit_2() {
    let fake = common::fake().await;
    let home = tempfile::tempdir().unwrap();
    let dest = home.path().join("backups");
    let dest_s = dest.to_str().unwrap();
    let backup = common::run(common::agol(
        &fake,
        home.path(),
        &["backup", "--dest", dest_s, "--all"],
    ))
    .await;
    assert!(
        matches!(backup.status.code(), Some(0 | 3)),
        "{}",
        common::text(&backup)
    );

    let before = fake.requests().len();
    let out = common::run(common::agol(
        &fake,
        home.path(),
        &["restore", "--dest", dest_s, "--all", "--dry-run"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out));
    let t = common::text(&out);
    assert!(t.contains("restore plan: snapshot"), "{t}");
    assert!(t.contains("(same portal)") && t.contains("skip"), "{t}");
    assert!(t.contains("dry run: nothing was changed"), "{t}");
    assert!(
        fake.requests()[before..]
            .iter()
            .all(|r| r.method == "GET" || r.path.ends_with("generateToken")),
        "only reads and the sign-in"
    );

    let bad = common::run(common::agol(
        &fake,
        home.path(),
        &[
            "restore",
            "--dest",
            dest_s,
            "--all",
            "--on-conflict",
            "merge",
        ],
    ))
    .await;
    assert_eq!(bad.status.code(), Some(2), "{}", common::text(&bad));
    assert!(common::text(&bad).contains("skip, overwrite, copy"));

    let preserve = common::run(common::agol(
        &fake,
        home.path(),
        &["restore", "--dest", dest_s, "--all", "--preserve-ids"],
    ))
    .await;
    assert_eq!(
        preserve.status.code(),
        Some(2),
        "{}",
        common::text(&preserve)
    );
    assert!(common::text(&preserve).contains("ArcGIS Online cannot create items with chosen ids"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_into_another_portal_under_another_owner_and_a_new_folder() {
    let (a, b, home, dest) = backed_up_source_and_empty_target().await;
    let dest_s = dest.to_str().unwrap();
    let pdf = sample::item_id("pdf");
    let mut cmd = common::agol(
        &a,
        home.path(),
        &[
            "restore",
            "--dest",
            dest_s,
            "--id",
            &pdf,
            "--target-owner",
            sample::PUBLISHER_USERNAME,
            "--target-folder",
            "Restored 2026",
        ],
    );
    common::target(&mut cmd, &b);
    let out = common::run(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out));
    let restored: Vec<_> = b.items();
    assert_eq!(restored.len(), 1, "{restored:?}");
    assert_eq!(restored[0].owner, sample::PUBLISHER_USERNAME);
    assert_eq!(
        restored[0].folder.as_deref(),
        Some("Restored 2026"),
        "the folder was created"
    );
    assert_eq!(
        b.item_data(&restored[0].id).unwrap(),
        a.item_data(&pdf).unwrap()
    );
    assert!(
        a.requests()
            .iter()
            .all(|r| r.method == "GET" || !r.path.contains("addItem")),
        "nothing written to the source"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partly_failed_restore_exits_3_and_keeps_what_was_restored() {
    let (a, b, home, dest) = backed_up_source_and_empty_target().await;
    let dest_s = dest.to_str().unwrap();
    // The first add is refused for good (HTTP 400); the next item goes through.
    b.fail_next_matching("/addItem", 1, 400);
    let (pdf, csv) = (sample::item_id("pdf"), sample::item_id("csv"));
    let mut cmd = common::agol(
        &a,
        home.path(),
        &["restore", "--dest", dest_s, "--id", &pdf, &csv],
    );
    common::target(&mut cmd, &b);
    let out = common::run(cmd).await;
    assert_eq!(out.status.code(), Some(3), "{}", common::text(&out));
    assert_eq!(
        b.items().len(),
        1,
        "the item that went through stays restored"
    );
}

/// `restore --dest D --dry-run` with no selection plans every item of the snapshot (as README
/// and `--help` say, and as `restore --package` does) and sends no write to the target.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_selection_plans_the_whole_snapshot_and_writes_nothing() {
    let (a, b, home, dest) = backed_up_source_and_empty_target().await;
    let dest_s = dest.to_str().unwrap();
    let manifest_path = std::fs::read_dir(dest.join("snapshots"))
        .unwrap()
        .flatten()
        .map(|e| e.path().join("manifest.json"))
        .find(|p| p.exists())
        .unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(manifest_path).unwrap()).unwrap();
    let mut want: Vec<String> = manifest["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["outcome"] == "ok")
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect();
    want.sort();
    assert!(want.len() > 10, "the sample snapshot holds the whole org");

    let before = b.requests().len();
    let mut cmd = common::agol(
        &a,
        home.path(),
        &["restore", "--dest", dest_s, "--dry-run", "--json"],
    );
    common::target(&mut cmd, &b);
    let out = common::run(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut got: Vec<String> = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["old_id"].as_str().unwrap().to_string())
        .collect();
    got.sort();
    assert_eq!(got, want, "every ok item of the snapshot is planned");
    assert!(
        plan["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["action"] == "create"),
        "an empty target: every item is created"
    );
    let writes: Vec<_> = b.requests()[before..]
        .iter()
        .filter(|r| r.method != "GET" && !r.path.ends_with("generateToken"))
        .map(|r| r.path.clone())
        .collect();
    assert!(
        writes.is_empty(),
        "a dry run wrote to the target: {writes:?}"
    );
    assert!(b.items().is_empty());

    // A selection narrows it.
    let pdf = sample::item_id("pdf");
    let mut cmd = common::agol(
        &a,
        home.path(),
        &[
            "restore",
            "--dest",
            dest_s,
            "--dry-run",
            "--json",
            "--id",
            &pdf,
        ],
    );
    common::target(&mut cmd, &b);
    let out = common::run(cmd).await;
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["items"].as_array().unwrap().len(), 1);

    // `--help` gives the restore meaning of the selection flags.
    let help = common::run(common::agol(&a, home.path(), &["restore", "--help"])).await;
    let h = String::from_utf8_lossy(&help.stdout).to_string();
    assert!(
        h.contains("the default when no other selection is given"),
        "{h}"
    );
    assert!(h.contains("owned when the snapshot was taken"), "{h}");
    assert!(!h.contains("every user's content"), "{h}");
}
