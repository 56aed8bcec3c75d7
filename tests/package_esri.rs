//! Esri's own ArcGIS API for Python and agol-tui exchange `.contentexport` packages through the
//! fake portal (issue #6, point 4):
//! - a package made by the official `export_items` from the sample org restores with agol-tui
//!   into an empty org, compared item by item like the restore round trip (no sharing: a
//!   package carries none);
//! - a package written by agol-tui passes the official `list_items` and `import_content` (no
//!   warnings, every item recreated), and agol-tui's own reader round-trips it.
//!
//! These need Python with `arcgis` installed: they are `#[ignore]`d and run by
//! `scripts/esri-package.sh`, which sets `AGOL_REFEREE_PYTHON` (CI runs it).

mod common;
mod restore_common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use agol_tui::client::{Client, Credentials, PortalUrl, RetryPolicy};
use agol_tui::engine::archive::manifest::Outcome;
use agol_tui::engine::package::import::stage;
use agol_tui::engine::package::reader::ReadLimits;
use agol_tui::engine::package::write::write_package;
use agol_tui::engine::restore::plan::OnConflict;
use agol_tui::engine::restore::run::RestoreReport;
use agol_tui::fake::{FakeConfig, FakePortal, sample};
use restore_common::compare::{Check, compare_orgs};
use restore_common::*;
use secrecy::SecretString;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

/// The Python with `arcgis`.
fn python() -> PathBuf {
    PathBuf::from(std::env::var("AGOL_REFEREE_PYTHON").expect(
        "AGOL_REFEREE_PYTHON must name a Python with `arcgis` installed; run scripts/esri-package.sh",
    ))
}

/// A fake org over HTTPS (Esri's client wants TLS), without the two sample-data quirks Esri's
/// client cannot read (a Code Attachment whose download fails, a web map with raw control
/// characters): these tests are about the package format.
async fn tls_org(empty: bool) -> FakePortal {
    common::fake_with(FakeConfig {
        tls: true,
        empty_org: empty,
        no_data_quirks: true,
        ..FakeConfig::default()
    })
    .await
}

