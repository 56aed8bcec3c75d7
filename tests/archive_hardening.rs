//! Issue 11 findings 4, 7 (disk), 8, 9 and 10 against the fake portal: only archives that
//! verify are reused, verify's damage makes the next backup fetch again, verify opens only
//! regular files inside the snapshot, hostile resource names are refused without a request,
//! an item deleted after it was selected fails alone, backup files are private, untrusted text
//! never reaches the terminal raw, and `scan --out /dev/full` fails at once.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use agol_tui::engine::archive::damage::DamageRecord;
use agol_tui::engine::archive::destination::Destination;
use agol_tui::engine::archive::manifest::{Manifest, ManifestItem, Outcome};
use agol_tui::engine::archive::verify::{verify_and_record, verify_snapshot};
use agol_tui::engine::backup::run::{BackupOptions, BackupReport, run_backup};
use agol_tui::engine::progress::NullSink;
use agol_tui::engine::selection::Selection;
use agol_tui::fake::{FakePortal, sample};
use tokio_util::sync::CancellationToken;

fn options(dest: &Path) -> BackupOptions {
    BackupOptions {
        dest: dest.to_path_buf(),
        workers: 2,
        full: false,
        with_dependencies: false,
        geojson: false,
        thumbnails: true,
        attachments: true,
        export: None,
    }
}

async fn backup_ids(fake: &FakePortal, dest: &Path, ids: &[String]) -> BackupReport {
    let client = common::admin(fake);
    let me = client.community_self().await.unwrap();
    let selection = Selection {
        ids: ids.to_vec(),
        ..Selection::default()
    };
    run_backup(
        &client,
        &me,
        &selection,
        &options(dest),
        &NullSink,
        &CancellationToken::new(),
    )
    .await
    .unwrap()
}

fn entry<'a>(report: &'a BackupReport, id: &str) -> &'a ManifestItem {
    report.manifest.items.iter().find(|i| i.id == id).unwrap()
}

fn archive_path(report: &BackupReport, id: &str) -> PathBuf {
    report.dir.join(entry(report, id).archive.as_ref().unwrap())
}

fn data_requests(fake: &FakePortal, id: &str) -> usize {
    common::requests_ending(fake, &format!("/items/{id}/data")).len()
}

fn rewrite_manifest(dir: &Path, edit: impl FnOnce(&mut Manifest)) {
    let path = dir.join("manifest.json");
    let mut m: Manifest = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut m);
    std::fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bit_flip_in_the_previous_archive_is_fetched_again_and_the_new_archive_verifies() {
    let fake = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    let id = sample::item_id("webmap");
    let first = backup_ids(&fake, dir.path(), std::slice::from_ref(&id)).await;
    assert_eq!(entry(&first, &id).outcome, Outcome::Ok);

    // Unchanged and intact: linked, no download.
    let before = data_requests(&fake, &id);
    let second = backup_ids(&fake, dir.path(), std::slice::from_ref(&id)).await;
    assert!(entry(&second, &id).reused, "an intact archive is reused");
    assert_eq!(data_requests(&fake, &id), before, "no download for it");

    // One bit flipped in place (same size; the hard link shares it with the first snapshot).
    let path = archive_path(&second, &id);
    let mut bytes = std::fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, &bytes))
        .unwrap();

    let third = backup_ids(&fake, dir.path(), std::slice::from_ref(&id)).await;
    let e = entry(&third, &id);
    assert_eq!(e.outcome, Outcome::Ok);
    assert!(!e.reused, "a damaged archive is never linked");
    assert!(
        e.notes
            .iter()
            .any(|n| n.contains("fetched again") && n.contains("SHA-256")),
        "the manifest says why: {:?}",
        e.notes
    );
    assert_eq!(data_requests(&fake, &id), before + 1, "downloaded again");
    let new_path = archive_path(&third, &id);
    assert_ne!(
        std::fs::metadata(&new_path).unwrap().ino_of(),
        std::fs::metadata(&path).unwrap().ino_of(),
        "a new file, not the damaged inode"
    );
    assert!(
        verify_snapshot(
            &Destination::open_existing(dir.path())
                .unwrap()
                .snapshot(None)
                .unwrap()
        )
        .unwrap()
        .problems
        .is_empty()
    );
}

