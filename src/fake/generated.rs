//! Extra benchmark items spread over ~20 generated users and their folders.

use super::ids::stable_id;
use super::model::{ItemData, Org, Role, User};
use super::sample::{GENERATED_PASSWORD, GENERATED_USER_PREFIX};
use super::seed::{ORG_CREATED, folder};
use super::seed_items::new_item;

const USERS: usize = 20;
/// Items are created over this span (about five years).
const SPAN_MS: i64 = 5 * 365 * 86_400_000;

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
        let (ty, data) = match i % 4 {
            0 => (
                "Web Map",
                ItemData::Json(r#"{"operationalLayers":[],"baseMap":{"baseMapLayers":[],"title":"Basemap"},"version":"2.31"}"#.into()),
            ),
            1 => (
                "CSV",
                ItemData::File {
                    bytes: format!("ID,VALUE\n{i},{}\n", i * 7).into_bytes(),
                    content_type: "text/csv",
                    file_name: format!("generated_{i:05}.csv"),
                },
            ),
            2 => ("Web Mapping Application", ItemData::Json(r#"{"values":{}}"#.into())),
            _ => ("Dashboard", ItemData::None),
        };
        let mut it = new_item(
            stable_id(&format!("generated:{i}")),
            &owner,
            folder,
            &format!("Generated {ty} {i:05}"),
            ty,
        );
        it.thumbnail = None;
        it.thumbnail_bytes = None;
        it.description = None;
        it.access = if i % 3 == 0 { "org" } else { "private" };
        it.created = ORG_CREATED + i as i64 * step;
        it.modified = it.created + 86_400_000;
        it.size = match &data {
            ItemData::Json(t) => t.len() as i64,
            ItemData::File { bytes, .. } => bytes.len() as i64,
            _ => 0,
        };
        it.data = data;
        org.items.push(it);
    }
}
