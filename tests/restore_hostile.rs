//! Issue 11 finding 6: hostile or damaged archives in a snapshot. A zip entry declaring 2^62
//! bytes, a small zip holding a JSON far over the read cap, a garbage archive and a manifest
//! listing an id twice: each fails only what it touches, with a message, and nothing allocates
//! by a declared size.

mod common;
mod restore_common;

use std::io::Write;
use std::path::Path;

use agol_tui::engine::archive::manifest::Outcome;
use agol_tui::engine::restore::plan::OnConflict;
use agol_tui::engine::restore::source::{
    DEFAULT_MAX_ENTRY_BYTES, ENV_MAX_ENTRY_BYTES, ItemArchive,
};
use agol_tui::engine::selection::Selection;
use agol_tui::fake::sample;
use restore_common::*;
use tokio_util::sync::CancellationToken;

/// CRC-32 (IEEE) of `data`, bit by bit (test data is small).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in data {
        crc ^= *b as u32;
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A stored (uncompressed) zip whose central directory declares `declared` uncompressed bytes
/// (in a zip64 extra field when `Some`) for each entry, whatever the entry really holds.
fn lying_zip(entries: &[(&str, &[u8], Option<u64>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data, declared) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let len = data.len() as u32;
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        out.extend_from_slice(&45u16.to_le_bytes()); // version needed
        out.extend_from_slice(&0u16.to_le_bytes()); // flags
        out.extend_from_slice(&0u16.to_le_bytes()); // stored
        out.extend_from_slice(&0u32.to_le_bytes()); // time, date
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);

        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&45u16.to_le_bytes()); // made by
        central.extend_from_slice(&45u16.to_le_bytes()); // needed
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes());
        central.extend_from_slice(&0u32.to_le_bytes());
        central.extend_from_slice(&crc.to_le_bytes());
        central.extend_from_slice(&len.to_le_bytes());
        let extra: Vec<u8> = match declared {
            Some(size) => {
                central.extend_from_slice(&u32::MAX.to_le_bytes());
                let mut e = Vec::new();
                e.extend_from_slice(&1u16.to_le_bytes());
                e.extend_from_slice(&8u16.to_le_bytes());
                e.extend_from_slice(&size.to_le_bytes());
                e
            }
            None => {
                central.extend_from_slice(&len.to_le_bytes());
                Vec::new()
            }
        };
        central.extend_from_slice(&(name.len() as u16).to_le_bytes());
        central.extend_from_slice(&(extra.len() as u16).to_le_bytes());
        central.extend_from_slice(&0u16.to_le_bytes()); // comment
        central.extend_from_slice(&0u16.to_le_bytes()); // disk
        central.extend_from_slice(&0u16.to_le_bytes()); // internal
        central.extend_from_slice(&0u32.to_le_bytes()); // external
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
        central.extend_from_slice(&extra);
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// A deflated zip of `item.json` and a `data.json` of `size` bytes (a JSON string of spaces):
/// a few tens of KB on disk.
fn bomb_zip(path: &Path, item: &[u8], size: usize) {
    let file = std::fs::File::create(path).unwrap();
    let mut w = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    w.start_file("item.json", opts).unwrap();
    w.write_all(item).unwrap();
    w.start_file("data.json", opts).unwrap();
    w.write_all(b"{\"pad\":\"").unwrap();
    let chunk = vec![b' '; 1 << 20];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len());
        w.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    w.write_all(b"\"}").unwrap();
    w.finish().unwrap();
}

/// The archive path of the item `id` in a backup and its item.json.
fn archive_of(
    backup: &agol_tui::engine::backup::run::BackupReport,
    id: &str,
) -> (std::path::PathBuf, Vec<u8>) {
    let m = backup.manifest.items.iter().find(|i| i.id == id).unwrap();
    let path = backup.dir.join(m.archive.as_ref().unwrap());
    let item = ItemArchive::open(&path).unwrap().read("item.json").unwrap();
    (path, item)
}

