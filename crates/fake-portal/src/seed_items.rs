//! The sample org's items: every item type agol-tui must handle, with data, thumbnails,
//! metadata, resources, relationships and sharing.

use super::features::sample as svc;
use super::ids::stable_id;
use super::model::{Item, ItemData, Org, Relationship, Resource};
use super::png::tiny_png;
use super::sample::*;
use super::seed::{ORG_CREATED, SeedUrls};
use serde_json::json;
use std::collections::BTreeMap;

const DAY: i64 = 86_400_000;
const EXTENT: [[f64; 2]; 2] = [[-117.45, 33.88], [-117.3, 34.02]];

/// A new item with sensible defaults; `label` makes the id unless `id` is given.
pub fn new_item(id: String, owner: &str, folder: Option<String>, title: &str, ty: &str) -> Item {
    Item {
        id,
        owner: owner.to_string(),
        folder,
        title: title.to_string(),
        item_type: ty.to_string(),
        type_keywords: Vec::new(),
        name: None,
        description: Some(format!("<p>{title}</p>")),
        snippet: Some(format!("{ty}: {title}")),
        tags: vec!["water".into()],
        thumbnail: Some("thumbnail/thumbnail.png".into()),
        thumbnail_bytes: Some(tiny_png()),
        extent: EXTENT.to_vec(),
        spatial_reference: Some("102100".into()),
        access_information: Some(ORG_NAME.into()),
        license_info: None,
        documentation: None,
        culture: Some("en-us".into()),
        categories: Vec::new(),
        url: None,
        properties: None,
        access: "private",
        groups: Vec::new(),
        size: 0,
        created: ORG_CREATED,
        modified: ORG_CREATED,
        protected: false,
        content_status: None,
        num_views: 0,
        data: ItemData::None,
        metadata: None,
        info_files: BTreeMap::new(),
        resources: Vec::new(),
    }
}

fn folder_id(org: &Org, user: &str, title: &str) -> Option<String> {
    org.user(user)?
        .folders
        .iter()
        .find(|f| f.title == title)
        .map(|f| f.id.clone())
}

fn group_id(key: &str) -> String {
    stable_id(&format!("group:{key}"))
}

fn metadata_xml(title: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata xml:lang=\"en\"><Esri><CreaDate>20190115</CreaDate>\
         <ArcGISFormat>1.0</ArcGISFormat></Esri><dataIdInfo><idCitation><resTitle>{title}</resTitle></idCitation>\
         <idAbs>Sample metadata for {title}.</idAbs></dataIdInfo></metadata>\n"
    )
}

fn finish_sizes(item: &mut Item) {
    item.size = match &item.data {
        ItemData::Json(t) => t.len() as i64,
        ItemData::File { bytes, .. } => bytes.len() as i64,
        ItemData::Stream { len, .. } => *len as i64,
        ItemData::None | ItemData::Broken => item.size,
    };
    if item.type_keywords.iter().any(|k| k == "Hosted Service") {
        item.size = -1;
    }
    if item.metadata.is_some() && !item.type_keywords.iter().any(|k| k == "Metadata") {
        item.type_keywords.push("Metadata".into());
    }
}

/// JSON text with raw control characters inside strings escaped (`\u00XX`).
fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut in_string, mut escaped) = (false, false);
    for ch in text.chars() {
        if in_string && !escaped && (ch as u32) < 0x20 {
            out.push_str(&format!("\\u{:04x}", ch as u32));
            continue;
        }
        if in_string && !escaped && ch == '"' {
            in_string = false;
        } else if !in_string && ch == '"' {
            in_string = true;
        }
        escaped = in_string && !escaped && ch == '\\';
        out.push(ch);
    }
    out
}

/// Removes the data quirks Esri's client cannot read: an always-failing download becomes a
/// small zip, and raw control characters in JSON strings are escaped.
pub fn remove_data_quirks(org: &mut Org) {
    for it in org.items.iter_mut() {
        match &it.data {
            ItemData::Broken => {
                let name = it.name.clone().unwrap_or_else(|| "code.zip".into());
                let bytes = tiny_zip("index.html", b"<html><body>sample app code</body></html>");
                it.size = bytes.len() as i64;
                it.data = ItemData::File {
                    bytes,
                    content_type: "application/zip",
                    file_name: name,
                };
            }
            ItemData::Json(text) => {
                let fixed = escape_controls(text);
                it.size = fixed.len() as i64;
                it.data = ItemData::Json(fixed);
            }
            _ => {}
        }
    }
}

