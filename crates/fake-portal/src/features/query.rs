//! `{layer}/query`: where, objectIds, outFields, orderBy, paging, counts, ids, JSON and GeoJSON.

use std::cmp::Ordering;
use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::http::{Format, Params, error_body, unable};
use super::model::{Feature, Field, Geometry, Layer, Service, web_mercator};
use super::stats;
use super::store::rows;
use super::where_clause;

/// Parses a comma list of object ids.
pub(crate) fn parse_ids(list: &str) -> Result<Vec<i64>, Value> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<i64>()
                .map_err(|_| unable(&format!("Invalid objectIds value: {s}")))
        })
        .collect()
}

/// Field definition as a query response lists it.
fn response_field(f: &Field) -> Value {
    let mut v = f.to_json();
    if let Value::Object(m) = &mut v {
        m.remove("nullable");
        m.remove("editable");
    }
    v
}

/// Esri JSON geometry.
pub(crate) fn esri_geometry(g: &Geometry) -> Value {
    match g {
        Geometry::Point(x, y) => json!({"x": x, "y": y}),
        Geometry::Polyline(p) => json!({"paths": p}),
        Geometry::Polygon(r) => json!({"rings": r}),
    }
}

/// Web Mercator metres to WGS84 degrees.
fn to_wgs84([x, y]: [f64; 2]) -> [f64; 2] {
    const R: f64 = 6_378_137.0;
    let lon = (x / R).to_degrees();
    let lat = (2.0 * (y / R).exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees();
    [(lon * 1e7).round() / 1e7, (lat * 1e7).round() / 1e7]
}

fn wgs84_sr() -> Value {
    json!({"wkid": 4326, "latestWkid": 4326})
}

/// `outSR`: Web Mercator (the data's own) or WGS84; anything else is refused.
pub(crate) fn out_sr_is_wgs84(sr: Option<&str>) -> Result<bool, Value> {
    let Some(sr) = sr else { return Ok(false) };
    let wkid = match serde_json::from_str::<Value>(sr) {
        Ok(Value::Object(o)) => o
            .get("latestWkid")
            .or(o.get("wkid"))
            .and_then(Value::as_i64),
        Ok(Value::Number(n)) => n.as_i64(),
        _ => None,
    };
    match wkid {
        Some(102100 | 3857 | 102113) => Ok(false),
        Some(4326) => Ok(true),
        _ => Err(unable(&format!(
            "outSR {sr} is not supported by this server (use 4326 or 102100)."
        ))),
    }
}

/// A geometry in WGS84 degrees.
fn project(g: &Geometry) -> Geometry {
    let conv = |parts: &Vec<Vec<[f64; 2]>>| -> Vec<Vec<[f64; 2]>> {
        parts
            .iter()
            .map(|p| p.iter().copied().map(to_wgs84).collect())
            .collect()
    };
    match g {
        Geometry::Point(x, y) => {
            let [lon, lat] = to_wgs84([*x, *y]);
            Geometry::Point(lon, lat)
        }
        Geometry::Polyline(p) => Geometry::Polyline(conv(p)),
        Geometry::Polygon(r) => Geometry::Polygon(conv(r)),
    }
}

/// Extent of the rows (`returnExtentOnly`); NaN bounds when nothing has geometry, as servers do.
pub(crate) fn extent(rows: &[&Feature], wgs84: bool) -> Value {
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for g in rows.iter().filter_map(|f| f.geometry.as_ref()) {
        let g = if wgs84 { project(g) } else { g.clone() };
        for [x, y] in g.vertices() {
            b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
        }
    }
    let sr = if wgs84 { wgs84_sr() } else { web_mercator() };
    if b[0] > b[2] {
        return json!({"xmin": "NaN", "ymin": "NaN", "xmax": "NaN", "ymax": "NaN", "spatialReference": sr});
    }
    json!({"xmin": b[0], "ymin": b[1], "xmax": b[2], "ymax": b[3], "spatialReference": sr})
}

pub(crate) fn geojson_geometry(g: &Geometry) -> Value {
    let conv = |parts: &Vec<Vec<[f64; 2]>>| -> Vec<Vec<[f64; 2]>> {
        parts
            .iter()
            .map(|p| p.iter().copied().map(to_wgs84).collect())
            .collect()
    };
    match g {
        Geometry::Point(x, y) => json!({"type": "Point", "coordinates": to_wgs84([*x, *y])}),
        Geometry::Polyline(p) if p.len() == 1 => {
            json!({"type": "LineString", "coordinates": conv(p)[0]})
        }
        Geometry::Polyline(p) => json!({"type": "MultiLineString", "coordinates": conv(p)}),
        Geometry::Polygon(r) => json!({"type": "Polygon", "coordinates": conv(r)}),
    }
}

fn cmp_values(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => x
            .as_f64()
            .partial_cmp(&y.as_f64())
            .unwrap_or(Ordering::Equal),
        (Some(Value::String(x)), Some(Value::String(y))) => x.cmp(y),
        (None | Some(Value::Null), None | Some(Value::Null)) => Ordering::Equal,
        (None | Some(Value::Null), _) => Ordering::Less,
        (_, None | Some(Value::Null)) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

/// `orderByFields` as `(field, descending)` pairs.
fn order_by(spec: &str, layer: &Layer) -> Result<Vec<(String, bool)>, Value> {
    let mut out = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut words = part.split_whitespace();
        let name = words.next().unwrap_or_default();
        let field = layer
            .field(name)
            .ok_or_else(|| unable(&format!("Invalid field in orderByFields: {name}")))?;
        let desc = match words.next().map(str::to_ascii_uppercase).as_deref() {
            None | Some("ASC") => false,
            Some("DESC") => true,
            Some(other) => return Err(unable(&format!("Invalid sort order: {other}"))),
        };
        out.push((field.name.clone(), desc));
    }
    Ok(out)
}

/// `outFields` resolved to field definitions, object id always included.
fn out_fields<'a>(spec: Option<&str>, layer: &'a Layer) -> Result<Vec<&'a Field>, Value> {
    let names: Vec<&str> = spec
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if names.contains(&"*") {
        return Ok(layer.fields.iter().collect());
    }
    let mut wanted = HashSet::new();
    wanted.insert(layer.object_id_field.to_ascii_lowercase());
    for n in names {
        let f = layer
            .field(n)
            .ok_or_else(|| unable(&format!("Invalid field: {n}")))?;
        wanted.insert(f.name.to_ascii_lowercase());
    }
    Ok(layer
        .fields
        .iter()
        .filter(|f| wanted.contains(&f.name.to_ascii_lowercase()))
        .collect())
}

