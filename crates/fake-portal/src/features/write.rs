//! Feature writes: `applyEdits` (layer and service level), `addFeatures`, `updateFeatures`,
//! `deleteFeatures`, `addAttachment` and `deleteAttachments`, with per-feature results.

use std::collections::HashSet;

use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::edits::bump;
use super::http::{Params, error_body, not_supported};
use super::model::{Feature, FieldType, Geometry, Layer, Service};
use super::where_clause;

/// Options shared by the edit operations.
#[derive(Clone, Copy)]
pub(crate) struct Opts {
    pub use_global_ids: bool,
    pub rollback: bool,
}

impl Opts {
    /// From `useGlobalIds` (default false) and `rollbackOnFailure` (default true).
    pub(crate) fn from(params: &Params) -> Opts {
        Opts {
            use_global_ids: params.flag("useglobalids") == Some(true),
            rollback: params.flag("rollbackonfailure") != Some(false),
        }
    }
}

/// A braced upper-case GUID.
fn norm_guid(s: &str) -> String {
    format!(
        "{{{}}}",
        s.trim()
            .trim_start_matches('{')
            .trim_end_matches('}')
            .to_ascii_uppercase()
    )
}

/// A fresh random braced GUID.
pub(crate) fn new_guid() -> String {
    let u: u128 = rand::random();
    let h = format!("{u:032X}");
    norm_guid(&format!(
        "{}-{}-4{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[16..20],
        &h[20..32]
    ))
}

fn coords(v: &Value) -> Option<Vec<Vec<[f64; 2]>>> {
    v.as_array()?
        .iter()
        .map(|part| {
            part.as_array()?
                .iter()
                .map(|p| Some([p.get(0)?.as_f64()?, p.get(1)?.as_f64()?]))
                .collect()
        })
        .collect()
}

/// Esri JSON geometry: point `{x,y}`, polyline `{paths}`, polygon `{rings}`.
pub(crate) fn geometry(v: &Value) -> Result<Option<Geometry>, String> {
    if v.is_null() {
        return Ok(None);
    }
    if let (Some(x), Some(y)) = (v["x"].as_f64(), v["y"].as_f64()) {
        return Ok(Some(Geometry::Point(x, y)));
    }
    if let Some(p) = coords(&v["paths"]) {
        return Ok(Some(Geometry::Polyline(p)));
    }
    if let Some(r) = coords(&v["rings"]) {
        return Ok(Some(Geometry::Polygon(r)));
    }
    if v["x"].is_null() && v.get("x").is_some() {
        return Ok(None);
    }
    Err("Invalid geometry.".into())
}

/// A per-edit failure: (code, description).
pub(crate) type Failure = (i64, String);

/// Attributes renamed to the layer's field names (unknown names dropped), checked for length.
fn attributes(layer: &Layer, v: &Value) -> Result<Map<String, Value>, Failure> {
    let mut out = Map::new();
    for (k, val) in v["attributes"].as_object().into_iter().flatten() {
        let Some(f) = layer.field(k) else { continue };
        let is_text = f.ftype == FieldType::String
            && f.raw
                .as_ref()
                .is_none_or(|r| r["type"] == "esriFieldTypeString");
        if let (true, Some(len), Some(s)) = (is_text, f.length, val.as_str())
            && s.chars().count() > len as usize
        {
            return Err((1000, format!("Field value exceeds length: {}.", f.name)));
        }
        out.insert(f.name.clone(), val.clone());
    }
    Ok(out)
}

pub(crate) fn failed(oid: i64, gid: Value, (code, description): Failure) -> Value {
    json!({"objectId": oid, "uniqueId": oid, "globalId": gid, "success": false,
           "error": {"code": code, "description": description}})
}

pub(crate) fn ok(oid: i64, gid: Value) -> Value {
    json!({"objectId": oid, "uniqueId": oid, "globalId": gid, "success": true})
}

fn gid_of(layer: &Layer, f: &Feature) -> Value {
    layer
        .global_id_field
        .as_ref()
        .and_then(|g| f.attrs.get(g).cloned())
        .unwrap_or(Value::Null)
}

