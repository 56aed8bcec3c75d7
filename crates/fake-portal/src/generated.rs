//! Extra benchmark items spread over ~20 generated users and their folders: Web Maps, CSVs,
//! PDFs, Web Mapping Applications and Dashboards, each with data and a thumbnail, every fifth
//! with metadata and every seventh with a resource. File bytes and thumbnails are shared.

use super::ids::stable_id;
use super::model::{ItemData, Org, Resource, Role, User};
use super::png::tiny_png;
use super::sample::{GENERATED_PASSWORD, GENERATED_USER_PREFIX};
use super::seed::{ORG_CREATED, folder};
use super::seed_items::new_item;
use bytes::Bytes;

const USERS: usize = 20;
/// Items are created over this span (about five years).
const SPAN_MS: i64 = 5 * 365 * 86_400_000;

/// Item types cycled through (a mixed backup benchmark).
const TYPES: [&str; 5] = [
    "Web Map",
    "CSV",
    "PDF",
    "Web Mapping Application",
    "Dashboard",
];
const WEB_MAP: &str = r#"{"operationalLayers":[],"baseMap":{"baseMapLayers":[],"title":"Basemap"},"spatialReference":{"wkid":102100},"version":"2.31"}"#;
const APP: &str = r#"{"source":"","values":{"webmap":"","title":"Generated app"}}"#;
const DASHBOARD: &str = r#"{"version":75,"widgets":[],"headerPanel":{"type":"headerPanel"}}"#;
static CSV: &[u8] = b"ID,NAME,VALUE\n1,North,12.5\n2,South,7.25\n3,East,3\n";
static PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
static RESOURCE: &[u8] = br#"{"theme":"light","showLegend":true}"#;
const METADATA: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata xml:lang=\"en\"><Esri>\
<ArcGISFormat>1.0</ArcGISFormat></Esri><dataIdInfo><idAbs>Generated benchmark item.</idAbs>\
</dataIdInfo></metadata>\n";

/// The data of generated item `i` of type `ty` (file bytes are shared static slices).
fn data_for(ty: &str, i: usize) -> ItemData {
    match ty {
        "Web Map" => ItemData::Json(WEB_MAP.into()),
        "CSV" => ItemData::File {
            bytes: Bytes::from_static(CSV),
            content_type: "text/csv",
            file_name: format!("generated_{i:05}.csv"),
        },
        "PDF" => ItemData::File {
            bytes: Bytes::from_static(PDF),
            content_type: "application/pdf",
            file_name: format!("generated_{i:05}.pdf"),
        },
        "Web Mapping Application" => ItemData::Json(APP.into()),
        _ => ItemData::Json(DASHBOARD.into()),
    }
}

/// Name of generated user `n` (1-based).
fn username(n: usize) -> String {
    format!("{GENERATED_USER_PREFIX}{n:02}")
}

/// Adds `count` items (and the users owning them) to `org`.
pub fn add_generated(org: &mut Org, count: usize) {
    if count == 0 {
        return;
    }
    for n in 1..=USERS {
        let name = username(n);
        org.users.push(User {
            full_name: format!("Bench User {n}"),
            email: format!("{name}@riverside-water.example"),
            role: if n % 5 == 0 {
                Role::Publisher
            } else {
                Role::User
            },
            provider: "arcgis",
            password: Some(GENERATED_PASSWORD.to_string()),
            idp_password: None,
            created: ORG_CREATED,
            last_login: if n % 3 == 0 { -1 } else { 1_700_000_000_000 },
            folders: (1..=3)
                .map(|f| folder(&name, &format!("Project {f}"), ORG_CREATED + f))
                .collect(),
            username: name,
        });
    }
    let step = (SPAN_MS / count as i64).max(1);
    for i in 0..count {
        let n = i % USERS + 1;
        let owner = username(n);
        let folder_slot = (i / USERS) % 4;
        let folder =
            (folder_slot > 0).then(|| stable_id(&format!("folder:{owner}:Project {folder_slot}")));
        let ty = TYPES[i % TYPES.len()];
        let mut it = new_item(
            stable_id(&format!("generated:{i}")),
            &owner,
            folder,
            &format!("Generated {ty} {i:05}"),
            ty,
        );
        it.data = data_for(ty, i);
        if let ItemData::File { file_name, .. } = &it.data {
            it.name = Some(file_name.clone());
        }
        it.thumbnail_bytes = Some(tiny_png());
        it.description = None;
        it.access = if i % 3 == 0 { "org" } else { "private" };
        it.created = ORG_CREATED + i as i64 * step;
        it.modified = it.created + 86_400_000;
        it.size = it.data.len() as i64;
        if i % 5 == 0 {
            it.metadata = Some(METADATA.to_string());
            it.type_keywords.push("Metadata".into());
        }
        if i % 7 == 0 {
            it.resources.push(Resource {
                path: "config/settings.json".into(),
                bytes: Bytes::from_static(RESOURCE),
                created: it.created,
                access: "inherit",
            });
        }
        org.items.push(it);
    }
}
