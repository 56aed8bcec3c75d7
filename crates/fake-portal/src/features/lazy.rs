//! A layer whose rows are generated on demand from the object id (the `Big_Layer` benchmark):
//! no vector of features is ever built, so 500,000 rows cost no memory until queried, and a
//! query only builds the page it returns.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::http::{Format, Params, error_body, unable};
use super::model::{Feature, Field, FieldType as T, GeomType, Geometry, Layer, Service};
use super::query::{out_sr_is_wgs84, parse_ids, parse_usize, render_page};
use super::sample::{BIG_LAYER, BIG_LAYER_ITEM_ID};
use super::sample_data::{guid, layer, mix, service};
use super::where_clause;

/// Web Mercator origin of the generated grid.
const X0: f64 = -13_060_000.0;
const Y0: f64 = 4_020_000.0;
/// Grid spacing (m) and points per row.
const STEP: f64 = 25.0;
const PER_ROW: i64 = 1000;
/// 2020-01-01T00:00:00Z: base of the generated dates.
const DATE_BASE: i64 = 1_577_836_800_000;
const CATEGORIES: [&str; 4] = ["Meter", "Valve", "Hydrant", "Sensor"];

/// Rows `1..=count`, generated from the object id; edited rows are kept in `overrides`.
#[derive(Clone, Debug, Default)]
pub(crate) struct LazyRows {
    pub count: usize,
    /// Attribute changes made by edits, per object id.
    pub overrides: BTreeMap<i64, Map<String, Value>>,
}

impl LazyRows {
    /// The feature with object id `oid`, if it exists.
    pub(crate) fn feature(&self, oid: i64) -> Option<Feature> {
        if oid < 1 || oid > self.count as i64 {
            return None;
        }
        let r = mix(oid as u64 ^ 0xB16_1A7E2);
        let mut a = Map::new();
        a.insert("OBJECTID".into(), oid.into());
        a.insert("GlobalID".into(), guid("big", oid).into());
        a.insert("AssetName".into(), format!("Asset {oid:06}").into());
        a.insert(
            "Category".into(),
            CATEGORIES[(oid % CATEGORIES.len() as i64) as usize].into(),
        );
        a.insert("Reading".into(), ((r % 100_000) as f64 / 100.0).into());
        a.insert("Zone".into(), ((r >> 20) % 50).into());
        a.insert("Installed".into(), (DATE_BASE + oid * 60_000).into());
        if let Some(o) = self.overrides.get(&oid) {
            a.extend(o.clone());
        }
        let i = oid - 1;
        let (x, y) = (
            X0 + (i % PER_ROW) as f64 * STEP,
            Y0 + (i / PER_ROW) as f64 * STEP,
        );
        Some(Feature {
            oid,
            attrs: a,
            geometry: Some(Geometry::Point(x, y)),
        })
    }

    /// `[xmin, ymin, xmax, ymax]` of every row (known from the grid, nothing generated).
    pub(crate) fn bounds(&self) -> Option<[f64; 4]> {
        if self.count == 0 {
            return None;
        }
        let n = self.count as i64;
        let cols = (n.min(PER_ROW) - 1) as f64;
        let rows = ((n - 1) / PER_ROW) as f64;
        Some([X0, Y0, X0 + cols * STEP, Y0 + rows * STEP])
    }
}

/// The `Big_Layer` service with `count` generated points in layer 0.
pub(crate) fn big_layer_service(count: usize) -> Service {
    let fields = vec![
        Field::new("OBJECTID", T::Oid),
        Field::new("GlobalID", T::GlobalId),
        Field::new("AssetName", T::String).len(64),
        Field::new("Category", T::String).len(32),
        Field::new("Reading", T::Double),
        Field::new("Zone", T::Integer),
        Field::new("Installed", T::Date),
    ];
    let mut l = layer(0, "Assets", Some(GeomType::Point), fields, 2000);
    l.description = format!("{count} generated points (benchmark layer).");
    l.lazy = Some(LazyRows {
        count,
        overrides: BTreeMap::new(),
    });
    service(
        BIG_LAYER,
        BIG_LAYER_ITEM_ID,
        format!("Benchmark layer with {count} generated points."),
        vec![l],
    )
}

