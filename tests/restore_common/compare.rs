//! The item-by-item comparison of the restore round trip: org A's snapshot against org B's
//! snapshot taken after restoring A (or a package of A) into B. Properties, data (byte for byte
//! after remapping; every remapped reference points at B), thumbnails, metadata, resources,
//! relationships, sharing, each layer's schema, features (count, attributes, geometry by
//! GlobalID) and every attachment's bytes on the right feature.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use agol_tui::engine::archive::manifest::Outcome;
use agol_tui::engine::backup::run::BackupReport;
use agol_tui::engine::restore::items::SYSTEM_KEYWORDS;
use agol_tui::engine::restore::rewrite::Rewriter;
use agol_tui::engine::restore::source::ItemArchive;
use agol_tui::fake::FakePortal;
use serde_json::Value;

/// What to compare.
#[derive(Debug, Clone)]
pub struct Check {
    /// Compare access and group sharing (a `.contentexport` carries none).
    pub sharing: bool,
    /// Only these ids of A (all ok items when `None`).
    pub only: Option<BTreeSet<String>>,
    /// (item type, part) pairs the source does not carry, left out of the comparison.
    pub uncarried: Vec<(&'static str, &'static str)>,
}

impl Default for Check {
    fn default() -> Self {
        Check {
            sharing: true,
            only: None,
            uncarried: Vec::new(),
        }
    }
}

fn open(dir: &Path, rel: &str) -> ItemArchive {
    ItemArchive::open(&dir.join(rel)).unwrap()
}

fn keywords(v: &Value) -> BTreeSet<String> {
    v["typeKeywords"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| k.as_str())
        .filter(|k| !SYSTEM_KEYWORDS.contains(k))
        .map(str::to_string)
        .collect()
}

fn by_gid(set: &Value, oid: &str) -> BTreeMap<String, Value> {
    set["features"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let mut f = f.clone();
            let attrs = f["attributes"].as_object_mut().unwrap();
            attrs.remove(oid);
            let key = attrs
                .get("GlobalID")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| serde_json::to_string(&f).unwrap());
            (key, f)
        })
        .collect()
}

