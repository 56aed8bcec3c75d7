//! Building `.contentexport` packages in tests: lay out the folders of `docs/contentexport.md`
//! §13 in a temp dir and tar-gz them, plus an Esri-like sample package.
#![allow(dead_code)]

use std::fs::File;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use serde_json::{Value, json};

/// The portal the sample package claims to come from.
pub const SOURCE: &str = "https://acme.maps.arcgis.com";
/// The sample's hosted feature service (flc_props.json only: no data).
pub const HYD: &str = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1";
/// A view on [`HYD`].
pub const VIEW: &str = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2";
/// A web map referencing [`HYD`]'s layer.
pub const MAP: &str = "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3";
/// A CSV file item.
pub const CSV: &str = "d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4";
/// A web app with resources in sub-folders, referencing [`MAP`].
pub const APP: &str = "e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5";
/// Listed in the manifest, missing from the package.
pub const MISSING: &str = "f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6f6";
/// A hosted feature service exported as a File Geodatabase (restored by publishing).
pub const FGDB_SVC: &str = "a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7";
/// The service URL of [`HYD`] in the source org.
pub const HYD_URL: &str =
    "https://services9.arcgis.com/AcMeOrg123/arcgis/rest/services/Hydrants/FeatureServer";
/// The service URL of [`VIEW`] in the source org.
pub const VIEW_URL: &str =
    "https://services9.arcgis.com/AcMeOrg123/arcgis/rest/services/Hydrants_view/FeatureServer";
/// The service URL of [`FGDB_SVC`].
pub const FGDB_URL: &str =
    "https://services9.arcgis.com/AcMeOrg123/arcgis/rest/services/Valves/FeatureServer";

/// A package being laid out: `<dir>/<name>/…`.
pub struct Layout {
    /// The folder holding the top folder.
    pub dir: PathBuf,
    /// The package name (top folder and file stem).
    pub name: String,
}

impl Layout {
    /// A new layout under `dir`.
    pub fn new(dir: &Path, name: &str) -> Layout {
        std::fs::create_dir_all(dir.join(name)).unwrap();
        Layout {
            dir: dir.to_path_buf(),
            name: name.to_string(),
        }
    }

