//! Read-only helpers on [`FakePortal`] for the restore fidelity tests: what an item is in the
//! org's own state (folder title, resources with access and bytes, group titles, users), so a
//! test compares a restore with the source org rather than with what the restore sent.

use std::collections::BTreeSet;

use super::server::FakePortal;

/// One item resource as the org stores it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StoredResource {
    /// Full path under the item's resources (`images/logo.png`).
    pub path: String,
    /// `inherit` or `private`.
    pub access: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

impl FakePortal {
    /// Title of item `id`'s folder (`None` for the root or a missing item).
    pub fn item_folder_title(&self, id: &str) -> Option<String> {
        let org = self.shared.org();
        let it = org.item(id)?;
        org.folder_title(it)
    }

    /// Every resource of item `id`, sorted by path (empty for a missing item).
    pub fn item_resources(&self, id: &str) -> Vec<StoredResource> {
        let org = self.shared.org();
        let mut out: Vec<StoredResource> = org
            .item(id)
            .map(|it| {
                it.resources
                    .iter()
                    .map(|r| StoredResource {
                        path: r.path.clone(),
                        access: r.access.to_string(),
                        bytes: r.bytes.to_vec(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.sort();
        out
    }

    /// Titles of the groups item `id` is shared with.
    pub fn item_group_titles(&self, id: &str) -> BTreeSet<String> {
        let org = self.shared.org();
        org.item(id)
            .map(|it| {
                it.groups
                    .iter()
                    .filter_map(|g| org.group(g))
                    .map(|g| g.title.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every username of the org.
    pub fn usernames(&self) -> Vec<String> {
        self.shared
            .org()
            .users
            .iter()
            .map(|u| u.username.clone())
            .collect()
    }

    /// Ids of every item of the org, in creation order.
    pub fn item_ids(&self) -> Vec<String> {
        self.shared
            .org()
            .items
            .iter()
            .map(|it| it.id.clone())
            .collect()
    }
}