/// A tiny, valid zip archive with one stored (uncompressed) file.
pub fn tiny_zip(file_name: &str, content: &[u8]) -> bytes::Bytes {
    small_zip(&[(file_name, content)])
}

/// A small, valid zip archive of stored (uncompressed) files, in the order given.
pub fn small_zip(files: &[(&str, &[u8])]) -> bytes::Bytes {
    let le16 = |v: u16| v.to_le_bytes();
    let le32 = |v: u32| v.to_le_bytes();
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (file_name, content) in files {
        let crc = crc32(content);
        let name = file_name.as_bytes();
        let offset = out.len() as u32;
        out.extend_from_slice(&le32(0x0403_4b50));
        out.extend_from_slice(&le16(20));
        out.extend_from_slice(&le16(0));
        out.extend_from_slice(&le16(0));
        out.extend_from_slice(&le16(0));
        out.extend_from_slice(&le16(0x21));
        out.extend_from_slice(&le32(crc));
        out.extend_from_slice(&le32(content.len() as u32));
        out.extend_from_slice(&le32(content.len() as u32));
        out.extend_from_slice(&le16(name.len() as u16));
        out.extend_from_slice(&le16(0));
        out.extend_from_slice(name);
        out.extend_from_slice(content);
        central.extend_from_slice(&le32(0x0201_4b50));
        central.extend_from_slice(&le16(20));
        central.extend_from_slice(&le16(20));
        central.extend_from_slice(&le16(0));
        central.extend_from_slice(&le16(0));
        central.extend_from_slice(&le16(0));
        central.extend_from_slice(&le16(0x21));
        central.extend_from_slice(&le32(crc));
        central.extend_from_slice(&le32(content.len() as u32));
        central.extend_from_slice(&le32(content.len() as u32));
        central.extend_from_slice(&le16(name.len() as u16));
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&le32(offset));
        central.extend_from_slice(name);
    }
    let cd_start = out.len() as u32;
    let cd_len = central.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&le32(0x0605_4b50));
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&le16(files.len() as u16));
    out.extend_from_slice(&le16(files.len() as u16));
    out.extend_from_slice(&le32(cd_len));
    out.extend_from_slice(&le32(cd_start));
    out.extend_from_slice(&le16(0));
    out.into()
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn hosted_service(org: &Org, urls: &SeedUrls, name: &str, owner: &str, folder: &str) -> Item {
    let id = match name {
        n if n == svc::HYDRANTS => svc::HYDRANTS_ITEM_ID,
        n if n == svc::HYDRANTS_VIEW => svc::HYDRANTS_VIEW_ITEM_ID,
        n if n == svc::FIELD_INSPECTIONS => svc::FIELD_INSPECTIONS_ITEM_ID,
        _ => svc::PARCELS_NO_PAGING_ITEM_ID,
    };
    let folder = (!folder.is_empty())
        .then(|| folder_id(org, owner, folder))
        .flatten();
    let mut it = new_item(
        id.to_string(),
        owner,
        folder,
        &name.replace('_', " "),
        "Feature Service",
    );
    it.name = Some(name.to_string());
    it.url = Some(format!("{}/{name}/FeatureServer", urls.hosted_services));
    it.type_keywords = [
        "ArcGIS Server",
        "Data",
        "Feature Access",
        "Feature Service",
        "Service",
        "Singlelayer",
        "Hosted Service",
    ]
    .map(String::from)
    .to_vec();
    it.size = -1;
    it
}

fn json_data(v: serde_json::Value) -> ItemData {
    ItemData::Json(v.to_string())
}

fn webmap_json(urls: &SeedUrls) -> serde_json::Value {
    let hyd = format!("{}/{}/FeatureServer", urls.hosted_services, svc::HYDRANTS);
    json!({
        "operationalLayers": [
            {"id": "Hydrants_0", "title": "Hydrants", "url": format!("{hyd}/0"),
             "itemId": svc::HYDRANTS_ITEM_ID, "layerType": "ArcGISFeatureLayer",
             "visibility": true, "opacity": 1},
            {"id": "Hydrants_2", "title": "Water Mains", "url": format!("{hyd}/2"),
             "itemId": svc::HYDRANTS_ITEM_ID, "layerType": "ArcGISFeatureLayer",
             "visibility": true, "opacity": 1}
        ],
        "tables": [{"id": "Hydrants_5", "title": "Inspections", "url": format!("{hyd}/5"),
                    "itemId": svc::HYDRANTS_ITEM_ID}],
        "baseMap": {"baseMapLayers": [{"id": "World_Topo", "layerType": "ArcGISTiledMapServiceLayer",
            "url": "https://services.arcgisonline.com/ArcGIS/rest/services/World_Topo_Map/MapServer",
            "visibility": true, "opacity": 1, "title": "World Topographic Map"}],
            "title": "Topographic"},
        "spatialReference": {"wkid": 102100, "latestWkid": 3857},
        "authoringApp": "ArcGISMapViewer", "authoringAppVersion": "2025.1", "version": "2.31"
    })
}

