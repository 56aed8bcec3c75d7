//! `layers/<id>.geojson` (`--geojson`): the same paging as the Esri JSON pull with `f=geojson`,
//! written as one FeatureCollection. `exceededTransferLimit` sits under `properties` there.

use serde_json::Value;

/// What a GeoJSON FeatureCollection file starts with.
pub(crate) const HEADER: &[u8] = b"{\"type\":\"FeatureCollection\",\"features\":[";

/// True when a GeoJSON page says more rows are left.
pub(crate) fn exceeded(page: &Value) -> bool {
    page.pointer("/properties/exceededTransferLimit")
        .and_then(Value::as_bool)
        .or_else(|| page.get("exceededTransferLimit").and_then(Value::as_bool))
        .unwrap_or(false)
}

/// A GeoJSON feature's object id: `id`, else the object id property.
pub(crate) fn feature_oid(feature: &Value, oid_field: &str) -> Option<i64> {
    feature.get("id").and_then(Value::as_i64).or_else(|| {
        feature
            .get("properties")
            .and_then(|p| p.get(oid_field))
            .and_then(Value::as_i64)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exceeded_lives_under_properties() {
        assert!(exceeded(
            &json!({"type":"FeatureCollection","properties":{"exceededTransferLimit":true}})
        ));
        assert!(!exceeded(
            &json!({"type":"FeatureCollection","features":[]})
        ));
        assert_eq!(
            feature_oid(&json!({"id": 7, "properties": {"OBJECTID": 7}}), "OBJECTID"),
            Some(7)
        );
        assert_eq!(
            feature_oid(&json!({"properties": {"FID": 3}}), "FID"),
            Some(3)
        );
    }
}
