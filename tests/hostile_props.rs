//! Issue 11 acceptance 2: property tests of the three readers of untrusted input with arbitrary
//! and mutated input: the item archive reader (restore), the `.contentexport` package reader
//! and staging, and the reference rewrite. None may panic, and what they hold in memory stays
//! under their caps. Fixed case counts keep CI time small.

use std::io::Write;

use agol_tui::engine::package::import::stage;
use agol_tui::engine::package::reader::{ReadLimits, scan};
use agol_tui::engine::restore::rewrite::Rewriter;
use agol_tui::engine::restore::source::{ItemArchive, max_entry_bytes, planning_parts};
use proptest::prelude::*;
use proptest::test_runner::Config;

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// A small valid item archive, as our writer makes it.
fn valid_archive() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.zip");
    let mut w = agol_tui::engine::archive::writer::ItemArchiveWriter::create(&path).unwrap();
    w.add_bytes(
        "item.json",
        br#"{"id":"0123456789abcdef0123456789abcdef","title":"t","type":"Web Map","tags":["x"]}"#,
    )
    .unwrap();
    w.add_bytes(
        "data.json",
        br#"{"operationalLayers":[{"itemId":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}]}"#,
    )
    .unwrap();
    w.add_bytes("resources/r.json", br#"{"a":[1,2,3]}"#)
        .unwrap();
    w.add_bytes(
        "layers/0.features.json",
        br#"{"features":[{"attributes":{"OBJECTID":1}}]}"#,
    )
    .unwrap();
    w.finish(serde_json::json!({})).unwrap();
    std::fs::read(&path).unwrap()
}

/// Reads everything of the archive at `path` the restore reads; never panics.
fn read_all(path: &std::path::Path) {
    let _ = planning_parts(path);
    let Ok(mut a) = ItemArchive::open(path) else {
        return;
    };
    let cap = max_entry_bytes() as usize;
    for name in a.names() {
        if let Ok(bytes) = a.read(&name) {
            assert!(
                bytes.len() <= cap,
                "{name}: {} bytes over the cap",
                bytes.len()
            );
        }
        let _ = a.json(&name);
        let spool = path.with_extension("spool");
        if let Ok((p, _)) = a.extract(&name, &spool) {
            let _ = std::fs::remove_file(p);
        }
    }
}

fn mutate(mut bytes: Vec<u8>, edits: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
    for (at, b) in edits {
        if !bytes.is_empty() {
            let i = at % bytes.len();
            bytes[i] = *b;
        }
    }
    if let Some(c) = cut
        && !bytes.is_empty()
    {
        bytes.truncate(c % bytes.len());
    }
    bytes
}