struct Ctx<'a> {
    org: &'a mut Org,
    t: i64,
}

impl Ctx<'_> {
    /// Push an item with created/modified timestamps a few days apart, in seed order.
    fn push(&mut self, mut it: Item) -> String {
        self.t += 17 * DAY;
        it.created = self.t;
        it.modified = self.t + 5 * DAY;
        finish_sizes(&mut it);
        let id = it.id.clone();
        self.org.items.push(it);
        id
    }
    fn relate(&mut self, rel: &str, origin: &str, dest: &str) {
        self.org.relationships.push(Relationship {
            rel_type: rel.into(),
            origin: origin.into(),
            dest: dest.into(),
        });
    }
    fn folder(&self, user: &str, title: &str) -> Option<String> {
        folder_id(self.org, user, title)
    }
}

/// Adds every sample item and relationship to `org`.
pub fn add_sample_items(org: &mut Org, urls: &SeedUrls) {
    let mut c = Ctx {
        org,
        t: ORG_CREATED + 20 * DAY,
    };
    publisher_items(&mut c, urls);
    admin_items(&mut c, urls);
    viewer_and_saml_items(&mut c);
}

fn publisher_items(c: &mut Ctx, urls: &SeedUrls) {
    let p = PUBLISHER_USERNAME;
    let mut hyd = hosted_service(c.org, urls, svc::HYDRANTS, p, "Field Maps");
    hyd.access = "shared";
    hyd.groups = vec![group_id("field-ops"), group_id("editors")];
    hyd.content_status = Some("org_authoritative");
    hyd.protected = true;
    hyd.metadata = Some(metadata_xml("Hydrants"));
    hyd.data =
        json_data(json!({"layers": [{"id": 0, "popupInfo": {"title": "Hydrant {FACILITYID}"}}]}));
    hyd.tags = vec!["water".into(), "hydrants".into(), "assets".into()];
    let hyd_id = c.push(hyd);

    let mut view = hosted_service(c.org, urls, svc::HYDRANTS_VIEW, p, "Field Maps");
    view.type_keywords.push("View Service".into());
    view.access = "org";
    let view_id = c.push(view);
    c.relate("Service2Service", &hyd_id, &view_id);

    let mut fi = hosted_service(c.org, urls, svc::FIELD_INSPECTIONS, p, "Survey123");
    fi.type_keywords.push("Survey123".into());
    fi.access = "shared";
    fi.groups = vec![group_id("field-ops")];
    let fi_id = c.push(fi);

    let mut parcels = hosted_service(c.org, urls, svc::PARCELS_NO_PAGING, p, "");
    parcels.thumbnail = None;
    parcels.thumbnail_bytes = None;
    c.push(parcels);

    let mut form = new_item(
        item_id("form"),
        p,
        c.folder(p, "Survey123"),
        "Hydrant Inspection Survey",
        "Form",
    );
    form.type_keywords = ["Form", "Survey123", "Survey123 Connect", "xForm"]
        .map(String::from)
        .to_vec();
    form.access = "shared";
    form.groups = vec![group_id("field-ops")];
    let form_json = json!({"name": "Hydrant Inspection Survey", "version": 3,
        "questions": [{"name": "facilityid", "type": "esriFieldTypeString", "label": "Hydrant ID"},
                      {"name": "condition", "type": "esriFieldTypeString", "label": "Condition"}]});
    form.info_files.insert(
        "form.json".into(),
        (
            "application/json",
            form_json.to_string().into_bytes().into(),
        ),
    );
    // A Survey123 form's data is a zip whose `esriinfo/` folder holds the survey files (Esri's
    // clone_items extracts it and rewrites `esriinfo/form.json` and `*.info` there).
    let form_info = json!({"displayInfo": {"style": {}}, "serviceInfo": {"itemId": fi_id,
        "url": format!("{}/{}/FeatureServer", urls.hosted_services, svc::FIELD_INSPECTIONS)}});
    form.data = ItemData::File {
        bytes: small_zip(&[
            ("esriinfo/form.json", form_json.to_string().as_bytes()),
            (
                "esriinfo/Hydrant_Inspection_Survey.info",
                form_info.to_string().as_bytes(),
            ),
        ]),
        content_type: "application/zip",
        file_name: "Hydrant_Inspection_Survey.zip".into(),
    };
    form.name = Some("Hydrant_Inspection_Survey.zip".into());
    let form_id = c.push(form);
    c.relate("Survey2Service", &form_id, &fi_id);

    let mut wm = new_item(item_id("webmap"), p, None, "Hydrant Map", "Web Map");
    wm.type_keywords = [
        "ArcGIS Online",
        "Explorer Web Map",
        "Map",
        "Online Map",
        "Web Map",
    ]
    .map(String::from)
    .to_vec();
    wm.access = "shared";
    wm.groups = vec![group_id("field-ops")];
    wm.data = json_data(webmap_json(urls));
    let wm_id = c.push(wm);
    c.relate("Map2Service", &wm_id, &hyd_id);

    let mut app = new_item(
        item_id("app"),
        p,
        None,
        "Hydrant Viewer",
        "Web Mapping Application",
    );
    app.type_keywords = [
        "JavaScript",
        "Map",
        "Mapping Site",
        "Online Map",
        "Ready To Use",
        "WAB2D",
        "Web AppBuilder",
        "Web Map",
    ]
    .map(String::from)
    .to_vec();
    app.access = "public";
    app.url = Some(format!(
        "{}/apps/webappviewer/index.html?id={}",
        urls.portal,
        item_id("app")
    ));
    app.data = json_data(
        json!({"values": {"webmap": wm_id, "title": "Hydrant Viewer"},
        "theme": {"name": "FoldableTheme"}, "map": {"itemId": wm_id}}),
    );
    app.resources = (1..=120)
        .map(|n| Resource {
            path: format!("images/icon_{n:03}.png"),
            bytes: tiny_png(),
            created: ORG_CREATED + n * 1000,
            access: "inherit",
        })
        .chain(std::iter::once(Resource {
            path: "config/settings.json".into(),
            bytes: br#"{"theme":"dark","showLegend":true}"#.to_vec().into(),
            created: ORG_CREATED + 999_000,
            access: "private",
        }))
        .collect();
    let app_id = c.push(app);
    c.relate("Map2AppConfig", &wm_id, &app_id);

    let mut code = new_item(
        item_id("code"),
        p,
        None,
        "Hydrant Viewer",
        "Code Attachment",
    );
    code.type_keywords = ["Code", "Javascript", "Web Mapping Application"]
        .map(String::from)
        .to_vec();
    code.name = Some("HydrantViewer.zip".into());
    code.thumbnail = None;
    code.thumbnail_bytes = None;
    code.data = ItemData::Broken;
    code.size = 48_213;
    let code_id = c.push(code);
    c.relate("WMA2Code", &app_id, &code_id);

    let mut dash = new_item(
        item_id("dashboard"),
        p,
        c.folder(p, "Field Maps"),
        "Hydrant Operations Dashboard",
        "Dashboard",
    );
    dash.type_keywords = ["Dashboard", "Operations Dashboard", "ArcGIS Dashboards"]
        .map(String::from)
        .to_vec();
    dash.access = "org";
    dash.data = json_data(json!({"version": 27, "widgets": [
        {"type": "mapWidget", "id": "map-1", "itemId": wm_id, "mapTools": []},
        {"type": "indicatorWidget", "id": "ind-1", "datasets": [{"type": "serviceDataset",
            "dataSource": {"type": "featureServiceDataSource", "itemId": hyd_id, "layerId": 0}}]}
    ], "headerPanel": {"title": "Hydrant Operations"}}));
    c.push(dash);

    let csv_body =
        b"FACILITYID,INSPECTED,CONDITION\nH-0001,2023-04-02,Good\nH-0002,2023-04-03,Poor\n";
    let mut csv = new_item(
        item_id("csv"),
        p,
        c.folder(p, "Archive"),
        "Hydrant inspections 2023",
        "CSV",
    );
    csv.type_keywords = vec!["CSV".into()];
    csv.name = Some("hydrant_inspections_2023.csv".into());
    csv.thumbnail = None;
    csv.thumbnail_bytes = None;
    csv.data = ItemData::File {
        bytes: csv_body.to_vec().into(),
        content_type: "text/csv",
        file_name: "hydrant_inspections_2023.csv".into(),
    };
    c.push(csv);

    let mut pumps = new_item(item_id("pumps-csv"), p, None, "Pump Stations", "CSV");
    pumps.name = Some("pump_stations.csv".into());
    pumps.data = ItemData::File {
        bytes: b"NAME,CAPACITY\nNorth,1200\nSouth,900\n".to_vec().into(),
        content_type: "text/csv",
        file_name: "pump_stations.csv".into(),
    };
    c.push(pumps);
}

