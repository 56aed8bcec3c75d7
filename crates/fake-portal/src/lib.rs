//! The fake ArcGIS portal: an in-memory org served over real loopback HTTP(S).
//!
//! [`FakePortal::start`] binds three listeners on 127.0.0.1: the portal (sharing API), a
//! federated hosted-services server and a foreign (non-federated) server. Every test of the
//! product and `agol-tui demo` talk to it over real HTTP. It mimics the real portal, quirks
//! included (see `docs/portal-notes.md`): error envelopes in HTTP 200 bodies, HTML without
//! `f=json`, `nextStart: -1`, the search cap, referer-bound tokens, JSON served as `text/plain`.

pub mod features;
pub mod sample;

mod add_item;
mod auth_routes;
mod bench;
mod community;
mod config;
mod content;
mod create_service;
mod ctx;
mod empty;
mod empty_users;
mod export;
mod faults;
mod generated;
mod hostile;
mod ids;
mod info_routes;
mod inspect;
mod inspect_fidelity;
mod item_fields;
mod item_files;
mod item_ops;
mod items;
mod knobs;
mod middleware;
mod model;
mod multipart;
mod oauth;
mod org_servers;
mod png;
mod portal;
mod publish;
mod query;
mod resources_write;
mod respond;
mod router;
mod search;
mod seed;
mod seed_apps;
mod seed_fidelity;
mod seed_items;
mod server;
mod services;
mod sharing;
mod state;
mod stream_data;
mod tls;
mod tokens;
mod upload;
mod views;
mod write_auth;

#[cfg(test)]
mod tests;

pub use config::FakeConfig;
pub use empty_users::EmptyOrgUsers;
pub use faults::FaultRatios;
pub use hostile::{BodyMode, DataMode};
pub use inspect_fidelity::StoredResource;
pub use server::FakePortal;

use std::collections::BTreeMap;

/// Which of the three fake listeners answered a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The portal (sharing API, OAuth pages).
    Portal,
    /// The hosted feature services server federated with the portal.
    Services,
    /// A server that is not federated with the portal.
    Foreign,
    /// A server the portal does not list that claims federation in its `/rest/info`.
    Catcher,
    /// Object storage that redirected item downloads land on.
    Storage,
}

/// One logged request, as seen by the fake (for test assertions).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// Listener that received the request.
    pub origin: Origin,
    /// HTTP method, e.g. `GET`.
    pub method: String,
    /// URL path without the query string.
    pub path: String,
    /// Query and urlencoded form parameters merged; secrets replaced by `<redacted>`.
    pub params: BTreeMap<String, String>,
    /// Token seen in the `token` parameter or a Bearer header (`X-Esri-Authorization` or
    /// `Authorization`).
    pub token: Option<String>,
    /// The `Referer` header, if any.
    pub referer: Option<String>,
    /// HTTP status of the answer.
    pub status: u16,
}

/// A short description of one portal item, for test assertions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemSummary {
    /// 32 lowercase hex characters.
    pub id: String,
    /// Item title.
    pub title: String,
    /// Item type, e.g. `Web Map`.
    pub item_type: String,
    /// Owner username.
    pub owner: String,
    /// Folder title, `None` for the owner's root folder.
    pub folder: Option<String>,
    /// Item `modified` (epoch ms).
    pub modified: i64,
}
