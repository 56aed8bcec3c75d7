//! The executor's package jobs against the fake portal: a package restore whose staging fails
//! (a hostile package) ends its job with the error, and a backup with the package format backs
//! up, then either writes `DEST/packages/<snapshot>.contentexport` or fails the job saying the
//! snapshot was kept and why no package was written (nothing is reported as done that is not).
//! Cancelling a package restore stops its staging, and the job ends as cancelled.

mod ui_fixtures;

use std::time::Duration;

use agol_tui::app::backup::BackupFormat;
use agol_tui::app::effect::Effect;
use agol_tui::app::jobs::{Job, JobId, JobKind, JobState};
use agol_tui::app::msg::Msg;
use agol_tui::client::{Client, Credentials, PortalUrl};
use agol_tui::engine::archive::destination::Destination;
use agol_tui::engine::package::inspect::inspect;
use agol_tui::engine::package::reader::ReadLimits;
use agol_tui::engine::restore::plan::OnConflict;
use agol_tui::fake::{FakeConfig, FakePortal, sample};
use agol_tui::tui::executor::{Connection, Executor, SignInTarget};
use agol_tui::tui::runtime::Channels;
use ui_fixtures::package::build_hostile_package;

async fn connect(fake: &FakePortal) -> Connection {
    let client = Client::builder(PortalUrl::parse(&fake.url(), false).unwrap())
        .credentials(Credentials::Password {
            username: sample::ADMIN_USERNAME.into(),
            password: sample::ADMIN_PASSWORD.to_string().into(),
        })
        .build()
        .unwrap();
    let me = client.community_self().await.unwrap();
    Connection { client, me }
}

