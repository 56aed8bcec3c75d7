//! The sample org's configurable apps: an Instant App, a StoryMap, a Dashboard, an Experience
//! Builder experience and a QuickCapture project. Each points at the org the way the real apps
//! do — by item id (`webmap`, `itemId`, `featureServiceItemId`, `/stories/<id>`, `#/<id>`), by
//! hosted service and layer URL, and by the org's own host (`portalUrl`, item page links, a
//! percent-encoded service URL in a query) — so a restore into another org has something to
//! rewrite in item data, item `url` and JSON resources alike. Shapes follow what the apps store
//! (Instant Apps `values`, StoryMaps `nodes`/`resources` plus a `draft_*.json` resource,
//! Dashboards `widgets`, Experience Builder `dataSources` also in `config/config.json`,
//! QuickCapture `qc.project.json`).

use super::features::sample as svc;
use super::model::{Item, ItemData, Org, Resource};
use super::png::tiny_png;
use super::sample::{ADMIN_USERNAME, item_id};
use super::seed::{ORG_CREATED, SeedUrls};
use super::seed_items::new_item;
use serde_json::{Value, json};

const DAY: i64 = 86_400_000;

/// An Esri template id the Instant App names as its `source` (not an item of this org).
const INSTANT_TEMPLATE_ID: &str = "9e3a2b1c4d5e6f708192a3b4c5d6e7f8";

/// `:` and `/` percent-encoded, as a URL inside a query value.
fn percent(s: &str) -> String {
    s.replace(':', "%3A").replace('/', "%2F")
}

fn resource(path: &str, v: &Value, day: i64) -> Resource {
    Resource {
        path: path.to_string(),
        bytes: v.to_string().into_bytes().into(),
        created: ORG_CREATED + day * DAY,
        access: "inherit",
    }
}

fn app(label: &str, title: &str, ty: &str, keywords: &[&str], day: i64) -> Item {
    let mut it = new_item(item_id(label), ADMIN_USERNAME, None, title, ty);
    it.type_keywords = keywords.iter().map(|k| k.to_string()).collect();
    it.access = "org";
    it.created = ORG_CREATED + day * DAY;
    it.modified = it.created + 2 * DAY;
    it
}

fn finish(mut it: Item) -> Item {
    if let ItemData::Json(t) = &it.data {
        it.size = t.len() as i64;
    }
    it
}

