//! One item of a snapshot as a package folder `<id>/`: `properties.json`, `relationships.json`,
//! `files/`, `resources/`, `data/` and, for what Esri's layout cannot hold, `agol-tui/`.
//!
//! [`ItemSource::open`] reads and checks everything small first (item.json, names, JSON texts),
//! so an item that cannot be written is left out before any of its entries is in the tar.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::graph::ItemRefs;
use super::tarball::PackageTar;
use crate::engine::archive::manifest::FORMAT;
use crate::engine::archive::names::safe_name;

/// The folder (below `<id>/`) that carries agol-tui's lossless parts.
pub const AGOL_DIR: &str = "agol-tui";

/// An item archive opened and checked for writing.
pub struct ItemSource {
    /// Item id (validated: ASCII letters and digits only).
    pub id: String,
    path: PathBuf,
    /// Open while it is read; closed between the passes so that no more than one archive is
    /// open at a time, whatever the number of items.
    zip: Option<zip::ZipArchive<File>>,
    names: Vec<String>,
    /// `item.json` as an object.
    pub item: Map<String, Value>,
    /// What the item references (for the dependency graph).
    pub refs: ItemRefs,
}

fn open_zip(path: &Path) -> Result<zip::ZipArchive<File>, String> {
    let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    zip::ZipArchive::new(file)
        .map_err(|e| format!("{} is not a readable item archive: {e}", path.display()))
}

/// Whether `id` may be used as a folder name.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// True when every `/`-separated component of `name` is already a safe name (what the backup
/// writes; anything else means a tampered archive).
fn safe_path(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && name
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != ".." && safe_name(c) == c)
}

impl ItemSource {
    /// Reads and checks the archive of item `id`: names, item.json and the references of its
    /// JSON; the archive is closed again when this returns.
    pub fn open(id: &str, path: &Path) -> Result<ItemSource, String> {
        if !valid_id(id) {
            return Err(format!(
                "item id {id:?} is not plain letters and digits; not used as a folder name"
            ));
        }
        let zip = open_zip(path)?;
        let names: Vec<String> = zip
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.to_string()))
            .filter(|n| !n.ends_with('/'))
            .collect();
        if let Some(bad) = names.iter().find(|n| !safe_path(n)) {
            return Err(format!("archive entry {bad:?} is not a safe path"));
        }
        let mut src = ItemSource {
            id: id.to_string(),
            path: path.to_path_buf(),
            zip: Some(zip),
            names,
            item: Map::new(),
            refs: ItemRefs::default(),
        };
        match serde_json::from_slice(&src.read("item.json")?) {
            Ok(Value::Object(m)) => src.item = m,
            Ok(_) => return Err("item.json is not a JSON object".into()),
            Err(e) => return Err(format!("item.json is not JSON: {e}")),
        }
        let text_names: Vec<String> = src
            .names
            .iter()
            .filter(|n| {
                *n == "data.json"
                    || *n == "sources.json"
                    || (n.starts_with("resources/") && n.ends_with(".json"))
            })
            .cloned()
            .collect();
        src.refs = ItemRefs::new(id, src.url().as_deref());
        for n in text_names {
            let bytes = src.read(&n)?;
            src.refs.scan(&bytes);
        }
        src.zip = None;
        Ok(src)
    }

    fn zip(&mut self) -> Result<&mut zip::ZipArchive<File>, String> {
        if self.zip.is_none() {
            self.zip = Some(open_zip(&self.path)?);
        }
        self.zip
            .as_mut()
            .ok_or_else(|| format!("{}: archive not open", self.id))
    }

    /// Closes the archive (it is opened again when read).
    pub fn close(&mut self) {
        self.zip = None;
    }

    fn has(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a String> + 'a {
        self.names.iter().filter(move |n| n.starts_with(prefix))
    }

    fn first_under(&self, prefix: &str) -> Option<String> {
        self.under(prefix).next().cloned()
    }

    fn read(&mut self, name: &str) -> Result<Vec<u8>, String> {
        let mut entry = self
            .zip()?
            .by_name(name)
            .map_err(|e| format!("no entry {name}: {e}"))?;
        let mut out = Vec::with_capacity(entry.size().min(64 << 20) as usize);
        std::io::Read::read_to_end(&mut entry, &mut out)
            .map_err(|e| format!("cannot read {name}: {e}"))?;
        Ok(out)
    }

    fn json(&mut self, name: &str) -> Result<Option<Value>, String> {
        if !self.has(name) {
            return Ok(None);
        }
        serde_json::from_slice(&self.read(name)?)
            .map(Some)
            .map_err(|e| format!("{name} is not JSON: {e}"))
    }

    /// Streams archive entry `name` into the tar as `rel`.
    fn copy(&mut self, tar: &mut PackageTar, name: &str, rel: &str) -> Result<(), String> {
        let id = self.id.clone();
        let entry = self
            .zip()?
            .by_name(name)
            .map_err(|e| format!("{id}: no entry {name}: {e}"))?;
        let size = entry.size();
        tar.file(rel, size, entry)
            .map_err(|e| format!("{id}: cannot copy {name}: {e}"))
    }

    /// The item's `created` (ms).
    pub fn created(&self) -> Value {
        self.item.get("created").cloned().unwrap_or(Value::Null)
    }

    fn keyword(&self, word: &str) -> bool {
        self.item
            .get("typeKeywords")
            .and_then(Value::as_array)
            .is_some_and(|a| a.iter().any(|k| k.as_str() == Some(word)))
    }

    /// The service URL, when the item has one.
    pub fn url(&self) -> Option<String> {
        self.item
            .get("url")
            .and_then(Value::as_str)
            .filter(|u| !u.is_empty())
            .map(str::to_string)
    }
}

