//! JSON of the service root, layer/table definitions, `/layers` and a view's `/sources`.

use serde_json::{Map, Value, json};

use super::model::{GeomType, Layer, Service, web_mercator};
use super::store::{find, rows};

/// The version every fake FeatureServer reports.
pub(crate) const CURRENT_VERSION: f64 = 11.3;

fn extent_of(services: &[Service], layers: &[&Layer]) -> Value {
    let mut b = [f64::MAX, f64::MAX, f64::MIN, f64::MIN];
    for l in layers {
        if let Some(g) = l.lazy.as_ref().and_then(|z| z.bounds()) {
            b = [
                b[0].min(g[0]),
                b[1].min(g[1]),
                b[2].max(g[2]),
                b[3].max(g[3]),
            ];
            continue;
        }
        let Ok(r) = rows(services, l) else { continue };
        for f in r.features {
            for [x, y] in f.geometry.iter().flat_map(|g| g.vertices()) {
                b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
            }
        }
    }
    if b[0] > b[2] {
        b = [-13_050_000.0, 4_030_000.0, -13_040_000.0, 4_040_000.0];
    }
    json!({"xmin": b[0], "ymin": b[1], "xmax": b[2], "ymax": b[3],
           "spatialReference": web_mercator()})
}

fn renderer(g: GeomType) -> Value {
    let symbol = match g {
        GeomType::Point => json!({"type": "esriSMS", "style": "esriSMSCircle",
            "color": [227, 26, 28, 255], "size": 6, "angle": 0, "xoffset": 0, "yoffset": 0,
            "outline": {"color": [255, 255, 255, 255], "width": 0.75}}),
        GeomType::Polyline => json!({"type": "esriSLS", "style": "esriSLSSolid",
            "color": [31, 120, 180, 255], "width": 1.5}),
        GeomType::Polygon => json!({"type": "esriSFS", "style": "esriSFSSolid",
            "color": [178, 223, 138, 128],
            "outline": {"type": "esriSLS", "style": "esriSLSSolid", "color": [51, 160, 44, 255], "width": 0.75}}),
    };
    json!({"renderer": {"type": "simple", "symbol": symbol, "label": "", "description": ""},
           "transparency": 0, "labelingInfo": null})
}

fn drawing_tool(g: Option<GeomType>) -> &'static str {
    match g {
        Some(GeomType::Point) => "esriFeatureEditToolPoint",
        Some(GeomType::Polyline) => "esriFeatureEditToolLine",
        Some(GeomType::Polygon) => "esriFeatureEditToolPolygon",
        None => "esriFeatureEditToolNone",
    }
}

fn editing_info(l: &Layer) -> Option<Value> {
    l.edit_dates.map(|d| {
        json!({"lastEditDate": d.last(), "dataLastEditDate": d.data, "schemaLastEditDate": d.schema})
    })
}

/// The entry of a layer or table in the service root's `layers`/`tables` arrays.
fn summary(l: &Layer) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), l.id.into());
    m.insert("name".into(), l.name.clone().into());
    m.insert("parentLayerId".into(), (-1).into());
    m.insert("defaultVisibility".into(), true.into());
    m.insert("subLayerIds".into(), Value::Null);
    m.insert("minScale".into(), 0.into());
    m.insert("maxScale".into(), 0.into());
    if let Some(g) = l.geometry_type {
        m.insert("geometryType".into(), g.esri().into());
        m.insert("type".into(), "Feature Layer".into());
    } else {
        m.insert("type".into(), "Table".into());
    }
    Value::Object(m)
}

