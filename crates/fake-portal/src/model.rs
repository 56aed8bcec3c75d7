//! The in-memory org: users, folders, groups, items, relationships, and who may see what.

use bytes::Bytes;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// User role in the org.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Publisher,
    User,
}

impl Role {
    /// The REST name, e.g. `org_admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "org_admin",
            Role::Publisher => "org_publisher",
            Role::User => "org_user",
        }
    }
}

/// A folder (one level deep).
#[derive(Debug, Clone)]
pub struct Folder {
    pub id: String,
    pub title: String,
    pub created: i64,
}

/// An org member.
#[derive(Debug, Clone)]
pub struct User {
    pub username: String,
    pub full_name: String,
    pub email: String,
    pub role: Role,
    /// `arcgis` (built-in) or `enterprise` (SAML).
    pub provider: &'static str,
    /// Portal password (built-in accounts only).
    pub password: Option<String>,
    /// Password at the identity provider (SAML accounts only; used on the OAuth sign-in page).
    pub idp_password: Option<String>,
    pub created: i64,
    pub last_login: i64,
    pub folders: Vec<Folder>,
}

/// A group.
#[derive(Debug, Clone)]
pub struct Group {
    pub id: String,
    pub title: String,
    pub owner: String,
    pub snippet: String,
    pub tags: Vec<String>,
    /// `private`, `org` or `public`.
    pub access: &'static str,
    pub created: i64,
    /// `updateitemcontrol` for shared-update groups.
    pub capabilities: Vec<String>,
    /// username -> `owner` | `admin` | `member`.
    pub members: BTreeMap<String, &'static str>,
}

/// The data component of an item.
#[derive(Debug, Clone)]
pub enum ItemData {
    /// No data: `/data` answers a 0-byte body.
    None,
    /// JSON text (served as `text/plain`, verbatim, control characters included).
    Json(String),
    /// A file with its MIME type and file name (shared bytes: clones are cheap).
    File {
        bytes: Bytes,
        content_type: &'static str,
        file_name: String,
    },
    /// A download that always fails (Code Attachment quirk).
    Broken,
    /// `len` deterministic pseudo-random bytes generated while streaming (never held in memory).
    Stream {
        len: u64,
        seed: u64,
        content_type: &'static str,
        file_name: String,
    },
}

impl ItemData {
    /// Size in bytes of the data as `/data` serves it.
    pub fn len(&self) -> u64 {
        match self {
            ItemData::None | ItemData::Broken => 0,
            ItemData::Json(t) => t.len() as u64,
            ItemData::File { bytes, .. } => bytes.len() as u64,
            ItemData::Stream { len, .. } => *len,
        }
    }
}

/// One item resource file.
#[derive(Debug, Clone)]
pub struct Resource {
    pub path: String,
    pub bytes: Bytes,
    pub created: i64,
    /// `inherit` or `private`.
    pub access: &'static str,
}

/// A portal item.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    pub owner: String,
    /// Folder id, `None` for the root.
    pub folder: Option<String>,
    pub title: String,
    pub item_type: String,
    pub type_keywords: Vec<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub snippet: Option<String>,
    pub tags: Vec<String>,
    /// Thumbnail path such as `thumbnail/thumbnail.png`.
    pub thumbnail: Option<String>,
    /// Bytes of the thumbnail; `None` with a path set = broken thumbnail.
    pub thumbnail_bytes: Option<Bytes>,
    /// `[[xmin,ymin],[xmax,ymax]]`, empty for none.
    pub extent: Vec<[f64; 2]>,
    pub spatial_reference: Option<String>,
    pub access_information: Option<String>,
    pub license_info: Option<String>,
    /// Free-text `documentation` field of the item.
    pub documentation: Option<String>,
    /// Item culture such as `en-us`.
    pub culture: Option<String>,
    /// Content categories (`/Categories/...` paths).
    pub categories: Vec<String>,
    pub url: Option<String>,
    pub properties: Option<Value>,
    /// `private`, `shared`, `org` or `public` (shared is derived from groups).
    pub access: &'static str,
    pub groups: Vec<String>,
    /// Bytes; -1 for hosted services.
    pub size: i64,
    pub created: i64,
    pub modified: i64,
    pub protected: bool,
    pub content_status: Option<&'static str>,
    pub num_views: i64,
    pub data: ItemData,
    pub metadata: Option<String>,
    /// Extra info files (e.g. `form.json`): name -> (MIME type, bytes).
    pub info_files: BTreeMap<String, (&'static str, Bytes)>,
    pub resources: Vec<Resource>,
}

/// A typed link between two items.
#[derive(Debug, Clone)]
pub struct Relationship {
    pub rel_type: String,
    pub origin: String,
    pub dest: String,
}

/// The whole org.
#[derive(Debug, Clone, Default)]
pub struct Org {
    pub id: String,
    pub name: String,
    /// `urlKey` reported by `portals/self` (the `<urlKey>.maps.arcgis.com` part).
    pub url_key: String,
    pub created: i64,
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub items: Vec<Item>,
    pub relationships: Vec<Relationship>,
    /// item id -> index into `items`.
    pub index: HashMap<String, usize>,
}

impl Org {
    /// Rebuild the id index after items were added.
    pub fn reindex(&mut self) {
        self.index = self
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.id.clone(), i))
            .collect();
    }

    pub fn user(&self, username: &str) -> Option<&User> {
        self.users.iter().find(|u| u.username == username)
    }

    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.index.get(id).map(|&i| &self.items[i])
    }

    pub fn item_mut(&mut self, id: &str) -> Option<&mut Item> {
        let i = *self.index.get(id)?;
        Some(&mut self.items[i])
    }

    pub fn is_admin(&self, caller: Option<&str>) -> bool {
        caller
            .and_then(|c| self.user(c))
            .is_some_and(|u| u.role == Role::Admin)
    }

    /// Whether `caller` (None = anonymous) may see `group`.
    pub fn can_see_group(&self, caller: Option<&str>, group: &Group) -> bool {
        match group.access {
            "public" => true,
            "org" => caller.is_some(),
            _ => caller.is_some_and(|c| group.members.contains_key(c)) || self.is_admin(caller),
        }
    }

    /// Whether `caller` (None = anonymous) may see `item`.
    pub fn can_see_item(&self, caller: Option<&str>, item: &Item) -> bool {
        if item.access == "public" {
            return true;
        }
        let Some(c) = caller else { return false };
        if item.owner == c || item.access == "org" || self.is_admin(caller) {
            return true;
        }
        item.groups
            .iter()
            .filter_map(|g| self.group(g))
            .any(|g| g.members.contains_key(c))
    }

    /// The caller's `itemControl` on `item`: `admin`, `update` or none.
    pub fn item_control(&self, caller: Option<&str>, item: &Item) -> Option<&'static str> {
        let c = caller?;
        if item.owner == c || self.is_admin(caller) {
            return Some("admin");
        }
        let shared_update = item.groups.iter().filter_map(|g| self.group(g)).any(|g| {
            g.capabilities.iter().any(|x| x == "updateitemcontrol") && g.members.contains_key(c)
        });
        shared_update.then_some("update")
    }

    /// Title of `item`'s folder, `None` for root.
    pub fn folder_title(&self, item: &Item) -> Option<String> {
        let fid = item.folder.as_deref()?;
        self.user(&item.owner)?
            .folders
            .iter()
            .find(|f| f.id == fid)
            .map(|f| f.title.clone())
    }
}