/// Adds the app items to `org` (after the other sample items, before `reindex`).
pub fn add_app_items(org: &mut Org, urls: &SeedUrls) {
    let portal = urls.portal.trim_end_matches('/');
    let hyd = format!("{}/{}/FeatureServer", urls.hosted_services, svc::HYDRANTS);
    let fi = format!(
        "{}/{}/FeatureServer",
        urls.hosted_services,
        svc::FIELD_INSPECTIONS
    );
    let wm = item_id("webmap");
    let wab = item_id("app");
    let old_dash = item_id("dashboard");

    // Instant App: the item URL embeds its own id (`?appid=`), the data its own id too.
    let id = item_id("instant-app");
    let mut instant = app(
        "instant-app",
        "Hydrant Finder",
        "Web Mapping Application",
        &[
            "configurableApp",
            "Instant App",
            "JavaScript",
            "Map",
            "Mapping Site",
            "Online Map",
            "Web Map",
        ],
        500,
    );
    instant.url = Some(format!("{portal}/apps/instant/basic/index.html?appid={id}"));
    instant.data = ItemData::Json(
        json!({
            "source": INSTANT_TEMPLATE_ID,
            "folderId": null,
            "values": {
                "webmap": wm, "appId": id, "title": "Hydrant Finder",
                "portalUrl": portal,
                "search": {"sources": [{"layer": {"id": "Hydrants_0", "url": format!("{hyd}/0")},
                                         "searchFields": ["FACILITYID"]}]},
                "draft": {"webmap": wm, "mapArea": {"itemId": wm}}
            }
        })
        .to_string(),
    );
    org.items.push(finish(instant));

    // StoryMap: item URL `/stories/<id>`, data nodes and resources, a draft JSON resource.
    let id = item_id("storymap-apps");
    let mut story = app(
        "storymap-apps",
        "Hydrant Maintenance Story",
        "StoryMap",
        &[
            "StoryMap",
            "Story Map",
            "smstatuspublished",
            "smversionpublished",
        ],
        510,
    );
    story.url = Some(format!("{portal}/apps/storymaps/stories/{id}"));
    let story_json = json!({
        "root": "n-root",
        "nodes": {
            "n-root": {"type": "story", "children": ["n-map", "n-embed", "n-link"]},
            "n-map": {"type": "webmap", "data": {"map": "r-map", "caption": "Hydrants"}},
            "n-embed": {"type": "embed", "data": {
                "url": format!("{portal}/apps/dashboards/{}", item_id("dashboard-status")),
                "embedType": "link"}},
            "n-link": {"type": "text", "data": {"text": format!(
                "<p>See <a href=\"{portal}/home/item.html?id={wm}\">the map</a> or \
                 <a href=\"{portal}/apps/mapviewer/index.html?url={}%2F0\">the layer</a>.</p>",
                percent(&hyd))}}
        },
        "resources": {
            "r-map": {"type": "webmap", "data": {"itemId": wm, "itemType": "Web Map",
                "initialState": {"extent": {"xmin": -13_074_000.0, "ymin": 4_012_000.0,
                    "xmax": -13_050_000.0, "ymax": 4_030_000.0,
                    "spatialReference": {"wkid": 102_100}}}}},
            "r-layer": {"type": "webmap", "data": {"itemId": svc::HYDRANTS_ITEM_ID,
                "itemType": "Feature Service", "url": format!("{hyd}/0")}}
        }
    });
    story.data = ItemData::Json(story_json.to_string());
    story.resources = vec![
        resource("draft_1717000000000.json", &story_json, 511),
        Resource {
            path: "images/cover.png".into(),
            bytes: tiny_png(),
            created: ORG_CREATED + 511 * DAY,
            access: "inherit",
        },
    ];
    org.items.push(finish(story));

    // Dashboard: item URL `/apps/dashboards/<id>`, widgets by item id, a legacy `#/<id>` link.
    let id = item_id("dashboard-status");
    let mut dash = app(
        "dashboard-status",
        "Hydrant Status Dashboard",
        "Dashboard",
        &["Dashboard", "Operations Dashboard", "ArcGIS Dashboards"],
        520,
    );
    dash.url = Some(format!("{portal}/apps/dashboards/{id}"));
    dash.data = ItemData::Json(
        json!({
            "version": 27, "theme": "light",
            "widgets": [
                {"type": "mapWidget", "id": "map-1", "itemId": wm, "showNavigation": true},
                {"type": "listWidget", "id": "list-1", "datasets": [{"type": "serviceDataset",
                    "dataSource": {"type": "featureServiceDataSource", "itemId": svc::HYDRANTS_ITEM_ID,
                                   "layerId": 0, "table": false}}]},
                {"type": "tableWidget", "id": "table-1", "datasets": [{"type": "serviceDataset",
                    "dataSource": {"type": "featureServiceDataSource", "itemId": svc::HYDRANTS_ITEM_ID,
                                   "layerId": 5, "table": true}}]},
                {"type": "embeddedContentWidget", "id": "embed-1", "contentType": "document",
                 "url": format!("{portal}/apps/opsdashboard/index.html#/{old_dash}")},
                {"type": "embeddedContentWidget", "id": "embed-2", "contentType": "webpage",
                 "url": format!("{portal}/apps/webappviewer/index.html?id={wab}")}
            ],
            "headerPanel": {"title": "Hydrant Status"}
        })
        .to_string(),
    );
    org.items.push(finish(dash));

    // Experience Builder: item URL `/experience/<id>/`, data sources by item id and portalUrl,
    // the same config as the `config/config.json` resource.
    let id = item_id("experience");
    let mut exb = app(
        "experience",
        "Hydrant Experience",
        "Web Experience",
        &[
            "EXB Experience",
            "JavaScript",
            "Ready To Use",
            "Web Experience",
        ],
        530,
    );
    exb.url = Some(format!("{portal}/experience/{id}/"));
    let exb_json = json!({
        "attributes": {"portalUrl": portal, "title": "Hydrant Experience"},
        "dataSources": {
            "dataSource_1": {"id": "dataSource_1", "type": "WEB_MAP", "sourceLabel": "Hydrant Map",
                "itemId": wm, "portalUrl": portal},
            "dataSource_2": {"id": "dataSource_2", "type": "FEATURE_LAYER", "sourceLabel": "Inspections",
                "itemId": svc::FIELD_INSPECTIONS_ITEM_ID, "url": format!("{fi}/0"), "portalUrl": portal}
        },
        "widgets": {
            "widget_1": {"uri": "widgets/arcgis/arcgis-map/", "useDataSources": [{"dataSourceId": "dataSource_1"}],
                "config": {"initialMapDataSourceID": "dataSource_1"}},
            "widget_2": {"uri": "widgets/common/embed/", "config": {"embedType": "url",
                "expression": format!("{portal}/apps/storymaps/stories/{}", item_id("storymap-apps"))}}
        }
    });
    exb.data = ItemData::Json(exb_json.to_string());
    exb.resources = vec![resource("config/config.json", &exb_json, 531)];
    org.items.push(finish(exb));

    // QuickCapture: no item data, the project in `qc.project.json`.
    let id = item_id("quickcapture");
    let mut qc = app(
        "quickcapture",
        "Hydrant Quick Inspection",
        "QuickCapture Project",
        &["QuickCapture", "QuickCapture Project"],
        540,
    );
    qc.data = ItemData::None;
    let project = json!({
        "itemId": id, "version": 1.16,
        "basemap": {"type": "WebMap", "itemId": wm, "required": false, "zoomLevel": 17},
        "dataSources": [
            {"dataSourceId": "0", "featureServiceItemId": svc::FIELD_INSPECTIONS_ITEM_ID,
             "url": format!("{fi}/0"), "portalUrl": portal},
            {"dataSourceId": "1", "featureServiceItemId": svc::HYDRANTS_ITEM_ID,
             "url": format!("{hyd}/0"), "portalUrl": portal}
        ],
        "buttons": [{"type": "button", "dataSource": {"dataSourceId": "0"}, "label": "Inspected"}]
    });
    qc.resources = vec![resource("qc.project.json", &project, 541)];
    org.items.push(finish(qc));
}
