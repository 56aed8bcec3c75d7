//! What a GET (or POST without an operation) of the admin side answers:
//! `rest/admin/services/{name}/FeatureServer` is the service with every layer and table
//! definition in full plus `adminServiceInfo` (as on ArcGIS Online); `.../FeatureServer/{id}` is
//! the layer definition plus `adminLayerInfo` (a view's `viewLayerDefinition` names its source).

use serde_json::{Value, json};

use super::definitions::{layer_definition, service_root};
use super::model::{Layer, Service};

/// The admin definition of one layer or table.
pub(crate) fn layer_admin(services: &[Service], svc: &Service, l: &Layer) -> Value {
    let mut def = layer_definition(services, svc, l);
    let mut info = serde_json::Map::new();
    if l.is_feature_layer() {
        info.insert(
            "geometryField".into(),
            json!({"name": "Shape", "srid": 102100}),
        );
    }
    if let Some(src) = &l.view_source {
        info.insert(
            "viewLayerDefinition".into(),
            json!({"table": {"name": l.name, "sourceServiceName": src.service,
                             "sourceLayerId": src.layer_id, "sourceLayerFields": "*"}}),
        );
    } else {
        info.insert(
            "tableName".into(),
            format!("{}_{}", svc.name, l.id).to_ascii_uppercase().into(),
        );
    }
    if let Some(m) = def.as_object_mut() {
        m.insert("adminLayerInfo".into(), info.into());
    }
    def
}

/// The admin definition of a service: full layer and table definitions.
pub(crate) fn service_admin(services: &[Service], svc: &Service) -> Value {
    let mut root = service_root(services, svc);
    let full = |want_layer: bool| -> Vec<Value> {
        svc.layers
            .iter()
            .filter(|l| l.is_feature_layer() == want_layer)
            .map(|l| layer_admin(services, svc, l))
            .collect()
    };
    if let Some(m) = root.as_object_mut() {
        m.insert("layers".into(), full(true).into());
        m.insert("tables".into(), full(false).into());
        m.insert(
            "adminServiceInfo".into(),
            json!({"name": svc.name, "type": "FeatureServer", "status": "Started",
                   "database": {"datasource": {"name": format!("{}_ds", svc.name)}}}),
        );
    }
    root
}
