//! The portal origin's routes (sharing API, OAuth pages).

use super::state::Shared;
use super::{
    add_item, auth_routes, community, content, create_service, export, info_routes, item_files,
    item_ops, items, oauth, org_servers, portal, publish, respond, search, sharing,
};
use axum::Router;
use axum::routing::any;
use std::sync::Arc;

const R: &str = "/sharing/rest";

fn r(path: &str) -> String {
    format!("{R}{path}")
}

/// Every portal route; unknown paths answer a real HTTP 404.
pub fn portal_router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(R, any(info_routes::root))
        .route(
            "/apps/dashboards/build.json",
            any(info_routes::dashboards_build),
        )
        .route(&r("/"), any(info_routes::root))
        .route(&r("/info"), any(info_routes::info))
        .route(&r("/generateToken"), any(auth_routes::generate_token))
        .route(&r("/oauth2/authorize"), any(oauth::authorize))
        .route("/sharing/oauth2/authorize", any(oauth::authorize))
        .route("/sharing/oauth2/signin", any(oauth::signin))
        .route(&r("/oauth2/signin"), any(oauth::signin))
        .route("/sharing/oauth2/approval", any(oauth::approval))
        .route(&r("/oauth2/approval"), any(oauth::approval))
        .route(&r("/oauth2/token"), any(oauth::token))
        .route("/sharing/oauth2/token", any(oauth::token))
        .route(&r("/oauth2/revokeToken"), any(oauth::revoke))
        .route(&r("/portals/self"), any(portal::portal_self))
        .route(&r("/portals/{id}"), any(portal::portal_self))
        .route(&r("/portals/self/roles"), any(portal::roles))
        .route(&r("/portals/{id}/roles"), any(portal::roles))
        .route(&r("/portals/{id}/users"), any(portal::users))
        .route(&r("/portals/{id}/urls"), any(org_servers::urls))
        .route(&r("/portals/{id}/servers"), any(org_servers::servers))
        .route(
            &r("/portals/{id}/isServiceNameAvailable"),
            any(create_service::is_name_available),
        )
        .route(&r("/community/self"), any(community::me))
        .route(&r("/community/users/{user}"), any(community::user))
        .route(&r("/community/groups"), any(community::groups))
        .route(&r("/community/groups/{id}"), any(community::group))
        .route(
            &r("/community/groups/{id}/users"),
            any(community::group_users),
        )
        .route(&r("/content/groups/{id}"), any(content::group_content))
        .route(&r("/content/users/{user}"), any(content::user_root))
        .route(
            &r("/content/users/{user}/{folder}"),
            any(content::user_folder),
        )
        .route(
            &r("/content/users/{user}/items/{id}"),
            any(items::owner_view),
        )
        .route(&r("/content/users/{user}/export"), any(export::export))
        .route(&r("/content/users/{user}/addItem"), any(add_item::add_root))
        .route(
            &r("/content/users/{user}/{folder}/addItem"),
            any(add_item::add_in_folder),
        )
        .route(
            &r("/content/users/{user}/publish"),
            any(publish::publish_root),
        )
        .route(
            &r("/content/users/{user}/{folder}/publish"),
            any(publish::publish_in_folder),
        )
        .route(
            &r("/content/users/{user}/createService"),
            any(create_service::create_root),
        )
        .route(
            &r("/content/users/{user}/{folder}/createService"),
            any(create_service::create_in_folder),
        )
        .route(
            &r("/content/users/{user}/createFolder"),
            any(sharing::create_folder),
        )
        .route(
            &r("/content/users/{user}/addRelationship"),
            any(sharing::add_relationship),
        )
        .route(
            &r("/content/users/{user}/removeRelationship"),
            any(sharing::remove_relationship),
        )
        .route(
            &r("/content/users/{user}/shareItems"),
            any(sharing::share_items),
        )
        .route(
            &r("/content/users/{user}/items/{id}/{op}"),
            any(item_ops::root_op),
        )
        .route(
            &r("/content/users/{user}/{folder}/items/{id}/{op}"),
            any(item_ops::folder_op),
        )
        .route(
            &r("/content/users/{user}/items/{id}/status"),
            any(export::status),
        )
        .route(
            &r("/content/users/{user}/items/{id}/delete"),
            any(export::delete),
        )
        .route(&r("/content/items/{id}"), any(items::item))
        .route(
            &r("/content/items/{id}/setContentStatus"),
            any(item_ops::item_content_status),
        )
        .route(&r("/content/items/{id}/data"), any(item_files::data))
        .route(
            &r("/content/items/{id}/info/{*path}"),
            any(item_files::info),
        )
        .route(
            &r("/content/items/{id}/resources"),
            any(item_files::resources),
        )
        .route(
            &r("/content/items/{id}/resources/{*path}"),
            any(item_files::resource_file),
        )
        .route(&r("/content/items/{id}/relatedItems"), any(items::related))
        .route(&r("/content/items/{id}/groups"), any(items::groups))
        .route(&r("/search"), any(search::search))
        .fallback(|| async { respond::not_found() })
        .with_state(shared)
}