    /// Writes a file at `rel` below the top folder.
    pub fn put(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let path = self.dir.join(&self.name).join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    /// Writes pretty JSON at `rel`.
    pub fn json(&self, rel: &str, v: &Value) {
        self.put(rel, serde_json::to_vec_pretty(v).unwrap());
    }

    /// Removes a file or folder below the top folder.
    pub fn remove(&self, rel: &str) {
        let p = self.dir.join(&self.name).join(rel);
        if p.is_dir() {
            std::fs::remove_dir_all(p).unwrap();
        } else {
            std::fs::remove_file(p).unwrap();
        }
    }

    /// Tar-gzs the layout into `<out_dir>/<name>.contentexport`.
    pub fn pack(&self, out_dir: &Path) -> PathBuf {
        let out = out_dir.join(format!("{}.contentexport", self.name));
        let gz = GzEncoder::new(File::create(&out).unwrap(), Compression::fast());
        let mut b = tar::Builder::new(gz);
        b.follow_symlinks(false);
        b.append_dir_all(&self.name, self.dir.join(&self.name))
            .unwrap();
        b.into_inner().unwrap().finish().unwrap();
        out
    }
}

/// A package whose one file entry escapes the top folder (`<name>/../evil.txt`).
pub fn hostile_package(out_dir: &Path, name: &str) -> PathBuf {
    let out = out_dir.join(format!("{name}.contentexport"));
    let gz = GzEncoder::new(File::create(&out).unwrap(), Compression::fast());
    let mut b = tar::Builder::new(gz);
    let mut add = |path: &str, data: &[u8]| {
        let mut h = tar::Header::new_old();
        let bytes = path.as_bytes();
        h.as_old_mut().name[..bytes.len()].copy_from_slice(bytes);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append(&h, data).unwrap();
    };
    add(
        &format!("{name}/manifest.json"),
        br#"{"items":{}}"#.as_slice(),
    );
    add(&format!("{name}/../evil.txt"), b"pwned".as_slice());
    b.into_inner().unwrap().finish().unwrap();
    out
}

fn item(id: &str, title: &str, ty: &str, origin: &str, extra: Value) -> Value {
    let mut v = json!({
        "id": id, "owner": "jdoe_acme", "orgId": "AcMeOrg123", "created": 1_700_000_000_000i64,
        "modified": 1_700_000_100_000i64, "title": title, "type": ty, "typeKeywords": [],
        "description": format!("<p>{title} description</p>"), "tags": ["water", "pkg"],
        "snippet": format!("{title} snippet"), "thumbnail": null, "extent": [],
        "spatialReference": null, "accessInformation": "Acme GIS", "licenseInfo": null,
        "culture": "en-us", "properties": null, "url": null, "access": "private", "size": 100,
        "categories": [], "origin_item_type": origin
    });
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    v
}

fn rels(requires: &[&str], related: Value) -> Value {
    json!({"contains": [], "requires": requires, "contained_by": [], "required_by": [],
           "related_items": related})
}

/// A point layer definition as a hosted layer reports it.
pub fn layer_def(id: i64, name: &str) -> Value {
    json!({
        "id": id, "name": name, "type": "Feature Layer", "geometryType": "esriGeometryPoint",
        "objectIdField": "OBJECTID", "globalIdField": "GlobalID", "displayField": "NAME",
        "fields": [
            {"name": "OBJECTID", "type": "esriFieldTypeOID", "alias": "OBJECTID", "nullable": false, "editable": false},
            {"name": "GlobalID", "type": "esriFieldTypeGlobalID", "alias": "GlobalID", "length": 38, "nullable": false, "editable": false},
            {"name": "NAME", "type": "esriFieldTypeString", "alias": "Name", "length": 50, "nullable": true, "editable": true}
        ],
        "hasAttachments": false, "capabilities": "Query",
        "drawingInfo": {"renderer": {"type": "simple", "symbol": {"type": "esriSMS", "style": "esriSMSCircle", "size": 8}}},
        "extent": {"xmin": -13630000.0, "ymin": 4540000.0, "xmax": -13620000.0, "ymax": 4550000.0, "spatialReference": {"wkid": 102100}}
    })
}

fn service_props(layers: Vec<Value>) -> Value {
    json!({"serviceDescription": "", "hasStaticData": false, "maxRecordCount": 2000,
           "supportedQueryFormats": "JSON", "capabilities": "Query",
           "spatialReference": {"wkid": 102100, "latestWkid": 3857},
           "initialExtent": {"xmin": -13630000.0, "ymin": 4540000.0, "xmax": -13620000.0, "ymax": 4550000.0, "spatialReference": {"wkid": 102100}},
           "layers": layers, "tables": []})
}

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\0\x05\0\x01\xff\x89\x99=\x1d\0\0\0\0IEND\xaeB`\x82";

/// What Esri's `export_items` writes for: a web map referencing a hosted feature service's layer
/// URL, a CSV file item, a web app with resources in sub-folders, thumbnail + metadata, a hosted
/// feature service with only `flc_props.json`, a view with `view_props.json` +
/// `layer_0_props.json`, forward related items, and a manifest entry without a folder.
pub fn sample(dir: &Path, name: &str) -> Layout {
    let l = Layout::new(dir, name);
    let entries = [
        (HYD, "Hydrants", "Feature Service"),
        (VIEW, "Hydrants view", "Feature Service"),
        (MAP, "Hydrant map", "Web Map"),
        (CSV, "Hydrant list", "CSV"),
        (APP, "Hydrant app", "Web Mapping Application"),
        (MISSING, "Lost item", "PDF"),
    ];
    let mut m = serde_json::Map::new();
    for (id, title, ty) in entries {
        m.insert(
            id.into(),
            json!({"title": title, "type": ty, "created": 1_700_000_000_000i64, "source": SOURCE}),
        );
    }
    l.json("manifest.json", &json!({ "items": m }));
    let ids = [HYD, VIEW, MAP, CSV, APP, MISSING];
    let mut gml = String::from("graph [\n  directed 1\n");
    for (n, id) in ids.iter().enumerate() {
        gml.push_str(&format!(
            "  node [\n    id {n}\n    label \"{id}\"\n    node \"node_{id}_item\"\n  ]\n"
        ));
    }
    for (from, to) in [(2, 0), (1, 0), (4, 2)] {
        gml.push_str(&format!(
            "  edge [\n    source {from}\n    target {to}\n  ]\n"
        ));
    }
    gml.push_str("]\n");
    l.put("graph.gml", gml);

    // Hosted feature service: no data could be exported, only its definition.
    l.json(
        &format!("{HYD}/properties.json"),
        &item(
            HYD,
            "Hydrants",
            "Feature Service",
            "ServiceItem",
            json!({"url": HYD_URL, "typeKeywords": ["ArcGIS Server", "Data", "Feature Access", "Feature Service", "Service", "Singlelayer", "Hosted Service"]}),
        ),
    );
    l.json(&format!("{HYD}/relationships.json"), &rels(&[], json!({})));
    l.json(
        &format!("{HYD}/data/flc_props.json"),
        &service_props(vec![layer_def(0, "Hydrants")]),
    );
    l.json(&format!("{HYD}/resources/resources.json"), &json!({}));

    // View on it.
    l.json(
        &format!("{VIEW}/properties.json"),
        &item(
            VIEW,
            "Hydrants view",
            "Feature Service",
            "ServiceItem",
            json!({"url": VIEW_URL, "typeKeywords": ["ArcGIS Server", "Data", "Feature Access", "Feature Service", "Service", "Singlelayer", "Hosted Service", "View Service"]}),
        ),
    );
    l.json(
        &format!("{VIEW}/relationships.json"),
        &rels(&[HYD], json!({})),
    );
    let mut vp = service_props(vec![json!({"id": 0, "name": "Hydrants"})]);
    vp["isView"] = json!(true);
    l.json(&format!("{VIEW}/data/view_props.json"), &vp);
    let mut vl = layer_def(0, "Hydrants");
    vl["isView"] = json!(true);
    l.json(&format!("{VIEW}/data/layer_0_props.json"), &vl);

    // Web map: thumbnail, metadata, a layer of HYD, related items.
    l.json(
        &format!("{MAP}/properties.json"),
        &item(
            MAP,
            "Hydrant map",
            "Web Map",
            "TextItem",
            json!({"thumbnail": "thumbnail/hydrant_map.png", "typeKeywords": ["ArcGIS Online", "Explorer Web Map", "Map", "Metadata", "Online Map", "Web Map"]}),
        ),
    );
    l.json(
        &format!("{MAP}/relationships.json"),
        &rels(&[HYD], json!({"Map2Service": [HYD]})),
    );
    l.put(&format!("{MAP}/files/hydrant_map.png"), PNG);
    l.put(
        &format!("{MAP}/files/metadata.xml"),
        "<?xml version=\"1.0\"?><metadata><dataIdInfo><idAbs>Hydrants</idAbs></dataIdInfo></metadata>",
    );
    l.json(
        &format!("{MAP}/data/structure.json"),
        &json!({"operationalLayers": [{"id": "hyd", "title": "Hydrants", "itemId": HYD,
                 "url": format!("{HYD_URL}/0"), "layerType": "ArcGISFeatureLayer"}],
                "baseMap": {"baseMapLayers": [], "title": "Topographic"},
                "spatialReference": {"wkid": 102100}, "version": "2.31"}),
    );
    l.json(&format!("{MAP}/resources/resources.json"), &json!({}));

    // CSV file item.
    l.json(
        &format!("{CSV}/properties.json"),
        &item(
            CSV,
            "Hydrant list",
            "CSV",
            "FileItem",
            json!({"name": "hydrants.csv", "typeKeywords": ["CSV"]}),
        ),
    );
    l.json(&format!("{CSV}/relationships.json"), &rels(&[], json!({})));
    l.put(
        &format!("{CSV}/data/hydrants.csv"),
        "name,x,y\nH1,-122.4,37.7\nH2,-122.5,37.8\n",
    );

    // Web app with resources in sub-folders (stored under base names).
    l.json(
        &format!("{APP}/properties.json"),
        &item(
            APP,
            "Hydrant app",
            "Web Mapping Application",
            "TextItem",
            json!({"typeKeywords": ["JavaScript", "Map", "Web Map", "Ready To Use"]}),
        ),
    );
    l.json(
        &format!("{APP}/relationships.json"),
        &rels(&[MAP], json!({})),
    );
    l.json(
        &format!("{APP}/data/structure.json"),
        &json!({"source": "template", "values": {"webmap": MAP, "title": "Hydrants"}}),
    );
    l.json(
        &format!("{APP}/resources/resources.json"),
        &json!({
            "images/a.png": {"resource": "images/a.png", "created": 1_700_000_000_000i64, "size": PNG.len(), "access": "inherit"},
            "config/x.json": {"resource": "config/x.json", "created": 1_700_000_000_000i64, "size": 40, "access": "inherit"}
        }),
    );
    l.put(&format!("{APP}/resources/a.png"), PNG);
    l.json(
        &format!("{APP}/resources/x.json"),
        &json!({"map": MAP, "theme": "dark"}),
    );
    l
}

/// Adds a hosted feature service whose data is a File Geodatabase export (`data_item_type`),
/// as Esri writes it when the owner may export.
pub fn add_fgdb_service(l: &Layout) {
    let mut manifest: Value =
        serde_json::from_slice(&std::fs::read(l.dir.join(&l.name).join("manifest.json")).unwrap())
            .unwrap();
    manifest["items"][FGDB_SVC] = json!({"title": "Valves", "type": "Feature Service",
        "created": 1_700_000_000_000i64, "source": SOURCE});
    l.json("manifest.json", &manifest);
    l.json(
        &format!("{FGDB_SVC}/properties.json"),
        &item(
            FGDB_SVC,
            "Valves",
            "Feature Service",
            "ServiceItem",
            json!({"url": FGDB_URL, "data_item_type": "File Geodatabase",
                   "typeKeywords": ["ArcGIS Server", "Data", "Feature Access", "Feature Service", "Service", "Singlelayer", "Hosted Service"]}),
        ),
    );
    l.json(
        &format!("{FGDB_SVC}/relationships.json"),
        &rels(&[], json!({})),
    );
    l.json(
        &format!("{FGDB_SVC}/data/flc_props.json"),
        &service_props(vec![layer_def(0, "Valves")]),
    );
    l.put(
        &format!("{FGDB_SVC}/data/Valves.zip"),
        b"PK\x03\x04 a file geodatabase export".as_slice(),
    );
}
