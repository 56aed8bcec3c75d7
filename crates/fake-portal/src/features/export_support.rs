//! What the portal's item export needs from the hosted services: the service behind an item,
//! its capabilities, and a layer's rows as a GeoJSON FeatureCollection.

use serde_json::{Map, Value, json};

use super::model::{Feature, Layer};
use super::query::geojson_geometry;
use super::store::{ServiceStore, rows};

fn geojson_feature(f: &Feature) -> Value {
    let geometry = f.geometry.as_ref().map_or(Value::Null, geojson_geometry);
    json!({"type": "Feature", "id": f.oid, "geometry": geometry, "properties": f.attrs})
}

fn collection(features: Vec<Value>) -> String {
    let mut m = Map::new();
    m.insert("type".into(), "FeatureCollection".into());
    m.insert("features".into(), features.into());
    Value::Object(m).to_string()
}

impl ServiceStore {
    /// Name and `capabilities` of the service whose `serviceItemId` is `item_id`.
    pub fn service_for_item(&self, item_id: &str) -> Option<(String, String)> {
        self.read()
            .iter()
            .find(|s| s.item_id == item_id)
            .map(|s| (s.name.clone(), s.capabilities.clone()))
    }

    /// Every row of `service/layer_id` (the first feature layer, else table, when `None`) as a
    /// GeoJSON FeatureCollection in WGS84, all attributes as properties. A view's definition
    /// query is applied. `None` when the service or layer does not exist.
    pub fn geojson_export(&self, service: &str, layer_id: Option<i64>) -> Option<String> {
        let services = self.read();
        let svc = super::store::find(&services, service)?;
        let layer: &Layer = match layer_id {
            Some(id) => svc.layer(id)?,
            None => svc
                .layers
                .iter()
                .find(|l| l.is_feature_layer())
                .or(svc.layers.first())?,
        };
        if let Some(lazy) = &layer.lazy {
            let features = (1..=lazy.count as i64)
                .filter_map(|oid| lazy.feature(oid))
                .map(|f| geojson_feature(&f))
                .collect();
            return Some(collection(features));
        }
        let r = rows(&services, layer).ok()?;
        Some(collection(
            r.features.iter().map(|f| geojson_feature(f)).collect(),
        ))
    }
}
