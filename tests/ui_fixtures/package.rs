//! Real `.contentexport` files for the UI tests, built with tar + flate2 as
//! `docs/contentexport.md` lays them out: top folder = file stem, `manifest.json`,
//! `graph.gml`, and per item `<id>/properties.json` (+ data).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

/// An item of a test package: id, title, type.
pub type PkgItem<'a> = (&'a str, &'a str, &'a str);

fn add(b: &mut tar::Builder<GzEncoder<File>>, name: &str, data: &[u8]) {
    let mut h = tar::Header::new_gnu();
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    h.set_mtime(1_700_000_000);
    b.append_data(&mut h, name, data).unwrap();
}

/// Writes `<dir>/<stem>.contentexport` holding `items` (the manifest also names `absent`,
/// whose folders are left out) and returns its path.
pub fn build_package(dir: &Path, stem: &str, items: &[PkgItem], absent: &[PkgItem]) -> PathBuf {
    let path = dir.join(format!("{stem}.contentexport"));
    let gz = GzEncoder::new(File::create(&path).unwrap(), Compression::default());
    let mut b = tar::Builder::new(gz);
    let mut manifest = serde_json::Map::new();
    for (id, title, ty) in items.iter().chain(absent) {
        manifest.insert(
            id.to_string(),
            json!({"title": title, "type": ty, "created": 1_700_000_000_000i64,
                   "source": "https://old.maps.arcgis.com"}),
        );
    }
    let manifest = serde_json::to_vec(&json!({ "items": Value::Object(manifest) })).unwrap();
    add(&mut b, &format!("{stem}/manifest.json"), &manifest);
    let mut gml = String::from("graph [\n  directed 1\n");
    for (n, (id, _, _)) in items.iter().enumerate() {
        gml.push_str(&format!(
            "  node [\n    id {n}\n    label \"{id}\"\n    node \"node_{id}_item\"\n  ]\n"
        ));
    }
    gml.push_str("]\n");
    add(&mut b, &format!("{stem}/graph.gml"), gml.as_bytes());
    for (id, title, ty) in items {
        let props = json!({"id": id, "title": title, "type": ty, "owner": "gis_admin",
                           "origin_item_type": "TextItem"});
        add(
            &mut b,
            &format!("{stem}/{id}/properties.json"),
            &serde_json::to_vec(&props).unwrap(),
        );
        add(
            &mut b,
            &format!("{stem}/{id}/data/structure.json"),
            b"{\"operationalLayers\": []}",
        );
    }
    b.into_inner().unwrap().finish().unwrap().flush().unwrap();
    path
}

/// Writes `<dir>/<stem>.contentexport` whose one entry climbs out of the package (`../`).
pub fn build_hostile_package(dir: &Path, stem: &str) -> PathBuf {
    let path = dir.join(format!("{stem}.contentexport"));
    let gz = GzEncoder::new(File::create(&path).unwrap(), Compression::default());
    let mut b = tar::Builder::new(gz);
    let name = format!("{stem}/../../evil.txt");
    let mut h = tar::Header::new_old();
    h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
    h.set_entry_type(tar::EntryType::Regular);
    h.set_size(4);
    h.set_mode(0o644);
    h.set_cksum();
    b.append(&h, &b"evil"[..]).unwrap();
    b.into_inner().unwrap().finish().unwrap().flush().unwrap();
    path
}
