//! One package item (`<name>/<id>/…`) → one item archive, per the table in
//! `docs/contentexport.md` ("Reading"). `agol-tui/<entry>` files override the mapped entries.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use super::read_json;
use crate::engine::archive::manifest::{FORMAT, VERSION};
use crate::engine::archive::names::{item_archive_path, safe_entry_path};
use crate::engine::archive::writer::{ArchiveInfo, ItemArchiveWriter};
use crate::engine::package::gml::Graph;
use crate::engine::package::reader::{CANCEL_CHECK_BYTES, Cancel};
use crate::engine::restore::plan::service_name_of;

/// The extracted package being converted.
pub(super) struct Package<'a> {
    /// The extracted top folder.
    pub root: &'a Path,
    /// The package name (top folder).
    pub name: &'a str,
    /// The dependency graph, when the package has a readable one.
    pub graph: Option<Graph>,
    /// Asked between archive entries and every [`CANCEL_CHECK_BYTES`] of a copied file.
    pub cancel: &'a dyn Cancel,
}

/// A converted item.
pub(super) struct Converted {
    pub title: String,
    pub item_type: String,
    pub owner: String,
    pub folder: Option<String>,
    pub modified: i64,
    pub rel: String,
    pub info: ArchiveInfo,
    pub feature_counts: BTreeMap<String, u64>,
    pub notes: Vec<String>,
}

/// Copies `source` into the archive entry `name`, streaming, asking `cancel` every
/// [`CANCEL_CHECK_BYTES`]; fails once it answers true.
fn copy_file(
    w: &mut ItemArchiveWriter,
    name: &str,
    source: &Path,
    cancel: &dyn Cancel,
) -> std::io::Result<()> {
    use std::io::{Read, Write};
    let mut input = std::fs::File::open(source)?;
    let mut part = w.start_part(name)?;
    let mut buf = vec![0u8; 256 * 1024];
    let mut since_check = 0u64;
    loop {
        if since_check >= CANCEL_CHECK_BYTES {
            since_check = 0;
            if cancel.is_cancelled() {
                return Err(std::io::Error::other("cancelled"));
            }
        }
        let n = input.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        part.write_all(&buf[..n])?;
        since_check += n as u64;
    }
}

/// Where an archive entry's bytes come from.
enum Src {
    File(PathBuf),
    Bytes(Vec<u8>),
}

fn pretty(v: &Value) -> Src {
    Src::Bytes(serde_json::to_vec_pretty(v).unwrap_or_default())
}

fn files_in(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().map(|t| t.is_file()).unwrap_or(false))
        .filter_map(|e| Some((e.file_name().into_string().ok()?, e.path())))
        .collect();
    out.sort();
    out
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, PathBuf)>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(name) = e.file_name().into_string() else {
            continue;
        };
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&e.path(), &rel, out),
            Ok(t) if t.is_file() => out.push((rel, e.path())),
            _ => {}
        }
    }
}