/// A small valid package `NAME.contentexport` (gzip tar with the top folder `NAME`).
fn valid_package() -> Vec<u8> {
    let mut tar = tar::Builder::new(Vec::new());
    let mut add = |path: &str, body: &[u8]| {
        let mut h = tar::Header::new_gnu();
        h.set_size(body.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_cksum();
        tar.append_data(&mut h, path, body).unwrap();
    };
    let id = "0123456789abcdef0123456789abcdef";
    add(
        "pkg/manifest.json",
        format!(r#"{{"items":{{"{id}":{{"title":"t","type":"Web Map"}}}}}}"#).as_bytes(),
    );
    add(
        &format!("pkg/{id}/properties.json"),
        br#"{"title":"t","type":"Web Map","owner":"u"}"#,
    );
    add(
        &format!("pkg/{id}/data/structure.json"),
        br#"{"operationalLayers":[]}"#,
    );
    let tar = tar.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

fn small_limits() -> ReadLimits {
    ReadLimits {
        max_entries: 1_000,
        max_total_bytes: 64 * 1024 * 1024,
        max_ratio: 200,
        max_small_file_bytes: 1024 * 1024,
    }
}

fn read_package(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pkg.contentexport");
    std::fs::write(&path, bytes).unwrap();
    let limits = small_limits();
    if let Ok(listing) = scan(&path, &limits) {
        for bytes in listing.small_files.values() {
            assert!(bytes.len() as u64 <= limits.max_small_file_bytes);
        }
    }
    let _ = stage(&path, &dir.path().join("staging"), &limits);
}

proptest! {
    #![proptest_config(config(48))]

    #[test]
    fn arbitrary_bytes_as_an_item_archive(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.zip");
        std::fs::write(&path, &bytes).unwrap();
        read_all(&path);
    }

    #[test]
    fn a_mutated_item_archive(
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 0..24),
        cut in prop::option::of(any::<usize>()),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.zip");
        std::fs::write(&path, mutate(valid_archive(), &edits, cut)).unwrap();
        read_all(&path);
    }

    #[test]
    fn arbitrary_bytes_as_a_package(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        read_package(&bytes);
        // The same bytes inside a valid gzip stream reach the tar reader.
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&bytes).unwrap();
        read_package(&gz.finish().unwrap());
    }

    #[test]
    fn a_mutated_package(
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 0..16),
        cut in prop::option::of(any::<usize>()),
        inner in any::<bool>(),
    ) {
        if inner {
            // Mutate the tar inside a valid gzip stream.
            let mut tar = Vec::new();
            std::io::Read::read_to_end(
                &mut flate2::read::GzDecoder::new(&valid_package()[..]),
                &mut tar,
            )
            .unwrap();
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            gz.write_all(&mutate(tar, &edits, cut)).unwrap();
            read_package(&gz.finish().unwrap());
        } else {
            read_package(&mutate(valid_package(), &edits, cut));
        }
    }
}

fn id_like() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(b"0123456789abcdefABCDEF".to_vec()), 32)
        .prop_map(|v| String::from_utf8(v).unwrap())
}

fn text_like() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        prop::collection::vec(any::<char>(), 0..12).prop_map(|v| v.into_iter().collect::<String>()),
        id_like(),
        Just("https://h/o/arcgis/rest/services/S/FeatureServer".to_string()),
        Just("/FeatureServer/3".to_string()),
        Just("\\/".to_string()),
        Just("\"".to_string()),
        Just("{\"itemId\":\"".to_string()),
    ];
    prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn the_reference_rewrite_takes_any_text(
        text in text_like(),
        ids in prop::collection::vec((id_like(), id_like()), 0..4),
        urls in prop::collection::vec((text_like(), text_like()), 0..3),
        raw in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        prop_assert_eq!(Rewriter::default().rewrite(&text).text, text.clone());
        let mut remap = Rewriter::default();
        for (o, n) in &ids {
            remap.add_id(o, n);
        }
        remap.add_url("https://h/o/arcgis/rest/services/S/FeatureServer", "https://n/x/arcgis/rest/services/S_1/FeatureServer");
        for (o, n) in &urls {
            remap.add_url(o, n);
        }
        let out = remap.rewrite(&text);
        // Bounded: at most one replacement per input byte, each no longer than the longest
        // new value (plus escaping), so the output grows linearly, never without bound.
        let longest = remap.urls.values().chain(remap.ids.values()).map(String::len).max().unwrap_or(0);
        prop_assert!(out.text.len() <= (text.len() + 1) * (longest + 6));
        prop_assert_eq!(remap.rewrite_bytes(text.as_bytes()).map(|r| r.text), Some(out.text));
        let _ = remap.rewrite_bytes(&raw);
    }
}

/// The unmutated inputs are read in full, so the mutations start from something that works.
#[test]
fn the_unmutated_inputs_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.zip");
    std::fs::write(&path, valid_archive()).unwrap();
    let parts = planning_parts(&path).unwrap();
    assert_eq!(parts.texts.len(), 2);
    let pkg = dir.path().join("pkg.contentexport");
    std::fs::write(&pkg, valid_package()).unwrap();
    let staged = stage(&pkg, &dir.path().join("staging"), &small_limits()).unwrap();
    assert_eq!(staged.items, 1);
}