/// The system CAs plus the fake's certificate, for Python's `SSL_CERT_FILE`.
fn ca_bundle(fake: &FakePortal, dir: &Path) -> PathBuf {
    let out = std::process::Command::new(python())
        .args(["-c", "import certifi; print(certifi.where())"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::text(&out));
    let system = std::fs::read_to_string(String::from_utf8_lossy(&out.stdout).trim()).unwrap();
    let path = dir.join(format!(
        "ca-{}.pem",
        url::Url::parse(&fake.url()).unwrap().port().unwrap()
    ));
    std::fs::write(&path, system + "\n" + &fake.ca_cert_pem().unwrap()).unwrap();
    path
}

/// Runs one of `tests/esri/*.py` against `fake`; returns its stdout, panics with its output
/// when it fails.
async fn esri(fake: &FakePortal, dir: &Path, script: &str, args: &[&str]) -> String {
    let mut cmd = std::process::Command::new(python());
    cmd.arg(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/esri")
            .join(script),
    )
    .args(args)
    .env("AGOL_FAKE_URL", fake.url())
    .env("SSL_CERT_FILE", ca_bundle(fake, dir))
    .env("OUT_DIR", dir);
    let out = common::run(cmd).await;
    assert!(out.status.success(), "{script}: {}", common::text(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// Stages `package` and restores all of it into `target` as its admin.
async fn restore_package(target: &FakePortal, package: &Path, dir: &Path) -> RestoreReport {
    let (package, staging) = (package.to_path_buf(), dir.join("staging"));
    let staged =
        tokio::task::spawn_blocking(move || stage(&package, &staging, &ReadLimits::default()))
            .await
            .unwrap()
            .unwrap();
    let mut options = options(&staged.dest, OnConflict::Skip);
    options.input.snapshot = Some(staged.snapshot.clone());
    let report = restore(target, &options, &CancellationToken::new())
        .await
        .unwrap();
    assert_no_failures(&report);
    report
}

/// The item ids a package's manifest lists.
fn manifest_ids(package: &Path) -> BTreeSet<String> {
    let listing = agol_tui::engine::package::reader::scan(package, &ReadLimits::default()).unwrap();
    let report = agol_tui::engine::package::inspect::report(&listing).unwrap();
    assert!(report.missing.is_empty(), "{:?}", report.missing);
    report.items.iter().map(|i| i.id.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Python with arcgis: scripts/esri-package.sh"]
async fn package_from_esri_export_items_restores_into_an_empty_org() {
    let (a, b) = (tls_org(false).await, tls_org(true).await);
    let dir = tempfile::tempdir().unwrap();
    let printed = esri(&a, dir.path(), "package_export.py", &[]).await;
    let package = PathBuf::from(printed.lines().last().unwrap().trim());
    let ids = manifest_ids(&package);

    let report = restore_package(&b, &package, dir.path()).await;
    let dir_a = dir.path().join("a");
    let dir_b = dir.path().join("b");
    let backup_a = backup_all(&a, &dir_a).await;
    // Items restored as references (non-hosted services) still point at A's server.
    let b_client = Client::builder(PortalUrl::parse(&b.url(), false).unwrap())
        .retry(RetryPolicy::fast())
        .ca_pem(b.ca_cert_pem().unwrap().into_bytes())
        .ca_pem(a.ca_cert_pem().unwrap().into_bytes())
        .credentials(Credentials::Password {
            username: sample::ADMIN_USERNAME.into(),
            password: SecretString::from(sample::ADMIN_PASSWORD.to_string()),
        })
        .build()
        .unwrap();
    let backup_b = backup_all_as(&b_client, &dir_b).await;
    let ok_in_a: BTreeSet<String> = backup_a
        .manifest
        .items
        .iter()
        .filter(|i| i.outcome == Outcome::Ok)
        .map(|i| i.id.clone())
        .collect();
    let left_out: Vec<_> = ok_in_a.difference(&ids).collect();
    assert!(left_out.is_empty(), "export_items left out {left_out:?}");
    // Esri's export keeps no item data of a Feature Service (pop-ups, layer overrides).
    let check = Check {
        sharing: false,
        only: Some(ids.clone()),
        uncarried: vec![("Feature Service", "data.json")],
    };
    let compared = compare_orgs(&a, &backup_a, &backup_b, &report.plan.remap, &check);
    assert_eq!(compared, ids.len(), "every packaged item compared");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Python with arcgis: scripts/esri-package.sh"]
async fn package_written_by_agol_tui_passes_esri_list_and_import_and_round_trips() {
    let a = tls_org(false).await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("backups");
    let backup_a = backup_all_with(&common::admin(&a), &dest, Some("File Geodatabase")).await;
    let package = dir.path().join("org-a.contentexport");
    let (d, p) = (dest.clone(), package.clone());
    let written = tokio::task::spawn_blocking(move || write_package(&d, None, &p))
        .await
        .unwrap()
        .unwrap();
    let ids = manifest_ids(&package);
    assert_eq!(ids.len(), written.items);

    // Esri's importer into an empty org: every item listed and recreated, no warnings.
    let b = tls_org(true).await;
    let printed = esri(
        &b,
        dir.path(),
        "package_import.py",
        &[package.to_str().unwrap()],
    )
    .await;
    let mapping: Value = serde_json::from_str(printed.lines().last().unwrap()).unwrap();
    let mapped: BTreeSet<String> = mapping.as_object().unwrap().keys().cloned().collect();
    assert_eq!(mapped, ids, "import_content recreated every item");
    let b_client = common::admin(&b);
    for new_id in mapping.as_object().unwrap().values() {
        let id = new_id.as_str().unwrap();
        b_client
            .item(id)
            .await
            .unwrap_or_else(|e| panic!("{id} is not in org B: {e}"));
    }

    // Our own reader: the package restores into another empty org, item by item like A.
    let c = tls_org(true).await;
    let report = restore_package(&c, &package, dir.path()).await;
    let backup_c = backup_all(&c, &dir.path().join("c")).await;
    let check = Check {
        sharing: true,
        only: Some(ids.clone()),
        ..Check::default()
    };
    let compared = compare_orgs(&a, &backup_a, &backup_c, &report.plan.remap, &check);
    assert_eq!(compared, ids.len(), "every packaged item compared");
}
