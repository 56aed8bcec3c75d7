//! `.contentexport` reading: `agol-tui inspect` on valid, incomplete and hostile packages, and the
//! library reader (scan, extract, and staging for a restore) on the same packages. Packages are
//! built here with tar+flate2.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use agol_tui::engine::package::import::stage;
use agol_tui::engine::package::inspect::{DataKind, inspect};
use agol_tui::engine::package::reader::{self, PackageError, ReadLimits};
use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

/// One tar entry to write; names are written raw, so hostile paths are possible.
enum Ent {
    File(String, Vec<u8>),
    Dir(String),
    Symlink(String, String),
    Hardlink(String, String),
    /// A file of `n` zero bytes, streamed.
    Zeros(String, u64),
    /// A file with a long path, written the usual way (a GNU long-name block).
    Long(String, Vec<u8>),
    /// A GNU long-name block of `n` bytes, then a file.
    HugeLongName(u64),
}

fn file(path: &str, data: impl Into<Vec<u8>>) -> Ent {
    Ent::File(path.to_string(), data.into())
}

fn json_file(path: &str, v: Value) -> Ent {
    file(path, serde_json::to_vec_pretty(&v).unwrap())
}

fn header(name: &str, kind: tar::EntryType, size: u64) -> tar::Header {
    let mut h = tar::Header::new_old();
    let bytes = name.as_bytes();
    assert!(bytes.len() < 100, "test names fit the old header");
    h.as_old_mut().name[..bytes.len()].copy_from_slice(bytes);
    h.set_entry_type(kind);
    h.set_size(size);
    h.set_mode(0o644);
    h.set_mtime(1_700_000_000);
    h.set_cksum();
    h
}

fn write_package(path: &Path, entries: &[Ent]) {
    let gz = GzEncoder::new(File::create(path).unwrap(), Compression::default());
    let mut b = tar::Builder::new(gz);
    for e in entries {
        match e {
            Ent::File(name, data) => b
                .append(
                    &header(name, tar::EntryType::Regular, data.len() as u64),
                    &data[..],
                )
                .unwrap(),
            Ent::Dir(name) => b
                .append(&header(name, tar::EntryType::Directory, 0), io::empty())
                .unwrap(),
            Ent::Symlink(name, target) | Ent::Hardlink(name, target) => {
                let kind = if matches!(e, Ent::Symlink(..)) {
                    tar::EntryType::Symlink
                } else {
                    tar::EntryType::Link
                };
                let mut h = header(name, kind, 0);
                h.set_link_name_literal(target).unwrap();
                h.set_cksum();
                b.append(&h, io::empty()).unwrap();
            }
            Ent::Long(path, data) => {
                let mut h = tar::Header::new_gnu();
                h.set_size(data.len() as u64);
                h.set_mode(0o644);
                b.append_data(&mut h, path, &data[..]).unwrap();
            }
            Ent::HugeLongName(n) => {
                let mut h = tar::Header::new_gnu();
                let name = b"././@LongLink";
                h.as_gnu_mut().unwrap().name[..name.len()].copy_from_slice(name);
                h.set_entry_type(tar::EntryType::GNULongName);
                h.set_size(*n);
                h.set_cksum();
                b.append(&h, io::repeat(b'a').take(*n)).unwrap();
                b.append(&header("pkg/x", tar::EntryType::Regular, 0), io::empty())
                    .unwrap();
            }
            Ent::Zeros(name, n) => b
                .append(
                    &header(name, tar::EntryType::Regular, *n),
                    io::repeat(0).take(*n),
                )
                .unwrap(),
        }
    }
    b.into_inner().unwrap().finish().unwrap().flush().unwrap();
}

const PORTAL: &str = "https://acme.maps.arcgis.com";

fn manifest(items: &[(&str, &str, &str)]) -> Value {
    let mut m = serde_json::Map::new();
    for (id, title, ty) in items {
        m.insert(
            id.to_string(),
            json!({"title": title, "type": ty, "created": 1700000000000i64, "source": PORTAL}),
        );
    }
    json!({ "items": m })
}

