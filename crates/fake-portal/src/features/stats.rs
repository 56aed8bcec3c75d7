//! `outStatistics` (count, sum, min, max, avg) with optional `groupByFieldsForStatistics`.
//!
//! Enough for a backup tool's "count plus max(EditDate)" change check on layers that report no
//! `editingInfo`.

use serde_json::{Map, Value, json};

use super::http::unable;
use super::model::{Feature, FieldType, Layer};

struct Stat {
    kind: String,
    field: String,
    out: String,
}

fn parse(spec: &str, layer: &Layer) -> Result<Vec<Stat>, Value> {
    let list: Vec<Value> =
        serde_json::from_str(spec).map_err(|e| unable(&format!("Invalid outStatistics: {e}")))?;
    list.iter()
        .map(|s| {
            let kind = s["statisticType"]
                .as_str()
                .unwrap_or_default()
                .to_ascii_lowercase();
            if !["count", "sum", "min", "max", "avg"].contains(&kind.as_str()) {
                return Err(unable(&format!("Unsupported statisticType: {kind}")));
            }
            let name = s["onStatisticField"].as_str().unwrap_or_default();
            let field = layer
                .field(name)
                .ok_or_else(|| unable(&format!("Invalid onStatisticField: {name}")))?;
            let out = s["outStatisticFieldName"]
                .as_str()
                .filter(|o| !o.is_empty())
                .map(str::to_string)
                .unwrap_or_else(|| format!("{kind}_{}", field.name));
            Ok(Stat {
                kind,
                field: field.name.clone(),
                out,
            })
        })
        .collect()
}

fn compute(kind: &str, field: &str, rows: &[&Feature]) -> Value {
    let values: Vec<&Value> = rows
        .iter()
        .filter_map(|f| f.attrs.get(field))
        .filter(|v| !v.is_null())
        .collect();
    let nums: Vec<f64> = values.iter().filter_map(|v| v.as_f64()).collect();
    match kind {
        "count" => values.len().into(),
        "sum" if !nums.is_empty() => nums.iter().sum::<f64>().into(),
        "avg" if !nums.is_empty() => (nums.iter().sum::<f64>() / nums.len() as f64).into(),
        "min" | "max" => {
            let best = values.iter().copied().reduce(|a, b| {
                let ord = match (a.as_f64(), b.as_f64(), a.as_str(), b.as_str()) {
                    (Some(x), Some(y), _, _) => {
                        x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)
                    }
                    (_, _, Some(x), Some(y)) => x.cmp(y),
                    _ => std::cmp::Ordering::Equal,
                };
                let take_b = if kind == "min" {
                    ord.is_gt()
                } else {
                    ord.is_lt()
                };
                if take_b { b } else { a }
            });
            best.cloned().unwrap_or(Value::Null)
        }
        _ => Value::Null,
    }
}

/// Answers an `outStatistics` query over already filtered rows.
pub(crate) fn statistics(
    spec: &str,
    group_by: Option<&str>,
    layer: &Layer,
    rows: &[&Feature],
) -> Result<Value, Value> {
    let stats = parse(spec, layer)?;
    let groups: Vec<String> = match group_by {
        Some(g) => g
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|n| {
                layer
                    .field(n)
                    .map(|f| f.name.clone())
                    .ok_or_else(|| unable(&format!("Invalid group by field: {n}")))
            })
            .collect::<Result<_, _>>()?,
        None => Vec::new(),
    };
    let mut buckets: Vec<(Vec<Value>, Vec<&Feature>)> = Vec::new();
    for f in rows {
        let key: Vec<Value> = groups
            .iter()
            .map(|g| f.attrs.get(g).cloned().unwrap_or(Value::Null))
            .collect();
        match buckets.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(f),
            None => buckets.push((key, vec![f])),
        }
    }
    if groups.is_empty() && buckets.is_empty() {
        buckets.push((Vec::new(), Vec::new()));
    }
    let mut fields: Vec<Value> = groups
        .iter()
        .filter_map(|g| layer.field(g))
        .map(|f| f.to_json())
        .collect();
    let mut aliases = Map::new();
    for s in &stats {
        let source = layer.field(&s.field).map(|f| f.ftype);
        let ftype = match (s.kind.as_str(), source) {
            ("count", _) => FieldType::Integer,
            ("min" | "max", Some(t)) if t != FieldType::Oid => t,
            ("min" | "max", Some(_)) => FieldType::Integer,
            _ => FieldType::Double,
        };
        fields.push(json!({"name": s.out, "type": ftype.esri(), "alias": s.out, "sqlType": "sqlTypeOther", "domain": null, "defaultValue": null}));
        aliases.insert(s.out.clone(), s.out.clone().into());
    }
    let features: Vec<Value> = buckets
        .iter()
        .map(|(key, members)| {
            let mut attrs = Map::new();
            for (g, v) in groups.iter().zip(key) {
                attrs.insert(g.clone(), v.clone());
            }
            for s in &stats {
                attrs.insert(s.out.clone(), compute(&s.kind, &s.field, members));
            }
            json!({"attributes": attrs})
        })
        .collect();
    Ok(
        json!({"displayFieldName": "", "fieldAliases": aliases, "fields": fields, "features": features}),
    )
}
