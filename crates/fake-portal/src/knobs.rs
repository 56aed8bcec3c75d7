//! Test helpers on [`FakePortal`] that change the org while it runs: feature edits, item
//! deletion and data changes, random faults and cut bodies.

use super::faults::FaultRatios;
use super::ids::now_ms;
use super::model::ItemData;
use super::server::FakePortal;

impl FakePortal {
    /// Changes one attribute of feature `object_id` in hosted `service` / `layer_id` and sets the
    /// layer's `editingInfo.lastEditDate` and `dataLastEditDate` (and the service's
    /// `editingInfo.lastEditDate`, and those of views on the layer) to now, strictly later than
    /// before. The item's `modified` does not change (as on ArcGIS Online). Returns the new date.
    ///
    /// # Panics
    /// When the service, layer or feature does not exist, or the layer is a view.
    pub fn edit_feature(&self, service: &str, layer_id: i64, object_id: i64) -> i64 {
        self.shared
            .hosted
            .edit_feature(service, layer_id, object_id)
            .unwrap_or_else(|e| panic!("edit_feature: {e}"))
    }

    /// Adds attachment `name` (content type from its extension) with `bytes` to feature
    /// `object_id`, bumping the same dates as [`FakePortal::edit_feature`]. Returns the new
    /// attachment id.
    ///
    /// # Panics
    /// When the service, layer or feature does not exist or the layer has no attachments.
    pub fn add_attachment(
        &self,
        service: &str,
        layer_id: i64,
        object_id: i64,
        name: &str,
        bytes: impl Into<Vec<u8>>,
    ) -> i64 {
        self.shared
            .hosted
            .add_attachment(service, layer_id, object_id, name, bytes.into().into())
            .unwrap_or_else(|e| panic!("add_attachment: {e}"))
    }

    /// Deletes item `id` (and its relationships): it leaves listings and search, and
    /// `/content/items/{id}` answers `CONT_0001`. Returns whether the item existed.
    pub fn delete_item(&self, id: &str) -> bool {
        let mut org = self.shared.org.write().expect("org");
        let before = org.items.len();
        org.items.retain(|it| it.id != id);
        org.relationships.retain(|r| r.origin != id && r.dest != id);
        org.reindex();
        org.items.len() != before
    }

    /// Replaces item `id`'s data with `bytes` and sets its `modified` to now (strictly later
    /// than before) and its `size`. JSON items stay JSON (text served as `text/plain`), file
    /// items keep their content type and file name; items without data become
    /// `application/octet-stream` files. Returns whether the item existed.
    pub fn set_item_data(&self, id: &str, bytes: impl Into<Vec<u8>>) -> bool {
        let bytes: Vec<u8> = bytes.into();
        let mut org = self.shared.org.write().expect("org");
        let Some(it) = org.item_mut(id) else {
            return false;
        };
        it.data = match std::mem::replace(&mut it.data, ItemData::None) {
            ItemData::Json(_) if std::str::from_utf8(&bytes).is_ok() => {
                ItemData::Json(String::from_utf8(bytes).unwrap_or_default())
            }
            ItemData::File {
                content_type,
                file_name,
                ..
            }
            | ItemData::Stream {
                content_type,
                file_name,
                ..
            } => ItemData::File {
                bytes: bytes.into(),
                content_type,
                file_name,
            },
            _ => ItemData::File {
                bytes: bytes.into(),
                content_type: "application/octet-stream",
                file_name: it.name.clone().unwrap_or_else(|| "data".into()),
            },
        };
        it.size = it.data.len() as i64;
        it.modified = now_ms().max(it.modified + 1);
        true
    }

    /// Adds a resource named `path` (taken as given, hostile names too) to an item and bumps
    /// its `modified`. False when the item does not exist.
    pub fn add_resource(&self, id: &str, path: &str, bytes: impl Into<Vec<u8>>) -> bool {
        let mut org = self.shared.org.write().expect("org");
        let Some(it) = org.item_mut(id) else {
            return false;
        };
        it.resources.push(super::model::Resource {
            path: path.to_string(),
            bytes: bytes::Bytes::from(bytes.into()),
            created: now_ms(),
            access: "inherit",
        });
        it.modified = now_ms().max(it.modified + 1);
        true
    }

    /// Renames an item (bumps `modified`); tests use it for hostile titles.
    pub fn set_item_title(&self, id: &str, title: &str) -> bool {
        let mut org = self.shared.org.write().expect("org");
        let Some(it) = org.item_mut(id) else {
            return false;
        };
        it.title = title.to_string();
        it.modified = now_ms().max(it.modified + 1);
        true
    }

    /// Random faults from now on (replaces earlier ratios; all zero turns them off). See
    /// [`FaultRatios`]; `generateToken` and `oauth2/*` are exempt.
    pub fn set_fault_ratios(&self, ratios: FaultRatios) {
        self.shared
            .faults
            .lock()
            .expect("faults")
            .set_ratios(ratios);
    }

    /// The next `n` responses with a non-empty body, of any type, declare their full
    /// `Content-Length`, send about half of the body and drop the connection.
    pub fn cut_next_body(&self, n: u32) {
        self.shared.faults.lock().expect("faults").cut_next(n);
    }
}