/// `{layer}/query` on a generated layer: where, objectIds, counts, ids, extent, paging, ordering
/// by the object id only; statistics and spatial filters are refused.
pub(crate) fn query(
    layer: &Layer,
    rows: &LazyRows,
    params: &Params,
    format: &Format,
) -> Result<Value, Value> {
    if params.get("geometry").is_some() {
        return Err(unable("Spatial filters are not supported by this server."));
    }
    if params.get("outstatistics").is_some() {
        return Err(unable(
            "Statistics are not supported on this generated benchmark layer.",
        ));
    }
    let wgs84 = out_sr_is_wgs84(params.get("outsr"))?;
    let filter = where_clause::parse(params.get("where").unwrap_or("1=1"), layer).map_err(|e| {
        error_body(
            400,
            "Unable to complete operation.",
            &[
                "Unable to perform query operation.",
                &format!("'where' parameter is invalid: {e}"),
            ],
        )
    })?;
    let ids: Option<BTreeSet<i64>> = params
        .get("objectids")
        .map(parse_ids)
        .transpose()?
        .map(|v| v.into_iter().collect());
    let descending = match params.get("orderbyfields") {
        None => false,
        Some(spec) => order_by_oid(spec, layer)?,
    };
    let n = rows.count as i64;
    // Candidate object ids in output order, without materializing them.
    let candidates: Box<dyn Iterator<Item = i64> + '_> = match (&ids, descending) {
        (Some(s), false) => Box::new(s.iter().copied().filter(move |o| (1..=n).contains(o))),
        (Some(s), true) => Box::new(s.iter().rev().copied().filter(move |o| (1..=n).contains(o))),
        (None, false) => Box::new(1..=n),
        (None, true) => Box::new((1..=n).rev()),
    };
    let unfiltered = filter.is_none();
    let matched = candidates.filter_map(|oid| rows.feature(oid)).filter(|f| {
        filter
            .as_ref()
            .is_none_or(|e| where_clause::eval(e, &f.attrs))
    });

    let count_only = params.flag("returncountonly") == Some(true);
    if params.flag("returnextentonly") == Some(true) {
        let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
        let mut count = 0usize;
        for f in matched {
            count += 1;
            if let Some(Geometry::Point(x, y)) = f.geometry {
                b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
            }
        }
        let mut m = Map::new();
        if count_only {
            m.insert("count".into(), count.into());
        }
        m.insert("extent".into(), extent_json(b, count, wgs84));
        return Ok(Value::Object(m));
    }
    if count_only {
        let count = match (&ids, unfiltered) {
            (None, true) => rows.count,
            _ => matched.count(),
        };
        return Ok(json!({"count": count}));
    }
    if params.flag("returnidsonly") == Some(true) {
        let oids: Vec<i64> = match (&ids, unfiltered) {
            (None, true) if !descending => (1..=n).collect(),
            _ => matched.map(|f| f.oid).collect(),
        };
        return Ok(json!({"objectIdFieldName": layer.object_id_field, "objectIds": oids}));
    }
    let offset = parse_usize(params, "resultoffset")?.unwrap_or(0);
    let limit = parse_usize(params, "resultrecordcount")?
        .unwrap_or(layer.max_record_count)
        .min(layer.max_record_count);
    let mut page: Vec<Feature> = match (&ids, unfiltered, descending) {
        // Fast path: the page is a plain object-id range.
        (None, true, false) => {
            let from = offset as i64 + 1;
            let to = (offset + limit + 1).min(rows.count) as i64;
            (from..=to).filter_map(|o| rows.feature(o)).collect()
        }
        _ => matched.skip(offset).take(limit + 1).collect(),
    };
    let exceeded = page.len() > limit;
    page.truncate(limit);
    let refs: Vec<&Feature> = page.iter().collect();
    render_page(layer, &refs, exceeded, params, format, wgs84)
}

/// `orderByFields` on a generated layer: only the object id (ASC or DESC); true = descending.
fn order_by_oid(spec: &str, layer: &Layer) -> Result<bool, Value> {
    let mut desc = false;
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut words = part.split_whitespace();
        let name = words.next().unwrap_or_default();
        if !name.eq_ignore_ascii_case(&layer.object_id_field) {
            return Err(unable(&format!(
                "orderByFields on this generated layer supports only {}: {name}",
                layer.object_id_field
            )));
        }
        desc = words.next().is_some_and(|w| w.eq_ignore_ascii_case("DESC"));
    }
    Ok(desc)
}

fn extent_json(b: [f64; 4], count: usize, wgs84: bool) -> Value {
    if count == 0 {
        return json!({"xmin": "NaN", "ymin": "NaN", "xmax": "NaN", "ymax": "NaN",
            "spatialReference": super::model::web_mercator()});
    }
    let f = Feature {
        oid: 0,
        attrs: Map::new(),
        geometry: Some(Geometry::Polyline(vec![vec![[b[0], b[1]], [b[2], b[3]]]])),
    };
    super::query::extent(&[&f], wgs84)
}