/// The graph relations of one item, by item id.
#[derive(Debug, Clone, Default)]
pub struct Relations {
    /// Items it depends on.
    pub requires: Vec<String>,
    /// Items that depend on it.
    pub required_by: Vec<String>,
}

/// Writes `<id>/` for one item. `export_format` is the snapshot's server-side export format;
/// `folder` the title of the owner's folder holding the item (`None` = root), declared as
/// `agolTui.ownerFolderTitle` so our reader restores into the same folder.
pub fn write_item(
    tar: &mut PackageTar,
    src: &mut ItemSource,
    relations: &Relations,
    export_format: Option<&str>,
    folder: Option<&str>,
) -> Result<(), String> {
    let id = src.id.clone();
    let io = |e: std::io::Error| format!("{id}: {e}");
    for dir in ["files", "resources", "data"] {
        tar.dir(&format!("{id}/{dir}")).map_err(io)?;
    }
    let mut props = src.item.clone();
    let mut agol: Vec<(String, String)> = Vec::new(); // (archive entry, path below agol-tui/)
    for name in ["sharing.json", "relationships.json"] {
        if src.has(name) {
            agol.push((name.to_string(), name.to_string()));
        }
    }

    // files/: thumbnail under the base name properties.json names, metadata.xml.
    if let Some(thumb) = src.first_under("thumbnail/") {
        let named = props
            .get("thumbnail")
            .and_then(Value::as_str)
            // Esri's importer takes the second component of `thumbnail/<name>`.
            .and_then(|t| t.split_once('/').map(|(_, b)| b))
            .filter(|b| !b.is_empty() && safe_name(b) == *b)
            .map(str::to_string);
        let base = match named {
            Some(b) => b,
            None => {
                let b = safe_name(thumb.rsplit('/').next().unwrap_or("thumbnail.png"));
                props.insert("thumbnail".into(), Value::String(format!("thumbnail/{b}")));
                b
            }
        };
        src.copy(tar, &thumb, &format!("{id}/files/{base}"))?;
    } else if props.get("thumbnail").is_some_and(Value::is_string) {
        // Not backed up (--no-thumbnails, or it did not download): Esri's importer would look
        // for the file named here.
        props.insert("thumbnail".into(), Value::Null);
    }
    if src.has("metadata/metadata.xml") {
        src.copy(
            tar,
            "metadata/metadata.xml",
            &format!("{id}/files/metadata.xml"),
        )?;
    }

    // resources/: resources.json keyed by full path; files under their base name, or under
    // agol-tui/resources/<full path> when the base name is taken or not safe as it is.
    let modified = src.item.get("modified").cloned().unwrap_or(Value::Null);
    let resources: Vec<String> = src.under("resources/").cloned().collect();
    let mut listing = Map::new();
    let mut taken: BTreeSet<String> = BTreeSet::from(["resources.json".to_string()]);
    let mut placed: Vec<(String, String)> = Vec::new();
    // Each resource's access from the archive's resources.json (older archives: inherit).
    let access_of: BTreeMap<String, String> = src
        .json("resources.json")?
        .and_then(|d| d.get("resources").and_then(Value::as_array).cloned())
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let entry = r.get("entry")?.as_str()?.to_string();
            let access = r.get("access").and_then(Value::as_str);
            Some((
                entry,
                access
                    .filter(|a| *a == "private")
                    .unwrap_or("inherit")
                    .to_string(),
            ))
        })
        .collect();
    for name in &resources {
        let key = name["resources/".len()..].to_string();
        let size = src.zip()?.by_name(name).map(|e| e.size()).unwrap_or(0);
        let access = access_of.get(name).map(String::as_str).unwrap_or("inherit");
        listing.insert(
            key.clone(),
            json!({"resource": key, "created": modified, "size": size, "access": access}),
        );
        let base = key.rsplit('/').next().unwrap_or(&key).to_string();
        if taken.insert(base.clone()) {
            placed.push((name.clone(), format!("{id}/resources/{base}")));
        } else {
            agol.push((name.clone(), format!("resources/{key}")));
        }
    }
    let body = serde_json::to_vec_pretty(&Value::Object(listing)).map_err(|e| e.to_string())?;
    tar.bytes(&format!("{id}/resources/resources.json"), &body)
        .map_err(io)?;
    for (name, rel) in placed {
        src.copy(tar, &name, &rel)?;
    }

    // data/
    let service = src.has("service.json");
    let is_view = service && (src.has("sources.json") || src.keyword("View Service"));
    let export = src.first_under("export/");
    // Esri's importer reads origin_item_type on every item; an item without data is a text
    // item with no structure.json, which it creates without text.
    let origin = if service || (src.url().is_some() && !src.has("data.json")) {
        "ServiceItem"
    } else if src.under("data/").next().is_some() && !src.has("data.json") {
        "FileItem"
    } else {
        "TextItem"
    };
    if src.has("data.json") && service {
        // A service's item data (popups, layer overrides) has no place in Esri's layout.
        agol.push(("data.json".into(), "data.json".into()));
    } else if src.has("data.json") {
        src.copy(tar, "data.json", &format!("{id}/data/structure.json"))?;
    } else if !service && let Some(file) = src.first_under("data/") {
        let base = safe_name(file.rsplit('/').next().unwrap_or("data"));
        src.copy(tar, &file, &format!("{id}/data/{base}"))?;
    }
    if service {
        let layer_ids = layer_ids(src)?;
        if is_view {
            src.copy(tar, "service.json", &format!("{id}/data/view_props.json"))?;
            let source = src
                .json("sources.json")?
                .and_then(|v| v.pointer("/services/0/name").cloned());
            for n in &layer_ids {
                let props = view_layer_props(src, *n, source.as_ref())?;
                tar.bytes(&format!("{id}/data/layer_{n}_props.json"), &props)
                    .map_err(io)?;
            }
        } else {
            let flc = flc_props(src, &layer_ids)?;
            tar.bytes(&format!("{id}/data/flc_props.json"), &flc)
                .map_err(io)?;
        }
        match (export, export_format) {
            (Some(file), Some(format)) if !is_view => {
                let base = safe_name(file.rsplit('/').next().unwrap_or("export.zip"));
                src.copy(tar, &file, &format!("{id}/data/{base}"))?;
                props.insert("data_item_type".into(), Value::String(format.to_string()));
            }
            _ => {
                let lossless: Vec<String> = src
                    .names
                    .iter()
                    .filter(|n| {
                        *n == "service.json"
                            || *n == "sources.json"
                            || (n.starts_with("layers/") && !n.ends_with(".geojson"))
                    })
                    .cloned()
                    .collect();
                for n in lossless {
                    agol.push((n.clone(), n));
                }
            }
        }
    }
    props.insert("origin_item_type".into(), Value::String(origin.into()));

    // agol-tui/: declared in properties.json (every name was checked by `open`).
    if !agol.is_empty() || folder.is_some() {
        let mut decl = json!({"format": FORMAT, "version": 1, "folder": AGOL_DIR,
               "entries": agol.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>()});
        if let Some(title) = folder {
            decl["ownerFolderTitle"] = Value::String(title.to_string());
        }
        props.insert("agolTui".into(), decl);
    }
    let body = serde_json::to_vec_pretty(&Value::Object(props)).map_err(|e| e.to_string())?;
    tar.bytes(&format!("{id}/properties.json"), &body)
        .map_err(io)?;

    let related = src
        .json("relationships.json")?
        .and_then(|v| v.get("forward").cloned())
        .unwrap_or_else(|| json!({}));
    let rel = json!({"contains": [], "requires": relations.requires,
        "contained_by": [], "required_by": relations.required_by, "related_items": related});
    let body = serde_json::to_vec_pretty(&rel).map_err(|e| e.to_string())?;
    tar.bytes(&format!("{id}/relationships.json"), &body)
        .map_err(io)?;

    for (name, rel) in agol {
        src.copy(tar, &name, &format!("{id}/{AGOL_DIR}/{rel}"))?;
    }
    src.close();
    Ok(())
}

