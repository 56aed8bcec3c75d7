//! `verify --drill`: a complete snapshot of the sample org comes back whole from the built-in
//! empty org; a snapshot with a removed resource, a truncated features file or a missing
//! attachment fails, naming the item and the part.

mod common;
mod restore_common;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use agol_tui::engine::archive::manifest::{Manifest, ManifestItem};
use agol_tui::engine::drill::{DrillOptions, DrillReport, run_drill};
use agol_tui::engine::progress::NullSink;
use tokio_util::sync::CancellationToken;

async fn drill(dest: &Path) -> DrillReport {
    run_drill(
        &DrillOptions {
            dest: dest.to_path_buf(),
            snapshot: None,
            ids: Vec::new(),
        },
        &NullSink,
        &CancellationToken::new(),
    )
    .await
    .unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Rewrites one item archive, giving each entry's bytes to `edit` (None drops the entry).
fn rewrite_archive(path: &Path, edit: impl Fn(&str, Vec<u8>) -> Option<Vec<u8>>) {
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let tmp = path.with_extension("zip.tmp");
    let mut out = zip::ZipWriter::new(std::fs::File::create(&tmp).unwrap());
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        if let Some(data) = edit(&name, data) {
            out.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            out.write_all(&data).unwrap();
        }
    }
    out.finish().unwrap();
    std::fs::rename(tmp, path).unwrap();
}

struct Snapshot {
    dir: PathBuf,
    manifest: Manifest,
}

fn latest(dest: &Path) -> Snapshot {
    let d = agol_tui::engine::archive::destination::Destination::open_existing(dest).unwrap();
    let s = d.snapshot(None).unwrap();
    Snapshot {
        manifest: s.manifest().unwrap(),
        dir: s.dir,
    }
}

fn find(m: &Manifest, pred: impl Fn(&ManifestItem) -> bool) -> &ManifestItem {
    m.items.iter().find(|i| pred(i)).expect("such an item")
}

/// The first item `item` accepts that has a part `part` accepts, with that part's name.
fn item_with_part(
    m: &Manifest,
    item: impl Fn(&ManifestItem) -> bool,
    part: impl Fn(&str) -> bool,
) -> (&ManifestItem, String) {
    let found = find(m, |i| item(i) && i.parts.iter().any(|p| part(p)));
    let name = found.parts.iter().find(|p| part(p)).unwrap().clone();
    (found, name)
}

/// Rewrites `item`'s archive in `snap` without the entry `part`.
fn remove_part(snap: &Snapshot, item: &ManifestItem, part: &str) {
    rewrite_archive(
        &snap.dir.join(item.archive.as_ref().unwrap()),
        |name, data| (name != part).then_some(data),
    );
}

fn assert_named(report: &DrillReport, item: &ManifestItem, part: &str) {
    assert!(
        report
            .differences
            .iter()
            .any(|d| d.id == item.id && (d.part.contains(part) || d.detail.contains(part))),
        "expected a difference on {} naming {part}: {:#?}",
        item.title,
        report.differences
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drill_passes_on_a_complete_snapshot_and_names_each_damage() {
    let a = common::fake().await;
    let good = tempfile::tempdir().unwrap();
    restore_common::backup_all(&a, good.path()).await;

    let report = drill(good.path()).await;
    assert!(report.items >= 20, "compared only {} items", report.items);
    assert!(report.passed(), "{:#?}", report.differences);
    // The drill leaves nothing in the destination but the snapshot.
    let left: Vec<String> = std::fs::read_dir(good.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".drill") || n == "restores")
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");

    // Damage a copy three ways.
    let bad = tempfile::tempdir().unwrap();
    copy_dir(good.path(), bad.path());
    let snap = latest(bad.path());
    let (with_resource, resource) =
        item_with_part(&snap.manifest, |_| true, |p| p.starts_with("resources/"));
    remove_part(&snap, with_resource, &resource);

    let (with_attachments, attachment) = item_with_part(
        &snap.manifest,
        |i| i.item_type == "Feature Service" && i.attachment_counts.values().any(|n| *n > 0),
        |p| p.contains("/attachments/"),
    );
    remove_part(&snap, with_attachments, &attachment);

    let (with_features, features) = item_with_part(
        &snap.manifest,
        |i| {
            i.item_type == "Feature Service"
                && i.id != with_attachments.id
                && i.feature_counts.values().any(|n| *n > 2)
        },
        |p| p.ends_with(".features.json"),
    );
    rewrite_archive(
        &snap.dir.join(with_features.archive.as_ref().unwrap()),
        |name, data| {
            if name == features {
                Some(data[..data.len() / 2].to_vec())
            } else {
                Some(data)
            }
        },
    );

    let report = drill(bad.path()).await;
    assert!(!report.passed());
    assert_named(&report, with_resource, &resource);
    assert_named(&report, with_attachments, &attachment);
    assert_named(&report, with_features, &features);
    // Only the damaged items are named, and views (which show their damaged source's layers).
    let named: std::collections::BTreeSet<&str> =
        report.differences.iter().map(|d| d.id.as_str()).collect();
    let mut damaged: std::collections::BTreeSet<&str> = [
        with_resource.id.as_str(),
        with_attachments.id.as_str(),
        with_features.id.as_str(),
    ]
    .into();
    damaged.extend(
        snap.manifest
            .items
            .iter()
            .filter(|i| i.parts.iter().any(|p| p == "sources.json"))
            .map(|i| i.id.as_str()),
    );
    assert!(
        named.is_subset(&damaged),
        "undamaged items named: {:#?}",
        report.differences
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_drill_cli_exits_0_when_whole_and_1_naming_the_item_when_damaged() {
    let a = common::fake().await;
    let dest = tempfile::tempdir().unwrap();
    restore_common::backup_all(&a, dest.path()).await;
    let bin = env!("CARGO_BIN_EXE_agol-tui");
    let run = |dest: &Path| {
        std::process::Command::new(bin)
            .args(["verify", "--drill", "--dest"])
            .arg(dest)
            .env("AGOL_CONFIG", dest.join("no-config.toml"))
            .output()
            .unwrap()
    };
    let out = run(dest.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("everything came back"), "{stdout}");

    let snap = latest(dest.path());
    let (with_resource, resource) =
        item_with_part(&snap.manifest, |_| true, |p| p.starts_with("resources/"));
    remove_part(&snap, with_resource, &resource);
    let out = run(dest.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.lines().any(|l| l.starts_with("NOT RESTORED")
            && l.contains(&with_resource.id)
            && l.contains(&resource)),
        "{stdout}"
    );
}