/// `GET {service}?f=json`.
pub(crate) fn service_root(services: &[Service], svc: &Service) -> Value {
    let layers: Vec<Value> = svc
        .layers
        .iter()
        .filter(|l| l.is_feature_layer())
        .map(summary)
        .collect();
    let tables: Vec<Value> = svc
        .layers
        .iter()
        .filter(|l| !l.is_feature_layer())
        .map(summary)
        .collect();
    let mut rels: Vec<Value> = Vec::new();
    for l in &svc.layers {
        for r in &l.relationships {
            let entry = json!({"id": r["id"], "name": r["name"]});
            if !rels.contains(&entry) {
                rels.push(entry);
            }
        }
    }
    let spatial: Vec<&Layer> = svc.layers.iter().filter(|l| l.is_feature_layer()).collect();
    let extent = extent_of(services, &spatial);
    let is_view = svc.is_view();
    let mut m = Map::new();
    m.insert("currentVersion".into(), CURRENT_VERSION.into());
    m.insert("serviceItemId".into(), svc.item_id.clone().into());
    m.insert("isView".into(), is_view.into());
    if is_view {
        m.insert("isUpdatableView".into(), true.into());
        m.insert("sourceSchemaChangesAllowed".into(), true.into());
    }
    m.insert("serviceDescription".into(), svc.description.clone().into());
    m.insert("hasVersionedData".into(), false.into());
    m.insert("supportsDisconnectedEditing".into(), false.into());
    m.insert("hasStaticData".into(), false.into());
    m.insert("hasSharedDomains".into(), false.into());
    m.insert("maxRecordCount".into(), svc.max_record_count.into());
    m.insert("supportedQueryFormats".into(), "JSON, geoJSON".into());
    m.insert("supportsVCSProjection".into(), false.into());
    m.insert(
        "supportedExportFormats".into(),
        "sqlite,filegdb,shapefile,csv,geojson,geoPackage,featureCollection,excel".into(),
    );
    m.insert("capabilities".into(), svc.capabilities.clone().into());
    m.insert("description".into(), svc.description.clone().into());
    m.insert("copyrightText".into(), "".into());
    m.insert("spatialReference".into(), web_mercator());
    m.insert("initialExtent".into(), extent.clone());
    m.insert("fullExtent".into(), extent);
    m.insert("allowGeometryUpdates".into(), true.into());
    m.insert("units".into(), "esriMeters".into());
    m.insert("supportsAppend".into(), true.into());
    m.insert("syncEnabled".into(), false.into());
    m.insert("supportsApplyEditsWithGlobalIds".into(), true.into());
    m.insert("supportsTruncate".into(), (!is_view).into());
    m.insert(
        "editorTrackingInfo".into(),
        json!({"enableEditorTracking": false, "enableOwnershipAccessControl": false,
               "allowOthersToQuery": true, "allowOthersToUpdate": true,
               "allowOthersToDelete": true, "allowAnonymousToQuery": true,
               "allowAnonymousToUpdate": true, "allowAnonymousToDelete": true}),
    );
    m.insert(
        "xssPreventionInfo".into(),
        json!({"xssPreventionEnabled": true, "xssPreventionRule": "InputOnly",
               "xssInputRule": "rejectInvalid"}),
    );
    m.insert("layers".into(), layers.into());
    m.insert("tables".into(), tables.into());
    m.insert("relationships".into(), rels.into());
    m.insert("enableZDefaults".into(), false.into());
    m.insert("allowUpdateWithoutMValues".into(), true.into());
    let last = svc
        .layers
        .iter()
        .filter_map(|l| l.edit_dates.map(|d| d.last()))
        .max();
    if let Some(last) = last {
        m.insert("editingInfo".into(), json!({"lastEditDate": last}));
    }
    for (k, v) in &svc.overlay {
        m.insert(k.clone(), v.clone());
    }
    Value::Object(m)
}

