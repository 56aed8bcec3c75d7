//! [`ServiceStore`]: the shared, lockable set of in-memory feature services.

use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::model::{Attachment, Feature, Layer, Service};
use super::where_clause;

/// The hosted feature services one fake ArcGIS Server (or hosting server) holds.
///
/// Interior mutability (an `RwLock`) so later work can add `applyEdits` or `createService`
/// without changing how the store is shared.
#[derive(Debug)]
pub struct ServiceStore {
    services: RwLock<Vec<Service>>,
}

impl ServiceStore {
    /// A store with no services.
    pub fn empty() -> ServiceStore {
        ServiceStore::from_services(Vec::new())
    }

    pub(crate) fn from_services(services: Vec<Service>) -> ServiceStore {
        ServiceStore {
            services: RwLock::new(services),
        }
    }

    /// The sample org's hosted services (`Hydrants`, `Hydrants_view`, `Field_Inspections`,
    /// `Parcels_NoPaging`); none is public. `org_id` goes into the service descriptions.
    pub fn sample_hosted(org_id: &str) -> ServiceStore {
        ServiceStore::from_services(super::sample_data::hosted(org_id))
    }

    /// A public service (`Public_Trails`) on a non-federated server.
    pub fn sample_foreign() -> ServiceStore {
        ServiceStore::from_services(super::sample_data::foreign())
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Vec<Service>> {
        self.services.read().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn write(&self) -> RwLockWriteGuard<'_, Vec<Service>> {
        self.services.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds the [`super::sample::BIG_LAYER`] benchmark service: one point layer of `features`
    /// rows generated on demand from the object id (no rows are stored).
    pub fn add_big_layer(&self, features: usize) {
        self.write().push(super::lazy::big_layer_service(features));
    }

    /// Names of every service, in store order.
    pub fn service_names(&self) -> Vec<String> {
        self.read().iter().map(|s| s.name.clone()).collect()
    }

    /// The `serviceItemId` the named service reports.
    pub fn service_item_id(&self, name: &str) -> Option<String> {
        find(&self.read(), name).map(|s| s.item_id.clone())
    }

    /// Rows visible through a layer or table (a view's definition query applied).
    pub fn feature_count(&self, name: &str, layer_id: i64) -> Option<usize> {
        let services = self.read();
        let svc = find(&services, name)?;
        let layer = svc.layer(layer_id)?;
        if let Some(lazy) = &layer.lazy {
            return Some(lazy.count);
        }
        rows(&services, layer).ok().map(|r| r.features.len())
    }

    /// Attachments visible through a layer (those of its visible rows).
    pub fn attachment_count(&self, name: &str, layer_id: i64) -> Option<usize> {
        let services = self.read();
        let svc = find(&services, name)?;
        let layer = svc.layer(layer_id)?;
        rows(&services, layer).ok().map(|r| r.attachments.len())
    }
}

/// A service by name, case-insensitively (service URLs are not case-sensitive).
impl ServiceStore {
    /// `(source service item id, view item id)` for every hosted view and each service it
    /// reads from: the `Service2Service` relationships the portal keeps for views.
    pub fn view_links(&self) -> Vec<(String, String)> {
        let services = self.read();
        let mut links = Vec::new();
        for view in services.iter().filter(|s| s.is_view()) {
            for l in &view.layers {
                let Some(src) = l
                    .view_source
                    .as_ref()
                    .and_then(|v| find(&services, &v.service))
                else {
                    continue;
                };
                let link = (src.item_id.clone(), view.item_id.clone());
                if !links.contains(&link) {
                    links.push(link);
                }
            }
        }
        links
    }
}

pub(crate) fn find<'a>(services: &'a [Service], name: &str) -> Option<&'a Service> {
    services.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

/// What a layer shows: its rows and their attachments, following a view to its source.
pub(crate) struct Rows<'a> {
    pub features: Vec<&'a Feature>,
    pub attachments: Vec<&'a Attachment>,
}

/// Resolves the rows of `layer`, applying a view's definition query to its source layer.
pub(crate) fn rows<'a>(services: &'a [Service], layer: &'a Layer) -> Result<Rows<'a>, String> {
    let Some(src) = &layer.view_source else {
        return Ok(Rows {
            features: layer.features.iter().collect(),
            attachments: layer.attachments.iter().collect(),
        });
    };
    let storage = find(services, &src.service)
        .and_then(|s| s.layer(src.layer_id))
        .ok_or_else(|| format!("view source {}/{} is missing", src.service, src.layer_id))?;
    let filter = where_clause::parse(&src.definition_query, storage)?;
    let features: Vec<&Feature> = storage
        .features
        .iter()
        .filter(|f| {
            filter
                .as_ref()
                .is_none_or(|e| where_clause::eval(e, &f.attrs))
        })
        .collect();
    let attachments = storage
        .attachments
        .iter()
        .filter(|a| features.iter().any(|f| f.oid == a.parent_oid))
        .collect();
    Ok(Rows {
        features,
        attachments,
    })
}
