//! Compares a snapshot with a snapshot of its restored copy, item by item: what the source held
//! that did not come back is a [`Difference`] naming the item and the part. The expectation is
//! always the source snapshot (remapped to the target's ids and URLs), never what a restore sent.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use crate::engine::archive::manifest::{ManifestItem, Outcome};
use crate::engine::restore::rewrite::{Rewriter, escape_raw_controls};
use crate::engine::restore::source::ItemArchive;

/// One thing of the source that the restored copy does not have as it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// Item id in the source snapshot.
    pub id: String,
    /// Item title in the source snapshot.
    pub title: String,
    /// The part: a property (`item.typeKeywords`), an archive entry, `layer 0 features`, ...
    pub part: String,
    /// What differs.
    pub detail: String,
}

/// One side of the comparison: a snapshot directory and its manifest items.
pub struct Side<'a> {
    /// The snapshot directory (archives are relative to it).
    pub dir: &'a Path,
    /// Its manifest items.
    pub items: &'a [ManifestItem],
}

/// What to compare and how the two sides map.
pub struct Comparison<'a> {
    /// The source snapshot.
    pub source: Side<'a>,
    /// The snapshot of the restored copy.
    pub target: Side<'a>,
    /// Source ids and service URLs → target ones (from the restore).
    pub remap: &'a Rewriter,
    /// Hosts (`host:port` or `host`) of the source org that must not appear in the target.
    pub source_hosts: Vec<String>,
    /// Compare access and group sharing (a `.contentexport` carries none).
    pub sharing: bool,
    /// Only these source ids (all ok items when `None`).
    pub only: Option<BTreeSet<String>>,
    /// (item type or `*`, entry or `item.<property>`) pairs the source does not carry, left
    /// out (e.g. a package written by another tool without `protected`).
    pub uncarried: Vec<(String, String)>,
}

/// The item properties that must come back as they were (the item `url` and text properties
/// compared after remapping).
pub const PROPERTIES: &[&str] = &[
    "title",
    "type",
    "description",
    "snippet",
    "tags",
    "documentation",
    "accessInformation",
    "licenseInfo",
    "culture",
    "extent",
    "spatialReference",
    "categories",
    "properties",
    "contentStatus",
    "url",
    "protected",
];

/// Layer definition keys that make up its schema.
const LAYER_SCHEMA: &[&str] = &[
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
];

/// The result of a comparison.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Compared {
    /// Source items compared.
    pub items: usize,
    /// Everything that did not come back.
    pub differences: Vec<Difference>,
}

struct ItemDiffs<'a> {
    item: &'a ManifestItem,
    out: &'a mut Vec<Difference>,
}

impl ItemDiffs<'_> {
    fn push(&mut self, part: impl Into<String>, detail: impl Into<String>) {
        self.out.push(Difference {
            id: self.item.id.clone(),
            title: self.item.title.clone(),
            part: part.into(),
            detail: detail.into(),
        });
    }
}

/// Compares every (selected) ok item of the source with its copy in the target.
pub fn compare(c: &Comparison<'_>) -> Compared {
    let target_items: BTreeMap<&str, &ManifestItem> =
        c.target.items.iter().map(|i| (i.id.as_str(), i)).collect();
    let source_ids: BTreeSet<&str> = c.source.items.iter().map(|i| i.id.as_str()).collect();
    let mut result = Compared::default();
    let mut seen_targets: BTreeMap<String, String> = BTreeMap::new();
    for item in
        c.source.items.iter().filter(|i| {
            i.outcome == Outcome::Ok && c.only.as_ref().is_none_or(|o| o.contains(&i.id))
        })
    {
        result.items += 1;
        let mut d = ItemDiffs {
            item,
            out: &mut result.differences,
        };
        let Some(new_id) = c.remap.ids.get(&item.id) else {
            d.push("item", "not restored (no item in the target)");
            continue;
        };
        if let Some(other) = seen_targets.insert(new_id.clone(), item.id.clone()) {
            d.push(
                "item",
                format!("restored onto the same target item as {other}"),
            );
        }
        let Some(copy) = target_items.get(new_id.as_str()) else {
            d.push(
                "item",
                format!("the target item {new_id} is not in the target's backup"),
            );
            continue;
        };
        if copy.outcome != Outcome::Ok {
            d.push(
                "item",
                format!(
                    "the target's backup of it failed: {}",
                    copy.reason.as_deref().unwrap_or("no reason")
                ),
            );
            continue;
        }
        compare_item(c, &source_ids, item, copy, &mut d);
    }
    result
}

fn open_side(side: &Side<'_>, item: &ManifestItem) -> Result<ItemArchive, String> {
    let rel = item
        .archive
        .as_deref()
        .ok_or_else(|| "the manifest lists no archive".to_string())?;
    ItemArchive::open(&side.dir.join(rel))
}

