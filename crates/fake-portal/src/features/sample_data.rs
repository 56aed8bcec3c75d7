//! Deterministic sample rows, geometries and attachments for the sample services.
//!
//! Everything derives from fixed seeds, so every run (and every test) sees the same data.

use bytes::Bytes;
use serde_json::{Map, Value, json};

use super::model::{
    Attachment, EditDates, Feature, Field, FieldType as T, GeomType, Geometry, Layer, Service,
    ViewSource,
};
use super::sample::*;

/// 2024-05-28T16:00:00Z: last data edit of the hosted samples.
pub(crate) const DATA_EDIT: i64 = 1_716_912_000_000;
/// 2024-02-27: last schema edit of the hosted samples.
const SCHEMA_EDIT: i64 = 1_709_000_000_000;
/// 2010-01-01T00:00:00Z: base of generated dates.
const DATE_BASE: i64 = 1_262_304_000_000;
const DAY: i64 = 86_400_000;
/// Web Mercator origin of the sample data (Redlands, California).
const X0: f64 = -13_046_000.0;
const Y0: f64 = 4_036_000.0;

/// splitmix64: a deterministic pseudo-random number from a seed.
pub(crate) fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn seed(tag: &str, n: i64) -> u64 {
    let h = tag.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    });
    mix(h ^ (n as u64))
}

/// A number in `[0, 1)`.
fn unit(tag: &str, n: i64) -> f64 {
    (seed(tag, n) >> 11) as f64 / (1u64 << 53) as f64
}

/// A braced upper-case GUID such as `{8A1F...}`, fixed for `(tag, n)`.
pub(crate) fn guid(tag: &str, n: i64) -> String {
    let a = seed(tag, n);
    let b = mix(a);
    format!(
        "{{{:08X}-{:04X}-4{:03X}-{:04X}-{:012X}}}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFF,
        0x8000 | ((b >> 48) & 0x3FFF),
        b & 0xFFFF_FFFF_FFFF
    )
}