/// Compares every (selected) ok item of `backup_a` with its restored copy in `backup_b`
/// (found through `remap`); `a` is org A, for its origins. Returns how many were compared.
pub fn compare_orgs(
    a: &FakePortal,
    backup_a: &BackupReport,
    backup_b: &BackupReport,
    remap: &Rewriter,
    check: &Check,
) -> usize {
    let b_items: BTreeMap<&str, &agol_tui::engine::archive::manifest::ManifestItem> = backup_b
        .manifest
        .items
        .iter()
        .map(|i| (i.id.as_str(), i))
        .collect();
    let a_ids: BTreeSet<&str> = backup_a
        .manifest
        .items
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    let a_origin = url::Url::parse(&a.url()).unwrap();
    let a_services = url::Url::parse(&a.services_origin()).unwrap();

    let mut compared = 0;
    for ia in backup_a.manifest.items.iter().filter(|i| {
        i.outcome == Outcome::Ok && check.only.as_ref().is_none_or(|o| o.contains(&i.id))
    }) {
        let new_id = remap
            .ids
            .get(&ia.id)
            .unwrap_or_else(|| panic!("{} has no new id", ia.title));
        let ib = b_items
            .get(new_id.as_str())
            .unwrap_or_else(|| panic!("{} not in B", ia.title));
        assert_eq!(
            ib.outcome,
            Outcome::Ok,
            "{}: B's backup of it failed: {:?}",
            ia.title,
            ib.reason
        );
        let mut za = open(&backup_a.dir, ia.archive.as_ref().unwrap());
        let mut zb = open(&backup_b.dir, ib.archive.as_ref().unwrap());
        let what = &ia.title;

        // Point 3 properties.
        let (ja, jb) = (
            za.json("item.json").unwrap().unwrap(),
            zb.json("item.json").unwrap().unwrap(),
        );
        for k in [
            "title",
            "type",
            "tags",
            "snippet",
            "description",
            "accessInformation",
            "licenseInfo",
            "extent",
            "spatialReference",
            "culture",
            "categories",
        ] {
            let va = if ja[k].is_null() && k == "categories" {
                Value::Array(vec![])
            } else {
                ja[k].clone()
            };
            let vb = if jb[k].is_null() && k == "categories" {
                Value::Array(vec![])
            } else {
                jb[k].clone()
            };
            let va = match va {
                Value::String(s) => Value::String(remap.rewrite(&s).text),
                v => v,
            };
            assert_eq!(va, vb, "{what}: {k}");
        }
        assert_eq!(keywords(&ja), keywords(&jb), "{what}: typeKeywords");
        let props_a: Value =
            serde_json::from_str(&remap.rewrite(&ja["properties"].to_string()).text).unwrap();
        assert_eq!(props_a, jb["properties"], "{what}: properties");

        // Data and every other part, remapped JSON byte for byte.
        let compared_part = |n: &String| {
            n != "archive.json"
                && n != "item.json"
                && !n.contains("/attachments/")
                && !n.starts_with("export/") // a backup option, not item content
                && !check
                    .uncarried
                    .iter()
                    .any(|(t, p)| *t == ia.item_type && p == n)
        };
        let names_a: BTreeSet<String> = za.names().into_iter().filter(compared_part).collect();
        let names_b: BTreeSet<String> = zb.names().into_iter().filter(compared_part).collect();
        assert_eq!(names_a, names_b, "{what}: parts");
        for name in &names_a {
            if name.starts_with("layers/")
                || name == "service.json"
                || name == "sources.json"
                || name == "relationships.json"
                || name == "sharing.json"
            {
                continue;
            }
            let (ba, bb) = (za.read(name).unwrap(), zb.read(name).unwrap());
            if name.ends_with(".json") {
                let mut text = remap.rewrite(&String::from_utf8(ba).unwrap()).text;
                if let Some(fixed) = agol_tui::engine::restore::rewrite::escape_raw_controls(&text)
                {
                    text = fixed;
                }
                let tb = String::from_utf8(bb).unwrap();
                assert_eq!(text, tb, "{what}: {name}");
                let refs = remap.rewrite(&tb);
                assert!(
                    refs.unknown_ids
                        .iter()
                        .all(|id| !a_ids.contains(id.as_str())),
                    "{what}: {name} still names an A item"
                );
                for origin in [&a_origin, &a_services] {
                    let host = format!("{}:{}", origin.host_str().unwrap(), origin.port().unwrap());
                    assert!(!tb.contains(&host), "{what}: {name} points at A ({host})");
                }
            } else {
                assert!(ba == bb, "{what}: {name} differs");
            }
        }

        // Relationships (forward, mapped) and sharing (access, group titles).
        let rel_a = za.json("relationships.json").unwrap().unwrap();
        let rel_b = zb.json("relationships.json").unwrap().unwrap();
        for (t, ids) in rel_a["forward"].as_object().unwrap() {
            let want: BTreeSet<String> = ids
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|i| remap.ids.get(i.as_str().unwrap()).cloned())
                .collect();
            let got: BTreeSet<String> = rel_b["forward"][t]
                .as_array()
                .into_iter()
                .flatten()
                .map(|i| i.as_str().unwrap().to_string())
                .collect();
            assert_eq!(want, got, "{what}: {t}");
        }
        if check.sharing {
            let (sa, sb) = (
                za.json("sharing.json").unwrap().unwrap(),
                zb.json("sharing.json").unwrap().unwrap(),
            );
            assert_eq!(sa["access"], sb["access"], "{what}: access");
            let titles = |s: &Value| -> BTreeSet<String> {
                s["groups"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|g| g["title"].as_str().unwrap().to_string())
                    .collect()
            };
            assert_eq!(titles(&sa), titles(&sb), "{what}: groups");
        }

        // Layers: schema, features by GlobalID, attachments on the right feature.
        let layers: Vec<String> = names_a
            .iter()
            .filter(|n| {
                n.starts_with("layers/")
                    && n.ends_with(".json")
                    && !n.contains(".features")
                    && n.matches('/').count() == 1
            })
            .cloned()
            .collect();
        for l in &layers {
            let (da, db) = (za.json(l).unwrap().unwrap(), zb.json(l).unwrap().unwrap());
            for k in [
                "name",
                "type",
                "geometryType",
                "fields",
                "objectIdField",
                "globalIdField",
                "types",
                "templates",
                "drawingInfo",
                "relationships",
                "hasAttachments",
                "typeIdField",
            ] {
                assert_eq!(da[k], db[k], "{what}: {l} {k}");
            }
            let id = l.trim_start_matches("layers/").trim_end_matches(".json");
            assert_eq!(
                ia.feature_counts.get(id),
                ib.feature_counts.get(id),
                "{what}: count of layer {id}"
            );
            let fname = format!("layers/{id}.features.json");
            if !za.has(&fname) || ia.item_type != "Feature Service" || db["isView"] == true {
                continue;
            }
            let oid = da["objectIdField"].as_str().unwrap_or("OBJECTID");
            let (fa, fb) = (
                by_gid(&za.json(&fname).unwrap().unwrap(), oid),
                by_gid(&zb.json(&fname).unwrap().unwrap(), oid),
            );
            assert_eq!(fa.len(), fb.len(), "{what}: layer {id} features");
            if da["globalIdField"].as_str().is_some_and(|g| !g.is_empty()) {
                assert_eq!(fa, fb, "{what}: layer {id} attributes and geometry");
            }
            let att = format!("layers/{id}/attachments.json");
            if let (Some(aa), Some(ab)) = (za.json(&att).unwrap(), zb.json(&att).unwrap()) {
                let key =
                    |zip: &mut ItemArchive, list: &Value| -> BTreeSet<(String, String, Vec<u8>)> {
                        list.as_array()
                            .unwrap()
                            .iter()
                            .map(|x| {
                                (
                                    x["parentGlobalId"].to_string(),
                                    x["name"].as_str().unwrap().to_string(),
                                    zip.read(x["entry"].as_str().unwrap()).unwrap(),
                                )
                            })
                            .collect()
                    };
                assert_eq!(
                    key(&mut za, &aa),
                    key(&mut zb, &ab),
                    "{what}: layer {id} attachments"
                );
            }
        }
        compared += 1;
    }
    compared
}
