//! A layer's admin `updateDefinition`: field properties (alias, description, domain,
//! visibility, …) merged into the existing fields, a view's `viewDefinitionQuery`,
//! `maxRecordCount`, `description`, `displayField`, `hasAttachments`, and other display keys
//! (`drawingInfo`, `templates`, `types`, …) served verbatim from then on.

use serde_json::{Map, Value};

use super::http::error_body;
use super::model::{EditDates, Layer};

/// Keys the server manages; an update that names them leaves them unchanged.
const IGNORED: &[&str] = &[
    "id",
    "currentVersion",
    "serviceItemId",
    "adminLayerInfo",
    "type",
    "geometryType",
    "objectIdField",
    "globalIdField",
    "editingInfo",
    "extent",
    "isView",
    "isUpdatableView",
    "relationships",
];

fn fail(detail: &str) -> Value {
    error_body(
        400,
        "Unable to update feature service layer definition.",
        &[detail],
    )
}

fn merge_fields(l: &mut Layer, given: &[Value]) -> Result<(), Value> {
    for g in given {
        let name = g["name"]
            .as_str()
            .ok_or_else(|| fail("A field has no name."))?;
        let f = l
            .fields
            .iter_mut()
            .find(|f| f.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| fail(&format!("Field '{name}' does not exist.")))?;
        let mut json: Map<String, Value> = f.to_json().as_object().cloned().unwrap_or_default();
        for (k, v) in g.as_object().into_iter().flatten() {
            if !matches!(k.as_str(), "name" | "type") {
                json.insert(k.clone(), v.clone());
            }
        }
        if let Some(a) = json.get("alias").and_then(Value::as_str) {
            f.alias = a.to_string();
        }
        if let Some(n) = json.get("nullable").and_then(Value::as_bool) {
            f.nullable = n;
        }
        f.domain = json.get("domain").filter(|d| !d.is_null()).cloned();
        f.raw = Some(Value::Object(json));
    }
    Ok(())
}

/// Applies `def` (the `updateDefinition` JSON object) to `l`; `now` becomes the schema date.
pub(crate) fn update_layer_definition(l: &mut Layer, def: &Value, now: i64) -> Result<(), Value> {
    let m = def.as_object().ok_or_else(|| fail("Not a JSON object."))?;
    if let Some(fields) = m.get("fields") {
        merge_fields(
            l,
            fields
                .as_array()
                .ok_or_else(|| fail("'fields' is not a list."))?,
        )?;
    }
    for (k, v) in m {
        match k.as_str() {
            "fields" => {}
            "viewDefinitionQuery" | "definitionQuery" => match &mut l.view_source {
                Some(src) => src.definition_query = v.as_str().unwrap_or("").to_string(),
                None => {
                    l.definition.insert(k.clone(), v.clone());
                }
            },
            "maxRecordCount" => {
                l.max_record_count = v.as_u64().map_or(l.max_record_count, |n| n as usize)
            }
            "description" => l.description = v.as_str().unwrap_or("").to_string(),
            "name" => {
                if let Some(n) = v.as_str().filter(|n| !n.is_empty()) {
                    l.name = n.to_string();
                }
            }
            "displayField" => {
                if let Some(d) = v.as_str() {
                    l.display_field = d.to_string();
                }
            }
            "hasAttachments" => l.has_attachments = v.as_bool().unwrap_or(l.has_attachments),
            k if IGNORED.contains(&k) => {}
            _ => {
                l.definition.insert(k.clone(), v.clone());
            }
        }
    }
    let data = l.edit_dates.map_or(now, |d| d.data);
    l.edit_dates = Some(EditDates { data, schema: now });
    Ok(())
}