impl Package<'_> {
    fn what(&self, id: &str, file: &str) -> String {
        format!("item {id}: {}/{id}/{file}", self.name)
    }

    /// Converts item `id` into an archive under the snapshot directory `snapshot_dir`.
    pub fn convert(&self, id: &str, snapshot_dir: &Path) -> Result<Converted, String> {
        let dir = self.root.join(id);
        let props_path = dir.join("properties.json");
        if !props_path.is_file() {
            return Err(format!("{} is missing", self.what(id, "properties.json")));
        }
        let mut props = read_json(&props_path, &self.what(id, "properties.json"))?;
        let obj = props
            .as_object_mut()
            .ok_or_else(|| format!("{} is not a JSON object", self.what(id, "properties.json")))?;
        obj.remove("origin_item_type");
        let data_item_type = obj
            .remove("data_item_type")
            .and_then(|v| v.as_str().map(str::to_string));
        let folder = obj
            .remove("agolTui")
            .and_then(|a| {
                a.get("ownerFolderTitle")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .filter(|f| !f.trim().is_empty());
        let s = |k: &str| obj.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let title = s("title");
        let item_type = s("type");
        let owner = Some(s("owner"))
            .filter(|o| !o.is_empty())
            .unwrap_or_else(|| "_unknown".into());
        let modified = obj.get("modified").and_then(Value::as_i64).unwrap_or(0);
        let thumbnail = s("thumbnail");
        let mut notes = Vec::new();
        let mut entries: BTreeMap<String, Src> = BTreeMap::new();
        entries.insert("item.json".into(), pretty(&props));
        let mut export: Option<Value> = None;

        // data/
        let data_dir = dir.join("data");
        let data_files = files_in(&data_dir);
        let has = |f: &str| data_files.iter().any(|(n, _)| n == f);
        if has("structure.json") {
            let path = data_dir.join("structure.json");
            check_structure(&path, &self.what(id, "data/structure.json"))?;
            entries.insert("data.json".into(), Src::File(path));
        }
        let others: Vec<&(String, PathBuf)> = data_files
            .iter()
            .filter(|(n, _)| n != "structure.json" && !n.ends_with("_props.json"))
            .collect();
        if has("view_props.json") {
            let v = read_json(
                &data_dir.join("view_props.json"),
                &self.what(id, "data/view_props.json"),
            )?;
            entries.insert("service.json".into(), pretty(&v));
            let mut source_names = BTreeSet::new();
            for (n, path) in &data_files {
                let Some(layer) = n
                    .strip_prefix("layer_")
                    .and_then(|r| r.strip_suffix("_props.json"))
                    .filter(|l| l.parse::<i64>().is_ok())
                else {
                    continue;
                };
                let def = read_json(path, &self.what(id, &format!("data/{n}")))?;
                let vld = def.pointer("/adminLayerInfo/viewLayerDefinition");
                for p in ["/sourceServiceName", "/table/sourceServiceName"] {
                    if let Some(name) = vld.and_then(|v| v.pointer(p)).and_then(Value::as_str) {
                        source_names.insert(name.to_string());
                    }
                }
                entries.insert(format!("layers/{layer}.json"), Src::File(path.clone()));
            }
            match self.view_sources(id, &dir, &source_names)? {
                Some(s) => {
                    entries.insert("sources.json".into(), pretty(&s));
                }
                None => notes.push(
                    "the view's source service is not in the package; the view can only be re-created with an agol-tui/sources.json".into(),
                ),
            }
        } else if has("flc_props.json") || data_item_type.is_some() {
            if has("flc_props.json") {
                let v = read_json(
                    &data_dir.join("flc_props.json"),
                    &self.what(id, "data/flc_props.json"),
                )?;
                for key in ["layers", "tables"] {
                    for l in v.get(key).and_then(Value::as_array).into_iter().flatten() {
                        let lid = l.get("id").and_then(Value::as_i64).ok_or_else(|| {
                            format!(
                                "{}: a {key} entry has no numeric id",
                                self.what(id, "data/flc_props.json")
                            )
                        })?;
                        let mut l = l.clone();
                        if key == "tables"
                            && let Some(o) = l.as_object_mut()
                        {
                            o.entry("type").or_insert(json!("Table"));
                        }
                        entries.insert(format!("layers/{lid}.json"), pretty(&l));
                    }
                }
                entries.insert("service.json".into(), pretty(&v));
            } else {
                notes.push("no flc_props.json in the package: the service definition comes from the published export".into());
                entries.insert("service.json".into(), pretty(&json!({})));
            }
            match others.as_slice() {
                [] => {}
                [(n, path), rest @ ..] => {
                    entries.insert(format!("export/{n}"), Src::File(path.clone()));
                    export = Some(json!({"file": n, "data_item_type": data_item_type}));
                    for (r, _) in rest {
                        notes.push(format!("data/{r} left out: only one export is published"));
                    }
                }
            }
        } else {
            match others.as_slice() {
                [] => {}
                [(n, path)] => {
                    entries.insert(format!("data/{n}"), Src::File(path.clone()));
                }
                many => {
                    return Err(format!(
                        "item {id}: {}/{id}/data/ holds {} files ({}); a file item has one",
                        self.name,
                        many.len(),
                        many.iter()
                            .map(|(n, _)| n.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
        }

        // files/: thumbnail and metadata.
        let base = thumbnail.rsplit('/').next().unwrap_or("").to_string();
        if !base.is_empty() {
            let path = dir.join("files").join(&base);
            if path.is_file() && !is_image(&path) {
                notes.push(format!(
                    "thumbnail {base} in the package is not an image (an exporter saved the portal's error answer); left out"
                ));
            } else if path.is_file() {
                entries.insert(
                    format!("thumbnail/{}", safe_entry_path(&base)),
                    Src::File(path),
                );
            } else {
                notes.push(format!("thumbnail {base} is not in the package"));
            }
        }
        let meta = dir.join("files").join("metadata.xml");
        if meta.is_file() {
            entries.insert("metadata/metadata.xml".into(), Src::File(meta));
        }

        // resources/: keys of resources.json are the full paths; files are stored by base name.
        let res_index = dir.join("resources").join("resources.json");
        if res_index.is_file() {
            let index = read_json(&res_index, &self.what(id, "resources/resources.json"))?;
            let keys: Vec<String> = match &index {
                Value::Object(m) => m.keys().cloned().collect(),
                Value::Array(a) => a
                    .iter()
                    .filter_map(|r| r.get("resource").and_then(Value::as_str))
                    .map(str::to_string)
                    .collect(),
                _ => Vec::new(),
            };
            // The package lists each resource's access; our archive keeps it in resources.json.
            let access_of = |k: &str| -> &'static str {
                let r = match &index {
                    Value::Object(m) => m.get(k),
                    Value::Array(a) => a
                        .iter()
                        .find(|r| r.get("resource").and_then(Value::as_str) == Some(k)),
                    _ => None,
                };
                match r.and_then(|r| r.get("access")).and_then(Value::as_str) {
                    Some("private") => "private",
                    _ => "inherit",
                }
            };
            let mut listed: Vec<Value> = Vec::new();
            let mut bases: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for k in &keys {
                let b = k.rsplit('/').next().unwrap_or(k).to_string();
                bases.entry(b).or_default().push(k.clone());
            }
            for k in keys {
                if safe_entry_path(&k) != k {
                    notes.push(format!("resource {k:?} left out: not a safe relative path"));
                    continue;
                }
                let full = dir.join("agol-tui").join("resources").join(&k);
                let b = k.rsplit('/').next().unwrap_or(&k).to_string();
                let by_base = dir.join("resources").join(&b);
                let src = if full.is_file() {
                    full
                } else if by_base.is_file() {
                    if bases.get(&b).map(Vec::len).unwrap_or(0) > 1 {
                        notes.push(format!(
                            "resource {k}: several resources share the name {b}; the package keeps only one file of that name"
                        ));
                    }
                    by_base
                } else {
                    notes.push(format!("resource {k} is listed but not in the package"));
                    continue;
                };
                let size = std::fs::metadata(&src).map(|m| m.len()).ok();
                listed.push(json!({"resource": k, "entry": format!("resources/{k}"),
                    "access": access_of(&k), "size": size}));
                entries.insert(format!("resources/{k}"), Src::File(src));
            }
            if !listed.is_empty() {
                listed.sort_by(|a, b| a["resource"].as_str().cmp(&b["resource"].as_str()));
                entries.insert(
                    "resources.json".into(),
                    pretty(&json!({ "resources": listed })),
                );
            }
        }

        // relationships.json: the forward related items.
        let rel_path = dir.join("relationships.json");
        if rel_path.is_file() {
            let r = read_json(&rel_path, &self.what(id, "relationships.json"))?;
            let forward = r
                .get("related_items")
                .filter(|v| v.is_object())
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new()));
            entries.insert(
                "relationships.json".into(),
                pretty(&json!({"forward": forward, "reverse": {}})),
            );
        }

        // agol-tui/: our lossless parts override everything above.
        let ours = dir.join("agol-tui");
        if ours.is_dir() {
            let mut files = Vec::new();
            walk(&ours, "", &mut files);
            for (rel, path) in files {
                if rel == "archive.json" || rel == "item.json" {
                    continue;
                }
                entries.insert(rel, Src::File(path));
            }
        }

        self.write(
            id,
            snapshot_dir,
            Meta {
                title,
                item_type,
                owner,
                folder,
                modified,
            },
            entries,
            export,
            notes,
        )
    }

    fn write(
        &self,
        id: &str,
        snapshot_dir: &Path,
        meta: Meta,
        entries: BTreeMap<String, Src>,
        export: Option<Value>,
        notes: Vec<String>,
    ) -> Result<Converted, String> {
        let rel = item_archive_path(&meta.owner, meta.folder.as_deref(), &meta.title, id);
        let path = snapshot_dir.join(&rel);
        let io = |e: std::io::Error| format!("item {id}: cannot write {}: {e}", path.display());
        let mut feature_counts = BTreeMap::new();
        let mut w = ItemArchiveWriter::create(&path).map_err(io)?;
        for (name, src) in &entries {
            if self.cancel.is_cancelled() {
                return Err(format!("item {id}: cancelled"));
            }
            match src {
                Src::Bytes(b) => w.add_bytes(name, b).map_err(io)?,
                Src::File(p) => {
                    copy_file(&mut w, name, p, self.cancel).map_err(|e| {
                        format!(
                            "item {id}: cannot copy {} into the archive: {e}",
                            p.display()
                        )
                    })?;
                    if let Some(layer) = name
                        .strip_prefix("layers/")
                        .and_then(|r| r.strip_suffix(".features.json"))
                        .filter(|l| !l.contains('/'))
                    {
                        let file = std::fs::File::open(p).map_err(io)?;
                        let n = crate::engine::archive::verify::count_features(
                            std::io::BufReader::new(file),
                        )
                        .map_err(|e| format!("item {id}: {name}: {e}"))?;
                        feature_counts.insert(layer.to_string(), n);
                    }
                }
            }
        }
        let kind = if entries.contains_key("data.json") {
            "json"
        } else if entries.keys().any(|k| k.starts_with("data/")) {
            "file"
        } else {
            "none"
        };
        let descriptor = json!({
            "format": FORMAT, "version": VERSION,
            "item": {"id": id, "type": meta.item_type, "title": meta.title, "owner": meta.owner, "folder": meta.folder},
            "data": {"kind": kind},
            "feature_counts": feature_counts,
            "attachment_counts": {},
            "notes": notes,
            "package": {"name": self.name},
            "export": export,
        });
        let info = w.finish(descriptor).map_err(io)?;
        Ok(Converted {
            title: meta.title,
            item_type: meta.item_type,
            owner: meta.owner,
            folder: meta.folder,
            modified: meta.modified,
            rel,
            info,
            feature_counts,
            notes,
        })
    }

    /// `sources.json` of a view: the hosted services it contains or requires (relationships.json
    /// and graph.gml), that name it as `Service2Service` related item, or whose service name a
    /// view layer's `adminLayerInfo` names; each with the URL from its own properties.json.
    fn view_sources(
        &self,
        id: &str,
        dir: &Path,
        source_names: &BTreeSet<String>,
    ) -> Result<Option<Value>, String> {
        let mut candidates: BTreeSet<String> = BTreeSet::new();
        for e in std::fs::read_dir(self.root).into_iter().flatten().flatten() {
            let Ok(other) = e.file_name().into_string() else {
                continue;
            };
            if other == id || !e.path().is_dir() {
                continue;
            }
            let linked = read_json(&e.path().join("relationships.json"), "")
                .ok()
                .and_then(|r| r.pointer("/related_items/Service2Service").cloned())
                .and_then(|v| v.as_array().cloned())
                .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(id)));
            let named = !source_names.is_empty()
                && read_json(&e.path().join("properties.json"), "")
                    .ok()
                    .and_then(|p| {
                        p.get("url")
                            .and_then(Value::as_str)
                            .and_then(service_name_of)
                    })
                    .is_some_and(|n| source_names.contains(&n));
            if linked || named {
                candidates.insert(other);
            }
        }
        let rel_path = dir.join("relationships.json");
        if rel_path.is_file() {
            let r = read_json(&rel_path, &self.what(id, "relationships.json"))?;
            for key in ["requires", "contains"] {
                for c in r.get(key).and_then(Value::as_array).into_iter().flatten() {
                    if let Some(c) = c.as_str() {
                        candidates.insert(c.to_string());
                    }
                }
            }
        }
        if let Some(g) = &self.graph {
            candidates.extend(g.dependencies_of(id));
        }
        let mut services = Vec::new();
        for c in candidates
            .iter()
            .filter(|c| c.as_str() != id && crate::engine::package::write::valid_id(c))
        {
            let p = self.root.join(c).join("properties.json");
            if !p.is_file() {
                continue;
            }
            let props = read_json(&p, &self.what(c, "properties.json"))?;
            let Some(url) = props.get("url").and_then(Value::as_str) else {
                continue;
            };
            let Some(name) = service_name_of(url) else {
                continue;
            };
            services.push(json!({"name": name, "url": url, "serviceItemId": c}));
        }
        Ok((!services.is_empty()).then(|| json!({"services": services})))
    }
}

/// The item's identity in the archive.
struct Meta {
    title: String,
    item_type: String,
    owner: String,
    /// The folder title our own packages declare (`agolTui.ownerFolderTitle`); Esri's carry none.
    folder: Option<String>,
    modified: i64,
}

/// True when the file starts like a PNG, JPEG, GIF, WebP or BMP image.
fn is_image(path: &Path) -> bool {
    let mut head = [0u8; 12];
    let n = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    let head = &head[..n];
    head.starts_with(b"\x89PNG\r\n\x1a\n")
        || head.starts_with(&[0xFF, 0xD8, 0xFF])
        || head.starts_with(b"GIF8")
        || (head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP"))
        || head.starts_with(b"BM")
}

/// A JSON item's data must be JSON; raw control characters inside strings (a portal quirk the
/// restore escapes) are tolerated. Checked as it is read (no tree is built, the text is never
/// held whole), so a large data file costs no memory.
fn check_structure(path: &Path, what: &str) -> Result<(), String> {
    use serde::Deserialize;
    let file = std::fs::File::open(path).map_err(|e| format!("{what}: cannot read: {e}"))?;
    let mut de =
        serde_json::Deserializer::from_reader(ControlsEscaped::new(std::io::BufReader::new(file)));
    serde::de::IgnoredAny::deserialize(&mut de)
        .and_then(|_| de.end())
        .map_err(|e| format!("{what}: not valid JSON: {e}"))
}

/// A reader escaping raw control characters inside JSON strings, as
/// [`escape_raw_controls`](crate::engine::restore::rewrite::escape_raw_controls) does, byte by
/// byte (identity on strict JSON).
pub(super) struct ControlsEscaped<R> {
    inner: R,
    pending: std::collections::VecDeque<u8>,
    in_string: bool,
    escaped: bool,
}

impl<R: std::io::Read> ControlsEscaped<R> {
    pub(super) fn new(inner: R) -> Self {
        ControlsEscaped {
            inner,
            pending: Default::default(),
            in_string: false,
            escaped: false,
        }
    }
}

impl<R: std::io::Read> std::io::Read for ControlsEscaped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.pending.is_empty() {
            let mut one = [0u8; 1];
            if self.inner.read(&mut one)? == 0 {
                return Ok(0);
            }
            let b = one[0];
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                } else if b < 0x20 {
                    let esc = match b {
                        b'\t' => "\\t".to_string(),
                        b'\n' => "\\n".to_string(),
                        b'\r' => "\\r".to_string(),
                        c => format!("\\u{c:04x}"),
                    };
                    self.pending.extend(esc.bytes());
                }
            } else if b == b'"' {
                self.in_string = true;
            }
            if self.pending.is_empty() {
                buf[0] = b;
                return Ok(1);
            }
        }
        let mut n = 0;
        while n < buf.len() {
            let Some(b) = self.pending.pop_front() else {
                break;
            };
            buf[n] = b;
            n += 1;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_escaped_inside_strings_only() {
        use std::io::Read;
        let text = "{\"a\": \"x\ty\u{1}\\\"\",\n\"b\": 1}";
        let mut out = String::new();
        ControlsEscaped::new(text.as_bytes())
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(
            out,
            crate::engine::restore::rewrite::escape_raw_controls(text).unwrap()
        );
        let strict = "{\"a\": [1, \"b\\n\"]}\n";
        let mut same = String::new();
        ControlsEscaped::new(strict.as_bytes())
            .read_to_string(&mut same)
            .unwrap();
        assert_eq!(same, strict);
    }

    #[test]
    fn structure_checks_stream_and_tolerate_raw_controls() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("structure.json");
        std::fs::write(&p, "{\"t\": \"a\tb\"}").unwrap();
        check_structure(&p, "x").unwrap();
        std::fs::write(&p, "{\"t\": ").unwrap();
        assert!(
            check_structure(&p, "x")
                .unwrap_err()
                .contains("not valid JSON")
        );
        std::fs::write(&p, "{} trailing").unwrap();
        assert!(check_structure(&p, "x").is_err());
    }
}
