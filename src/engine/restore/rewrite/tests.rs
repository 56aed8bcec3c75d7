//! The rewrite per app type, on fixtures shaped like the item data the portal stores (see
//! `fixtures/README.md` for the documented shape each follows): every old id, source host and
//! service URL is replaced, and the result equals a hand-written expected document, so nothing
//! else changed. The generic cases (unmapped references, encodings, bytes kept) follow.

use super::*;
use serde_json::{Value, json};

const SRC: &str = "https://riverside.maps.arcgis.com";
const DST: &str = "https://staging-water.maps.arcgis.com";
const SRC_SVC: &str = "https://services9.arcgis.com/RvOrgA1b2C3d4E5f/arcgis/rest/services";
const DST_SVC: &str = "https://services2.arcgis.com/StOrgB9z8Y7x6W5v/arcgis/rest/services";
const MAP: &str = "0a1b2c3d4e5f40718293a4b5c6d7e8f9";
const MAP2: &str = "1a1b2c3d4e5f40718293a4b5c6d7e8f9";
const HYD: &str = "2a1b2c3d4e5f40718293a4b5c6d7e8f9";
const APP: &str = "3a1b2c3d4e5f40718293a4b5c6d7e8f9";
const FORM: &str = "4a1b2c3d4e5f40718293a4b5c6d7e8f9";
const INSP: &str = "4b1b2c3d4e5f40718293a4b5c6d7e8f9";
const DASH: &str = "5a1b2c3d4e5f40718293a4b5c6d7e8f9";
const SITE: &str = "6a1b2c3d4e5f40718293a4b5c6d7e8f9";
const PAGE: &str = "7a1b2c3d4e5f40718293a4b5c6d7e8f9";
const QC: &str = "8a1b2c3d4e5f40718293a4b5c6d7e8f9";
const GONE: &str = "9f9f9f9f9f9f40718293a4b5c6d7e8f9";
const OLD_IDS: [&str; 10] = [MAP, MAP2, HYD, APP, FORM, INSP, DASH, SITE, PAGE, QC];

/// The new id of an old one in these tests (written out in the expected fixtures).
fn new_id(old: &str) -> String {
    if old == INSP {
        return "4c0e0d0c0b0a40918273a4b5c6d7e801".into();
    }
    format!("{}f0e0d0c0b0a40918273a4b5c6d7e801", &old[..1])
}

fn table() -> Rewriter {
    let mut r = Rewriter::default();
    for id in OLD_IDS {
        r.add_id(id, &new_id(id));
        r.add_source_item(id);
    }
    r.add_source_item(GONE);
    r.add_url(
        &format!("{SRC_SVC}/Hydrants/FeatureServer"),
        &format!("{DST_SVC}/Hydrants_1/FeatureServer"),
    );
    r.add_url(
        &format!("{SRC_SVC}/Inspections/FeatureServer"),
        &format!("{DST_SVC}/Inspections/FeatureServer"),
    );
    r.add_host(SRC, DST);
    r.add_source_mark(SRC_SVC);
    r
}

/// Rewrites the fixture `name`: no old id, source host or service base may be left, nothing is
/// reported unmapped, and the result equals `name.expected.json`. Returns the rewrite.
fn check_fixture(input: &str, expected: &str) -> Rewritten {
    let out = table().rewrite(input);
    let got: Value = serde_json::from_str(&out.text).expect("still JSON");
    let want: Value = serde_json::from_str(expected).expect("expected fixture is JSON");
    let lower = out.text.to_ascii_lowercase();
    for old in OLD_IDS {
        assert!(!lower.contains(old), "{old} left in {}", out.text);
    }
    for gone in ["riverside.maps.arcgis.com", "rvorga1b2c3d4e5f"] {
        assert!(!lower.contains(gone), "{gone} left in {}", out.text);
    }
    assert!(out.unmapped.is_empty(), "{:?}", out.unmapped);
    assert_eq!(got, want, "rewritten:\n{}", out.text);
    // The input differs from the expected document: the test cannot pass on a no-op.
    assert_ne!(serde_json::from_str::<Value>(input).unwrap(), want);
    out
}