fn admin_items(c: &mut Ctx, urls: &SeedUrls) {
    let a = ADMIN_USERNAME;
    let mut story = new_item(
        item_id("storymap"),
        a,
        None,
        "Riverside Water Story",
        "StoryMap",
    );
    story.type_keywords = ["StoryMap", "Story Map", "smstatusdraft", "smversiondraft"]
        .map(String::from)
        .to_vec();
    story.access = "public";
    story.metadata = Some(metadata_xml("Riverside Water Story"));
    story.data = json_data(
        json!({"root": "n-root", "nodes": {"n-root": {"type": "story",
        "children": ["n-title"]}, "n-title": {"type": "storycover", "data": {"title": "Riverside Water"}}},
        "resources": {"r-1": {"type": "webmap", "data": {"itemId": item_id("webmap")}}}}),
    );
    story.resources = vec![
        Resource {
            path: "draft_1700000000000.json".into(),
            bytes: br#"{"root":"n-root","nodes":{"n-root":{"type":"story","children":[]}}}"#
                .to_vec()
                .into(),
            created: ORG_CREATED + 40 * DAY,
            access: "private",
        },
        Resource {
            path: "images/logo.png".into(),
            bytes: tiny_png(),
            created: ORG_CREATED + 41 * DAY,
            access: "inherit",
        },
        Resource {
            path: "config/settings.json".into(),
            bytes: br#"{"theme":"summit"}"#.to_vec().into(),
            created: ORG_CREATED + 42 * DAY,
            access: "inherit",
        },
    ];
    c.push(story);

    let mut pdf = new_item(
        item_id("pdf"),
        a,
        None,
        "Annual Water Quality Report 2023",
        "PDF",
    );
    pdf.type_keywords = vec!["Data".into(), "Document".into(), "PDF".into()];
    pdf.name = Some("water_quality_2023.pdf".into());
    pdf.access = "public";
    pdf.content_status = Some("org_authoritative");
    pdf.protected = true;
    pdf.metadata = Some(metadata_xml("Annual Water Quality Report 2023"));
    pdf.data = ItemData::File {
        bytes: b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
            .to_vec()
            .into(),
        content_type: "application/pdf",
        file_name: "water_quality_2023.pdf".into(),
    };
    c.push(pdf);

    let tools = c.folder(a, "Admin Tools");
    let mut shp = new_item(
        item_id("shapefile"),
        a,
        tools.clone(),
        "Service Area Boundaries",
        "Shapefile",
    );
    shp.type_keywords = vec!["Data".into(), "Shapefile".into()];
    shp.name = Some("service_areas.zip".into());
    shp.thumbnail = Some("thumbnail/ago_downloaded.png".into());
    shp.thumbnail_bytes = None;
    shp.access = "org";
    shp.data = ItemData::File {
        bytes: tiny_zip("service_areas.shp", b"not really a shapefile"),
        content_type: "application/zip",
        file_name: "service_areas.zip".into(),
    };
    c.push(shp);

    let mut gdb = new_item(
        item_id("fgdb"),
        a,
        tools,
        "Asset Inventory",
        "File Geodatabase",
    );
    gdb.type_keywords = vec!["Data".into(), "File Geodatabase".into()];
    gdb.name = Some("asset_inventory.gdb.zip".into());
    gdb.groups = vec![group_id("admins")];
    gdb.access = "shared";
    gdb.data = ItemData::File {
        bytes: tiny_zip("asset_inventory.gdb/gdb", b"fgdb bytes"),
        content_type: "application/zip",
        file_name: "asset_inventory.gdb.zip".into(),
    };
    c.push(gdb);

    let mut trails = new_item(
        svc::PUBLIC_TRAILS_ITEM_ID.to_string(),
        a,
        None,
        "Public Trails",
        "Feature Service",
    );
    trails.type_keywords = [
        "ArcGIS Server",
        "Data",
        "Feature Access",
        "Feature Service",
        "Service",
    ]
    .map(String::from)
    .to_vec();
    trails.url = Some(format!(
        "{}/{}/FeatureServer",
        urls.foreign_services,
        svc::PUBLIC_TRAILS
    ));
    trails.access = "public";
    trails.groups = vec![group_id("public-data")];
    c.push(trails);

    let mut pumps = new_item(item_id("pumps-pdf"), a, None, "Pump Stations", "PDF");
    pumps.name = Some("pump_stations.pdf".into());
    pumps.access = "org";
    pumps.data = ItemData::File {
        bytes: b"%PDF-1.4\n%%EOF\n".to_vec().into(),
        content_type: "application/pdf",
        file_name: "pump_stations.pdf".into(),
    };
    c.push(pumps);
}