/// Which feature an update or delete names: object id, or GlobalID with `useGlobalIds`.
fn target(layer: &Layer, key: &Value, opts: Opts) -> Result<usize, Failure> {
    let missing = || (1019, "Object is missing.".to_string());
    if opts.use_global_ids
        && let Some(g) = &layer.global_id_field
    {
        let want = norm_guid(key.as_str().ok_or_else(missing)?);
        return layer
            .features
            .iter()
            .position(|f| {
                f.attrs.get(g).and_then(Value::as_str).map(norm_guid) == Some(want.clone())
            })
            .ok_or_else(missing);
    }
    let oid = key
        .as_i64()
        .or_else(|| key.as_str().and_then(|s| s.trim().parse().ok()))
        .ok_or_else(missing)?;
    layer
        .features
        .iter()
        .position(|f| f.oid == oid)
        .ok_or_else(missing)
}

/// A checked add: attributes, geometry, GlobalID to keep.
type Add = (Map<String, Value>, Option<Geometry>, Option<String>);
/// A checked update: feature index, attributes, new geometry (if sent).
type Update = (usize, Map<String, Value>, Option<Option<Geometry>>);

/// One layer's edits, parsed and checked before anything changes.
pub(crate) struct Plan {
    adds: Vec<Result<Add, Failure>>,
    updates: Vec<(Value, Result<Update, Failure>)>,
    deletes: Vec<(Value, Result<usize, Failure>)>,
}

impl Plan {
    /// Whether any edit fails.
    pub(crate) fn has_failure(&self) -> bool {
        self.adds.iter().any(Result::is_err)
            || self.updates.iter().any(|(_, r)| r.is_err())
            || self.deletes.iter().any(|(_, r)| r.is_err())
    }
}

fn array(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

/// Parses `adds`, `updates` and `deletes` (JSON arrays; `deletes` also a comma list) against
/// `layer`.
pub(crate) fn plan(
    layer: &Layer,
    adds: &Value,
    updates: &Value,
    deletes: &Value,
    opts: Opts,
) -> Result<Plan, Value> {
    if layer.view_source.is_some() || layer.lazy.is_some() {
        return Err(not_supported());
    }
    // GlobalIDs the adds bring, checked against the layer in one pass (no set of the whole
    // layer per request: a restore sends many batches into a large layer).
    let mut seen: HashSet<String> = HashSet::new();
    if let (Some(g), true) = (&layer.global_id_field, opts.use_global_ids) {
        let incoming: HashSet<String> = array(adds)
            .iter()
            .filter_map(|v| {
                v["attributes"]
                    .as_object()
                    .and_then(|a| a.iter().find(|(k, _)| k.eq_ignore_ascii_case(g)))
                    .and_then(|(_, v)| v.as_str())
                    .map(norm_guid)
            })
            .collect();
        if !incoming.is_empty() {
            seen.extend(
                layer
                    .features
                    .iter()
                    .filter_map(|f| f.attrs.get(g).and_then(Value::as_str))
                    .map(norm_guid)
                    .filter(|id| incoming.contains(id)),
            );
        }
    }
    let mut plan = Plan {
        adds: Vec::new(),
        updates: Vec::new(),
        deletes: Vec::new(),
    };
    for v in array(adds) {
        let parsed = attributes(layer, &v).and_then(|a| {
            let g = geometry(&v["geometry"]).map_err(|e| (1000, e))?;
            let gid = match (&layer.global_id_field, opts.use_global_ids) {
                (Some(field), true) => a.get(field).and_then(Value::as_str).map(norm_guid),
                _ => None,
            };
            if let Some(id) = &gid
                && !seen.insert(id.clone())
            {
                return Err((1000, format!("GlobalID {id} already exists.")));
            }
            Ok((a, g, gid))
        });
        plan.adds.push(parsed);
    }
    for v in array(updates) {
        let key = match (&layer.global_id_field, opts.use_global_ids) {
            (Some(g), true) => v["attributes"]
                .as_object()
                .and_then(|m| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(g)))
                .map(|(_, v)| v.clone())
                .unwrap_or(Value::Null),
            _ => v["attributes"]
                .as_object()
                .and_then(|m| {
                    m.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(&layer.object_id_field))
                })
                .map(|(_, v)| v.clone())
                .unwrap_or(Value::Null),
        };
        let r = target(layer, &key, opts).and_then(|i| {
            let a = attributes(layer, &v)?;
            let g = match v.get("geometry") {
                Some(g) => Some(geometry(g).map_err(|e| (1000, e))?),
                None => None,
            };
            Ok((i, a, g))
        });
        plan.updates.push((key, r));
    }
    let keys: Vec<Value> = match deletes {
        Value::String(s) if !s.trim().is_empty() => match serde_json::from_str::<Value>(s) {
            Ok(Value::Array(a)) => a,
            _ => s
                .split(',')
                .map(|x| Value::String(x.trim().to_string()))
                .collect(),
        },
        Value::Array(a) => a.clone(),
        Value::Number(_) => vec![deletes.clone()],
        _ => Vec::new(),
    };
    for key in keys {
        let r = target(layer, &key, opts);
        plan.deletes.push((key, r));
    }
    Ok(plan)
}

