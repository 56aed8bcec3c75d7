//! JSON renderings of items, users, groups and folders as the real portal shapes them.

use super::model::{Folder, Group, Item, Org, User};
use serde_json::{Map, Value, json};

/// Which item fields to include.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemView {
    /// `/content/items/{id}`: everything incl. `protected`.
    Full,
    /// Search results: no `protected`.
    Search,
}

/// An item as `caller` sees it.
pub fn item_json(org: &Org, item: &Item, caller: Option<&str>, view: ItemView) -> Value {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    put("id", json!(item.id));
    put("owner", json!(item.owner));
    put("orgId", json!(org.id));
    put("created", json!(item.created));
    put("isOrgItem", json!(true));
    put("modified", json!(item.modified));
    put("guid", Value::Null);
    put("name", json!(item.name));
    put("title", json!(item.title));
    put("type", json!(item.item_type));
    put("typeKeywords", json!(item.type_keywords));
    put("description", json!(item.description));
    put("tags", json!(item.tags));
    put("snippet", json!(item.snippet));
    put("thumbnail", json!(item.thumbnail));
    put("documentation", json!(item.documentation));
    put("extent", json!(item.extent));
    put("categories", json!(item.categories));
    put("spatialReference", json!(item.spatial_reference));
    put("accessInformation", json!(item.access_information));
    put("classification", Value::Null);
    put("licenseInfo", json!(item.license_info));
    put("culture", json!(item.culture));
    put("properties", item.properties.clone().unwrap_or(Value::Null));
    put("advancedSettings", Value::Null);
    put("url", json!(item.url));
    put("proxyFilter", Value::Null);
    put("access", json!(item.access));
    put("size", json!(item.size));
    put("subInfo", json!(0));
    put("appCategories", json!([]));
    put("industries", json!([]));
    put("languages", json!([]));
    put("largeThumbnail", Value::Null);
    put("banner", Value::Null);
    put("screenshots", json!([]));
    put("listed", json!(false));
    put("ownerFolder", json!(item.folder));
    if view == ItemView::Full {
        put("protected", json!(item.protected));
    }
    put("commentsEnabled", json!(false));
    put("numComments", json!(0));
    put("numRatings", json!(0));
    put("avgRating", json!(0));
    put("numViews", json!(item.num_views));
    if let Some(ic) = org.item_control(caller, item) {
        put("itemControl", json!(ic));
    }
    put("scoreCompleteness", json!(78));
    put("groupDesignations", Value::Null);
    put("lastViewed", json!(-1));
    if let Some(cs) = item.content_status {
        put("contentStatus", json!(cs));
    }
    Value::Object(m)
}

/// How much of a user record the caller sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserView {
    /// Anyone else: public profile only.
    Public,
    /// Self or an org admin: private fields, privileges, groups.
    Private,
}

fn privileges(user: &User) -> Vec<&'static str> {
    let mut p = vec![
        "portal:user:createGroup",
        "portal:user:joinGroup",
        "portal:user:shareToGroup",
        "portal:user:shareToOrg",
        "portal:user:viewOrgGroups",
        "portal:user:viewOrgItems",
        "portal:user:viewOrgUsers",
    ];
    if user.role != super::model::Role::User {
        p.extend([
            "portal:publisher:publishFeatures",
            "portal:user:createItem",
            "portal:user:shareToPublic",
        ]);
    }
    if user.role == super::model::Role::Admin {
        p.extend([
            "portal:admin:deleteItems",
            "portal:admin:reassignItems",
            "portal:admin:updateItems",
            "portal:admin:viewItems",
            "portal:admin:viewUsers",
            "portal:admin:viewGroups",
            "portal:admin:updateUsers",
        ]);
    }
    p.sort_unstable();
    p
}

/// A user record.
pub fn user_json(org: &Org, user: &User, view: UserView) -> Value {
    let first = user.full_name.split(' ').next().unwrap_or("");
    let last = user
        .full_name
        .split(' ')
        .skip(1)
        .collect::<Vec<_>>()
        .join(" ");
    let mut v = json!({
        "username": user.username, "udn": null, "id": super::ids::stable_id(&format!("user:{}", user.username)),
        "fullName": user.full_name, "firstName": first, "lastName": last,
        "description": null, "tags": [], "culture": "en", "cultureFormat": "us",
        "region": "US", "units": "english", "thumbnail": null, "access": "org",
        "created": user.created, "modified": user.created, "provider": user.provider,
    });
    if view == UserView::Private {
        let groups: Vec<Value> = org
            .groups
            .iter()
            .filter(|g| g.members.contains_key(&user.username))
            .map(|g| group_json(org, g, Some(&user.username)))
            .collect();
        let extra = json!({
            "email": user.email, "idpUsername": if user.provider == "enterprise" {
                json!(format!("{}@riverside-water.example", user.username)) } else { Value::Null },
            "favGroupId": null, "lastLogin": user.last_login, "mfaEnabled": false,
            "storageUsage": 583_650, "storageQuota": 2_199_023_255_552i64,
            "orgId": org.id, "role": user.role.as_str(), "privileges": privileges(user),
            "level": "2", "userLicenseTypeId": if user.role == super::model::Role::User { "viewerUT" } else { "creatorUT" },
            "disabled": false, "userType": "both", "groups": groups,
        });
        if let (Some(o), Value::Object(e)) = (v.as_object_mut(), extra) {
            o.extend(e);
        }
    }
    v
}

/// A group record with the caller's `userMembership`.
pub fn group_json(org: &Org, g: &Group, caller: Option<&str>) -> Value {
    let member_type = caller
        .and_then(|c| g.members.get(c).copied())
        .unwrap_or("none");
    json!({
        "id": g.id, "title": g.title, "isInvitationOnly": true, "owner": g.owner,
        "description": format!("<p>{}</p>", g.title), "snippet": g.snippet, "tags": g.tags,
        "typeKeywords": [], "phone": null, "sortField": "modified", "sortOrder": "desc",
        "isViewOnly": false, "featuredItemsId": null, "thumbnail": null,
        "created": g.created, "modified": g.created, "access": g.access,
        "capabilities": g.capabilities, "isFav": false, "isReadOnly": false,
        "protected": false, "autoJoin": false, "notificationsEnabled": false,
        "provider": null, "providerGroupName": null, "leavingDisallowed": false,
        "hiddenMembers": false, "displaySettings": {"itemTypes": ""},
        "orgId": org.id,
        "userMembership": {"username": caller, "memberType": member_type, "applications": 0}
    })
}

/// A folder entry `{username,id,title,created}`.
pub fn folder_json(user: &User, f: &Folder) -> Value {
    json!({"username": user.username, "id": f.id, "title": f.title, "created": f.created})
}

/// Paging arithmetic: (start index, end index exclusive, nextStart) for 1-based `start`.
pub fn page(total: usize, start: i64, num: i64) -> (usize, usize, i64) {
    let start = start.max(1) as usize;
    let num = num.max(0) as usize;
    let from = (start - 1).min(total);
    let to = (from + num).min(total);
    let next = if to < total { (to + 1) as i64 } else { -1 };
    (from, to, next)
}
