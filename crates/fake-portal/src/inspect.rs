//! Read-only helpers on [`FakePortal`] for round-trip tests: full item records, data bytes,
//! hosted service names and per-layer counts.

use super::model::ItemData;
use super::server::FakePortal;
use super::views::{ItemView, item_json};

impl FakePortal {
    /// The full record of item `id` as `/content/items/{id}` answers it to its owner.
    pub fn item_json(&self, id: &str) -> Option<serde_json::Value> {
        let org = self.shared.org();
        let it = org.item(id)?;
        Some(item_json(&org, it, Some(&it.owner), ItemView::Full))
    }

    /// The bytes `/content/items/{id}/data` serves (empty for items without data; `None` for a
    /// missing item, a broken download or a generated stream).
    pub fn item_data(&self, id: &str) -> Option<Vec<u8>> {
        let org = self.shared.org();
        match &org.item(id)?.data {
            ItemData::None => Some(Vec::new()),
            ItemData::Json(t) => Some(t.as_bytes().to_vec()),
            ItemData::File { bytes, .. } => Some(bytes.to_vec()),
            ItemData::Broken | ItemData::Stream { .. } => None,
        }
    }

    /// Id of the org (differs between the sample org and an empty org).
    pub fn org_id(&self) -> String {
        self.shared.org().id.clone()
    }

    /// Names of the hosted feature services, in creation order.
    pub fn service_names(&self) -> Vec<String> {
        self.shared.hosted.service_names()
    }

    /// Rows visible through hosted `service` / `layer_id` (`None` when either is missing).
    pub fn feature_count(&self, service: &str, layer_id: i64) -> Option<usize> {
        self.shared.hosted.feature_count(service, layer_id)
    }

    /// Attachments visible through hosted `service` / `layer_id`.
    pub fn attachment_count(&self, service: &str, layer_id: i64) -> Option<usize> {
        self.shared.hosted.attachment_count(service, layer_id)
    }

    /// Id of the group titled `title` (groups keep their titles across orgs, not their ids).
    pub fn group_id(&self, title: &str) -> Option<String> {
        let org = self.shared.org();
        org.groups
            .iter()
            .find(|g| g.title == title)
            .map(|g| g.id.clone())
    }

    /// Folder titles of `user`.
    pub fn folders(&self, user: &str) -> Vec<String> {
        let org = self.shared.org();
        org.user(user)
            .map(|u| u.folders.iter().map(|f| f.title.clone()).collect())
            .unwrap_or_default()
    }

    /// Relationships as `(type, origin item id, destination item id)`.
    pub fn relationships(&self) -> Vec<(String, String, String)> {
        self.shared
            .org()
            .relationships
            .iter()
            .map(|r| (r.rel_type.clone(), r.origin.clone(), r.dest.clone()))
            .collect()
    }
}