fn by_id(ids: &[&str], dest: &Path) -> agol_tui::engine::restore::run::RestoreOptions {
    let mut o = options(dest, OnConflict::Skip);
    o.input.selection = Selection {
        ids: ids.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    o
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_archives_fail_only_their_own_item() {
    assert!(
        std::env::var(ENV_MAX_ENTRY_BYTES).is_err(),
        "the test expects the default cap"
    );
    let a = common::fake().await;
    let b = empty_org().await;
    let dir = tempfile::tempdir().unwrap();
    let backup = backup_all(&a, dir.path()).await;
    let webmap = sample::item_id("webmap");
    let pdf = sample::item_id("pdf");
    let csv = sample::item_id("csv");
    let dashboard = sample::item_id("dashboard");

    // 1. The web map's data.json declares 2^62 bytes: planning does not abort.
    let (path, item) = archive_of(&backup, &webmap);
    std::fs::write(
        &path,
        lying_zip(&[
            ("item.json", &item, None),
            ("data.json", b"{}", Some(1u64 << 62)),
        ]),
    )
    .unwrap();
    // 2. The dashboard's data.json is 40 MB of JSON in a small zip (over the 32 MiB cap).
    let (path, item) = archive_of(&backup, &dashboard);
    bomb_zip(&path, &item, 40 * 1024 * 1024);
    assert!(std::fs::metadata(&path).unwrap().len() < 1024 * 1024);
    // 3. The PDF's archive is garbage.
    let (path, _) = archive_of(&backup, &pdf);
    std::fs::write(&path, b"PK\x03\x04 this is not a zip at all").unwrap();

    let mut dry = options(dir.path(), OnConflict::Skip);
    dry.dry_run = true;
    let client = common::admin(&b);
    let me = client.community_self().await.unwrap();
    let plan = agol_tui::engine::restore::run::run_restore(
        &client,
        &me,
        &dry,
        &agol_tui::engine::progress::NullSink,
        &CancellationToken::new(),
    )
    .await
    .expect("a dry run over damaged archives still plans")
    .plan;
    let bad: Vec<&str> = plan.unreadable.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(bad.len(), 3, "{:#?}", plan.unreadable);
    for id in [&webmap, &dashboard, &pdf] {
        assert!(bad.contains(&id.as_str()), "{id} is unreadable: {bad:?}");
    }
    let reason = |id: &str| {
        plan.unreadable
            .iter()
            .find(|u| u.id == id)
            .unwrap()
            .reason
            .clone()
    };
    for id in [&webmap, &dashboard] {
        let r = reason(id);
        assert!(
            r.contains("data.json")
                && r.contains(&DEFAULT_MAX_ENTRY_BYTES.to_string())
                && r.contains(ENV_MAX_ENTRY_BYTES),
            "the reason names the entry, the cap and the knob: {r}"
        );
    }
    assert!(
        reason(&pdf).contains("not a readable item archive"),
        "{}",
        reason(&pdf)
    );
    assert!(
        plan.items.iter().any(|i| i.old_id == csv),
        "the other items are planned"
    );
    let text = plan.render();
    assert!(text.contains(&format!("{pdf}: ")), "{text}");

    // `--id` of another item is unaffected and changes nothing about the damaged ones.
    let r = restore(&b, &by_id(&[&csv], dir.path()), &CancellationToken::new())
        .await
        .unwrap();
    assert_no_failures(&r);
    assert_eq!(r.outcomes.len(), 1);
    assert_eq!(r.outcomes[0].outcome, Outcome::Ok);

    // A real run over the damaged and a good item: the damaged fail, the good is restored.
    let r = restore(
        &b,
        &by_id(
            &[&pdf, &webmap, &dashboard, &sample::item_id("pumps-csv")],
            dir.path(),
        ),
        &CancellationToken::new(),
    )
    .await
    .unwrap();
    let failed: Vec<&str> = r
        .outcomes
        .iter()
        .filter(|o| o.outcome == Outcome::Failed)
        .map(|o| o.old_id.as_str())
        .collect();
    assert_eq!(failed.len(), 3, "{:#?}", r.outcomes);
    assert!(
        r.outcomes
            .iter()
            .any(|o| o.old_id == sample::item_id("pumps-csv") && o.outcome == Outcome::Ok),
        "{:#?}",
        r.outcomes
    );
    assert_eq!(r.failed(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manifest_listing_an_id_twice_is_refused() {
    let a = common::fake().await;
    let b = empty_org().await;
    let dir = tempfile::tempdir().unwrap();
    let backup = backup_all(&a, dir.path()).await;
    let path = backup.dir.join("manifest.json");
    let mut m: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let items = m["items"].as_array_mut().unwrap();
    let first = items[0].clone();
    let id = first["id"].as_str().unwrap().to_string();
    items.push(first);
    std::fs::write(&path, serde_json::to_vec_pretty(&m).unwrap()).unwrap();
    let before = b.items().len();
    let err = restore(
        &b,
        &options(dir.path(), OnConflict::Skip),
        &CancellationToken::new(),
    )
    .await
    .expect_err("a duplicated id is refused");
    assert!(err.contains(&id) && err.contains("twice"), "{err}");
    assert_eq!(b.items().len(), before, "nothing was restored");
}

/// A features entry with one feature far over the cap is refused while streaming, naming the
/// entry and the knob, without reading it into memory.
#[tokio::test]
async fn one_feature_over_the_cap_is_refused_while_streaming() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.zip");
    let file = std::fs::File::create(&path).unwrap();
    let mut w = zip::ZipWriter::new(file);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    w.start_file("layers/0.features.json", opts).unwrap();
    w.write_all(br#"{"features":[{"attributes":{"OBJECTID":1}},{"attributes":{"x":""#)
        .unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..40 {
        w.write_all(&chunk).unwrap();
    }
    w.write_all(br#""}}]}"#).unwrap();
    w.finish().unwrap();
    let mut rx =
        agol_tui::engine::restore::source::stream_features(&path, "layers/0.features.json", 1);
    let first = rx.recv().await.unwrap().unwrap();
    assert_eq!(first.len(), 1);
    let err = rx.recv().await.unwrap().unwrap_err();
    assert!(
        err.contains("layers/0.features.json") && err.contains(ENV_MAX_ENTRY_BYTES),
        "{err}"
    );
}
