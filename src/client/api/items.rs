//! One item: its full record and the groups it is shared with.

use bytes::Bytes;

use super::portal::path_segment;
use crate::client::Client;
use crate::client::error::Result;
use crate::client::json::from_value;
use crate::client::models::{Item, ItemGroups};
use crate::client::request::Call;

/// An item's full record, typed and as the bytes the portal returned.
#[derive(Debug, Clone)]
pub struct ItemRecord {
    /// The typed view.
    pub item: Item,
    /// The exact JSON bytes (kept so unknown fields survive a backup).
    pub raw: Bytes,
}

impl Client {
    /// `GET content/items/{id}`: the full item record.
    pub async fn item(&self, id: &str) -> Result<ItemRecord> {
        let url = self
            .portal()
            .sharing(&format!("content/items/{}", path_segment(id)));
        let body = self.json_body(Call::get(&url)).await?;
        let item: Item = from_value(&url, body.value)?;
        Ok(ItemRecord {
            item,
            raw: body.raw,
        })
    }

    /// `GET content/items/{id}/groups`: groups the item is shared with that the caller can see.
    pub async fn item_groups(&self, id: &str) -> Result<ItemGroups> {
        let url = self
            .portal()
            .sharing(&format!("content/items/{}/groups", path_segment(id)));
        self.json(Call::get(url)).await
    }
}