/// Applies the successful edits of `plan` → `{addResults, updateResults, deleteResults}`.
pub(crate) fn commit(layer: &mut Layer, plan: Plan) -> Value {
    let mut add_results = Vec::new();
    for a in plan.adds {
        match a {
            Err(e) => add_results.push(failed(-1, Value::Null, e)),
            Ok((mut attrs, geometry, gid)) => {
                let oid = layer.next_oid();
                attrs.insert(layer.object_id_field.clone(), oid.into());
                let gid = layer.global_id_field.clone().map(|g| {
                    let id = gid.unwrap_or_else(new_guid);
                    attrs.insert(g, id.clone().into());
                    id
                });
                layer.features.push(Feature {
                    oid,
                    attrs,
                    geometry,
                });
                add_results.push(ok(oid, gid.map_or(Value::Null, Value::from)));
            }
        }
    }
    let mut update_results = Vec::new();
    for (key, u) in plan.updates {
        match u {
            Err(e) => update_results.push(failed(key.as_i64().unwrap_or(-1), Value::Null, e)),
            Ok((i, attrs, geometry)) => {
                let (oid_f, gid_f) = (layer.object_id_field.clone(), layer.global_id_field.clone());
                let f = &mut layer.features[i];
                for (k, v) in attrs {
                    if k != oid_f && Some(&k) != gid_f.as_ref() {
                        f.attrs.insert(k, v);
                    }
                }
                if let Some(g) = geometry {
                    f.geometry = g;
                }
                let (oid, gid) = (f.oid, gid_of(layer, &layer.features[i]));
                update_results.push(ok(oid, gid));
            }
        }
    }
    let mut delete_results = Vec::new();
    let mut doomed = Vec::new();
    for (key, d) in plan.deletes {
        match d {
            Err(e) => delete_results.push(failed(key.as_i64().unwrap_or(-1), Value::Null, e)),
            Ok(i) => {
                let f = &layer.features[i];
                delete_results.push(ok(f.oid, gid_of(layer, f)));
                doomed.push(f.oid);
            }
        }
    }
    layer.features.retain(|f| !doomed.contains(&f.oid));
    layer
        .attachments
        .retain(|a| !doomed.contains(&a.parent_oid));
    json!({"addResults": add_results, "updateResults": update_results, "deleteResults": delete_results})
}

fn json_of(params: &Params, name: &str) -> Result<Value, Value> {
    match params.get(name) {
        None => Ok(Value::Null),
        Some(s) if name == "deletes" || name == "objectids" => Ok(Value::String(s.to_string())),
        Some(s) => serde_json::from_str(s).map_err(|e| {
            error_body(
                400,
                "Unable to complete operation.",
                &[&format!("Invalid '{name}': {e}")],
            )
        }),
    }
}

fn rolled_back() -> Value {
    error_body(
        400,
        "Unable to complete operation.",
        &["Operation rolled back: at least one edit failed (rollbackOnFailure=true)."],
    )
}

fn service_mut<'a>(services: &'a mut [Service], name: &str) -> Option<&'a mut Service> {
    services
        .iter_mut()
        .find(|s| s.name.eq_ignore_ascii_case(name))
}