const GRAPH: &str = r#"graph [
  directed 1
  node [
    id 0
    label "map1"
  ]
  node [
    id 1
    label "svc1"
  ]
  node [
    id 2
    label "view1"
  ]
  node [
    id 3
    label "file1"
  ]
  edge [
    source 0
    target 1
  ]
  edge [
    source 0
    target 2
  ]
  edge [
    source 2
    target 1
  ]
]
"#;

/// A complete package named `name`: a web map (JSON), a PDF (file), a hosted service (export +
/// flc_props.json) and a view, plus any `extra` manifest entries (which get no folder).
fn valid_entries(name: &str, extra: &[(&str, &str, &str)]) -> Vec<Ent> {
    let mut items = vec![
        ("map1", "City map", "Web Map"),
        ("file1", "Annual report", "PDF"),
        ("svc1", "Parcels", "Feature Service"),
        ("view1", "Parcels view", "Feature Service"),
    ];
    items.extend_from_slice(extra);
    let p = |s: &str| format!("{name}/{s}");
    vec![
        Ent::Dir(format!("{name}/")),
        json_file(&p("manifest.json"), manifest(&items)),
        file(&p("graph.gml"), GRAPH),
        Ent::Dir(p("map1/")),
        json_file(
            &p("map1/properties.json"),
            json!({"id": "map1", "type": "Web Map", "origin_item_type": "TextItem",
                   "thumbnail": "thumbnail/map.png", "typeKeywords": ["Metadata"]}),
        ),
        json_file(
            &p("map1/relationships.json"),
            json!({"contains": [], "requires": [], "contained_by": [], "required_by": [], "related_items": {}}),
        ),
        file(&p("map1/files/map.png"), b"\x89PNG....".to_vec()),
        file(&p("map1/files/metadata.xml"), "<metadata/>"),
        json_file(
            &p("map1/resources/resources.json"),
            json!({"images/a.png": {"size": 3}, "style.json": {"size": 2}}),
        ),
        file(&p("map1/resources/a.png"), "abc"),
        Ent::Long(
            p(&format!("map1/resources/{}.json", "long".repeat(40))),
            b"{}".to_vec(),
        ),
        file(&p("map1/resources/style.json"), "{}"),
        json_file(
            &p("map1/data/structure.json"),
            json!({"operationalLayers": [], "baseMap": {}}),
        ),
        json_file(
            &p("file1/properties.json"),
            json!({"id": "file1", "type": "PDF", "origin_item_type": "FileItem", "name": "report.pdf"}),
        ),
        file(&p("file1/data/report.pdf"), "%PDF-1.4 ..."),
        json_file(
            &p("svc1/properties.json"),
            json!({"id": "svc1", "type": "Feature Service", "origin_item_type": "ServiceItem",
                   "data_item_type": "File Geodatabase"}),
        ),
        json_file(
            &p("svc1/data/flc_props.json"),
            json!({"layers": [{"id": 0, "name": "parcels"}], "tables": []}),
        ),
        file(&p("svc1/data/parcels.zip"), "PK\x03\x04 fgdb"),
        json_file(
            &p("view1/properties.json"),
            json!({"id": "view1", "type": "Feature Service", "origin_item_type": "ServiceItem",
                   "typeKeywords": ["View Service"]}),
        ),
        json_file(&p("view1/data/view_props.json"), json!({"isView": true})),
        json_file(&p("view1/data/layer_0_props.json"), json!({"id": 0})),
        json_file(&p("view1/data/layer_1_props.json"), json!({"id": 1})),
    ]
}

/// A temp dir holding the package, and a `work` dir the binary runs in.
struct Scene {
    dir: tempfile::TempDir,
    /// The binary's data dir (its log file), kept apart from the scene.
    data: tempfile::TempDir,
    package: PathBuf,
}