/// Waits for the end of `job`, dropping every other message.
async fn ended(ch: &mut Channels, job: JobId) -> Result<String, String> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(60), ch.rx.recv())
            .await
            .expect("the job did not end within 60 s")
            .expect("channel closed");
        if let Msg::JobEnded { job: j, result } = msg
            && j == job
        {
            return result;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_package_restore_whose_staging_fails_ends_the_job_with_the_error() {
    let fake = FakePortal::start(FakeConfig::default()).await.unwrap();
    let conn = connect(&fake).await;
    let dir = tempfile::tempdir().unwrap();
    let package = build_hostile_package(dir.path(), "evil");
    let mut ch = Channels::new();
    let mut exec = Executor::new(
        ch.tx.clone(),
        ch.coalescer.clone(),
        Some(conn),
        SignInTarget::default(),
        2,
    );
    exec.set_staging_root(dir.path().join("staging"));
    let job = JobId(7);
    exec.run(Effect::RestorePackage {
        job,
        package: package.clone(),
        ids: vec!["x".into()],
        on_conflict: OnConflict::Skip,
        dry_run: true,
    });
    let err = ended(&mut ch, job).await.unwrap_err();
    assert!(err.contains("evil"), "the error names the package: {err}");
    assert!(!dir.path().join("evil.txt").exists());
    assert!(!dir.path().parent().unwrap().join("evil.txt").exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_without_a_connection_fails_at_once() {
    let mut ch = Channels::new();
    let mut exec = Executor::new(
        ch.tx.clone(),
        ch.coalescer.clone(),
        None,
        SignInTarget::default(),
        2,
    );
    exec.run(Effect::RestorePackage {
        job: JobId(1),
        package: "/nowhere/a.contentexport".into(),
        ids: Vec::new(),
        on_conflict: OnConflict::Skip,
        dry_run: false,
    });
    assert_eq!(ended(&mut ch, JobId(1)).await.unwrap_err(), "not signed in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_package_format_backup_writes_the_package_or_says_why_not() {
    let fake = FakePortal::start(FakeConfig::default()).await.unwrap();
    let conn = connect(&fake).await;
    // A web map and a hosted feature service (asked for a File Geodatabase export).
    let items = fake.items();
    let ids: Vec<String> = ["Web Map", "Feature Service"]
        .iter()
        .filter_map(|t| items.iter().find(|i| i.item_type == *t))
        .map(|i| i.id.clone())
        .collect();
    assert_eq!(ids.len(), 2);
    let dest = tempfile::tempdir().unwrap();
    let mut ch = Channels::new();
    let mut exec = Executor::new(
        ch.tx.clone(),
        ch.coalescer.clone(),
        Some(conn),
        SignInTarget::default(),
        2,
    );
    let job = JobId(3);
    exec.run(Effect::Backup {
        job,
        ids,
        dest: dest.path().to_path_buf(),
        format: BackupFormat::Package,
    });
    let result = ended(&mut ch, job).await;
    // The snapshot is made either way.
    let snaps = Destination::open_existing(dest.path()).unwrap().snapshots();
    let snap = snaps.last().expect("a snapshot").id.clone();
    let package = dest
        .path()
        .join("packages")
        .join(format!("{snap}.contentexport"));
    match result {
        Ok(summary) => {
            assert!(summary.contains(&format!("snapshot {snap}")), "{summary}");
            assert!(
                summary.contains(&package.display().to_string()),
                "{summary}"
            );
            assert!(package.is_file());
        }
        Err(e) => {
            assert!(
                e.starts_with(&format!("snapshot {snap} backed up, but no package: ")),
                "{e}"
            );
            assert!(!package.exists());
        }
    }
}

/// The package format exports only hosted feature services, as `backup --format contentexport`
/// does: a feature service that is not hosted (Public Trails) and a view (Hydrants view) are
/// backed up without an export instead of failing ("Export is only supported for hosted feature
/// services"), and the hosted Hydrants carries its File Geodatabase.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_package_format_backup_exports_only_hosted_feature_services() {
    let fake = FakePortal::start(FakeConfig::default()).await.unwrap();
    let conn = connect(&fake).await;
    let items = fake.items();
    let id = |title: &str| {
        items
            .iter()
            .find(|i| i.title == title && i.item_type == "Feature Service")
            .unwrap_or_else(|| panic!("no feature service {title}"))
            .id
            .clone()
    };
    let ids = vec![id("Hydrants"), id("Hydrants view"), id("Public Trails")];
    let dest = tempfile::tempdir().unwrap();
    let mut ch = Channels::new();
    let mut exec = Executor::new(
        ch.tx.clone(),
        ch.coalescer.clone(),
        Some(conn),
        SignInTarget::default(),
        2,
    );
    let job = JobId(4);
    exec.run(Effect::Backup {
        job,
        ids,
        dest: dest.path().to_path_buf(),
        format: BackupFormat::Package,
    });
    let summary = ended(&mut ch, job).await.expect("the backup job succeeds");
    assert!(summary.contains("3 ok, 0 failed"), "{summary}");
    let snap = Destination::open_existing(dest.path())
        .unwrap()
        .snapshots()
        .last()
        .expect("a snapshot")
        .id
        .clone();
    let package = dest
        .path()
        .join("packages")
        .join(format!("{snap}.contentexport"));
    let report = inspect(&package, &ReadLimits::default()).unwrap();
    let data = |title: &str| {
        report
            .items
            .iter()
            .find(|i| i.title == title)
            .unwrap_or_else(|| panic!("{title} is not in the package"))
            .data
            .describe()
    };
    assert!(
        data("Hydrants").contains("File Geodatabase"),
        "{}",
        data("Hydrants")
    );
    assert!(
        !data("Hydrants view").contains("File Geodatabase"),
        "{}",
        data("Hydrants view")
    );
    assert!(
        !data("Public Trails").contains("File Geodatabase"),
        "{}",
        data("Public Trails")
    );

    // Restoring two of them from the package as copies: the summary (the jobs pane's line under
    // the job row, cut at 80 columns) starts with the counts; the package is named after them.
    exec.set_staging_root(dest.path().join("staging"));
    let job = JobId(5);
    exec.run(Effect::RestorePackage {
        job,
        package: package.clone(),
        ids: vec![id("Hydrants"), id("Public Trails")],
        on_conflict: OnConflict::Copy,
        dry_run: false,
    });
    let summary = ended(&mut ch, job).await.expect("the restore job succeeds");
    assert!(
        summary.starts_with("2 created, 0 updated, 0 skipped, 0 failed; "),
        "{summary}"
    );
    assert!(
        summary.ends_with(&format!(" (package {snap}.contentexport)")),
        "{summary}"
    );
}

/// `<dir>/<stem>.contentexport` with one CSV file item whose data is `bytes` long (stored, not
/// compressed, so it is quick to build and slow enough to stage).
fn build_large_package(dir: &std::path::Path, stem: &str, bytes: usize) -> std::path::PathBuf {
    use flate2::Compression;
    use flate2::write::GzEncoder;
    use serde_json::json;
    let id = "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4";
    let path = dir.join(format!("{stem}.contentexport"));
    let gz = GzEncoder::new(std::fs::File::create(&path).unwrap(), Compression::none());
    let mut b = tar::Builder::new(gz);
    let mut add = |name: &str, data: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(1_700_000_000);
        b.append_data(&mut h, format!("{stem}/{name}"), data)
            .unwrap();
    };
    let manifest = json!({"items": {id: {"title": "Big list", "type": "CSV",
        "created": 1_700_000_000_000i64, "source": "https://old.maps.arcgis.com"}}});
    add("manifest.json", &serde_json::to_vec(&manifest).unwrap());
    let props = json!({"id": id, "title": "Big list", "type": "CSV", "owner": "gis_admin",
        "name": "big.csv", "origin_item_type": "FileItem"});
    add(
        &format!("{id}/properties.json"),
        &serde_json::to_vec(&props).unwrap(),
    );
    let data: Vec<u8> = (0..bytes).map(|i| b"0123456789,\n"[i % 12]).collect();
    add(&format!("{id}/data/big.csv"), &data);
    b.into_inner().unwrap().finish().unwrap();
    path
}

/// `c` on a package restore while its package is staged: the staging stops (no staged snapshot,
/// no scratch folder left), the job's error says the staging was cancelled, and the job row the
/// app keeps for it (cancel asked, then this end) shows cancelled, not failed or done.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_package_restore_stops_staging_and_ends_cancelled() {
    let fake = FakePortal::start(FakeConfig::default()).await.unwrap();
    let conn = connect(&fake).await;
    let dir = tempfile::tempdir().unwrap();
    let package = build_large_package(dir.path(), "big", 24 * 1024 * 1024);
    let staging = dir.path().join("staging");
    let mut ch = Channels::new();
    let mut exec = Executor::new(
        ch.tx.clone(),
        ch.coalescer.clone(),
        Some(conn),
        SignInTarget::default(),
        2,
    );
    exec.set_staging_root(staging.clone());
    let job = JobId(9);
    let mut row = Job::new(
        job,
        JobKind::Restore,
        "big.contentexport".into(),
        Duration::ZERO,
    );
    exec.run(Effect::RestorePackage {
        job,
        package: package.clone(),
        ids: Vec::new(),
        on_conflict: OnConflict::Skip,
        dry_run: false,
    });
    // What `c` does: the row is marked cancelling and the executor cancels the job.
    row.state = JobState::Cancelling;
    exec.run(Effect::Cancel(job));
    let result = ended(&mut ch, job).await;
    let err = result
        .clone()
        .expect_err("a cancelled restore does not end ok");
    assert!(err.contains("staging"), "the staging was cancelled: {err}");
    assert!(err.contains("cancelled"), "{err}");
    // Nothing staged: no scratch folder, and no snapshot (complete or partial) anywhere.
    let mut left = Vec::new();
    let mut stack = vec![staging.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with(".extract-")
                || name.ends_with(".partial")
                || name == "manifest.json"
            {
                left.push(e.path());
            }
            if e.path().is_dir() {
                stack.push(e.path());
            }
        }
    }
    assert!(left.is_empty(), "left behind: {left:?}");
    row.end(result, Duration::from_secs(1));
    assert_eq!(row.state, JobState::Cancelled);
}