fn compare_item(
    c: &Comparison<'_>,
    source_ids: &BTreeSet<&str>,
    item: &ManifestItem,
    copy: &ManifestItem,
    d: &mut ItemDiffs<'_>,
) {
    let mut za = match open_side(&c.source, item) {
        Ok(z) => z,
        Err(e) => return d.push("archive", e),
    };
    let mut zb = match open_side(&c.target, copy) {
        Ok(z) => z,
        Err(e) => return d.push("archive", format!("target: {e}")),
    };
    let present: BTreeSet<String> = za.names().into_iter().collect();
    for part in &item.parts {
        if !present.contains(part) {
            d.push(
                part.clone(),
                "listed in the manifest but missing from the archive",
            );
        }
    }
    compare_properties(c, item, &mut za, &mut zb, d);
    compare_entries(c, source_ids, item, &mut za, &mut zb, d);
    compare_relationships(c, &mut za, &mut zb, d);
    if c.sharing {
        compare_sharing(&mut za, &mut zb, d);
    }
    compare_layers(item, copy, &mut za, &mut zb, d);
}

fn json_entry(z: &mut ItemArchive, name: &str) -> Result<Option<Value>, String> {
    z.json(name)
}

/// Empty forms (null, "", [], {}) are the same property: portals return either.
fn normalized(v: &Value) -> Value {
    match v {
        Value::String(s) if s.is_empty() => Value::Null,
        Value::Array(a) if a.is_empty() => Value::Null,
        Value::Object(o) if o.is_empty() => Value::Null,
        other => other.clone(),
    }
}

fn remapped(remap: &Rewriter, v: &Value) -> Value {
    match v {
        Value::String(s) => Value::String(remap.rewrite(s).text),
        Value::Null | Value::Bool(_) | Value::Number(_) => v.clone(),
        other => serde_json::from_str(&remap.rewrite(&other.to_string()).text)
            .unwrap_or_else(|_| other.clone()),
    }
}

fn keywords(v: &Value) -> BTreeSet<String> {
    v["typeKeywords"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|k| k.as_str())
        .map(str::to_string)
        .collect()
}

fn uncarried(c: &Comparison<'_>, item: &ManifestItem, part: &str) -> bool {
    c.uncarried
        .iter()
        .any(|(t, p)| (t == "*" || *t == item.item_type) && p == part)
}

fn compare_properties(
    c: &Comparison<'_>,
    item: &ManifestItem,
    za: &mut ItemArchive,
    zb: &mut ItemArchive,
    d: &mut ItemDiffs<'_>,
) {
    let (ja, jb) = match (json_entry(za, "item.json"), json_entry(zb, "item.json")) {
        (Ok(Some(a)), Ok(Some(b))) => (a, b),
        (Err(e), _) | (_, Err(e)) => return d.push("item.json", e),
        _ => return d.push("item.json", "missing"),
    };
    for key in PROPERTIES {
        if uncarried(c, item, &format!("item.{key}")) {
            continue;
        }
        let want = normalized(&remapped(c.remap, &ja[*key]));
        let got = normalized(&jb[*key]);
        if want != got {
            d.push(
                format!("item.{key}"),
                format!("source {} restored as {}", short(&want), short(&got)),
            );
        }
    }
    let (ka, kb) = (keywords(&ja), keywords(&jb));
    let missing: Vec<&String> = ka.difference(&kb).collect();
    if !missing.is_empty() && !uncarried(c, item, "item.typeKeywords") {
        d.push("item.typeKeywords", format!("missing {missing:?}"));
    }
}

fn short(v: &Value) -> String {
    let text = v.to_string();
    if text.len() > 120 {
        let mut end = 117;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", &text[..end])
    } else {
        text
    }
}

fn compared_entry(c: &Comparison<'_>, item: &ManifestItem, name: &str) -> bool {
    name != "archive.json"
        && name != "item.json"
        && !name.ends_with('/')
        && !name.contains("/attachments/")
        && !name.starts_with("export/")
        && !uncarried(c, item, name)
}

fn structural(name: &str) -> bool {
    name.starts_with("layers/")
        || name == "service.json"
        || name == "sources.json"
        || name == "relationships.json"
        || name == "sharing.json"
}

