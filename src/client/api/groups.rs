//! Groups of the org and their content.

use super::decode_entries;
use super::portal::path_segment;
use crate::client::Client;
use crate::client::error::Result;
use crate::client::models::{Group, Item};
use crate::client::paging::collect_all;
use crate::client::request::Call;

impl Client {
    /// Every group of an org the caller can see (`community/groups?q=orgid:…`).
    pub async fn org_groups(&self, org_id: &str) -> Result<Vec<Group>> {
        let url = self.portal().sharing("community/groups");
        let call = Call::get(&url)
            .param("q", format!("orgid:{org_id}"))
            .param("sortField", "title")
            .param("sortOrder", "asc");
        let entries = collect_all(self, call, "results").await?;
        decode_entries(&url, "results", entries)
    }

    /// The items shared with a group (`content/groups/{id}`).
    pub async fn group_items(&self, group_id: &str) -> Result<Vec<Item>> {
        let url = self
            .portal()
            .sharing(&format!("content/groups/{}", path_segment(group_id)));
        let entries = collect_all(self, Call::get(&url), "items").await?;
        decode_entries(&url, "items", entries)
    }
}