/// Ids of the `layers/<n>.json` definitions in the archive (numeric, sorted).
fn layer_ids(src: &ItemSource) -> Result<Vec<i64>, String> {
    let mut ids: Vec<i64> = src
        .under("layers/")
        .filter_map(|n| n.strip_prefix("layers/")?.strip_suffix(".json"))
        .filter(|s| !s.contains('/') && !s.contains('.'))
        .map(|s| {
            s.parse::<i64>()
                .map_err(|_| format!("{}: layers/{s}.json is not a layer id", src.id))
        })
        .collect::<Result<_, _>>()?;
    ids.sort_unstable();
    Ok(ids)
}

/// `service.json` with its `layers` and `tables` replaced by the full layer definitions.
/// A view layer's definition as the admin endpoint gives it: Esri's importer reads
/// `adminLayerInfo.viewLayerDefinition`, which the public layer JSON we back up lacks, so it is
/// added from the view's source (same layer id) when absent.
fn view_layer_props(
    src: &mut ItemSource,
    n: i64,
    source: Option<&Value>,
) -> Result<Vec<u8>, String> {
    let name = format!("layers/{n}.json");
    let mut def = src
        .json(&name)?
        .ok_or_else(|| format!("{name} is missing from the item archive"))?;
    if let (Some(obj), Some(source)) = (def.as_object_mut(), source)
        && !obj.contains_key("adminLayerInfo")
    {
        let fields: Vec<Value> = obj
            .get("fields")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|f| f.get("name").cloned())
            .map(|name| serde_json::json!({"name": name, "source": name}))
            .collect();
        obj.insert(
            "adminLayerInfo".into(),
            serde_json::json!({"viewLayerDefinition": {"table": {
                "sourceServiceName": source,
                "sourceLayerId": n,
                "sourceLayerFields": fields,
            }}}),
        );
    }
    serde_json::to_vec_pretty(&def).map_err(|e| format!("{name}: {e}"))
}

