//! Publishing a fake File Geodatabase payload (see [`super::fgdb`]) as a new hosted service:
//! every layer and table with its definition, every row (object ids, GlobalIDs, geometry) and
//! every attachment.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Map, Value};

use super::define::{given_id, layer_from_json};
use super::model::{Attachment, Feature, Layer};
use super::store::ServiceStore;
use super::write::{geometry, new_guid};

/// Service keys of the exported root that the new service keeps.
const SERVICE_KEYS: &[&str] = &[
    "serviceDescription",
    "description",
    "copyrightText",
    "spatialReference",
    "initialExtent",
    "fullExtent",
    "capabilities",
    "maxRecordCount",
    "units",
    "editorTrackingInfo",
    "xssPreventionInfo",
    "allowGeometryUpdates",
    "supportedQueryFormats",
    "hasStaticData",
];

/// `publishParameters` keys that override the exported service's.
const OVERRIDES: &[&str] = &[
    "maxRecordCount",
    "serviceDescription",
    "description",
    "copyrightText",
    "capabilities",
    "hasStaticData",
];

fn rows_into(layer: &mut Layer, v: &Value) -> Result<(), String> {
    let oid_field = layer.object_id_field.clone();
    for (i, f) in v["features"].as_array().into_iter().flatten().enumerate() {
        let attrs: Map<String, Value> = f["attributes"].as_object().cloned().unwrap_or_default();
        let oid = attrs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&oid_field))
            .and_then(|(_, v)| v.as_i64())
            .unwrap_or(i as i64 + 1);
        let geometry =
            geometry(&f["geometry"]).map_err(|e| format!("{}: feature {oid}: {e}", layer.name))?;
        layer.features.push(Feature {
            oid,
            attrs,
            geometry,
        });
    }
    layer.features.sort_by_key(|f| f.oid);
    layer.oid_seq = layer.features.iter().map(|f| f.oid).max().unwrap_or(0);
    let gid_field = layer.global_id_field.clone();
    let parent_by_gid = |gid: &str| {
        let field = gid_field.as_deref()?;
        layer
            .features
            .iter()
            .find(|f| {
                f.attrs
                    .get(field)
                    .and_then(Value::as_str)
                    .is_some_and(|g| g.eq_ignore_ascii_case(gid))
            })
            .map(|f| f.oid)
    };
    let mut atts = Vec::new();
    for (i, a) in v["attachments"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let parent = a["parentGlobalId"]
            .as_str()
            .and_then(parent_by_gid)
            .or_else(|| a["parentObjectId"].as_i64())
            .filter(|oid| layer.features.iter().any(|f| f.oid == *oid))
            .ok_or_else(|| format!("{}: attachment {i} has no parent feature", layer.name))?;
        let data = B64
            .decode(a["data"].as_str().unwrap_or(""))
            .map_err(|e| format!("{}: attachment {i}: {e}", layer.name))?;
        atts.push(Attachment {
            id: a["id"].as_i64().unwrap_or(i as i64 + 1),
            parent_oid: parent,
            global_id: a["globalId"].as_str().map_or_else(new_guid, str::to_string),
            name: a["name"].as_str().unwrap_or("attachment").to_string(),
            content_type: a["contentType"]
                .as_str()
                .unwrap_or("application/octet-stream")
                .to_string(),
            keywords: a["keywords"].as_str().unwrap_or("").to_string(),
            data: data.into(),
        });
    }
    layer.attachments = atts;
    Ok(())
}

impl ServiceStore {
    /// Creates service `name` for item `item_id` from a payload read by
    /// [`super::fgdb::read_payload`]; `params` (`publishParameters`) may override
    /// `maxRecordCount`, descriptions and `capabilities`. Nothing is created on error.
    pub fn publish_payload(
        &self,
        name: &str,
        item_id: &str,
        payload: &Value,
        params: &Map<String, Value>,
    ) -> Result<(), String> {
        let mut create: Map<String, Value> = payload["service"]
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| SERVICE_KEYS.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        for k in OVERRIDES {
            if let Some(v) = params.get(*k) {
                create.insert((*k).to_string(), v.clone());
            }
        }
        let mrc = create
            .get("maxRecordCount")
            .and_then(Value::as_u64)
            .map_or(2000, |m| m as usize);
        let now = chrono::Utc::now().timestamp_millis();
        let mut layers = Vec::new();
        {
            let services = self.read();
            for (key, table) in [("layers", false), ("tables", true)] {
                for (i, l) in payload[key].as_array().into_iter().flatten().enumerate() {
                    let def = &l["definition"];
                    let id = given_id(def).unwrap_or(layers.len() as i64 + i as i64);
                    let mut layer = layer_from_json(&services, def, table, id, mrc, now)?;
                    rows_into(&mut layer, l)?;
                    layers.push(layer);
                }
            }
        }
        if layers.is_empty() {
            return Err("The File Geodatabase holds no layers or tables.".into());
        }
        self.create_service(name, item_id, &create, false)?;
        let mut services = self.write();
        let svc = services
            .iter_mut()
            .find(|s| s.name.eq_ignore_ascii_case(name))
            .ok_or("the new service vanished")?;
        svc.layers = layers;
        svc.layers.sort_by_key(|l| l.id);
        Ok(())
    }
}
