//! The rewrite per app type, on item data shaped like what the portal stores (the web map
//! specification's operationalLayers/tables/baseMap, app `values`, Dashboards widgets,
//! Experience Builder `dataSources`, StoryMaps `resources`, Survey123, QuickCapture, Field
//! Maps and Hub documents).

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
const GONE: &str = "9f9f9f9f9f9f40718293a4b5c6d7e8f9";

fn new_id(old: &str) -> String {
    format!("ee{}", &old[2..])
}

fn table() -> Rewriter {
    let mut r = Rewriter::default();
    for id in [MAP, MAP2, HYD, APP, FORM] {
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

/// Rewrites `data`, checks that no old id or source host is left and every value parses.
fn check(data: &Value) -> (Value, Rewritten) {
    let text = serde_json::to_string_pretty(data).unwrap();
    let out = table().rewrite(&text);
    let v: Value = serde_json::from_str(&out.text).expect("still JSON");
    for old in [MAP, MAP2, HYD, APP, FORM] {
        assert!(!out.text.contains(old), "{old} left in {}", out.text);
    }
    assert!(!out.text.contains("riverside"), "{}", out.text);
    assert!(!out.text.contains("RvOrgA"), "{}", out.text);
    assert!(out.unmapped.is_empty(), "{:?}", out.unmapped);
    (v, out)
}

#[test]
fn web_map_operational_group_tables_and_basemap() {
    let data = json!({
        "operationalLayers": [
            {"id": "Hydrants_0", "layerType": "ArcGISFeatureLayer", "title": "Hydrants",
             "url": format!("{SRC_SVC}/Hydrants/FeatureServer/0"), "itemId": HYD,
             "visibility": true, "opacity": 1},
            {"id": "grp", "layerType": "GroupLayer", "title": "Inspections", "layers": [
                {"id": "Insp_0", "layerType": "ArcGISFeatureLayer",
                 "url": format!("{SRC_SVC}/Inspections/FeatureServer/0"), "itemId": FORM},
                {"id": "Insp_1", "layerType": "ArcGISFeatureLayer",
                 "url": format!("{SRC_SVC}/Inspections/FeatureServer/1")}
            ]}
        ],
        "tables": [{"id": "t5", "url": format!("{SRC_SVC}/Hydrants/FeatureServer/5"), "itemId": HYD}],
        "baseMap": {"title": "Topographic", "baseMapLayers": [
            {"id": "VectorTile_1", "layerType": "VectorTileLayer", "styleUrl":
             format!("{SRC}/sharing/rest/content/items/{MAP2}/resources/styles/root.json"), "itemId": MAP2},
            {"id": "World_Hillshade", "layerType": "ArcGISTiledMapServiceLayer",
             "url": "https://services.arcgisonline.com/arcgis/rest/services/Elevation/World_Hillshade/MapServer"}
        ]},
        "spatialReference": {"wkid": 102100, "latestWkid": 3857}, "version": "2.31"
    });
    let (v, out) = check(&data);
    assert_eq!(
        v["operationalLayers"][0]["url"],
        format!("{DST_SVC}/Hydrants_1/FeatureServer/0")
    );
    assert_eq!(
        v["operationalLayers"][1]["layers"][0]["itemId"],
        new_id(FORM)
    );
    assert_eq!(
        v["operationalLayers"][1]["layers"][1]["url"],
        format!("{DST_SVC}/Inspections/FeatureServer/1")
    );
    assert_eq!(v["tables"][0]["itemId"], new_id(HYD));
    assert_eq!(
        v["baseMap"]["baseMapLayers"][0]["styleUrl"],
        format!(
            "{DST}/sharing/rest/content/items/{}/resources/styles/root.json",
            new_id(MAP2)
        )
    );
    // Esri's basemap service is not the source org's: untouched.
    assert_eq!(
        v["baseMap"]["baseMapLayers"][1],
        data["baseMap"]["baseMapLayers"][1]
    );
    for p in [
        "/operationalLayers/0/url",
        "/operationalLayers/0/itemId",
        "/operationalLayers/1/layers/0/url",
        "/operationalLayers/1/layers/1/url",
        "/tables/0/itemId",
        "/baseMap/baseMapLayers/0/styleUrl",
    ] {
        assert!(out.paths.contains(&p.to_string()), "{p}: {:?}", out.paths);
    }
    assert_eq!(out.paths.len(), 9, "{:?}", out.paths);
}

#[test]
fn web_appbuilder_and_instant_apps() {
    let wab = json!({
        "theme": {"name": "FoldableTheme"},
        "portalUrl": format!("{SRC}/"),
        "appId": APP,
        "map": {"3D": false, "2D": true, "itemId": MAP, "portalUrl": SRC,
                "mapOptions": {"extent": {"xmin": -1, "ymin": -1, "xmax": 1, "ymax": 1}}},
        "widgetOnScreen": {"widgets": [{"uri": "widgets/Search/Widget",
            "config": {"sources": [{"url": format!("{SRC_SVC}/Hydrants/FeatureServer/0")}]}}]},
        "links": [{"url": format!("{SRC}/home/item.html?id={MAP}"), "label": "Map"}]
    });
    let (v, _) = check(&wab);
    assert_eq!(v["appId"], new_id(APP));
    assert_eq!(v["portalUrl"], format!("{DST}/"));
    assert_eq!(v["map"]["portalUrl"], DST);
    assert_eq!(
        v["links"][0]["url"],
        format!("{DST}/home/item.html?id={}", new_id(MAP))
    );

    let instant = json!({"source": "b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0",
        "values": {"webmap": MAP, "mapItemCollection": [{"id": MAP2, "type": "Web Map"}],
                   "customUrlParam": null, "title": "Hydrant Viewer",
                   "shareUrl": format!("{SRC}/apps/instant/sidebar/index.html?appid={APP}")}});
    let (v, out) = check(&instant);
    assert_eq!(v["values"]["webmap"], new_id(MAP));
    assert_eq!(v["values"]["mapItemCollection"][0]["id"], new_id(MAP2));
    assert_eq!(
        v["values"]["shareUrl"],
        format!(
            "{DST}/apps/instant/sidebar/index.html?appid={}",
            new_id(APP)
        )
    );
    // The template id is Esri's, not the org's: left, listed as unknown, no warning.
    assert!(out.unknown_ids.contains("b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0"));
}

#[test]
fn dashboards() {
    let data = json!({"version": 27, "widgets": [
        {"type": "mapWidget", "id": "map-1", "itemId": MAP, "mapTools": [{"type": "legendTool"}]},
        {"type": "indicatorWidget", "id": "ind-1", "datasets": [{"type": "serviceDataset",
            "dataSource": {"type": "featureServiceDataSource", "itemId": HYD, "layerId": 0,
                           "table": false}}]},
        {"type": "embeddedContentWidget", "url": format!("{SRC}/apps/dashboards/{APP}#filter=x")}
    ], "headerPanel": {"title": "Ops"}, "urlParameters": [], "theme": "light"});
    let (v, out) = check(&data);
    assert_eq!(
        v["widgets"][1]["datasets"][0]["dataSource"]["itemId"],
        new_id(HYD)
    );
    assert_eq!(
        v["widgets"][2]["url"],
        format!("{DST}/apps/dashboards/{}#filter=x", new_id(APP))
    );
    assert!(out.paths.contains(&"/widgets/0/itemId".to_string()));
}

#[test]
fn experience_builder() {
    let data = json!({
        "attributes": {"portalUrl": SRC, "geometryService": "https://utility.arcgisonline.com/arcgis/rest/services/Geometry/GeometryServer"},
        "dataSources": {
            "dataSource_1": {"id": "dataSource_1", "type": "WEB_MAP", "sourceLabel": "Hydrant Map",
                             "itemId": MAP, "portalUrl": SRC},
            "dataSource_2": {"id": "dataSource_2", "type": "FEATURE_LAYER",
                             "url": format!("{SRC_SVC}/Hydrants/FeatureServer/0"), "itemId": HYD}
        },
        "widgets": {"widget_1": {"uri": "widgets/arcgis/arcgis-map/",
            "useDataSources": [{"dataSourceId": "dataSource_1", "mainDataSourceId": "dataSource_1"}]},
            "widget_2": {"uri": "widgets/common/embed/", "config": {"expression":
              format!("{SRC}/apps/experiencebuilder/experience/?id={APP}&page=page_1")}}},
        "pages": {"page_1": {"id": "page_1", "label": "Page"}}
    });
    let (v, out) = check(&data);
    assert_eq!(v["attributes"]["portalUrl"], DST);
    assert_eq!(v["dataSources"]["dataSource_1"]["itemId"], new_id(MAP));
    assert_eq!(
        v["dataSources"]["dataSource_2"]["url"],
        format!("{DST_SVC}/Hydrants_1/FeatureServer/0")
    );
    assert!(
        out.paths
            .contains(&"/widgets/widget_2/config/expression".to_string())
    );
    assert_eq!(
        v["attributes"]["geometryService"],
        data["attributes"]["geometryService"]
    );
}

#[test]
fn storymaps_data_and_json_resources() {
    let data = json!({"root": "n-root", "nodes": {
        "n-root": {"type": "story", "children": ["n-cover", "n-map", "n-embed"]},
        "n-cover": {"type": "storycover", "data": {"title": "Water"}},
        "n-map": {"type": "webmap", "data": {"map": "r-map", "extent": {}}},
        "n-embed": {"type": "embed", "data": {"url": format!("https://storymaps.arcgis.com/stories/{APP}"),
                    "embedSrc": format!("{SRC}/apps/storymaps/stories/{APP}")}}},
        "resources": {
            "r-map": {"type": "webmap", "data": {"type": "Web Map", "itemId": MAP, "itemType": "Web Map"}},
            "r-img": {"type": "image", "data": {"resourceId": "images/logo.png", "provider": "item-resource"}},
            "r-express": {"type": "expressmap", "data": {"itemId": MAP2}}}});
    let (v, _) = check(&data);
    assert_eq!(v["resources"]["r-map"]["data"]["itemId"], new_id(MAP));
    assert_eq!(
        v["nodes"]["n-embed"]["data"]["url"],
        format!("https://storymaps.arcgis.com/stories/{}", new_id(APP))
    );
    // A draft resource (a JSON resource of the story) is the same document shape.
    let draft = json!({"root": "n-root", "nodes": {"n-root": {"type": "story", "children": []}},
        "resources": {"r-1": {"type": "webmap", "data": {"itemId": MAP}}},
        "config": {"coverImage": format!("{SRC}/sharing/rest/content/items/{APP}/resources/images/logo.png")}});
    let (v, _) = check(&draft);
    assert_eq!(
        v["config"]["coverImage"],
        format!(
            "{DST}/sharing/rest/content/items/{}/resources/images/logo.png",
            new_id(APP)
        )
    );
}

#[test]
fn survey123_form_item_and_its_service() {
    // form.json of the form item, and the item's `properties` naming its feature service.
    let form = json!({"portalUrl": SRC, "name": "Inspection",
        "serviceInfo": {"url": format!("{SRC_SVC}/Inspections/FeatureServer"), "itemId": HYD},
        "settings": {"openUrl": format!("https://survey123.arcgis.com/share/{FORM}?portalUrl={}", percent(SRC))}});
    let (v, _) = check(&form);
    assert_eq!(
        v["serviceInfo"]["url"],
        format!("{DST_SVC}/Inspections/FeatureServer")
    );
    assert_eq!(
        v["settings"]["openUrl"],
        format!(
            "https://survey123.arcgis.com/share/{}?portalUrl={}",
            new_id(FORM),
            percent(DST)
        )
    );
    let props = json!({"serviceItemId": HYD, "formItemId": FORM, "surveyVersion": 3});
    let (v, _) = check(&props);
    assert_eq!(v["serviceItemId"], new_id(HYD));
}

#[test]
fn quickcapture_project() {
    let data = json!({"basemap": {"type": "WebMap", "mapItemId": MAP, "useDefaultBasemap": false},
        "dataSources": [{"dataSourceId": "0", "featureServiceItemId": HYD,
                         "url": format!("{SRC_SVC}/Hydrants/FeatureServer/0")}],
        "itemId": APP, "version": "1.17",
        "buttons": [{"dataSourceId": "0", "label": "Hydrant", "fieldValues": {}}]});
    let (v, _) = check(&data);
    assert_eq!(v["basemap"]["mapItemId"], new_id(MAP));
    assert_eq!(v["dataSources"][0]["featureServiceItemId"], new_id(HYD));
    assert_eq!(v["itemId"], new_id(APP));
}

#[test]
fn field_maps_settings() {
    let data = json!({"operationalLayers": [], "applicationProperties": {
        "viewing": {"search": {"enabled": true, "layers": [{"id": "Hydrants_0"}]}},
        "offline": {"editableLayers": {"download": "features"}}, "mapAreas": {"mapAreaItems": [MAP2]},
        "editing": {"locationTracking": {"enabled": true}}},
        "fieldMaps": {"linkedApps": [{"url": format!("arcgis-survey123://?itemID={FORM}&portalUrl={SRC}")}]}});
    let (v, _) = check(&data);
    assert_eq!(
        v["applicationProperties"]["mapAreas"]["mapAreaItems"][0],
        new_id(MAP2)
    );
    assert_eq!(
        v["fieldMaps"]["linkedApps"][0]["url"],
        format!(
            "arcgis-survey123://?itemID={}&portalUrl={DST}",
            new_id(FORM)
        )
    );
}

#[test]
fn hub_site_and_page() {
    let site = json!({"values": {"title": "Water Hub", "siteId": APP,
        "defaultHostname": "water-hub-rw.hub.arcgis.com",
        "clientId": "abcdEFGH1234", "pages": [{"id": MAP2, "title": "About", "slug": "about"}],
        "layout": {"sections": [{"rows": [{"cards": [
            {"component": {"name": "webmap-card", "settings": {"webmap": MAP, "height": 500}}},
            {"component": {"name": "items/gallery-card", "settings": {"ids": [HYD, FORM]}}}]}]}]}},
        "catalog": {"groups": ["c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0"]}});
    let (v, _) = check(&site);
    assert_eq!(v["values"]["siteId"], new_id(APP));
    assert_eq!(v["values"]["pages"][0]["id"], new_id(MAP2));
    assert_eq!(
        v["values"]["layout"]["sections"][0]["rows"][0]["cards"][1]["component"]["settings"]["ids"]
            [1],
        new_id(FORM)
    );
    let page = json!({"values": {"sites": [{"id": APP, "title": "Water Hub"}],
        "layout": {"sections": [{"rows": [{"cards": [{"component": {"name": "markdown-card",
          "settings": {"markdown": format!("<a href=\"{SRC}/home/item.html?id={MAP}\">map</a>")}}}]}]}]}}});
    let (v, _) = check(&page);
    assert_eq!(v["values"]["sites"][0]["id"], new_id(APP));
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
