//! Dependencies of an item: the items its data names (web map layers, an app's map, ids inside
//! dashboards and stories) and its forward relationships of the kinds a restore needs first.

use std::collections::BTreeSet;

use serde_json::Value;

use super::parts::{DataShape, data_shape, item_url, related_ids};
use crate::client::api::items::ItemRecord;
use crate::client::json::parse_value;
use crate::client::request::Call;
use crate::client::{Client, Result};

/// Forward relationship types whose destinations an item depends on.
const DEPENDENCY_TYPES: &[&str] = &[
    "Survey2Service",
    "Map2Service",
    "WMA2Code",
    "Survey2Data",
    "Service2Data",
];

/// Types whose data is not scanned for ids (service layer overrides name no items).
const NO_SCAN: &[&str] = &[
    "Feature Service",
    "Map Service",
    "Image Service",
    "Vector Tile Service",
    "Scene Service",
    "Feature Layer",
    "Table",
];

/// True for a 32-character hex item id.
pub(crate) fn is_item_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn push_id(out: &mut Vec<String>, v: Option<&Value>) {
    if let Some(s) = v.and_then(Value::as_str)
        && is_item_id(s)
    {
        out.push(s.to_ascii_lowercase());
    }
}

/// Web map / web scene layers (group layers' sublayers included).
fn map_layers(out: &mut Vec<String>, layers: Option<&Value>) {
    for l in layers.and_then(Value::as_array).into_iter().flatten() {
        push_id(out, l.get("itemId"));
        map_layers(out, l.get("layers"));
    }
}

/// Ids a web map or web scene names.
fn web_map_refs(data: &Value) -> Vec<String> {
    let mut out = Vec::new();
    map_layers(&mut out, data.get("operationalLayers"));
    map_layers(&mut out, data.get("tables"));
    map_layers(&mut out, data.pointer("/baseMap/baseMapLayers"));
    map_layers(&mut out, data.pointer("/ground/layers"));
    out
}

/// Ids an app's configuration names.
fn app_refs(data: &Value) -> Vec<String> {
    let mut out = Vec::new();
    push_id(&mut out, data.pointer("/values/webmap"));
    push_id(&mut out, data.pointer("/map/itemId"));
    for w in data
        .pointer("/values/webmaps")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        push_id(&mut out, Some(w));
    }
    out
}

/// 32-hex string values under keys named `itemId`, `webmap` or `id`, anywhere in the document.
pub(crate) fn scan_refs(data: &Value, out: &mut Vec<String>) {
    match data {
        Value::Object(m) => {
            for (k, v) in m {
                if matches!(k.as_str(), "itemId" | "webmap" | "id") {
                    push_id(out, Some(v));
                }
                scan_refs(v, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| scan_refs(v, out)),
        _ => {}
    }
}

/// See [`super::dependencies`].
pub(crate) async fn dependencies(client: &Client, record: &ItemRecord) -> Result<Vec<String>> {
    let item = &record.item;
    let mut found: Vec<String> = Vec::new();
    let ty = item.item_type.as_str();
    if data_shape(ty) == DataShape::Json && !NO_SCAN.contains(&ty) {
        let url = item_url(client, &item.id, "data");
        let bytes = client.bytes(Call::get(&url)).await?;
        if !bytes.trim_ascii().is_empty()
            && let Ok(data) = parse_value(&url, &bytes)
        {
            match ty {
                "Web Map" | "Web Scene" => found.extend(web_map_refs(&data)),
                "Web Mapping Application" | "Application" | "Mobile Application" => {
                    found.extend(app_refs(&data))
                }
                _ => {
                    let mut candidates = Vec::new();
                    scan_refs(&data, &mut candidates);
                    let unique: BTreeSet<String> = candidates.into_iter().collect();
                    for id in unique {
                        if id == item.id {
                            continue;
                        }
                        match client.item(&id).await {
                            Ok(_) => found.push(id),
                            Err(e) if e.is_auth() => return Err(e),
                            Err(e) => {
                                tracing::debug!(id = %id, error = %e, "not an item; ignored")
                            }
                        }
                    }
                }
            }
        }
    }
    found.extend(related_ids(client, &item.id, DEPENDENCY_TYPES, "forward").await?);
    let mut seen = BTreeSet::new();
    found.retain(|id| *id != item.id && seen.insert(id.clone()));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_are_found() {
        let a = "a".repeat(32);
        let b = "b".repeat(32);
        let wm = json!({"operationalLayers": [{"itemId": a, "layers": [{"itemId": b}]}],
            "baseMap": {"baseMapLayers": [{"id": "x"}]}});
        assert_eq!(web_map_refs(&wm), vec![a.clone(), b.clone()]);
        let app = json!({"values": {"webmap": a, "webmaps": [b]}, "map": {"itemId": a}});
        assert_eq!(app_refs(&app), vec![a.clone(), a.clone(), b.clone()]);
        let mut out = Vec::new();
        scan_refs(
            &json!({"widgets": [{"id": "map-1", "itemId": a}, {"ds": {"id": b, "other": a}}]}),
            &mut out,
        );
        assert_eq!(out, vec![a, b]);
    }
}