trait Ino {
    fn ino_of(&self) -> u64;
}
impl Ino for std::fs::Metadata {
    fn ino_of(&self) -> u64 {
        std::os::unix::fs::MetadataExt::ino(self)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_manifest_path_is_never_linked() {
    let fake = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("dest");
    let id = sample::item_id("webmap");
    let first = backup_ids(&fake, &dest, std::slice::from_ref(&id)).await;
    // A file outside the destination with exactly the bytes (and so the sha256) the manifest
    // records: only the path check can refuse it.
    let outside = dir.path().join("outside.zip");
    std::fs::copy(archive_path(&first, &id), &outside).unwrap();
    for tampered in [
        "../../../outside.zip".to_string(),
        outside.to_str().unwrap().to_string(),
    ] {
        let latest = Destination::open_existing(&dest)
            .unwrap()
            .snapshot(None)
            .unwrap();
        rewrite_manifest(&latest.dir, |m| {
            for i in &mut m.items {
                if i.id == id {
                    i.archive = Some(tampered.clone());
                }
            }
        });
        let before = data_requests(&fake, &id);
        let next = backup_ids(&fake, &dest, std::slice::from_ref(&id)).await;
        let e = entry(&next, &id);
        assert_eq!(e.outcome, Outcome::Ok, "{tampered}");
        assert!(!e.reused, "{tampered}: not linked");
        assert!(
            e.notes.iter().any(|n| n.contains("leaves the snapshot")),
            "{tampered}: {:?}",
            e.notes
        );
        assert_eq!(data_requests(&fake, &id), before + 1, "{tampered}: fetched");
        let new = archive_path(&next, &id);
        assert!(new.starts_with(&dest));
        assert_ne!(
            std::fs::metadata(&new).unwrap().ino_of(),
            std::fs::metadata(&outside).unwrap().ino_of(),
            "{tampered}: the outside file is not linked in"
        );
        assert_eq!(std::fs::metadata(&outside).unwrap().nlink_of(), 1);
    }
}

trait Nlink {
    fn nlink_of(&self) -> u64;
}
impl Nlink for std::fs::Metadata {
    fn nlink_of(&self) -> u64 {
        std::os::unix::fs::MetadataExt::nlink(self)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn damage_found_by_verify_makes_the_next_backup_fetch_again() {
    let fake = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    let id = sample::item_id("webmap");
    let first = backup_ids(&fake, dir.path(), std::slice::from_ref(&id)).await;
    // Damage that keeps the archive's bytes (and its inode stamp): the manifest lists a part
    // the zip lacks, as a half-written or swapped archive would.
    rewrite_manifest(&first.dir, |m| {
        for i in &mut m.items {
            if i.id == id {
                i.parts.push("data.json.missing".into());
            }
        }
    });
    let dest = Destination::open_existing(dir.path()).unwrap();
    let snap = dest.snapshot(None).unwrap();
    let report = verify_and_record(&dest, &snap).unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    let record = DamageRecord::load(dir.path());
    assert!(
        record
            .problem(&id, entry(&first, &id).sha256.as_deref())
            .is_some()
    );

    let before = data_requests(&fake, &id);
    let next = backup_ids(&fake, dir.path(), std::slice::from_ref(&id)).await;
    let e = entry(&next, &id);
    assert!(!e.reused, "the archive verify found damaged is not linked");
    assert!(
        e.notes.iter().any(|n| n.contains("failed verify")),
        "{:?}",
        e.notes
    );
    assert_eq!(data_requests(&fake, &id), before + 1);
    assert!(
        DamageRecord::load(dir.path()).items.is_empty(),
        "the record is dropped once the item has a fresh archive"
    );
    let again = backup_ids(&fake, dir.path(), std::slice::from_ref(&id)).await;
    assert!(entry(&again, &id).reused, "then reused as usual");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_refuses_fifos_devices_and_paths_outside_the_snapshot_fast() {
    let fake = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<String> = ["webmap", "pumps-csv"]
        .iter()
        .map(|l| sample::item_id(l))
        .collect();
    let first = backup_ids(&fake, dir.path(), &ids).await;
    let a = archive_path(&first, &ids[0]);
    let b = archive_path(&first, &ids[1]);
    std::fs::remove_file(&a).unwrap();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&a)
            .status()
            .unwrap()
            .success()
    );
    std::fs::remove_file(&b).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &b).unwrap();
    // Two more entries pointing outside: `..` and an absolute path.
    rewrite_manifest(&first.dir, |m| {
        let mut up = m.items.iter().find(|i| i.id == ids[0]).unwrap().clone();
        up.id = "f".repeat(32);
        up.archive = Some("../../agol-tui-destination.json".into());
        let mut abs = up.clone();
        abs.id = "e".repeat(32);
        abs.archive = Some("/etc/hostname".into());
        m.items.push(up);
        m.items.push(abs);
    });
    let snap = Destination::open_existing(dir.path())
        .unwrap()
        .snapshot(None)
        .unwrap();
    let started = std::time::Instant::now();
    let report = tokio::time::timeout(
        Duration::from_secs(20),
        tokio::task::spawn_blocking(move || verify_snapshot(&snap)),
    )
    .await
    .expect("verify does not hang on a FIFO or /dev/zero")
    .unwrap()
    .unwrap();
    assert!(started.elapsed() < Duration::from_secs(10));
    let problem = |id: &str| {
        report
            .problems
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.problem.clone())
            .unwrap_or_default()
    };
    assert!(
        problem(&ids[0]).contains("not a regular file"),
        "{report:?}"
    );
    assert!(problem(&ids[1]).contains("symlink"), "{report:?}");
    assert!(
        problem(&"f".repeat(32)).contains("leaves the snapshot"),
        "{report:?}"
    );
    assert!(
        problem(&"e".repeat(32)).contains("leaves the snapshot"),
        "{report:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_files_are_0600_and_directories_0700() {
    let fake = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("dest");
    let id = sample::item_id("webmap");
    backup_ids(&fake, &dest, std::slice::from_ref(&id)).await;
    backup_ids(&fake, &dest, std::slice::from_ref(&id)).await;
    let mut seen = 0;
    fn check(p: &Path, seen: &mut usize) {
        for e in std::fs::read_dir(p).unwrap().flatten() {
            let meta = std::fs::symlink_metadata(e.path()).unwrap();
            let mode = meta.permissions().mode() & 0o777;
            if meta.is_dir() {
                assert_eq!(mode, 0o700, "{}", e.path().display());
                check(&e.path(), seen);
            } else {
                assert_eq!(mode, 0o600, "{}", e.path().display());
            }
            *seen += 1;
        }
    }
    let root_mode = std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777;
    assert_eq!(root_mode, 0o700, "the destination itself");
    check(&dest, &mut seen);
    assert!(
        seen > 8,
        "archives, manifests, journals, inventories, caches"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_resource_names_fail_the_item_without_a_request() {
    let fake = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    let id = sample::item_id("webmap");
    for (i, name) in [
        "../../../../community/self",
        "/etc/passwd",
        "a\\..\\b.json",
        "x\u{1b}[2J.json",
        "images/../../x.json",
    ]
    .into_iter()
    .enumerate()
    {
        let fresh = common::fake().await;
        assert!(fresh.add_resource(&id, name, b"{}".to_vec()));
        let client = common::admin(&fresh);
        let me = client.community_self().await.unwrap();
        fresh.clear_requests();
        let report = run_backup(
            &client,
            &me,
            &Selection {
                ids: vec![id.clone()],
                ..Selection::default()
            },
            &options(&dir.path().join(format!("d{i}"))),
            &NullSink,
            &CancellationToken::new(),
        )
        .await
        .unwrap();
        let e = entry(&report, &id);
        assert_eq!(e.outcome, Outcome::Failed, "{name:?}");
        let reason = e.reason.clone().unwrap_or_default();
        assert!(reason.contains("refused"), "{name:?}: {reason}");
        assert!(
            !reason.contains('\u{1b}'),
            "{name:?}: the reason is sanitised"
        );
        let sent: Vec<String> = fresh
            .requests()
            .into_iter()
            .map(|r| r.path)
            .filter(|p| {
                p.contains("/resources/")
                    || p.ends_with("/community/self")
                    || p.ends_with("/passwd")
            })
            .collect();
        assert!(sent.is_empty(), "{name:?}: no request for it: {sent:?}");
    }
    drop(fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_selected_item_deleted_on_the_portal_fails_alone() {
    let fake = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    let gone = sample::item_id("pumps-csv");
    let kept = sample::item_id("webmap");
    assert!(fake.delete_item(&gone));
    let report = backup_ids(&fake, dir.path(), &[gone.clone(), kept.clone()]).await;
    let g = entry(&report, &gone);
    assert_eq!(g.outcome, Outcome::Failed);
    assert!(
        g.reason
            .as_deref()
            .unwrap_or("")
            .contains("no longer on the portal"),
        "{g:?}"
    );
    assert_eq!(
        entry(&report, &kept).outcome,
        Outcome::Ok,
        "the job goes on"
    );
    assert_eq!(report.manifest.totals.failed, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminal_escapes_in_titles_never_reach_stdout_or_stderr_and_csv_formulas_are_quoted() {
    let fake = common::fake().await;
    let home = tempfile::tempdir().unwrap();
    let id = sample::item_id("webmap");
    let hostile = "=HYPERLINK(1)\u{1b}[2J\u{1b}]0;pwn\u{7}\u{202e}Map";
    assert!(fake.set_item_title(&id, hostile));
    let dest = home.path().join("backups");
    let out = common::run(common::agol(
        &fake,
        home.path(),
        &["backup", "--id", &id, "--dest", dest.to_str().unwrap()],
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out));
    // Damage it so verify prints the title.
    let snap = Destination::open_existing(&dest)
        .unwrap()
        .snapshot(None)
        .unwrap();
    let m = snap.manifest().unwrap();
    let rel = m.items[0].archive.clone().unwrap();
    std::fs::write(snap.dir.join(&rel), b"not a zip").unwrap();
    let verify = common::run(common::agol(
        &fake,
        home.path(),
        &["verify", "--dest", dest.to_str().unwrap()],
    ))
    .await;
    assert_eq!(verify.status.code(), Some(1), "{}", common::text(&verify));
    for o in [&out, &verify] {
        for stream in [&o.stdout, &o.stderr] {
            assert!(!stream.contains(&0x1b), "{}", common::text(o));
            assert!(!stream.contains(&0x07));
            let s = String::from_utf8_lossy(stream);
            assert!(!s.contains('\u{202e}'), "{s}");
        }
    }
    assert!(common::text(&verify).contains("DAMAGED"));
    assert!(
        common::text(&verify).contains("\\u{1b}[2J"),
        "shown escaped"
    );

    let csv = home.path().join("inv.csv");
    let scan = common::run(common::agol(
        &fake,
        home.path(),
        &["scan", "--id", &id, "--out", csv.to_str().unwrap()],
    ))
    .await;
    assert_eq!(scan.status.code(), Some(0), "{}", common::text(&scan));
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.contains("'=HYPERLINK(1)"), "{text}");
    assert!(!text.lines().any(|l| l.starts_with("=")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_out_dev_full_fails_at_once_with_a_clear_error() {
    let fake = common::fake().await;
    let home = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let out = common::run(common::agol(
        &fake,
        home.path(),
        &["scan", "--all", "--out", "/dev/full"],
    ))
    .await;
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(2), "{}", common::text(&out));
    assert!(
        common::text(&out).contains("not a regular file"),
        "{}",
        common::text(&out)
    );
    use std::os::unix::fs::FileTypeExt;
    assert!(
        std::fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device(),
        "the device is left alone"
    );
}

#[test]
fn tui_cells_never_hold_control_or_bidi_characters() {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;
    let mut buf = Buffer::empty(Rect::new(0, 0, 40, 1));
    buf.set_string(
        0,
        0,
        "T\u{1b}[2J\u{202e}x\u{7}",
        ratatui::style::Style::default(),
    );
    // A symbol written straight into a cell, as a widget could.
    buf.content[10].set_symbol("\u{1b}");
    agol_tui::ui::inert_cells(&mut buf);
    for c in &buf.content {
        assert!(
            !c.symbol()
                .chars()
                .any(|ch| ch.is_control() || ch == '\u{202e}'),
            "{:?}",
            c.symbol()
        );
    }
}