fn compare_entries(
    c: &Comparison<'_>,
    source_ids: &BTreeSet<&str>,
    item: &ManifestItem,
    za: &mut ItemArchive,
    zb: &mut ItemArchive,
    d: &mut ItemDiffs<'_>,
) {
    let names_a: BTreeSet<String> = za
        .names()
        .into_iter()
        .filter(|n| compared_entry(c, item, n))
        .collect();
    let names_b: BTreeSet<String> = zb
        .names()
        .into_iter()
        .filter(|n| compared_entry(c, item, n))
        .collect();
    for missing in names_a.difference(&names_b) {
        d.push(missing.clone(), "in the source, not in the restored copy");
    }
    for extra in names_b.difference(&names_a) {
        d.push(extra.clone(), "in the restored copy, not in the source");
    }
    for name in names_a.intersection(&names_b) {
        if structural(name) {
            continue;
        }
        let (ba, bb) = match (za.read(name), zb.read(name)) {
            (Ok(a), Ok(b)) => (a, b),
            (Err(e), _) => {
                d.push(name.clone(), format!("source unreadable: {e}"));
                continue;
            }
            (_, Err(e)) => {
                d.push(name.clone(), format!("restored copy unreadable: {e}"));
                continue;
            }
        };
        if !name.ends_with(".json") {
            if ba != bb {
                d.push(
                    name.clone(),
                    format!("bytes differ ({} vs {} bytes)", ba.len(), bb.len()),
                );
            }
            continue;
        }
        let (Ok(ta), Ok(tb)) = (String::from_utf8(ba), String::from_utf8(bb)) else {
            d.push(name.clone(), "not UTF-8 text");
            continue;
        };
        let mut want = c.remap.rewrite(&ta).text;
        if let Some(fixed) = escape_raw_controls(&want) {
            want = fixed;
        }
        let same = want == tb
            || matches!(
                (serde_json::from_str::<Value>(&want), serde_json::from_str::<Value>(&tb)),
                (Ok(x), Ok(y)) if x == y
            );
        if !same {
            d.push(name.clone(), "differs from the source after remapping");
        }
        let refs = c.remap.rewrite(&tb);
        let stale: Vec<&String> = refs
            .unknown_ids
            .iter()
            .filter(|id| source_ids.contains(id.as_str()))
            .collect();
        if !stale.is_empty() {
            d.push(name.clone(), format!("still names source items {stale:?}"));
        }
        for host in &c.source_hosts {
            if tb.contains(host.as_str()) {
                d.push(name.clone(), format!("still points at the source ({host})"));
            }
        }
    }
}

fn id_set(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i.as_str().map(str::to_string))
        .collect()
}

fn compare_relationships(
    c: &Comparison<'_>,
    za: &mut ItemArchive,
    zb: &mut ItemArchive,
    d: &mut ItemDiffs<'_>,
) {
    let (Ok(Some(ra)), Ok(rb)) = (
        json_entry(za, "relationships.json"),
        json_entry(zb, "relationships.json"),
    ) else {
        return;
    };
    let rb = rb.unwrap_or(Value::Null);
    let Some(forward) = ra["forward"].as_object() else {
        return;
    };
    for (kind, ids) in forward {
        let want: BTreeSet<String> = id_set(ids)
            .iter()
            .filter_map(|i| c.remap.ids.get(i).cloned())
            .collect();
        let got = id_set(&rb["forward"][kind]);
        if want != got {
            d.push(
                format!("relationship {kind}"),
                format!("source {want:?}, restored {got:?}"),
            );
        }
    }
}

fn group_titles(s: &Value) -> BTreeSet<String> {
    s["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g["title"].as_str().map(str::to_string))
        .collect()
}

fn compare_sharing(za: &mut ItemArchive, zb: &mut ItemArchive, d: &mut ItemDiffs<'_>) {
    let (Ok(Some(sa)), Ok(sb)) = (
        json_entry(za, "sharing.json"),
        json_entry(zb, "sharing.json"),
    ) else {
        return;
    };
    let sb = sb.unwrap_or(Value::Null);
    if sa["access"] != sb["access"] {
        d.push(
            "sharing.access",
            format!("source {}, restored {}", sa["access"], sb["access"]),
        );
    }
    let (ga, gb) = (group_titles(&sa), group_titles(&sb));
    if ga != gb {
        d.push("sharing.groups", format!("source {ga:?}, restored {gb:?}"));
    }
}

fn by_global_id(set: &Value, oid: &str) -> BTreeMap<String, Value> {
    set["features"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let mut f = f.clone();
            if let Some(attrs) = f["attributes"].as_object_mut() {
                attrs.remove(oid);
            }
            let key = f["attributes"]
                .get("GlobalID")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| f.to_string());
            (key, f)
        })
        .collect()
}

fn layer_definitions(z: &ItemArchive) -> Vec<String> {
    z.names()
        .into_iter()
        .filter(|n| {
            n.starts_with("layers/")
                && n.ends_with(".json")
                && !n.contains(".features")
                && n.matches('/').count() == 1
        })
        .collect()
}

