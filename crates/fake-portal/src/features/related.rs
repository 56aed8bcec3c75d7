//! `{layer}/queryRelatedRecords`: rows of the related layer or table, grouped by origin object id.

use serde_json::{Map, Value, json};

use super::http::{error_body, unable};
use super::model::{Layer, Service, web_mercator};
use super::query::{esri_geometry, parse_ids};
use super::store::rows;
use super::where_clause;

fn key(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(
            s.trim_matches(|c| c == '{' || c == '}')
                .to_ascii_uppercase(),
        ),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

/// Answers `queryRelatedRecords` for `layer` in `svc`.
pub(crate) fn query_related(
    services: &[Service],
    svc: &Service,
    layer: &Layer,
    params: &super::http::Params,
) -> Result<Value, Value> {
    let ids = parse_ids(
        params
            .get("objectids")
            .ok_or_else(|| unable("'objectIds' must be specified."))?,
    )?;
    let rel_id: i64 = params
        .get("relationshipid")
        .and_then(|r| r.parse().ok())
        .ok_or_else(|| unable("'relationshipId' must be specified."))?;
    let rel = layer
        .relationships
        .iter()
        .find(|r| r["id"].as_i64() == Some(rel_id))
        .ok_or_else(|| unable(&format!("Invalid relationshipId: {rel_id}")))?;
    let related = rel["relatedTableId"]
        .as_i64()
        .and_then(|id| svc.layer(id))
        .ok_or_else(|| unable("Related layer is not in this service."))?;
    let back = related
        .relationships
        .iter()
        .find(|r| r["id"].as_i64() == Some(rel_id))
        .ok_or_else(|| unable("Relationship has no destination."))?;
    let (origin_key, dest_key) = (
        rel["keyField"].as_str().unwrap_or(""),
        back["keyField"].as_str().unwrap_or(""),
    );
    let filter = match params.get("definitionexpression") {
        Some(d) => where_clause::parse(d, related)
            .map_err(|e| unable(&format!("Invalid definitionExpression: {e}")))?,
        None => None,
    };
    let internal = |e: String| error_body(500, "Unable to complete operation.", &[&e]);
    let origin_rows = rows(services, layer).map_err(internal)?;
    let related_rows = rows(services, related).map_err(internal)?;
    let all = params
        .get("outfields")
        .is_some_and(|o| o.split(',').any(|f| f.trim() == "*"));
    let mut wanted: Vec<String> = vec![related.object_id_field.to_ascii_lowercase()];
    if !all {
        for n in params
            .get("outfields")
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let f = related
                .field(n)
                .ok_or_else(|| unable(&format!("Invalid field: {n}")))?;
            wanted.push(f.name.to_ascii_lowercase());
        }
    }
    let fields: Vec<_> = related
        .fields
        .iter()
        .filter(|f| all || wanted.contains(&f.name.to_ascii_lowercase()))
        .collect();
    let with_geometry = related.is_feature_layer() && params.flag("returngeometry") != Some(false);

    let mut groups = Vec::new();
    for f in origin_rows.features.iter().filter(|f| ids.contains(&f.oid)) {
        let Some(k) = key(f.attrs.get(origin_key)) else {
            continue;
        };
        let records: Vec<Value> = related_rows
            .features
            .iter()
            .filter(|r| key(r.attrs.get(dest_key)).as_deref() == Some(k.as_str()))
            .filter(|r| {
                filter
                    .as_ref()
                    .is_none_or(|e| where_clause::eval(e, &r.attrs))
            })
            .map(|r| {
                let attrs: Map<String, Value> = fields
                    .iter()
                    .map(|d| {
                        (
                            d.name.clone(),
                            r.attrs.get(&d.name).cloned().unwrap_or(Value::Null),
                        )
                    })
                    .collect();
                let mut m = Map::new();
                m.insert("attributes".into(), Value::Object(attrs));
                if let (Some(g), true) = (&r.geometry, with_geometry) {
                    m.insert("geometry".into(), esri_geometry(g));
                }
                Value::Object(m)
            })
            .collect();
        if !records.is_empty() {
            groups.push(json!({"objectId": f.oid, "relatedRecords": records}));
        }
    }
    let mut m = Map::new();
    if let Some(g) = related.geometry_type {
        m.insert("geometryType".into(), g.esri().into());
        m.insert("spatialReference".into(), web_mercator());
    }
    m.insert(
        "fields".into(),
        fields
            .iter()
            .map(|f| f.to_json())
            .collect::<Vec<_>>()
            .into(),
    );
    m.insert("relatedRecordGroups".into(), groups.into());
    Ok(Value::Object(m))
}
