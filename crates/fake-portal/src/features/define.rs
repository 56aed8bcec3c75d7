//! Layer and table definitions given to `addToDefinition`, turned into [`Layer`]s: fields kept
//! verbatim, ids kept, views resolved to their source layer.

use serde_json::{Map, Value};

use super::model::{EditDates, Field, FieldType, GeomType, Layer, Service, ViewSource};
use super::store::find;

/// Keys of a given definition the fake computes itself instead of serving verbatim.
const COMPUTED: &[&str] = &[
    "id",
    "currentVersion",
    "serviceItemId",
    "editingInfo",
    "extent",
    "adminLayerInfo",
    "fields",
    "isView",
    "isUpdatableView",
    "viewDefinitionQuery",
    "definitionQuery",
    "sourceSchemaChangesAllowed",
    "hasAttachments",
    "objectIdField",
    "globalIdField",
    "relationships",
    "geometryType",
    "type",
    "maxRecordCount",
    "displayField",
    "description",
    "name",
];

fn field_type(esri: &str) -> FieldType {
    match esri {
        "esriFieldTypeOID" => FieldType::Oid,
        "esriFieldTypeGlobalID" => FieldType::GlobalId,
        "esriFieldTypeSmallInteger" | "esriFieldTypeInteger" | "esriFieldTypeBigInteger" => {
            FieldType::Integer
        }
        "esriFieldTypeSingle" | "esriFieldTypeDouble" => FieldType::Double,
        "esriFieldTypeDate" | "esriFieldTypeTimestampOffset" => FieldType::Date,
        "esriFieldTypeGUID" => FieldType::Guid,
        _ => FieldType::String,
    }
}

fn geom_type(esri: &str) -> Result<GeomType, String> {
    match esri {
        "esriGeometryPoint" => Ok(GeomType::Point),
        "esriGeometryPolyline" => Ok(GeomType::Polyline),
        "esriGeometryPolygon" => Ok(GeomType::Polygon),
        other => Err(format!(
            "Geometry type '{other}' is not supported by the fake."
        )),
    }
}

fn field(v: &Value) -> Result<Field, String> {
    let name = v["name"].as_str().ok_or("A field has no name.")?;
    let ftype = field_type(v["type"].as_str().unwrap_or(""));
    let mut f = Field::new(name, ftype);
    f.alias = v["alias"].as_str().unwrap_or(name).to_string();
    f.length = v["length"].as_u64().map(|l| l as u32).or(f.length);
    f.nullable = v["nullable"].as_bool().unwrap_or(f.nullable);
    f.domain = v.get("domain").filter(|d| !d.is_null()).cloned();
    f.raw = Some(v.clone());
    Ok(f)
}

/// The id given in a definition (number or string).
pub(crate) fn given_id(v: &Value) -> Option<i64> {
    v["id"]
        .as_i64()
        .or_else(|| v["id"].as_str().and_then(|s| s.parse().ok()))
}

/// Where a view layer reads from: `adminLayerInfo.viewLayerDefinition` (`sourceServiceName`,
/// `sourceLayerId`, directly or under `table`).
fn view_source(v: &Value) -> Option<(String, i64)> {
    let vld = &v["adminLayerInfo"]["viewLayerDefinition"];
    let src = if vld["table"].is_object() {
        &vld["table"]
    } else {
        vld
    };
    let name = src["sourceServiceName"].as_str()?;
    let id = src["sourceLayerId"]
        .as_i64()
        .or_else(|| src["sourceLayerId"].as_str().and_then(|s| s.parse().ok()))?;
    Some((name.to_string(), id))
}

/// A layer (or, with `table`, a table) from its definition JSON. `id` is the id to use,
/// `mrc` the service's max record count, `now` the schema date.
pub(crate) fn layer_from_json(
    services: &[Service],
    v: &Value,
    table: bool,
    id: i64,
    mrc: usize,
    now: i64,
) -> Result<Layer, String> {
    let name = v["name"]
        .as_str()
        .filter(|n| !n.is_empty())
        .ok_or("A layer or table has no name.")?;
    let mut fields: Vec<Field> = v["fields"]
        .as_array()
        .map(|a| a.iter().map(field).collect::<Result<_, _>>())
        .transpose()?
        .unwrap_or_default();
    let mut geometry_type = match v["geometryType"].as_str() {
        Some(g) if !table && v["type"] != "Table" => Some(geom_type(g)?),
        _ => None,
    };
    let mut has_attachments = v["hasAttachments"].as_bool();
    let mut oid_field = v["objectIdField"].as_str().map(str::to_string);
    let mut gid_field = v["globalIdField"]
        .as_str()
        .filter(|g| !g.is_empty())
        .map(str::to_string);
    let mut source = None;
    if let Some((svc_name, layer_id)) = view_source(v) {
        let src = find(services, &svc_name)
            .and_then(|s| s.layer(layer_id))
            .ok_or_else(|| format!("View source {svc_name}/{layer_id} does not exist."))?;
        if fields.is_empty() {
            fields = src.fields.clone();
        }
        if geometry_type.is_none() && !table {
            geometry_type = src.geometry_type;
        }
        has_attachments = has_attachments.or(Some(src.has_attachments));
        oid_field = oid_field.or_else(|| Some(src.object_id_field.clone()));
        gid_field = gid_field.or_else(|| src.global_id_field.clone());
        let query = v["viewDefinitionQuery"]
            .as_str()
            .or_else(|| v["definitionQuery"].as_str())
            .unwrap_or("");
        source = Some(ViewSource {
            service: find(services, &svc_name).map_or(svc_name.clone(), |s| s.name.clone()),
            layer_id,
            definition_query: query.to_string(),
        });
    }
    let oid = oid_field
        .or_else(|| {
            fields
                .iter()
                .find(|f| f.ftype == FieldType::Oid)
                .map(|f| f.name.clone())
        })
        .unwrap_or_else(|| "OBJECTID".into());
    if !fields.iter().any(|f| f.name.eq_ignore_ascii_case(&oid)) {
        fields.insert(0, Field::new(&oid, FieldType::Oid));
    }
    let gid = gid_field.or_else(|| {
        fields
            .iter()
            .find(|f| f.ftype == FieldType::GlobalId)
            .map(|f| f.name.clone())
    });
    let display = v["displayField"]
        .as_str()
        .filter(|d| !d.is_empty())
        .map(str::to_string)
        .or_else(|| {
            fields
                .iter()
                .find(|f| f.ftype == FieldType::String)
                .map(|f| f.name.clone())
        })
        .unwrap_or_else(|| oid.clone());
    let definition: Map<String, Value> = v
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| !COMPUTED.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default();
    Ok(Layer {
        id,
        name: name.to_string(),
        description: v["description"].as_str().unwrap_or("").to_string(),
        geometry_type,
        fields,
        object_id_field: oid,
        global_id_field: gid,
        display_field: display,
        max_record_count: v["maxRecordCount"].as_u64().map_or(mrc, |m| m as usize),
        supports_pagination: true,
        has_attachments: has_attachments.unwrap_or(false),
        relationships: v["relationships"].as_array().cloned().unwrap_or_default(),
        edit_dates: Some(EditDates {
            data: now,
            schema: now,
        }),
        features: Vec::new(),
        attachments: Vec::new(),
        view_source: source,
        lazy: None,
        definition,
        oid_seq: 0,
    })
}
