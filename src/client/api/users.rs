//! Org users and a user's folders and items.

use futures::TryStreamExt;

use super::decode_entries;
use super::portal::path_segment;
use crate::client::Client;
use crate::client::error::Result;
use crate::client::models::{Folder, Item, User};
use crate::client::paging::{MAX_PAGE, collect_all, pages};
use crate::client::request::Call;

/// A user's root folder: its items and the list of folders.
#[derive(Debug, Clone, Default)]
pub struct UserRoot {
    /// Folders (one level, not paged).
    pub folders: Vec<Folder>,
    /// Items in the root folder.
    pub items: Vec<Item>,
}

impl Client {
    /// Every user of the org (admins only): `portals/self/users`, paged, array key `users`.
    pub async fn org_users(&self) -> Result<Vec<User>> {
        let url = self.portal().sharing("portals/self/users");
        let entries = collect_all(self, Call::get(&url), "users").await?;
        decode_entries(&url, "users", entries)
    }

    /// A user's root items and folders (`content/users/{user}`; owner or admin only).
    pub async fn user_root(&self, username: &str) -> Result<UserRoot> {
        let url = self
            .portal()
            .sharing(&format!("content/users/{}", path_segment(username)));
        let mut root = UserRoot::default();
        let mut stream = std::pin::pin!(pages(self.clone(), Call::get(&url), "items", MAX_PAGE));
        let mut first = true;
        while let Some(page) = stream.try_next().await? {
            if first {
                if let Some(folders) = page.document.get("folders").and_then(|f| f.as_array()) {
                    root.folders = decode_entries(&url, "folders", folders.clone())?;
                }
                first = false;
            }
            root.items
                .extend(decode_entries::<Item>(&url, "items", page.entries)?);
        }
        Ok(root)
    }

    /// A user's folders only (one small request).
    pub async fn user_folders(&self, username: &str) -> Result<Vec<Folder>> {
        let url = self
            .portal()
            .sharing(&format!("content/users/{}", path_segment(username)));
        let doc: serde_json::Value = self
            .json(Call::get(&url).param("start", 1).param("num", 1))
            .await?;
        let folders = doc
            .get("folders")
            .and_then(|f| f.as_array())
            .cloned()
            .unwrap_or_default();
        decode_entries(&url, "folders", folders)
    }

    /// The items of one of a user's folders (`content/users/{user}/{folderId}`).
    pub async fn folder_items(&self, username: &str, folder_id: &str) -> Result<Vec<Item>> {
        let url = self.portal().sharing(&format!(
            "content/users/{}/{}",
            path_segment(username),
            path_segment(folder_id)
        ));
        let entries = collect_all(self, Call::get(&url), "items").await?;
        decode_entries(&url, "items", entries)
    }
}