impl Scene {
    fn new(file_name: &str, entries: &[Ent]) -> Scene {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("work")).unwrap();
        let package = dir.path().join(file_name);
        write_package(&package, entries);
        Scene {
            dir,
            data: tempfile::tempdir().unwrap(),
            package,
        }
    }

    /// Runs `agol-tui inspect` in the work dir with `env`; returns (code, stdout, stderr).
    fn inspect(&self, json: bool, env: &[(&str, &str)]) -> (i32, String, String) {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("agol-tui"));
        cmd.arg("inspect")
            .arg(&self.package)
            .current_dir(self.dir.path().join("work"))
            .env("AGOL_CONFIG", self.dir.path().join("work/none.toml"))
            .env("AGOL_DATA_DIR", self.data.path())
            .env_remove("AGOL_PACKAGE_MAX_BYTES")
            .env_remove("AGOL_PACKAGE_MAX_ENTRIES")
            .env_remove("AGOL_PACKAGE_MAX_RATIO");
        if json {
            cmd.arg("--json");
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Everything under the temp dir except the package and the (empty) work dir.
    fn assert_nothing_written(&self) {
        let mut found = Vec::new();
        walk(self.dir.path(), &mut found);
        found.retain(|p| *p != self.package && *p != self.dir.path().join("work"));
        assert!(found.is_empty(), "unexpected files written: {found:?}");
    }

    /// Extracts with the library into `out/` and asserts the refusal left nothing behind.
    fn extract_refused(&self, limits: &ReadLimits) -> PackageError {
        let target = self.dir.path().join("out");
        std::fs::create_dir(&target).unwrap();
        let err = reader::extract(&self.package, &target, limits).unwrap_err();
        let mut found = Vec::new();
        walk(&target, &mut found);
        assert!(found.is_empty(), "left behind after a refusal: {found:?}");
        std::fs::remove_dir(&target).unwrap();
        self.assert_nothing_written();
        err
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        out.push(p.clone());
        if p.symlink_metadata().unwrap().is_dir() {
            walk(&p, out);
        }
    }
}

#[test]
fn valid_package_is_listed_with_dependencies_and_data_kinds() {
    let s = Scene::new("backup1.contentexport", &valid_entries("backup1", &[]));
    let (code, out, err) = s.inspect(false, &[]);
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.contains("package backup1: 4 items, 0 missing"), "{out}");
    assert!(out.contains("map1  City map  (Web Map)"), "{out}");
    assert!(out.contains(&format!("source:        {PORTAL}")), "{out}");
    assert!(out.contains("depends on:    svc1, view1"), "{out}");
    assert!(out.contains("data:          structure.json"), "{out}");
    assert!(out.contains("data:          file report.pdf"), "{out}");
    assert!(
        out.contains(
            "data:          service export (File Geodatabase: parcels.zip) + flc_props.json"
        ),
        "{out}"
    );
    assert!(
        out.contains("data:          view props (2 layer props)"),
        "{out}"
    );
    assert!(out.contains("resources:     2 listed, 3 files"), "{out}");
    assert!(out.contains("thumbnail:     map.png"), "{out}");
    assert!(out.contains("metadata:      yes"), "{out}");
    assert!(!out.contains("missing (named"), "{out}");
    s.assert_nothing_written();

    let (code, out, _) = s.inspect(true, &[]);
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["package"], "backup1");
    assert_eq!(v["complete"], true);
    assert_eq!(v["missing"], json!([]));
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    let view = items.iter().find(|i| i["id"] == "view1").unwrap();
    assert_eq!(view["dependencies"], json!(["svc1"]));
    assert_eq!(view["data"], json!({"kind": "view", "layers": 2}));
    let svc = items.iter().find(|i| i["id"] == "svc1").unwrap();
    assert_eq!(
        svc["data"],
        json!({"kind": "service_export", "exports": ["parcels.zip"], "data_item_type": "File Geodatabase"})
    );
    assert_eq!(svc["source"], PORTAL);

    // The library: the same report, and a safe extraction below the target.
    let report = inspect(&s.package, &ReadLimits::default()).unwrap();
    assert!(report.complete);
    let map = report.items.iter().find(|i| i.id == "map1").unwrap();
    assert_eq!(map.data, DataKind::Structure);
    assert_eq!(map.origin_item_type.as_deref(), Some("TextItem"));
    let target = s.dir.path().join("out");
    std::fs::create_dir(&target).unwrap();
    let root = reader::extract(&s.package, &target, &ReadLimits::default()).unwrap();
    assert_eq!(root, target.join("backup1"));
    assert_eq!(
        std::fs::read_to_string(root.join("file1/data/report.pdf")).unwrap(),
        "%PDF-1.4 ..."
    );
    assert!(root.join("view1/data/layer_1_props.json").is_file());
    // A second extraction refuses to reuse the folder.
    let again = reader::extract(&s.package, &target, &ReadLimits::default()).unwrap_err();
    assert!(
        matches!(again, PackageError::TargetExists { .. }),
        "{again}"
    );
}