macro_rules! fixture {
    ($name:literal) => {
        check_fixture(
            include_str!(concat!("fixtures/", $name, ".json")),
            include_str!(concat!("fixtures/", $name, ".expected.json")),
        )
    };
}

#[test]
fn web_map_operational_group_layers_tables_and_basemap() {
    let out = fixture!("webmap");
    for p in [
        "/operationalLayers/0/url",
        "/operationalLayers/0/itemId",
        "/operationalLayers/0/popupInfo/mediaInfos/0/value/sourceURL",
        "/operationalLayers/1/layers/0/url",
        "/operationalLayers/1/layers/1/layers/0/itemId",
        "/tables/0/url",
        "/baseMap/baseMapLayers/1/styleUrl",
        "/baseMap/baseMapLayers/1/itemId",
    ] {
        assert!(out.paths.contains(&p.to_string()), "{p}: {:?}", out.paths);
    }
    // Esri's basemap style and its item id are not the org's: untouched, not reported.
    assert!(out.unknown_ids.contains("7dc6cea0b1764a1f9af2e679f642f0f5"));
}

#[test]
fn web_appbuilder_app() {
    let out = fixture!("wab");
    assert!(out.paths.contains(&"/appId".to_string()), "{:?}", out.paths);
    assert!(out.paths.contains(&"/map/itemId".to_string()));
}

#[test]
fn instant_app_values() {
    let out = fixture!("instant");
    // The template id and the folder id are not items of the org: left, no warning.
    assert!(out.unknown_ids.contains("b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0"));
    assert!(out.paths.contains(&"/values/webmap".to_string()));
}

#[test]
fn dashboard_widgets_and_data_sources() {
    let out = fixture!("dashboard");
    for p in [
        "/widgets/0/itemId",
        "/widgets/1/datasets/0/dataSource/itemId",
        "/leftPanel/selectors/0/datasets/0/dataSource/itemId",
        "/headerPanel/menuLinks/0/url",
        "/widgets/3/url",
    ] {
        assert!(out.paths.contains(&p.to_string()), "{p}: {:?}", out.paths);
    }
}

#[test]
fn experience_builder_data_sources() {
    let out = fixture!("experience");
    for p in [
        "/dataSources/dataSource_1/itemId",
        "/dataSources/dataSource_1/childDataSourceJsons/Hydrants_8117/url",
        "/widgets/widget_2/config/surveyItemId",
    ] {
        assert!(out.paths.contains(&p.to_string()), "{p}: {:?}", out.paths);
    }
}

#[test]
fn storymap_data_and_express_map_resource() {
    let out = fixture!("storymap");
    assert!(out.paths.contains(&"/nodes/n-Embed3/data/url".to_string()));
    assert!(
        out.paths
            .contains(&"/resources/r-Xmap8/data/itemId".to_string())
    );
    fixture!("storymap-express-resource");
}

#[test]
fn survey123_form_json_and_item_properties() {
    let out = fixture!("survey123-form");
    // Percent-encoded HTML inside form.json is rewritten in its encoded form.
    assert!(
        out.paths.contains(&"/subHeader/content".to_string()),
        "{:?}",
        out.paths
    );
    fixture!("survey123-properties");
}

#[test]
fn quickcapture_project() {
    let out = fixture!("quickcapture");
    assert!(
        out.paths
            .contains(&"/dataSources/1/featureServiceItemId".to_string())
    );
}

#[test]
fn field_maps_settings_in_the_map() {
    let out = fixture!("fieldmaps");
    assert!(
        out.paths
            .contains(&"/geotriggersInfo/geotriggers/0/notificationOptions/linkUrl".to_string())
    );
}

#[test]
fn hub_site_and_page() {
    let out = fixture!("hub-site");
    // The catalog names a group of the source org: a group id, left as it is.
    assert!(out.unknown_ids.contains("e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4e4"));
    assert!(out.paths.contains(
        &"/values/layout/sections/0/rows/2/cards/0/component/settings/surveyId".to_string()
    ));
    fixture!("hub-page");
}