/// A tiny but well-formed JPEG (SOI, JFIF APP0, a comment, EOI).
fn jpeg(label: &str) -> Bytes {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    v.extend_from_slice(b"JFIF\0");
    v.extend_from_slice(&[0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
    let comment = format!("fake attachment {label}");
    v.extend_from_slice(&[0xFF, 0xFE]);
    v.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
    v.extend_from_slice(comment.as_bytes());
    v.extend_from_slice(&[0xFF, 0xD9]);
    Bytes::from(v)
}

/// A tiny PDF with the right header and trailer.
fn pdf(label: &str) -> Bytes {
    Bytes::from(format!(
        "%PDF-1.4\n% fake attachment {label}\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    ))
}

pub(crate) fn layer(
    id: i64,
    name: &str,
    geom: Option<GeomType>,
    fields: Vec<Field>,
    mrc: usize,
) -> Layer {
    let oid = fields
        .iter()
        .find(|f| f.ftype == T::Oid)
        .map(|f| f.name.clone())
        .unwrap_or_default();
    let gid = fields
        .iter()
        .find(|f| f.ftype == T::GlobalId)
        .map(|f| f.name.clone());
    let display = fields
        .iter()
        .find(|f| f.ftype == T::String)
        .map(|f| f.name.clone())
        .unwrap_or_else(|| oid.clone());
    Layer {
        id,
        name: name.into(),
        description: String::new(),
        geometry_type: geom,
        fields,
        object_id_field: oid,
        global_id_field: gid,
        display_field: display,
        max_record_count: mrc,
        supports_pagination: true,
        has_attachments: false,
        relationships: Vec::new(),
        edit_dates: Some(EditDates {
            data: DATA_EDIT,
            schema: SCHEMA_EDIT,
        }),
        features: Vec::new(),
        attachments: Vec::new(),
        view_source: None,
        lazy: None,
        definition: Map::new(),
        oid_seq: 0,
    }
}

fn feature(
    oid_field: &str,
    oid: i64,
    attrs: Vec<(&str, Value)>,
    geometry: Option<Geometry>,
) -> Feature {
    let mut m = Map::new();
    m.insert(oid_field.into(), oid.into());
    for (k, v) in attrs {
        m.insert(k.into(), v);
    }
    Feature {
        oid,
        attrs: m,
        geometry,
    }
}

fn line(tag: &str, i: i64, x: f64, y: f64, n: usize) -> Vec<[f64; 2]> {
    (0..n)
        .map(|k| {
            let k = k as i64;
            [
                x + k as f64 * 85.0,
                y + (unit(tag, i * 10 + k) - 0.5) * 60.0,
            ]
        })
        .collect()
}

fn hydrants_layer() -> Layer {
    let fields = vec![
        Field::new("OBJECTID", T::Oid),
        Field::new("GlobalID", T::GlobalId),
        Field::new("FacilityID", T::String).len(20),
        Field::new("Status", T::String)
            .len(16)
            .coded("HydrantStatus", &["Active", "Inactive", "Retired"]),
        Field::new("Manufacturer", T::String).len(50),
        Field::new("Pressure", T::Double),
        Field::new("Flow", T::Integer),
        Field::new("InstallDate", T::Date),
        Field::new("LastInspection", T::Date),
    ];
    let mut l = layer(0, "Hydrants", Some(GeomType::Point), fields, 200);
    l.display_field = "FacilityID".into();
    l.description = "Fire hydrants maintained by the water department.".into();
    l.has_attachments = true;
    l.relationships.push(json!({
        "id": 0, "name": "Hydrant_Inspections", "relatedTableId": 5,
        "cardinality": "esriRelCardinalityOneToMany", "role": "esriRelRoleOrigin",
        "keyField": "GlobalID", "composite": false
    }));
    let makers = ["Mueller", "American Darling", "Kennedy", "Clow"];
    for i in 0..450i64 {
        let oid = 1 + i + 3 * (i / 37) + if i >= 300 { 500 } else { 0 };
        let status = if i % 11 == 5 {
            "Retired"
        } else if i % 7 == 3 {
            "Inactive"
        } else {
            "Active"
        };
        let x = X0 + (i % 25) as f64 * 120.0 + (unit("hx", i) - 0.5) * 40.0;
        let y = Y0 + (i / 25) as f64 * 110.0 + (unit("hy", i) - 0.5) * 40.0;
        let last = if i % 9 == 0 {
            Value::Null
        } else {
            (DATA_EDIT - (i % 300) * DAY).into()
        };
        l.features.push(feature(
            "OBJECTID",
            oid,
            vec![
                ("GlobalID", guid("hydrant", oid).into()),
                ("FacilityID", format!("HYD-{:05}", 1000 + i).into()),
                ("Status", status.into()),
                ("Manufacturer", makers[(i % 4) as usize].into()),
                (
                    "Pressure",
                    ((400.0 + (seed("hp", i) % 600) as f64) / 10.0).into(),
                ),
                ("Flow", (500 + (seed("hf", i) % 1500) as i64).into()),
                ("InstallDate", (DATE_BASE + (i * 13 % 4000) * DAY).into()),
                ("LastInspection", last),
            ],
            Some(Geometry::Point(x, y)),
        ));
    }
    // Attachments on 21 features; the second of them has a photo and a permit PDF.
    let mut aid = 100;
    for (k, f) in l.features.iter().enumerate().filter(|(k, _)| k % 22 == 4) {
        let label = format!("hydrant {} photo", f.oid);
        l.attachments.push(Attachment {
            id: aid,
            parent_oid: f.oid,
            global_id: guid("hydrant-att", aid),
            name: format!("IMG_{:04}.jpg", 1000 + k),
            content_type: "image/jpeg".into(),
            keywords: String::new(),
            data: jpeg(&label),
        });
        aid += 3;
        if k == 26 {
            l.attachments.push(Attachment {
                id: aid,
                parent_oid: f.oid,
                global_id: guid("hydrant-att", aid),
                name: "permit.pdf".into(),
                content_type: "application/pdf".into(),
                keywords: "permit".into(),
                data: pdf(&format!("hydrant {} permit", f.oid)),
            });
            aid += 3;
        }
    }
    l
}

fn mains_layer() -> Layer {
    let fields = vec![
        Field::new("OBJECTID", T::Oid),
        Field::new("GlobalID", T::GlobalId),
        Field::new("MainID", T::String).len(20),
        Field::new("Diameter", T::Integer),
        Field::new("Material", T::String)
            .len(30)
            .coded("PipeMaterial", &["DI", "PVC", "CI", "AC"]),
        Field::new("InstallDate", T::Date),
    ];
    let mut l = layer(2, "Mains", Some(GeomType::Polyline), fields, 1000);
    l.display_field = "MainID".into();
    let mats = ["DI", "PVC", "CI", "AC"];
    for i in 0..50i64 {
        let oid = 1 + i * 2;
        let (x, y) = (X0 + (i % 5) as f64 * 600.0, Y0 + (i / 5) as f64 * 180.0);
        l.features.push(feature(
            "OBJECTID",
            oid,
            vec![
                ("GlobalID", guid("main", oid).into()),
                ("MainID", format!("WM-{:04}", 200 + i).into()),
                ("Diameter", [6, 8, 12, 16][(i % 4) as usize].into()),
                ("Material", mats[(i % 4) as usize].into()),
                ("InstallDate", (DATE_BASE - (i * 97 % 9000) * DAY).into()),
            ],
            Some(Geometry::Polyline(vec![line(
                "main",
                i,
                x,
                y,
                2 + (i % 3) as usize,
            )])),
        ));
    }
    l
}

fn inspections_table(hydrants: &Layer) -> Layer {
    let fields = vec![
        Field::new("OBJECTID", T::Oid),
        Field::new("GlobalID", T::GlobalId),
        Field::new("HydrantGUID", T::Guid),
        Field::new("InspectDate", T::Date),
        Field::new("Inspector", T::String).len(50),
        Field::new("Result", T::String)
            .len(10)
            .coded("InspectionResult", &["Pass", "Fail"]),
        Field::new("Notes", T::String).len(500),
    ];
    let mut l = layer(5, "Inspections", None, fields, 1000);
    l.display_field = "Inspector".into();
    l.relationships.push(json!({
        "id": 0, "name": "Hydrant_Inspections", "relatedTableId": 0,
        "cardinality": "esriRelCardinalityOneToMany", "role": "esriRelRoleDestination",
        "keyField": "HydrantGUID", "composite": false
    }));
    let inspectors = ["J. Ortiz", "M. Chen", "A. Okafor"];
    for i in 0..120i64 {
        let oid = 1 + i + (i / 40) * 10;
        let parent = &hydrants.features[(i * 3 % 450) as usize];
        let notes = if i % 5 == 0 {
            Value::Null
        } else {
            format!("Routine check #{i}").into()
        };
        l.features.push(feature(
            "OBJECTID",
            oid,
            vec![
                ("GlobalID", guid("inspection", oid).into()),
                ("HydrantGUID", parent.attrs["GlobalID"].clone()),
                ("InspectDate", (DATA_EDIT - (i * 5) * DAY).into()),
                ("Inspector", inspectors[(i % 3) as usize].into()),
                ("Result", if i % 8 == 7 { "Fail" } else { "Pass" }.into()),
                ("Notes", notes),
            ],
            None,
        ));
    }
    l
}

fn survey_layer() -> Layer {
    let fields = vec![
        Field::new("objectid", T::Oid),
        Field::new("globalid", T::GlobalId),
        Field::new("CreationDate", T::Date),
        Field::new("Creator", T::String).len(128),
        Field::new("EditDate", T::Date),
        Field::new("Editor", T::String).len(128),
        Field::new("site_name", T::String).len(255),
        Field::new("condition", T::String)
            .len(255)
            .coded("condition", &["good", "fair", "poor"]),
        Field::new("inspection_date", T::Date),
        Field::new("notes", T::String).len(1000),
    ];
    let mut l = layer(0, "survey", Some(GeomType::Point), fields, 2000);
    l.display_field = "site_name".into();
    l.has_attachments = true;
    let conds = ["good", "fair", "poor"];
    let mut aid = 1;
    for i in 0..40i64 {
        let oid = i + 1;
        let created = DATA_EDIT - (40 - i) * DAY / 2;
        l.features.push(feature(
            "objectid",
            oid,
            vec![
                ("globalid", guid("survey", oid).into()),
                ("CreationDate", created.into()),
                ("Creator", "field_worker1".into()),
                ("EditDate", (created + 3_600_000).into()),
                ("Editor", "field_worker1".into()),
                ("site_name", format!("Site {}", 100 + i).into()),
                ("condition", conds[(i % 3) as usize].into()),
                ("inspection_date", created.into()),
                ("notes", if i % 4 == 0 { Value::Null } else { "ok".into() }),
            ],
            Some(Geometry::Point(
                X0 + 5_000.0 + i as f64 * 75.0,
                Y0 - 2_000.0 + (unit("sv", i) * 500.0),
            )),
        ));
        if i % 3 == 1 {
            let photos = if i == 4 { 2 } else { 1 };
            for p in 0..photos {
                l.attachments.push(Attachment {
                    id: aid,
                    parent_oid: oid,
                    global_id: guid("survey-att", aid),
                    name: format!("photo-{}{:02}.jpg", 20240501 + i, p),
                    content_type: "image/jpeg".into(),
                    keywords: "photo".into(),
                    data: jpeg(&format!("survey {oid} photo {p}")),
                });
                aid += 1;
            }
        }
    }
    l
}

fn parcels_layer() -> Layer {
    let fields = vec![
        Field::new("OBJECTID", T::Oid),
        Field::new("ParcelID", T::String).len(20),
        Field::new("Owner", T::String).len(100),
        Field::new("Acres", T::Double),
        Field::new("Zoning", T::String).len(10),
    ];
    let mut l = layer(0, "Parcels", Some(GeomType::Polygon), fields, 200);
    l.supports_pagination = false;
    let zones = ["R1", "R2", "C1", "M1", "AG"];
    for i in 0..300i64 {
        let oid = 1 + i + (i / 100) * 50;
        let (x, y) = (
            X0 - 8_000.0 + (i % 20) as f64 * 100.0,
            Y0 + (i / 20) as f64 * 100.0,
        );
        let ring = vec![
            [x, y],
            [x, y + 90.0],
            [x + 90.0, y + 90.0],
            [x + 90.0, y],
            [x, y],
        ];
        l.features.push(feature(
            "OBJECTID",
            oid,
            vec![
                (
                    "ParcelID",
                    format!("0{}-{:03}-{:02}", 170 + i / 100, i % 100, i % 7).into(),
                ),
                (
                    "Owner",
                    format!("Owner {}", (seed("own", i) % 200) + 1).into(),
                ),
                (
                    "Acres",
                    (((seed("ac", i) % 500) as f64) / 100.0 + 0.1).into(),
                ),
                ("Zoning", zones[(i % 5) as usize].into()),
            ],
            Some(Geometry::Polygon(vec![ring])),
        ));
    }
    l
}

fn trails_layer() -> Layer {
    let fields = vec![
        Field::new("FID", T::Oid),
        Field::new("Name", T::String).len(80),
        Field::new("LengthKm", T::Double),
        Field::new("Surface", T::String).len(20),
    ];
    let mut l = layer(0, "Trails", Some(GeomType::Polyline), fields, 1000);
    l.edit_dates = None;
    let surfaces = ["Dirt", "Gravel", "Paved"];
    for i in 0..30i64 {
        let (x, y) = (
            X0 + 20_000.0 + (i % 6) as f64 * 900.0,
            Y0 + 9_000.0 + (i / 6) as f64 * 700.0,
        );
        l.features.push(feature(
            "FID",
            i + 1,
            vec![
                ("Name", format!("Trail {}", i + 1).into()),
                (
                    "LengthKm",
                    (((seed("tl", i) % 150) as f64) / 10.0 + 0.5).into(),
                ),
                ("Surface", surfaces[(i % 3) as usize].into()),
            ],
            Some(Geometry::Polyline(vec![line("trail", i, x, y, 4)])),
        ));
    }
    l
}

pub(crate) fn service(
    name: &str,
    item_id: &str,
    description: String,
    layers: Vec<Layer>,
) -> Service {
    Service {
        name: name.into(),
        item_id: item_id.into(),
        description,
        public: false,
        max_record_count: 2000,
        capabilities: "Query,Extract,Create,Update,Delete,Editing".into(),
        layers,
        overlay: Map::new(),
    }
}

/// The sample org's hosted services.
pub(crate) fn hosted(org_id: &str) -> Vec<Service> {
    let hydrants = hydrants_layer();
    let inspections = inspections_table(&hydrants);
    let mut view_layer = hydrants.clone();
    view_layer.features.clear();
    view_layer.attachments.clear();
    view_layer.relationships.clear();
    view_layer.view_source = Some(ViewSource {
        service: HYDRANTS.into(),
        layer_id: 0,
        definition_query: "Status = 'Active'".into(),
    });
    let mut view = service(
        HYDRANTS_VIEW,
        HYDRANTS_VIEW_ITEM_ID,
        format!("Active hydrants only (view of {HYDRANTS}, org {org_id})."),
        vec![view_layer],
    );
    view.capabilities = "Query".into();
    vec![
        service(
            HYDRANTS,
            HYDRANTS_ITEM_ID,
            format!("Hydrants, water mains and inspections (org {org_id})."),
            vec![hydrants, mains_layer(), inspections],
        ),
        view,
        service(
            FIELD_INSPECTIONS,
            FIELD_INSPECTIONS_ITEM_ID,
            format!("Survey123 field inspections (org {org_id})."),
            vec![survey_layer()],
        ),
        service(
            PARCELS_NO_PAGING,
            PARCELS_NO_PAGING_ITEM_ID,
            format!("Parcels on a layer without pagination support (org {org_id})."),
            vec![parcels_layer()],
        ),
    ]
}

/// The public service on a non-federated server.
pub(crate) fn foreign() -> Vec<Service> {
    let mut s = service(
        PUBLIC_TRAILS,
        PUBLIC_TRAILS_ITEM_ID,
        "Public hiking trails (county GIS server).".into(),
        vec![trails_layer()],
    );
    s.public = true;
    s.max_record_count = 1000;
    s.capabilities = "Query".into();
    vec![s]
}