#[test]
fn manifest_naming_missing_items_exits_3_and_lists_them() {
    let mut entries = valid_entries("partial", &[("ghost1", "Lost layer", "Feature Service")]);
    // Also drop a resource file named by resources.json.
    entries.retain(|e| !matches!(e, Ent::File(n, _) if n.ends_with("resources/style.json")));
    let s = Scene::new("partial.contentexport", &entries);
    let (code, out, err) = s.inspect(false, &[]);
    assert_eq!(code, 3, "stdout:\n{out}\nstderr:\n{err}");
    assert!(out.contains("package partial: 5 items, 2 missing"), "{out}");
    assert!(
        out.contains("ghost1  Lost layer  (Feature Service)"),
        "{out}"
    );
    assert!(out.contains("MISSING from the package"), "{out}");
    assert!(
        out.contains("missing (named by the manifest, not in the package):"),
        "{out}"
    );
    assert!(out.contains("  ghost1 (Lost layer): item folder"), "{out}");
    assert!(
        out.contains("  map1 (City map): resource style.json"),
        "{out}"
    );

    let (code, out, _) = s.inspect(true, &[]);
    assert_eq!(code, 3);
    let v: Value = serde_json::from_str(&out).unwrap();
    let missing = v["missing"].as_array().unwrap();
    assert_eq!(missing.len(), 2);
    assert!(
        missing.contains(&json!({"id": "ghost1", "title": "Lost layer", "part": "item folder"})),
        "{missing:?}"
    );
    let ghost = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "ghost1")
        .unwrap();
    assert_eq!(ghost["present"], false);
    s.assert_nothing_written();
}

/// Runs the binary and the library extraction on a hostile package; both must refuse with a
/// message containing every `needles` and write nothing.
fn assert_refused(file_name: &str, entries: &[Ent], env: &[(&str, &str)], needles: &[&str]) {
    let s = Scene::new(file_name, entries);
    let (code, out, err) = s.inspect(false, env);
    assert_eq!(code, 1, "stdout:\n{out}\nstderr:\n{err}");
    for n in needles {
        assert!(err.contains(n), "{n:?} not in:\n{err}");
    }
    assert!(out.is_empty(), "{out}");
    s.assert_nothing_written();
    // The library with the same limits, extracting into a target.
    let mut limits = ReadLimits::default();
    for (k, v) in env {
        let n: u64 = v.parse().unwrap();
        match *k {
            "AGOL_PACKAGE_MAX_BYTES" => limits.max_total_bytes = n,
            "AGOL_PACKAGE_MAX_ENTRIES" => limits.max_entries = n,
            "AGOL_PACKAGE_MAX_RATIO" => limits.max_ratio = n,
            _ => {}
        }
    }
    let e = s.extract_refused(&limits).to_string();
    for n in needles {
        assert!(e.contains(n), "{n:?} not in library error: {e}");
    }
    assert!(
        !s.dir.path().join("escape").exists() && !s.dir.path().join("evil").exists(),
        "something escaped"
    );
    // Staging it for a restore refuses the same way and stages nothing.
    let staging = s.dir.path().join("staging");
    let e = stage(&s.package, &staging, &limits).unwrap_err();
    for n in needles {
        assert!(e.contains(n), "{n:?} not in the staging error: {e}");
    }
    let mut left = Vec::new();
    if staging.exists() {
        walk(&staging, &mut left);
    }
    assert!(left.is_empty(), "staging left {left:?}");
    assert!(
        !s.dir.path().join("escape").exists() && !s.dir.path().join("evil").exists(),
        "something escaped while staging"
    );
}