/// `GET {service}/{id}?f=json`: a full layer or table definition.
pub(crate) fn layer_definition(services: &[Service], svc: &Service, l: &Layer) -> Value {
    let mut m = Map::new();
    m.insert("currentVersion".into(), CURRENT_VERSION.into());
    m.insert("id".into(), l.id.into());
    m.insert("name".into(), l.name.clone().into());
    m.insert(
        "type".into(),
        if l.is_feature_layer() {
            "Feature Layer"
        } else {
            "Table"
        }
        .into(),
    );
    m.insert("serviceItemId".into(), svc.item_id.clone().into());
    m.insert("displayField".into(), l.display_field.clone().into());
    m.insert("description".into(), l.description.clone().into());
    m.insert("copyrightText".into(), "".into());
    m.insert("defaultVisibility".into(), true.into());
    if let Some(info) = editing_info(l) {
        m.insert("editingInfo".into(), info);
    }
    if let Some(src) = &l.view_source {
        m.insert("isView".into(), true.into());
        m.insert("isUpdatableView".into(), true.into());
        m.insert("sourceSchemaChangesAllowed".into(), true.into());
        m.insert(
            "viewDefinitionQuery".into(),
            src.definition_query.clone().into(),
        );
        m.insert(
            "definitionQuery".into(),
            src.definition_query.clone().into(),
        );
    } else {
        m.insert("isView".into(), false.into());
    }
    m.insert("relationships".into(), l.relationships.clone().into());
    m.insert("isDataVersioned".into(), false.into());
    m.insert("supportsAppend".into(), true.into());
    m.insert("supportsCalculate".into(), true.into());
    m.insert("supportsTruncate".into(), l.view_source.is_none().into());
    m.insert("supportsAttachmentsByUploadId".into(), true.into());
    m.insert("supportsRollbackOnFailureParameter".into(), true.into());
    m.insert("supportsStatistics".into(), true.into());
    m.insert("supportsAdvancedQueries".into(), true.into());
    m.insert("supportsValidateSql".into(), true.into());
    m.insert(
        "supportsApplyEditsWithGlobalIds".into(),
        l.global_id_field.is_some().into(),
    );
    m.insert("supportsQueryAttachments".into(), l.has_attachments.into());
    m.insert(
        "advancedQueryCapabilities".into(),
        json!({"supportsPagination": l.supports_pagination, "supportsQueryWithDistance": true,
               "supportsReturningQueryExtent": true, "supportsStatistics": true,
               "supportsOrderBy": true, "supportsDistinct": true,
               "supportsQueryWithResultType": true, "supportsSqlExpression": true,
               "supportsTrueCurve": false, "supportsQueryAttachments": l.has_attachments,
               "supportsQueryAttachmentsCountOnly": false,
               "supportsPaginationOnAggregatedQueries": l.supports_pagination,
               "supportsQueryRelatedPagination": true}),
    );
    m.insert("useStandardizedQueries".into(), true.into());
    if let Some(g) = l.geometry_type {
        m.insert("geometryType".into(), g.esri().into());
        m.insert("minScale".into(), 0.into());
        m.insert("maxScale".into(), 0.into());
        m.insert("extent".into(), extent_of(services, &[l]));
        m.insert("drawingInfo".into(), renderer(g));
        m.insert("allowGeometryUpdates".into(), true.into());
    }
    m.insert("hasAttachments".into(), l.has_attachments.into());
    if l.has_attachments {
        let props: Vec<Value> = ["name", "size", "contentType", "keywords", "exifInfo"]
            .iter()
            .map(|n| json!({"name": n, "isEnabled": true}))
            .collect();
        m.insert("attachmentProperties".into(), props.into());
    }
    m.insert("htmlPopupType".into(), "esriServerHTMLPopupTypeNone".into());
    m.insert("hasM".into(), false.into());
    m.insert("hasZ".into(), false.into());
    m.insert("objectIdField".into(), l.object_id_field.clone().into());
    m.insert(
        "uniqueIdField".into(),
        json!({"name": l.object_id_field, "isSystemMaintained": true}),
    );
    m.insert(
        "globalIdField".into(),
        l.global_id_field.clone().unwrap_or_default().into(),
    );
    m.insert("typeIdField".into(), "".into());
    m.insert(
        "dateFieldsTimeReference".into(),
        json!({"timeZone": "UTC", "respectsDaylightSaving": false}),
    );
    m.insert(
        "fields".into(),
        l.fields
            .iter()
            .map(|f| f.to_json())
            .collect::<Vec<_>>()
            .into(),
    );
    let mut indexes = vec![
        json!({"name": format!("PK__{}_{}", l.name, l.object_id_field),
        "fields": l.object_id_field, "isAscending": true, "isUnique": true,
        "description": "clustered, unique, primary key"}),
    ];
    if let Some(g) = &l.global_id_field {
        indexes.push(
            json!({"name": format!("{g}_Index"), "fields": g, "isAscending": false,
                            "isUnique": true, "description": ""}),
        );
    }
    m.insert("indexes".into(), indexes.into());
    m.insert("types".into(), json!([]));
    let proto: Map<String, Value> = l
        .fields
        .iter()
        .filter(|f| f.name != l.object_id_field && Some(&f.name) != l.global_id_field.as_ref())
        .map(|f| (f.name.clone(), Value::Null))
        .collect();
    m.insert(
        "templates".into(),
        json!([{"name": l.name, "description": "", "drawingTool": drawing_tool(l.geometry_type),
                "prototype": {"attributes": proto}}]),
    );
    m.insert("supportedQueryFormats".into(), "JSON, geoJSON".into());
    m.insert("hasStaticData".into(), false.into());
    m.insert("maxRecordCount".into(), l.max_record_count.into());
    m.insert("standardMaxRecordCount".into(), l.max_record_count.into());
    m.insert("tileMaxRecordCount".into(), l.max_record_count.into());
    m.insert("maxRecordCountFactor".into(), 1.into());
    let caps = if svc.capabilities.contains("Editing") {
        "Create,Delete,Query,Update,Editing"
    } else {
        "Query"
    };
    m.insert("capabilities".into(), caps.into());
    for (k, v) in &l.definition {
        m.insert(k.clone(), v.clone());
    }
    Value::Object(m)
}