#[test]
fn a_reference_to_an_item_outside_the_restore_is_reported() {
    let data = json!({"operationalLayers": [
        {"itemId": GONE, "url": format!("{SRC_SVC}/Pipes/FeatureServer/0")},
        {"itemId": MAP}]});
    let out = table().rewrite(&data.to_string());
    assert!(out.text.contains(GONE), "left as it is");
    assert!(
        out.unmapped
            .iter()
            .any(|u| u.starts_with("/operationalLayers/0/itemId: item ") && u.contains(GONE)),
        "{:?}",
        out.unmapped
    );
    assert!(
        out.unmapped
            .iter()
            .any(|u| u.starts_with("/operationalLayers/0/url: ")
                && u.contains("source org")
                && u.contains("Pipes")),
        "{:?}",
        out.unmapped
    );
    assert_eq!(out.unmapped.len(), 2, "{:?}", out.unmapped);
}

#[test]
fn nothing_to_change_keeps_every_byte_and_changed_strings_only_are_reencoded() {
    let text =
        "{\n  \"a\" : \"https:\\/\\/other.example\\/x\",\t\"n\": 1.50e0,\n \"u\": \"\\u00e9\"}";
    let out = table().rewrite(text);
    assert_eq!(out.text, text);
    assert!(out.paths.is_empty());
    let text = format!("{{\"keep\" : \"x\\/y\",  \"m\":\"{SRC}\\/home\\/item.html?id={MAP}\"}}");
    let out = table().rewrite(&text);
    assert_eq!(
        out.text,
        format!(
            "{{\"keep\" : \"x\\/y\",  \"m\":\"{DST}/home/item.html?id={}\"}}",
            new_id(MAP)
        )
    );
    assert_eq!(out.paths, vec!["/m".to_string()]);
}

#[test]
fn hosts_ports_case_schemes_and_encodings() {
    let mut r = Rewriter::default();
    r.add_host("http://127.0.0.1:1234", "http://127.0.0.1:5678");
    r.add_host(
        "https://gis.example.org/portal",
        "https://gis2.example.org/arcgis",
    );
    let s = "http://127.0.0.1:1234/home http://127.0.0.1:12345/x //127.0.0.1:1234/a \
             HTTPS://GIS.example.org/portal/apps https://gis.example.org/portalx \
             https://gis.example.org/server/rest http%3A%2F%2F127.0.0.1%3A1234%2Fhome";
    let out = r.rewrite_text(s, "");
    assert_eq!(
        out.text,
        "http://127.0.0.1:5678/home http://127.0.0.1:12345/x //127.0.0.1:5678/a \
         https://gis2.example.org/arcgis/apps https://gis.example.org/portalx \
         https://gis.example.org/server/rest http%3A%2F%2F127.0.0.1%3A5678%2Fhome"
    );
}

#[test]
fn similar_names_uppercase_tokens_and_service_lookup() {
    let r = table();
    let text = format!(
        r#"{{"a":"{SRC_SVC}/Hydrants2/FeatureServer/0","g":"{{3F2504E0-4F89-11D3-9A0C-0305E82C3301}}","h":"{}","d":"x{MAP}"}}"#,
        MAP.to_uppercase()
    );
    let out = r.rewrite(&text);
    let v: Value = serde_json::from_str(&out.text).unwrap();
    assert_eq!(v["a"], format!("{SRC_SVC}/Hydrants2/FeatureServer/0"));
    assert_eq!(
        v["h"],
        new_id(MAP),
        "uppercase ids match, written lowercase"
    );
    assert_eq!(v["d"], format!("x{MAP}"));
    assert_eq!(
        r.map_service_url(&format!("{SRC_SVC}/Hydrants/FeatureServer/3")),
        Some(format!("{DST_SVC}/Hydrants_1/FeatureServer/3"))
    );
    assert_eq!(r.map_service_url("https://elsewhere/x/FeatureServer"), None);
}