/// Layer operation `op` on `services[name]/layer_id`; `files` holds multipart file parts.
pub(crate) fn layer_op(
    services: &mut [Service],
    name: &str,
    layer_id: i64,
    oid: Option<i64>,
    op: &str,
    params: &Params,
    attachment: Option<(String, Option<String>, Bytes)>,
) -> Result<Value, Value> {
    let opts = Opts::from(params);
    let bad_layer = || {
        let m = format!("Invalid Layer or Table ID: {layer_id}.");
        error_body(400, &m, &[&m])
    };
    let svc = service_mut(services, name).ok_or_else(not_supported)?;
    let svc_name = svc.name.clone();
    let layer = svc.layer_mut(layer_id).ok_or_else(bad_layer)?;
    let body = match (oid, op.to_ascii_lowercase().as_str()) {
        (None, "applyedits" | "addfeatures" | "updatefeatures" | "deletefeatures") => {
            let op = op.to_ascii_lowercase();
            let adds = match op.as_str() {
                "applyedits" => json_of(params, "adds")?,
                "addfeatures" => json_of(params, "features")?,
                _ => Value::Null,
            };
            let updates = match op.as_str() {
                "applyedits" => json_of(params, "updates")?,
                "updatefeatures" => json_of(params, "features")?,
                _ => Value::Null,
            };
            let mut deletes = match op.as_str() {
                "applyedits" => json_of(params, "deletes")?,
                "deletefeatures" => json_of(params, "objectids")?,
                _ => Value::Null,
            };
            if op == "deletefeatures"
                && let Some(w) = params.get("where")
            {
                let e = where_clause::parse(w, layer)
                    .map_err(|e| error_body(400, "Unable to complete operation.", &[&e]))?;
                let hits: Vec<Value> = layer
                    .features
                    .iter()
                    .filter(|f| e.as_ref().is_none_or(|e| where_clause::eval(e, &f.attrs)))
                    .map(|f| f.oid.into())
                    .collect();
                deletes = Value::Array(hits);
            }
            let opts = if op == "deletefeatures" && params.get("where").is_some() {
                Opts {
                    use_global_ids: false,
                    ..opts
                }
            } else {
                opts
            };
            let plan = plan(layer, &adds, &updates, &deletes, opts)?;
            if opts.rollback && plan.has_failure() {
                return Err(rolled_back());
            }
            let mut out = commit(layer, plan);
            if let Some(m) = out.as_object_mut() {
                match op.as_str() {
                    "addfeatures" => m.retain(|k, _| k == "addResults"),
                    "updatefeatures" => m.retain(|k, _| k == "updateResults"),
                    "deletefeatures" => m.retain(|k, _| k == "deleteResults"),
                    _ => {}
                }
            }
            out
        }
        (Some(oid), "addattachment") => {
            super::write_attachments::add(layer, oid, params, attachment)?
        }
        (Some(oid), "deleteattachments") => super::write_attachments::delete(layer, oid, params)?,
        _ => return Err(not_supported()),
    };
    bump(services, &svc_name, layer_id);
    Ok(body)
}

/// Service-level `applyEdits` with `edits=[{"id":0,"adds":[…],"updates":[…],"deletes":[…]}]`
/// → `[{"id":0,"addResults":[…],"updateResults":[…],"deleteResults":[…]}]`; with rollback
/// (the default) nothing changes when any edit fails.
pub(crate) fn service_apply_edits(
    services: &mut [Service],
    name: &str,
    params: &Params,
) -> Result<Value, Value> {
    let opts = Opts::from(params);
    let edits = json_of(params, "edits")?;
    let svc = service_mut(services, name).ok_or_else(not_supported)?;
    let mut plans = Vec::new();
    for e in array(&edits) {
        let id = e["id"].as_i64().unwrap_or(-1);
        let layer = svc.layer(id).ok_or_else(|| {
            let m = format!("Invalid Layer or Table ID: {id}.");
            error_body(400, &m, &[&m])
        })?;
        let p = plan(layer, &e["adds"], &e["updates"], &e["deletes"], opts)?;
        plans.push((id, p));
    }
    if opts.rollback && plans.iter().any(|(_, p)| p.has_failure()) {
        return Err(rolled_back());
    }
    let svc_name = svc.name.clone();
    let mut out = Vec::new();
    let mut touched = Vec::new();
    for (id, p) in plans {
        if let Some(layer) = svc.layer_mut(id) {
            let mut r = commit(layer, p);
            r["id"] = id.into();
            out.push(r);
            touched.push(id);
        }
    }
    for id in touched {
        bump(services, &svc_name, id);
    }
    Ok(Value::Array(out))
}
