//! Hosted feature services of the fake portal: in-memory FeatureServer endpoints served by axum.
//!
//! [`router`] answers `{prefix}/rest/info` and `{prefix}/rest/services/{name}/FeatureServer/...`
//! (service root, `/layers`, `/sources` for views, layer definitions, `query`,
//! `queryAttachments`, attachment lists and downloads) from a [`ServiceStore`]. Access control
//! is delegated to a [`CallerAuth`] supplied by the portal side of the fake.

mod admin;
mod admin_get;
mod attachments;
mod define;
mod definitions;
mod edits;
mod export_support;
mod fgdb;
mod http;
mod layer_update;
mod lazy;
mod model;
mod publish_store;
mod query;
mod related;
mod router;
pub mod sample;
mod sample_data;
mod stats;
mod store;
mod where_clause;
mod write;
mod write_attachments;
mod write_routes;

#[cfg(test)]
mod tests;

pub use router::router;
pub use store::ServiceStore;

/// Reads the payload of a fake File Geodatabase zip (`Err` says why the file is not one).
pub fn fgdb_payload(bytes: &[u8]) -> Result<serde_json::Value, String> {
    fgdb::read_payload(bytes)
}

/// Decides who is calling a feature service.
pub trait CallerAuth: Send + Sync + 'static {
    /// Who is calling, from the `token` param (query or urlencoded form) or the X-Esri-Authorization / Authorization `Bearer` header.
    /// Ok(None) = anonymous; Err(code) = invalid/expired token -> answer the 498 "Invalid token." envelope in HTTP 200.
    fn caller(
        &self,
        headers: &axum::http::HeaderMap,
        token_param: Option<&str>,
    ) -> Result<Option<String>, u16>;

    /// Whether `caller` may administer and always edit the service whose item is
    /// `service_item_id` (its owner or an org admin). Default: nobody.
    fn can_manage(&self, caller: &str, service_item_id: &str) -> bool {
        let _ = (caller, service_item_id);
        false
    }
}

/// Facts about the ArcGIS Server that hosts the services.
#[derive(Clone, Debug, Default)]
pub struct ServerInfo {
    /// The owning portal's URL when the server is federated (e.g. `https://host/sharing`'s root);
    /// `None` for a stand-alone server.
    pub owning_system_url: Option<String>,
}
