//! The fake's "File Geodatabase": a zip shaped like an exported `.gdb` folder that also carries
//! `<name>.gdb/agol-fake-export.json`, the whole service (definitions, every row with its
//! geometry and GlobalID, attachments as base64). We cannot write a real FGDB; the fake
//! publishes only File Geodatabases it exported itself (docs/portal-notes.md).

use std::io::{Cursor, Read, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use bytes::Bytes;
use serde_json::{Map, Value, json};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::definitions::{layer_definition, service_root};
use super::model::{Feature, Layer, Service};
use super::query::esri_geometry;
use super::store::{ServiceStore, find, rows};

/// Name of the payload file inside the `.gdb` folder.
pub(crate) const PAYLOAD_FILE: &str = "agol-fake-export.json";
/// `format` value of the payload.
pub(crate) const PAYLOAD_FORMAT: &str = "agol-fake-fgdb";

/// Files a real File Geodatabase folder holds; here they only say what they are.
const GDB_FILES: &[&str] = &[
    "gdb",
    "timestamps",
    "a00000001.gdbtable",
    "a00000001.gdbtablx",
    "a00000001.TablesByName.atx",
    "a00000004.gdbtable",
    "a00000004.gdbtablx",
];

/// Definition keys that belong to a view or to the serving side, dropped from the payload.
const VIEW_KEYS: &[&str] = &[
    "adminLayerInfo",
    "isView",
    "isUpdatableView",
    "viewDefinitionQuery",
    "definitionQuery",
    "sourceSchemaChangesAllowed",
    "serviceItemId",
    "currentVersion",
];

fn feature_json(f: &Feature) -> Value {
    let geometry = f.geometry.as_ref().map_or(Value::Null, esri_geometry);
    json!({"attributes": f.attrs, "geometry": geometry})
}

fn layer_payload(services: &[Service], svc: &Service, l: &Layer) -> Result<Value, String> {
    let mut def = layer_definition(services, svc, l);
    if let Some(m) = def.as_object_mut() {
        m.retain(|k, _| !VIEW_KEYS.contains(&k.as_str()));
    }
    let (features, attachments): (Vec<Value>, Vec<Value>) = match &l.lazy {
        Some(lazy) => (
            (1..=lazy.count as i64)
                .filter_map(|oid| lazy.feature(oid))
                .map(|f| feature_json(&f))
                .collect(),
            Vec::new(),
        ),
        None => {
            let r = rows(services, l)?;
            let gid_of = |oid: i64| {
                let gid = l.global_id_field.as_deref()?;
                r.features
                    .iter()
                    .find(|f| f.oid == oid)
                    .and_then(|f| f.attrs.get(gid).cloned())
            };
            let atts = r
                .attachments
                .iter()
                .map(|a| {
                    json!({"id": a.id, "globalId": a.global_id, "parentObjectId": a.parent_oid,
                           "parentGlobalId": gid_of(a.parent_oid), "name": a.name,
                           "contentType": a.content_type, "keywords": a.keywords,
                           "size": a.data.len(), "data": B64.encode(&a.data)})
                })
                .collect();
            (r.features.iter().map(|f| feature_json(f)).collect(), atts)
        }
    };
    Ok(json!({"definition": def, "features": features, "attachments": attachments}))
}

/// A folder name safe inside a zip: letters, digits and `_`.
fn gdb_name(base: &str) -> String {
    let s: String = base
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if s.is_empty() { "export".into() } else { s }
}

fn zip_err(e: impl std::fmt::Display) -> String {
    format!("cannot write the File Geodatabase zip: {e}")
}

/// The zip: `<name>.gdb/` with placeholder files and the payload.
fn write_zip(base: &str, payload: &Value) -> Result<Bytes, String> {
    let dir = format!("{}.gdb", gdb_name(base));
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.add_directory(format!("{dir}/"), opts)
        .map_err(zip_err)?;
    for f in GDB_FILES {
        zip.start_file(format!("{dir}/{f}"), opts)
            .map_err(zip_err)?;
        zip.write_all(b"agol-tui fake portal: placeholder, not a real File Geodatabase file")
            .map_err(zip_err)?;
    }
    zip.start_file(format!("{dir}/{PAYLOAD_FILE}"), opts)
        .map_err(zip_err)?;
    zip.write_all(payload.to_string().as_bytes())
        .map_err(zip_err)?;
    let out = zip.finish().map_err(zip_err)?;
    Ok(out.into_inner().into())
}

/// Reads the payload from a zip made by [`ServiceStore::fgdb_export`]; the error says why the
/// file is not one.
pub(crate) fn read_payload(bytes: &[u8]) -> Result<Value, String> {
    let not_ours = "The agol-tui fake publishes only File Geodatabases it exported itself";
    let mut zip = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("Invalid File Geodatabase: the file is not a zip archive ({e})."))?;
    let name = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .find(|n| {
            n.rsplit_once('/').is_some_and(|(dir, f)| {
                f == PAYLOAD_FILE && dir.to_ascii_lowercase().ends_with(".gdb")
            })
        })
        .ok_or_else(|| format!("{not_ours}: no <name>.gdb/{PAYLOAD_FILE} in the zip."))?;
    let mut text = String::new();
    zip.by_name(&name)
        .map_err(|e| e.to_string())?
        .read_to_string(&mut text)
        .map_err(|e| format!("{not_ours}: {name} is unreadable ({e})."))?;
    let v: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{not_ours}: {name} is not JSON ({e})."))?;
    if v["format"] != PAYLOAD_FORMAT {
        return Err(format!(
            "{not_ours}: {name} has no format '{PAYLOAD_FORMAT}'."
        ));
    }
    Ok(v)
}

impl ServiceStore {
    /// The "File Geodatabase" export of service `name` as zip bytes (folder `<base>.gdb`);
    /// `None` when the service does not exist.
    pub fn fgdb_export(&self, name: &str, base: &str) -> Option<Result<Bytes, String>> {
        let services = self.read();
        let svc = find(&services, name)?;
        let build = || -> Result<Bytes, String> {
            let mut root = service_root(&services, svc);
            if let Some(m) = root.as_object_mut() {
                m.retain(|k, _| !matches!(k.as_str(), "layers" | "tables" | "serviceItemId"));
            }
            let mut layers = Vec::new();
            let mut tables = Vec::new();
            for l in &svc.layers {
                let p = layer_payload(&services, svc, l)?;
                if l.is_feature_layer() {
                    layers.push(p);
                } else {
                    tables.push(p);
                }
            }
            let mut m = Map::new();
            m.insert("format".into(), PAYLOAD_FORMAT.into());
            m.insert("version".into(), 1.into());
            m.insert("serviceName".into(), svc.name.clone().into());
            m.insert("service".into(), root);
            m.insert("layers".into(), layers.into());
            m.insert("tables".into(), tables.into());
            write_zip(base, &Value::Object(m))
        };
        Some(build())
    }
}