/// `GET {service}/layers?f=json`: every definition in one answer.
pub(crate) fn all_layers(services: &[Service], svc: &Service) -> Value {
    let defs = |table: bool| -> Vec<Value> {
        svc.layers
            .iter()
            .filter(|l| l.is_feature_layer() != table)
            .map(|l| layer_definition(services, svc, l))
            .collect()
    };
    json!({"layers": defs(false), "tables": defs(true)})
}

/// `GET {view service}/sources?f=json`: the services a view reads from.
pub(crate) fn sources(services: &[Service], svc: &Service, services_url: &str) -> Value {
    let mut list: Vec<Value> = Vec::new();
    for l in &svc.layers {
        let Some(src) = &l.view_source else { continue };
        let Some(source) = find(services, &src.service) else {
            continue;
        };
        let entry = json!({"name": source.name, "type": "FeatureServer",
            "url": format!("{services_url}/{}/FeatureServer", source.name),
            "serviceItemId": source.item_id});
        if !list.contains(&entry) {
            list.push(entry);
        }
    }
    json!({"currentVersion": CURRENT_VERSION, "services": list})
}

/// `GET {view service}/{layer}/sources?f=json`: the source layer a view layer reads from, under
/// `layers` (or under `tables` alone for a table), with `name`, `type`, `url` (the source
/// layer's URL) and `serviceItemId`, as Esri's `clone_items` reads it.
pub(crate) fn layer_sources(services: &[Service], layer: &Layer, services_url: &str) -> Value {
    let mut key = "layers";
    let mut list: Vec<Value> = Vec::new();
    if let Some(src) = &layer.view_source
        && let Some(source) = find(services, &src.service)
        && let Some(source_layer) = source.layer(src.layer_id)
    {
        let table = !source_layer.is_feature_layer();
        if table {
            key = "tables";
        }
        list.push(json!({"name": source_layer.name,
            "type": if table { "Table" } else { "Feature Layer" },
            "url": format!("{services_url}/{}/FeatureServer/{}", source.name, source_layer.id),
            "serviceItemId": source.item_id}));
    }
    let mut m = Map::new();
    m.insert("currentVersion".into(), json!(CURRENT_VERSION));
    m.insert(key.into(), Value::Array(list));
    Value::Object(m)
}