fn flc_props(src: &mut ItemSource, layer_ids: &[i64]) -> Result<Vec<u8>, String> {
    let id = src.id.clone();
    let mut service = match src.json("service.json")? {
        Some(Value::Object(m)) => m,
        _ => return Err(format!("{id}: service.json is not a JSON object")),
    };
    let mut full: BTreeMap<i64, Value> = BTreeMap::new();
    for n in layer_ids {
        if let Some(v) = src.json(&format!("layers/{n}.json"))? {
            full.insert(*n, v);
        }
    }
    for key in ["layers", "tables"] {
        if let Some(Value::Array(list)) = service.get_mut(key) {
            for entry in list.iter_mut() {
                if let Some(def) = entry
                    .get("id")
                    .and_then(Value::as_i64)
                    .and_then(|n| full.get(&n))
                {
                    *entry = def.clone();
                }
            }
        }
    }
    serde_json::to_vec_pretty(&Value::Object(service)).map_err(|e| format!("{id}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::archive::writer::ItemArchiveWriter;
    use crate::engine::package::reader::{ReadLimits, scan};

    #[test]
    fn colliding_resource_names_go_to_agol_tui_with_their_full_path() {
        let dir = tempfile::tempdir().unwrap();
        let id = "0123456789abcdef0123456789abcdef";
        let zip = dir.path().join("a.zip");
        let mut w = ItemArchiveWriter::create(&zip).unwrap();
        let item = json!({"id": id, "title": "T", "type": "Web Map", "thumbnail": "thumbnail/t.png",
            "modified": 5, "typeKeywords": []});
        w.add_bytes("item.json", item.to_string().as_bytes())
            .unwrap();
        w.add_bytes("data.json", b"{\"operationalLayers\":[]}")
            .unwrap();
        w.add_bytes("resources/a/x.png", b"one").unwrap();
        w.add_bytes("resources/b/x.png", b"two").unwrap();
        w.add_bytes("resources/c/resources.json", b"{}").unwrap();
        w.finish(json!({})).unwrap();

        let out = dir.path().join("p.contentexport");
        let mut tar = PackageTar::new(File::create(&out).unwrap(), "p").unwrap();
        let mut src = ItemSource::open(id, &zip).unwrap();
        write_item(
            &mut tar,
            &mut src,
            &Relations::default(),
            None,
            Some("Admin Tools"),
        )
        .unwrap();
        tar.finish().unwrap();

        let listing = scan(&out, &ReadLimits::default()).unwrap();
        let res: Value =
            serde_json::from_slice(&listing.small_files[&format!("{id}/resources/resources.json")])
                .unwrap();
        let keys: Vec<&String> = res.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["a/x.png", "b/x.png", "c/resources.json"]);
        assert_eq!(res["b/x.png"]["size"], 3);
        assert!(listing.has_file(&format!("{id}/resources/x.png")));
        assert!(listing.has_file(&format!("{id}/agol-tui/resources/b/x.png")));
        assert!(listing.has_file(&format!("{id}/agol-tui/resources/c/resources.json")));
        assert!(listing.has_file(&format!("{id}/data/structure.json")));
        let props: Value =
            serde_json::from_slice(&listing.small_files[&format!("{id}/properties.json")]).unwrap();
        assert_eq!(props["origin_item_type"], "TextItem");
        assert_eq!(props["thumbnail"], Value::Null);
        assert_eq!(
            props["agolTui"]["entries"],
            json!(["resources/b/x.png", "resources/c/resources.json"])
        );
        assert_eq!(props["agolTui"]["ownerFolderTitle"], "Admin Tools");
        assert!(ItemSource::open("../x", &zip).is_err());
    }
}
