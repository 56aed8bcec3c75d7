//! Typed views of portal responses. Unknown fields are ignored here; callers that must keep
//! every byte (backups) keep the raw JSON next to these.

use serde::{Deserialize, Deserializer};

fn null_to_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A portal item as listed or fetched.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Item {
    /// 32 hex character item id.
    pub id: String,
    /// Title.
    #[serde(default, deserialize_with = "null_to_default")]
    pub title: String,
    /// Item type, e.g. `Web Map`.
    #[serde(rename = "type", default, deserialize_with = "null_to_default")]
    pub item_type: String,
    /// Owner's username.
    #[serde(default, deserialize_with = "null_to_default")]
    pub owner: String,
    /// Folder id, `None` for the root folder.
    #[serde(default)]
    pub owner_folder: Option<String>,
    /// Creation time, epoch ms.
    #[serde(default, deserialize_with = "null_to_default")]
    pub created: i64,
    /// Last item change, epoch ms (does not change with feature edits).
    #[serde(default, deserialize_with = "null_to_default")]
    pub modified: i64,
    /// Size in bytes; -1 for hosted services.
    #[serde(default, deserialize_with = "null_to_default")]
    pub size: i64,
    /// `private`, `shared`, `org` or `public`.
    #[serde(default, deserialize_with = "null_to_default")]
    pub access: String,
    /// Tags.
    #[serde(default, deserialize_with = "null_to_default")]
    pub tags: Vec<String>,
    /// Type keywords.
    #[serde(default, deserialize_with = "null_to_default")]
    pub type_keywords: Vec<String>,
    /// `org_authoritative`, `public_authoritative`, `deprecated` or absent.
    #[serde(default)]
    pub content_status: Option<String>,
    /// Service or app URL.
    #[serde(default)]
    pub url: Option<String>,
    /// File or service name.
    #[serde(default)]
    pub name: Option<String>,
    /// Delete protection (absent from search results).
    #[serde(default)]
    pub protected: Option<bool>,
    /// Thumbnail path under `/info/`.
    #[serde(default)]
    pub thumbnail: Option<String>,
}

impl Item {
    /// True for `org_authoritative` and `public_authoritative` items.
    pub fn is_authoritative(&self) -> bool {
        self.content_status
            .as_deref()
            .is_some_and(|s| s.ends_with("_authoritative"))
    }
}

/// A user's folder.
#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Folder {
    /// Folder id.
    pub id: String,
    /// Folder title.
    #[serde(default, deserialize_with = "null_to_default")]
    pub title: String,
    /// Owner.
    #[serde(default, deserialize_with = "null_to_default")]
    pub username: String,
}

/// A portal user.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Username.
    pub username: String,
    /// Display name.
    #[serde(default)]
    pub full_name: Option<String>,
    /// `org_admin`, `org_publisher`, `org_user` (custom roles show `role` plus `roleId`).
    #[serde(default)]
    pub role: Option<String>,
    /// Org id.
    #[serde(default)]
    pub org_id: Option<String>,
    /// Privileges such as `portal:admin:viewItems`.
    #[serde(default, deserialize_with = "null_to_default")]
    pub privileges: Vec<String>,
    /// `arcgis`, `enterprise` (SAML), ...
    #[serde(default)]
    pub provider: Option<String>,
}

impl User {
    /// True when the user may list every user and every item of the org.
    pub fn is_org_admin(&self) -> bool {
        self.role.as_deref() == Some("org_admin")
            || (self
                .privileges
                .iter()
                .any(|p| p == "portal:admin:viewUsers")
                && self
                    .privileges
                    .iter()
                    .any(|p| p == "portal:admin:viewItems"))
    }
}

/// `portals/self`: the org as the caller sees it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PortalSelf {
    /// Org id (absent for anonymous callers on some portals).
    #[serde(default)]
    pub id: Option<String>,
    /// Org name.
    #[serde(default)]
    pub name: Option<String>,
    /// True for ArcGIS Enterprise.
    #[serde(default)]
    pub is_portal: bool,
    /// Org subdomain on ArcGIS Online.
    #[serde(default)]
    pub url_key: Option<String>,
    /// e.g. `maps.arcgis.com`.
    #[serde(default)]
    pub custom_base_url: Option<String>,
    /// Portal host name.
    #[serde(default)]
    pub portal_hostname: Option<String>,
    /// Portal version.
    #[serde(default)]
    pub current_version: Option<serde_json::Value>,
    /// The signed-in user.
    #[serde(default)]
    pub user: Option<User>,
}

/// A group.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    /// Group id.
    pub id: String,
    /// Title.
    #[serde(default, deserialize_with = "null_to_default")]
    pub title: String,
    /// Owner.
    #[serde(default, deserialize_with = "null_to_default")]
    pub owner: String,
    /// `private`, `org`, `public`.
    #[serde(default, deserialize_with = "null_to_default")]
    pub access: String,
}

/// `content/items/{id}/groups`: groups bucketed by the caller's membership.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ItemGroups {
    /// Groups the caller administers.
    #[serde(default, deserialize_with = "null_to_default")]
    pub admin: Vec<Group>,
    /// Groups the caller is a member of.
    #[serde(default, deserialize_with = "null_to_default")]
    pub member: Vec<Group>,
    /// Other groups the caller can see.
    #[serde(default, deserialize_with = "null_to_default")]
    pub other: Vec<Group>,
}

impl ItemGroups {
    /// Every group, de-duplicated by id.
    pub fn all(&self) -> Vec<&Group> {
        let mut seen = std::collections::HashSet::new();
        self.admin
            .iter()
            .chain(&self.member)
            .chain(&self.other)
            .filter(|g| seen.insert(g.id.clone()))
            .collect()
    }
}