pub(crate) fn parse_usize(params: &Params, name: &str) -> Result<Option<usize>, Value> {
    params
        .get(name)
        .map(|v| {
            v.parse::<usize>()
                .map_err(|_| unable(&format!("Invalid {name}: {v}")))
        })
        .transpose()
}

/// Runs a query; `Err` holds an error envelope.
pub(crate) fn query(
    services: &[Service],
    layer: &Layer,
    params: &Params,
    format: &Format,
) -> Result<Value, Value> {
    if let Some(lazy) = &layer.lazy {
        return super::lazy::query(layer, lazy, params, format);
    }
    if params.get("geometry").is_some() {
        return Err(unable("Spatial filters are not supported by this server."));
    }
    let wgs84 = out_sr_is_wgs84(params.get("outsr"))?;
    let resolved = rows(services, layer)
        .map_err(|e| error_body(500, "Unable to complete operation.", &[&e]))?;
    let clause = params.get("where").unwrap_or("1=1");
    let filter = where_clause::parse(clause, layer).map_err(|e| {
        error_body(
            400,
            "Unable to complete operation.",
            &[
                "Unable to perform query operation.",
                &format!("'where' parameter is invalid: {e}"),
            ],
        )
    })?;
    let ids: Option<HashSet<i64>> = params
        .get("objectids")
        .map(parse_ids)
        .transpose()?
        .map(|v| v.into_iter().collect());
    let mut matched: Vec<&Feature> = resolved
        .features
        .into_iter()
        .filter(|f| ids.as_ref().is_none_or(|s| s.contains(&f.oid)))
        .filter(|f| {
            filter
                .as_ref()
                .is_none_or(|e| where_clause::eval(e, &f.attrs))
        })
        .collect();
    let oid_field = layer.object_id_field.clone();

    if let Some(spec) = params.get("outstatistics") {
        return stats::statistics(
            spec,
            params.get("groupbyfieldsforstatistics"),
            layer,
            &matched,
        );
    }
    let count_only = params.flag("returncountonly") == Some(true);
    if params.flag("returnextentonly") == Some(true) {
        let mut m = Map::new();
        if count_only {
            m.insert("count".into(), matched.len().into());
        }
        m.insert("extent".into(), extent(&matched, wgs84));
        return Ok(Value::Object(m));
    }
    if count_only {
        return Ok(json!({"count": matched.len()}));
    }
    if params.flag("returnidsonly") == Some(true) {
        let ids: Vec<i64> = matched.iter().map(|f| f.oid).collect();
        return Ok(json!({"objectIdFieldName": oid_field, "objectIds": ids}));
    }

    let offset = parse_usize(params, "resultoffset")?;
    if offset.is_some() && !layer.supports_pagination {
        return Err(error_body(400, "Pagination is not supported.", &[]));
    }
    if let Some(spec) = params.get("orderbyfields") {
        let keys = order_by(spec, layer)?;
        matched.sort_by(|a, b| {
            keys.iter()
                .map(|(k, desc)| {
                    let o = cmp_values(a.attrs.get(k), b.attrs.get(k));
                    if *desc { o.reverse() } else { o }
                })
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(Ordering::Equal)
        });
    }
    let limit = parse_usize(params, "resultrecordcount")?
        .unwrap_or(layer.max_record_count)
        .min(layer.max_record_count);
    let total = matched.len();
    let start = offset.unwrap_or(0).min(total);
    let page: Vec<&Feature> = matched.into_iter().skip(start).take(limit).collect();
    let exceeded = start + page.len() < total;
    render_page(layer, &page, exceeded, params, format, wgs84)
}

