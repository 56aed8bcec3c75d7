//! The admin side of hosted services: creating an empty service (for the portal's
//! `createService`) and `{prefix}/rest/admin/services/{name}/FeatureServer/...` operations:
//! `addToDefinition`, `deleteFromDefinition`, `updateDefinition`, `refresh` and a layer's
//! `updateDefinition`, `refresh` and `truncate`.

use serde_json::{Map, Value, json};

use super::define::{given_id, layer_from_json};
use super::edits::bump;
use super::http::{Params, error_body};
use super::model::{Service, web_mercator};
use super::store::{ServiceStore, find};

/// `createParameters` keys the fake computes itself instead of serving verbatim.
const COMPUTED: &[&str] = &[
    "name",
    "currentVersion",
    "serviceItemId",
    "layers",
    "tables",
    "isView",
    "editingInfo",
    "maxRecordCount",
    "capabilities",
    "serviceDescription",
];

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

impl ServiceStore {
    /// Whether a service named `name` exists (case-insensitive, as service names are unique
    /// per org regardless of case).
    pub fn has_service(&self, name: &str) -> bool {
        find(&self.read(), name).is_some()
    }

    /// Adds an empty service `name` for item `item_id` from `createParameters`
    /// (`serviceDescription`, `maxRecordCount`, `capabilities`, and the rest served verbatim).
    pub fn create_service(
        &self,
        name: &str,
        item_id: &str,
        params: &Map<String, Value>,
        is_view: bool,
    ) -> Result<(), String> {
        let mut services = self.write();
        if find(&services, name).is_some() {
            return Err(format!("Service name '{name}' already exists."));
        }
        let mut overlay: Map<String, Value> = params
            .iter()
            .filter(|(k, _)| !COMPUTED.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        overlay
            .entry("spatialReference")
            .or_insert_with(web_mercator);
        let default_caps = if is_view {
            "Query"
        } else {
            "Query,Create,Update,Delete,Editing"
        };
        services.push(Service {
            name: name.to_string(),
            item_id: item_id.to_string(),
            description: params
                .get("serviceDescription")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            public: false,
            max_record_count: params
                .get("maxRecordCount")
                .and_then(Value::as_u64)
                .map_or(2000, |m| m as usize),
            capabilities: params
                .get("capabilities")
                .and_then(Value::as_str)
                .unwrap_or(default_caps)
                .to_string(),
            layers: Vec::new(),
            overlay,
        });
        Ok(())
    }

    /// Removes the service of item `item_id` (when the item is deleted). Returns whether one
    /// existed.
    pub fn remove_service_of_item(&self, item_id: &str) -> bool {
        let mut services = self.write();
        let before = services.len();
        services.retain(|s| s.item_id != item_id);
        services.len() != before
    }
}

pub(crate) fn json_param(params: &Params, name: &str) -> Result<Value, Value> {
    let raw = params.get(&name.to_ascii_lowercase()).ok_or_else(|| {
        error_body(
            400,
            "Invalid parameters.",
            &[&format!("'{name}' must be specified.")],
        )
    })?;
    serde_json::from_str(raw)
        .map_err(|e| error_body(400, "Invalid parameters.", &[&format!("'{name}': {e}")]))
}

/// `addToDefinition` with `{"layers":[…],"tables":[…]}`: ids kept (free ids assigned when
/// missing); all or nothing → `{"success":true,"layers":[{"name","id":"0"}],"tables":[…]}`.
fn add_to_definition(
    services: &mut [Service],
    name: &str,
    params: &Params,
) -> Result<Value, Value> {
    let fail = |d: &str| error_body(400, "Unable to add feature service definition.", &[d]);
    let def = json_param(params, "addToDefinition")?;
    let now = now_ms();
    let svc = find(services, name).ok_or_else(|| fail("Service not found."))?;
    let mrc = svc.max_record_count;
    let mut taken: Vec<i64> = svc.layers.iter().map(|l| l.id).collect();
    let mut new = Vec::new();
    let mut added_relationships: Vec<(i64, Vec<Value>)> = Vec::new();
    let mut answer = json!({"success": true, "layers": [], "tables": []});
    for (key, table) in [("layers", false), ("tables", true)] {
        for v in def[key].as_array().into_iter().flatten() {
            if let Some(rels) = relationships_only(v)
                && let Some(id) = given_id(v).filter(|id| svc.layer(*id).is_some())
            {
                added_relationships.push((id, rels));
                continue;
            }
            let id = match given_id(v) {
                Some(id) if taken.contains(&id) => {
                    return Err(fail(&format!("Layer or table id {id} already exists.")));
                }
                Some(id) => id,
                None => taken.iter().max().map_or(0, |m| m + 1),
            };
            taken.push(id);
            let layer = layer_from_json(services, v, table, id, mrc, now).map_err(|e| fail(&e))?;
            if let Some(a) = answer[key].as_array_mut() {
                a.push(json!({"name": layer.name, "id": id.to_string()}));
            }
            new.push(layer);
        }
    }
    let svc = services
        .iter_mut()
        .find(|s| s.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| fail("Service not found."))?;
    svc.layers.extend(new);
    svc.layers.sort_by_key(|l| l.id);
    for (id, rels) in added_relationships {
        if let Some(layer) = svc.layers.iter_mut().find(|l| l.id == id) {
            layer.relationships.extend(rels);
        }
    }
    Ok(answer)
}

/// The relationships of an `addToDefinition` entry that names an existing layer by `id` and
/// carries nothing but `relationships` (how relationships are added between existing layers;
/// Esri's `clone_items` does this after creating the layers).
fn relationships_only(v: &Value) -> Option<Vec<Value>> {
    let m = v.as_object()?;
    let rels = m.get("relationships")?.as_array()?;
    m.keys()
        .all(|k| k == "id" || k == "relationships")
        .then(|| rels.clone())
}

/// `deleteFromDefinition` with `{"layers":[{"id":0}],"tables":[…]}` → `{"success":true}`.
fn delete_from_definition(svc: &mut Service, params: &Params) -> Result<Value, Value> {
    let def = json_param(params, "deleteFromDefinition")?;
    let ids: Vec<i64> = ["layers", "tables"]
        .iter()
        .flat_map(|k| def[*k].as_array().cloned().unwrap_or_default())
        .filter_map(|v| given_id(&v).or_else(|| v.as_i64()))
        .collect();
    svc.layers.retain(|l| !ids.contains(&l.id));
    Ok(json!({"success": true}))
}

/// `updateDefinition` on the service: top-level keys served verbatim from now on
/// (`capabilities` and `maxRecordCount` take effect) → `{"success":true}`.
fn update_definition(svc: &mut Service, params: &Params) -> Result<Value, Value> {
    let def = json_param(params, "updateDefinition")?;
    let Value::Object(m) = def else {
        return Err(error_body(
            400,
            "Invalid parameters.",
            &["Not a JSON object."],
        ));
    };
    for (k, v) in m {
        match k.as_str() {
            "capabilities" => svc.capabilities = v.as_str().unwrap_or("Query").to_string(),
            "maxRecordCount" => svc.max_record_count = v.as_u64().unwrap_or(2000) as usize,
            "layers" | "tables" => {}
            _ => {
                svc.overlay.insert(k, v);
            }
        }
    }
    Ok(json!({"success": true}))
}

/// Runs admin operation `op` (on layer `layer`, if given) of service `name`.
pub(crate) fn run(
    store: &ServiceStore,
    name: &str,
    layer: Option<i64>,
    op: &str,
    params: &Params,
) -> Result<Value, Value> {
    let mut services = store.write();
    let unsupported = || {
        error_body(
            400,
            "Requested operation is not supported by this service.",
            &[],
        )
    };
    let op = op.to_ascii_lowercase();
    if op == "refresh" {
        // Clears the web server cache on a real server; nothing is cached here.
        let known =
            find(&services, name).is_some_and(|svc| layer.is_none_or(|id| svc.layer(id).is_some()));
        return if known {
            Ok(json!({"success": true}))
        } else {
            Err(unsupported())
        };
    }
    match (layer, op.as_str()) {
        (None, "addtodefinition") => add_to_definition(&mut services, name, params),
        (None, op) => {
            let svc = services
                .iter_mut()
                .find(|s| s.name.eq_ignore_ascii_case(name))
                .ok_or_else(unsupported)?;
            match op {
                "deletefromdefinition" => delete_from_definition(svc, params),
                "updatedefinition" => update_definition(svc, params),
                _ => Err(unsupported()),
            }
        }
        (Some(id), "updatedefinition") => {
            let svc = services
                .iter_mut()
                .find(|s| s.name.eq_ignore_ascii_case(name))
                .ok_or_else(unsupported)?;
            let l = svc.layer_mut(id).ok_or_else(unsupported)?;
            let def = json_param(params, "updateDefinition")?;
            super::layer_update::update_layer_definition(l, &def, now_ms())?;
            Ok(json!({"success": true}))
        }
        (Some(id), "truncate") => {
            let svc = services
                .iter_mut()
                .find(|s| s.name.eq_ignore_ascii_case(name))
                .ok_or_else(unsupported)?;
            let l = svc
                .layer_mut(id)
                .filter(|l| l.view_source.is_none() && l.lazy.is_none())
                .ok_or_else(unsupported)?;
            l.features.clear();
            l.attachments.clear();
            let svc_name = svc.name.clone();
            bump(&mut services, &svc_name, id);
            Ok(json!({"success": true}))
        }
        _ => Err(unsupported()),
    }
}
