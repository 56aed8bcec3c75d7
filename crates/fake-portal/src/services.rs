//! Glue to the feature-service routers: the portal's token store as their `CallerAuth`, and the
//! routers for the federated services origin and the foreign origin.

use super::features::{self, CallerAuth, ServerInfo, ServiceStore};
use super::sample::ORG_ID;
use super::state::Shared;
use axum::Router;
use axum::http::HeaderMap;
use std::sync::Arc;

/// The portal's tokens, as seen by the feature services.
pub struct PortalAuth(pub Arc<Shared>);

impl CallerAuth for PortalAuth {
    fn caller(
        &self,
        headers: &HeaderMap,
        token_param: Option<&str>,
    ) -> Result<Option<String>, u16> {
        let Some(token) = super::tokens::token_from(headers, token_param) else {
            return Ok(None);
        };
        let referer = super::tokens::referer_of(headers);
        self.0
            .tokens
            .lock()
            .expect("tokens lock")
            .validate(&token, referer.as_deref())
            .map(Some)
    }

    fn can_manage(&self, caller: &str, service_item_id: &str) -> bool {
        let org = self.0.org();
        org.is_admin(Some(caller))
            || org
                .item(service_item_id)
                .is_some_and(|it| it.owner == caller)
    }
}

/// The hosted services of a new portal: the samples, plus `Big_Layer` when `big_layer > 0`;
/// none for an empty org.
pub fn hosted_store(big_layer: usize, empty: bool) -> Arc<ServiceStore> {
    if empty {
        return Arc::new(ServiceStore::empty());
    }
    let store = ServiceStore::sample_hosted(ORG_ID);
    if big_layer > 0 {
        store.add_big_layer(big_layer);
    }
    Arc::new(store)
}

/// Path prefix of the hosted services of org `org_id` (ArcGIS Online style).
pub fn hosted_prefix(org_id: &str) -> String {
    format!("/{org_id}/arcgis")
}

/// Path prefix on the foreign server.
pub const FOREIGN_PREFIX: &str = "/arcgis";

/// Router of the federated hosted-services origin.
pub fn hosted_router(shared: Arc<Shared>) -> Router {
    let info = ServerInfo {
        owning_system_url: Some(shared.urls.portal.clone()),
    };
    let store = shared.hosted.clone();
    let prefix = hosted_prefix(&shared.org().id);
    features::router(store, Arc::new(PortalAuth(shared)), info, prefix)
}

/// A stand-alone server knows none of the portal's tokens: any token is invalid (498),
/// anonymous callers are served.
pub struct ForeignAuth;

impl CallerAuth for ForeignAuth {
    fn caller(
        &self,
        headers: &HeaderMap,
        token_param: Option<&str>,
    ) -> Result<Option<String>, u16> {
        match super::tokens::token_from(headers, token_param) {
            Some(_) => Err(498),
            None => Ok(None),
        }
    }
}

/// Router of the foreign (not federated) origin.
pub fn foreign_router() -> Router {
    let store = Arc::new(ServiceStore::sample_foreign());
    features::router(
        store,
        Arc::new(ForeignAuth),
        ServerInfo::default(),
        FOREIGN_PREFIX.to_string(),
    )
}