fn viewer_and_saml_items(c: &mut Ctx) {
    let v = USER_USERNAME;
    let mut notes = new_item(
        item_id("notes-webmap"),
        v,
        c.folder(v, "My Maps"),
        "My hydrant notes",
        "Web Map",
    );
    notes.type_keywords = vec!["Web Map".into(), "Map".into()];
    // Raw control characters (a TAB and U+0001) inside a JSON string: strict parsers reject it.
    notes.data = ItemData::Json(
        "{\"operationalLayers\":[],\"baseMap\":{\"baseMapLayers\":[],\"title\":\"Notes\tmap\u{1}\"},\
         \"version\":\"2.31\"}"
            .to_string(),
    );
    c.push(notes);

    let mut odd = new_item(
        item_id("odd-title"),
        v,
        None,
        "Mains, valves & \"critical\" assets\nQ3, 2024",
        "CSV",
    );
    odd.name = Some("critical_assets.csv".into());
    odd.data = ItemData::File {
        bytes: b"ASSET,RISK\nV-1,high\n".to_vec().into(),
        content_type: "text/csv",
        file_name: "critical_assets.csv".into(),
    };
    c.push(odd);

    let mut uni = new_item(
        item_id("unicode-title"),
        v,
        None,
        "Zählerstände – 水道メーター 💧",
        "PDF",
    );
    uni.name = Some("zaehlerstaende.pdf".into());
    uni.access = "org";
    uni.data = ItemData::File {
        bytes: b"%PDF-1.4\n%%EOF\n".to_vec().into(),
        content_type: "application/pdf",
        file_name: "zaehlerstaende.pdf".into(),
    };
    c.push(uni);

    let s = SAML_USERNAME;
    let mut proj = new_item(
        item_id("saml-webmap"),
        s,
        c.folder(s, "Projects"),
        "Capital projects map",
        "Web Map",
    );
    proj.type_keywords = vec!["Web Map".into(), "Map".into()];
    proj.data = json_data(
        json!({"operationalLayers": [], "baseMap": {"baseMapLayers": [],
        "title": "Topographic"}, "version": "2.31"}),
    );
    proj.access = "shared";
    proj.groups = vec![group_id("field-ops")];
    c.push(proj);

    let mut empty = new_item(
        item_id("empty-app"),
        s,
        None,
        "Placeholder app",
        "Web Mapping Application",
    );
    empty.type_keywords = vec!["Web Map".into(), "Map".into()];
    empty.data = ItemData::None;
    c.push(empty);

    let mut scene = new_item(
        item_id("webscene"),
        s,
        c.folder(s, "Projects"),
        "Capital projects 3D",
        "Web Scene",
    );
    scene.type_keywords = vec![
        "3D".into(),
        "Map".into(),
        "Scene".into(),
        "Web Scene".into(),
    ];
    scene.data = json_data(json!({
        "operationalLayers": [], "baseMap": {"baseMapLayers": [], "title": "Topographic"},
        "ground": {"layers": []}, "spatialReference": {"wkid": 102100, "latestWkid": 3857},
        "version": "1.33", "authoringApp": "ArcGIS Scene Viewer"
    }));
    scene.access = "org";
    c.push(scene);

    let v = USER_USERNAME;
    let mut sheet = new_item(
        item_id("excel"),
        v,
        c.folder(v, "My Maps"),
        "Meter readings 2024",
        "Microsoft Excel",
    );
    sheet.name = Some("meter_readings_2024.xlsx".into());
    sheet.type_keywords = vec!["Data".into(), "Document".into(), "Microsoft Excel".into()];
    sheet.data = ItemData::File {
        bytes: tiny_zip("[Content_Types].xml", b"<Types/>"),
        content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        file_name: "meter_readings_2024.xlsx".into(),
    };
    c.push(sheet);
}