#[test]
fn path_escaping_the_top_folder_is_refused() {
    let mut e = valid_entries("pkg", &[]);
    e.insert(2, file("pkg/../escape", "gotcha"));
    assert_refused(
        "pkg.contentexport",
        &e,
        &[],
        &["refused entry \"pkg/../escape\"", "`..` is not allowed"],
    );
    let mut e = valid_entries("pkg", &[]);
    e.push(file("../escape", "gotcha"));
    assert_refused(
        "pkg.contentexport",
        &e,
        &[],
        &["refused entry \"../escape\"", "`..`"],
    );
}

#[test]
fn absolute_path_is_refused() {
    let mut e = valid_entries("pkg", &[]);
    let abs = std::env::temp_dir().join("agol-abs-escape");
    let _ = std::fs::remove_file(&abs);
    e.push(file(abs.to_str().unwrap(), "gotcha"));
    assert_refused(
        "pkg.contentexport",
        &e,
        &[],
        &["absolute paths are not allowed"],
    );
    assert!(!abs.exists());
}

#[test]
fn links_are_refused() {
    let mut e = valid_entries("pkg", &[]);
    e.insert(3, Ent::Symlink("pkg/evil".into(), "/etc".into()));
    e.insert(4, file("pkg/evil/passwd", "gotcha"));
    assert_refused(
        "pkg.contentexport",
        &e,
        &[],
        &[
            "refused entry \"pkg/evil\"",
            "symbolic links are not allowed",
        ],
    );
    let mut e = valid_entries("pkg", &[]);
    e.push(Ent::Hardlink("pkg/hard".into(), "/etc/passwd".into()));
    assert_refused(
        "pkg.contentexport",
        &e,
        &[],
        &["refused entry \"pkg/hard\"", "hard links are not allowed"],
    );
}

#[test]
fn wrong_top_folder_is_refused() {
    // A renamed file: the folder inside no longer matches (Esri's importer refuses it too).
    assert_refused(
        "renamed.contentexport",
        &valid_entries("original", &[]),
        &[],
        &[
            "refused entry \"original/\"",
            "single folder named \"renamed\"",
            "found \"original\"",
        ],
    );
    // A second top-level folder next to the right one.
    let mut e = valid_entries("pkg", &[]);
    e.push(file("other/manifest.json", "{}"));
    assert_refused(
        "pkg.contentexport",
        &e,
        &[],
        &[
            "refused entry \"other/manifest.json\"",
            "outside the top folder",
        ],
    );
}

#[test]
fn gzip_bomb_is_refused_by_the_byte_cap_and_the_ratio() {
    let mut e = valid_entries("bomb", &[]);
    e.push(Ent::Zeros(
        "bomb/svc1/data/huge.bin".into(),
        64 * 1024 * 1024,
    ));
    let size = |s: &Scene| std::fs::metadata(&s.package).unwrap().len();
    // The byte cap, set low through the env var.
    let s = Scene::new("bomb.contentexport", &e);
    assert!(size(&s) < 1024 * 1024, "the bomb is small on disk");
    let (code, _, err) = s.inspect(false, &[("AGOL_PACKAGE_MAX_BYTES", "8388608")]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("more than 8388608 uncompressed bytes"),
        "{err}"
    );
    assert!(err.contains("bomb/svc1/data/huge.bin"), "{err}");
    assert!(err.contains("AGOL_PACKAGE_MAX_BYTES"), "{err}");
    s.assert_nothing_written();
    // With the default 20 GiB cap, the ratio gives it away.
    let (code, _, err) = s.inspect(false, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("compression ratio above 200:1"), "{err}");
    // Both through the library's extraction too, leaving nothing behind.
    let limits = ReadLimits {
        max_total_bytes: 8 * 1024 * 1024,
        ..ReadLimits::default()
    };
    let err = s.extract_refused(&limits);
    assert!(matches!(err, PackageError::TooLarge { .. }), "{err}");
    let err = s.extract_refused(&ReadLimits::default());
    assert!(matches!(err, PackageError::RatioExceeded { .. }), "{err}");
    // Staging it for a restore stops at the same ratio and leaves no staged file.
    let staging = s.dir.path().join("staging");
    let err = stage(&s.package, &staging, &ReadLimits::default()).unwrap_err();
    assert!(err.contains("compression ratio above 200:1"), "{err}");
    let mut left = Vec::new();
    if staging.exists() {
        walk(&staging, &mut left);
    }
    assert!(left.is_empty(), "staging left {left:?}");
    // Genuine but large: raising the ratio lets it through.
    let (code, out, err) = s.inspect(false, &[("AGOL_PACKAGE_MAX_RATIO", "100000")]);
    assert_eq!(code, 0, "{out}\n{err}");
}