type AttachmentKey = (String, String, Vec<u8>);

fn attachments(z: &mut ItemArchive, list: &Value) -> (BTreeSet<AttachmentKey>, Vec<String>) {
    let mut keys = BTreeSet::new();
    let mut unreadable = Vec::new();
    for x in list.as_array().into_iter().flatten() {
        let entry = x["entry"].as_str().unwrap_or_default();
        match z.read(entry) {
            Ok(bytes) => {
                keys.insert((
                    x["parentGlobalId"].to_string(),
                    x["name"].as_str().unwrap_or_default().to_string(),
                    bytes,
                ));
            }
            Err(_) => unreadable.push(entry.to_string()),
        }
    }
    (keys, unreadable)
}

fn compare_layers(
    item: &ManifestItem,
    copy: &ManifestItem,
    za: &mut ItemArchive,
    zb: &mut ItemArchive,
    d: &mut ItemDiffs<'_>,
) {
    for def in layer_definitions(za) {
        let id = def
            .trim_start_matches("layers/")
            .trim_end_matches(".json")
            .to_string();
        let (da, db) = match (json_entry(za, &def), json_entry(zb, &def)) {
            (Ok(Some(a)), Ok(Some(b))) => (a, b),
            (Err(e), _) => {
                d.push(def.clone(), format!("source unreadable: {e}"));
                continue;
            }
            _ => {
                d.push(def.clone(), "layer not in the restored copy");
                continue;
            }
        };
        for key in LAYER_SCHEMA {
            if da[*key] != db[*key] {
                d.push(format!("layer {id} {key}"), "schema differs");
            }
        }
        let (want, got) = (
            item.feature_counts.get(&id).copied(),
            copy.feature_counts.get(&id).copied(),
        );
        if want != got {
            d.push(
                format!("layer {id} features"),
                format!("{} in the snapshot, {} restored", count(want), count(got)),
            );
        }
        let (wa, ga) = (
            item.attachment_counts.get(&id).copied(),
            copy.attachment_counts.get(&id).copied(),
        );
        if wa.unwrap_or(0) != ga.unwrap_or(0) {
            d.push(
                format!("layer {id} attachments"),
                format!("{} in the snapshot, {} restored", count(wa), count(ga)),
            );
        }
        compare_features(item, &id, &da, &db, za, zb, d);
    }
}

fn count(n: Option<u64>) -> String {
    n.map_or_else(|| "none".to_string(), |n| n.to_string())
}

fn compare_features(
    item: &ManifestItem,
    id: &str,
    da: &Value,
    db: &Value,
    za: &mut ItemArchive,
    zb: &mut ItemArchive,
    d: &mut ItemDiffs<'_>,
) {
    let fname = format!("layers/{id}.features.json");
    if !za.has(&fname) || item.item_type != "Feature Service" || db["isView"] == true {
        return;
    }
    let fa = match json_entry(za, &fname) {
        Ok(Some(v)) => v,
        Ok(None) => return,
        Err(e) => return d.push(fname, format!("source unreadable: {e}")),
    };
    let fb = match json_entry(zb, &fname) {
        Ok(Some(v)) => v,
        Ok(None) => return d.push(fname, "no features in the restored copy"),
        Err(e) => return d.push(fname, format!("restored copy unreadable: {e}")),
    };
    let oid = da["objectIdField"].as_str().unwrap_or("OBJECTID");
    let (fa, fb) = (by_global_id(&fa, oid), by_global_id(&fb, oid));
    if fa.len() != fb.len() {
        d.push(
            fname.clone(),
            format!("{} features in the source, {} restored", fa.len(), fb.len()),
        );
    }
    if da["globalIdField"].as_str().is_some_and(|g| !g.is_empty()) {
        let differing = fa.iter().filter(|(k, v)| fb.get(*k) != Some(*v)).count();
        if differing > 0 {
            d.push(
                fname.clone(),
                format!("{differing} features missing or different by GlobalID"),
            );
        }
    }
    let att = format!("layers/{id}/attachments.json");
    if let (Ok(Some(aa)), Ok(ab)) = (json_entry(za, &att), json_entry(zb, &att)) {
        let ab = ab.unwrap_or(Value::Array(Vec::new()));
        let (ka, missing_a) = attachments(za, &aa);
        let (kb, _) = attachments(zb, &ab);
        for entry in missing_a {
            d.push(
                entry,
                "listed in the attachment index but missing from the archive",
            );
        }
        let lost = ka.difference(&kb).count();
        if lost > 0 {
            d.push(
                format!("layer {id} attachments"),
                format!("{lost} attachments not on their feature (by GlobalID, name and bytes)"),
            );
        }
    }
}