/// The JSON or GeoJSON answer for one page of rows.
pub(crate) fn render_page(
    layer: &Layer,
    page: &[&Feature],
    exceeded: bool,
    params: &Params,
    format: &Format,
    wgs84: bool,
) -> Result<Value, Value> {
    let oid_field = layer.object_id_field.clone();
    let fields = out_fields(params.get("outfields"), layer)?;
    let with_geometry = layer.is_feature_layer() && params.flag("returngeometry") != Some(false);
    let attrs_of = |f: &Feature| -> Map<String, Value> {
        fields
            .iter()
            .map(|d| {
                (
                    d.name.clone(),
                    f.attrs.get(&d.name).cloned().unwrap_or(Value::Null),
                )
            })
            .collect()
    };

    if *format == Format::GeoJson {
        let features: Vec<Value> = page
            .iter()
            .map(|f| {
                let geometry = match (&f.geometry, with_geometry) {
                    (Some(g), true) => geojson_geometry(g),
                    _ => Value::Null,
                };
                json!({"type": "Feature", "id": f.oid, "geometry": geometry, "properties": attrs_of(f)})
            })
            .collect();
        let mut m = Map::new();
        m.insert("type".into(), "FeatureCollection".into());
        if exceeded {
            m.insert("properties".into(), json!({"exceededTransferLimit": true}));
        }
        m.insert("features".into(), features.into());
        return Ok(Value::Object(m));
    }

    let features: Vec<Value> = page
        .iter()
        .map(|f| {
            let mut m = Map::new();
            m.insert("attributes".into(), Value::Object(attrs_of(f)));
            if let (Some(g), true) = (&f.geometry, with_geometry) {
                let g = if wgs84 { project(g) } else { g.clone() };
                m.insert("geometry".into(), esri_geometry(&g));
            }
            Value::Object(m)
        })
        .collect();
    let mut m = Map::new();
    m.insert("objectIdFieldName".into(), oid_field.clone().into());
    m.insert(
        "uniqueIdField".into(),
        json!({"name": oid_field, "isSystemMaintained": true}),
    );
    m.insert(
        "globalIdFieldName".into(),
        layer.global_id_field.clone().unwrap_or_default().into(),
    );
    if let Some(g) = layer.geometry_type {
        m.insert("geometryType".into(), g.esri().into());
        m.insert(
            "spatialReference".into(),
            if wgs84 { wgs84_sr() } else { web_mercator() },
        );
    }
    m.insert(
        "fields".into(),
        fields
            .iter()
            .map(|f| response_field(f))
            .collect::<Vec<_>>()
            .into(),
    );
    if exceeded {
        m.insert("exceededTransferLimit".into(), true.into());
    }
    m.insert("features".into(), features.into());
    Ok(Value::Object(m))
}