#[test]
fn oversized_long_name_block_is_refused() {
    let mut e = valid_entries("pkg", &[]);
    e.push(Ent::HugeLongName(4 * 1024 * 1024));
    assert_refused(
        "pkg.contentexport",
        &e,
        &[],
        &[
            "refused entry",
            "long names or PAX records",
            "exceed 1048576 bytes",
        ],
    );
}

#[test]
fn too_many_entries_is_refused() {
    assert_refused(
        "pkg.contentexport",
        &valid_entries("pkg", &[]),
        &[("AGOL_PACKAGE_MAX_ENTRIES", "5")],
        &["more than 5 entries", "AGOL_PACKAGE_MAX_ENTRIES"],
    );
    // A limit that is not a number is a usage error.
    let s = Scene::new("pkg.contentexport", &valid_entries("pkg", &[]));
    let (code, _, err) = s.inspect(false, &[("AGOL_PACKAGE_MAX_BYTES", "lots")]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("AGOL_PACKAGE_MAX_BYTES=\"lots\" is not a positive whole number"),
        "{err}"
    );
}

#[test]
fn duplicate_entries_are_refused() {
    let mut e = valid_entries("pkg", &[]);
    e.push(file("pkg/file1/data/report.pdf", "replaced"));
    assert_refused(
        "pkg.contentexport",
        &e,
        &[],
        &["refused entry \"pkg/file1/data/report.pdf\"", "twice"],
    );
}

#[test]
fn not_gzip_and_damaged_and_absent_files() {
    let dir = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin!("agol-tui");
    let run = |p: &Path| {
        let out = std::process::Command::new(bin)
            .arg("inspect")
            .arg(p)
            .current_dir(dir.path())
            .env("AGOL_DATA_DIR", data.path())
            .env("AGOL_CONFIG", data.path().join("none.toml"))
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // A zip (or anything else) renamed to .contentexport.
    let plain = dir.path().join("plain.contentexport");
    std::fs::write(&plain, b"PK\x03\x04 not a gzip at all").unwrap();
    let (code, err) = run(&plain);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not a gzip file"), "{err}");
    // A truncated gzip.
    let s = Scene::new("cut.contentexport", &valid_entries("cut", &[]));
    let bytes = std::fs::read(&s.package).unwrap();
    let cut = dir.path().join("cut.contentexport");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let (code, err) = run(&cut);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("damaged package"), "{err}");
    // No such file: a usage error.
    let (code, err) = run(&dir.path().join("absent.contentexport"));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no such package file"), "{err}");
    // A gzip tar without manifest.json.
    let s = Scene::new(
        "nomanifest.contentexport",
        &[file("nomanifest/graph.gml", GRAPH)],
    );
    let (code, _, err) = s.inspect(false, &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("nomanifest/manifest.json: missing; not a .contentexport package"),
        "{err}"
    );
    let mut found = Vec::new();
    walk(dir.path(), &mut found);
    found.sort();
    assert_eq!(found, vec![cut, plain], "only the test's own files");
}
