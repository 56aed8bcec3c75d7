//! Fidelity of the fake portal: its responses carry the field names and JSON types documented in
//! the REST reference (taken from Esri's REST reference and the arcgis-rest-js mocks).
//! A field list per resource; each entry is `name:type` with type one of
//! s(tring) n(umber) b(ool) a(rray) o(bject) s? (string or null) o? (object or null).

mod common;
mod restore_common;

/// Esri's `clone_items` as a second restore referee (ignored; `scripts/esri-clone.sh`).
#[path = "esri/clone_compare.rs"]
mod clone_compare;

use agol_tui::client::request::Call;
use agol_tui::fake::sample;
use serde_json::Value;

fn check(what: &str, v: &Value, spec: &str) {
    for field in spec.split_whitespace() {
        let (name, ty) = field.split_once(':').unwrap();
        let got = v
            .get(name)
            .unwrap_or_else(|| panic!("{what}: missing `{name}` in {v}"));
        let ok = match ty {
            "s" => got.is_string(),
            "n" => got.is_number(),
            "i" => got.is_i64(),
            "b" => got.is_boolean(),
            "a" => got.is_array(),
            "o" => got.is_object(),
            "s?" => got.is_string() || got.is_null(),
            "o?" => got.is_object() || got.is_null(),
            "n|s" => got.is_number() || got.is_string(),
            other => panic!("bad spec {other}"),
        };
        assert!(ok, "{what}: `{name}` should be {ty}, got {got}");
    }
}

#[tokio::test]
async fn sharing_api_shapes_match_the_documented_ones() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let get = |path: &str| client.json::<Value>(Call::get(client.portal().sharing(path)));

    let root: Value = client
        .json(Call::get(client.portal().sharing_root()))
        .await
        .unwrap();
    check("sharing root", &root, "currentVersion:n|s");
    let info: Value = get("info").await.unwrap();
    check("info", &info, "owningSystemUrl:s authInfo:o");
    check(
        "info.authInfo",
        &info["authInfo"],
        "isTokenBasedSecurity:b tokenServicesUrl:s",
    );

    let me: Value = get("portals/self").await.unwrap();
    check(
        "portals/self",
        &me,
        "id:s name:s isPortal:b portalMode:s portalHostname:s urlKey:s customBaseUrl:s allSSL:b supportsOAuth:b maxTokenExpirationMinutes:i currentVersion:n|s created:i modified:i user:o",
    );
    let user: Value = get("community/self").await.unwrap();
    check(
        "community/self",
        &user,
        "username:s fullName:s orgId:s role:s privileges:a provider:s lastLogin:i created:i modified:i groups:a",
    );

    let users: Value = client
        .json(Call::get(client.portal().sharing("portals/self/users")).param("num", 2))
        .await
        .unwrap();
    check(
        "portals/self/users",
        &users,
        "total:i start:i num:i nextStart:i users:a",
    );

    let root_listing: Value = get(&format!("content/users/{}", sample::PUBLISHER_USERNAME))
        .await
        .unwrap();
    check(
        "content/users",
        &root_listing,
        "username:s total:i start:i num:i nextStart:i items:a folders:a",
    );
    assert!(root_listing["currentFolder"].is_null());
    check(
        "content/users folder",
        &root_listing["folders"][0],
        "username:s id:s title:s created:i",
    );

    let search: Value = client
        .json(
            Call::get(client.portal().sharing("search"))
                .param("q", format!("orgid:{}", sample::ORG_ID))
                .param("num", 5),
        )
        .await
        .unwrap();
    check(
        "search",
        &search,
        "query:s total:i start:i num:i nextStart:i results:a",
    );
    let result = &search["results"][0];
    check(
        "search result",
        result,
        "id:s owner:s title:s type:s typeKeywords:a tags:a created:i modified:i access:s size:i extent:a",
    );
    assert!(
        result.get("protected").is_none(),
        "search results lack `protected`"
    );

    let id = result["id"].as_str().unwrap();
    let item: Value = get(&format!("content/items/{id}")).await.unwrap();
    check(
        "item",
        &item,
        "id:s owner:s orgId:s created:i modified:i title:s type:s typeKeywords:a tags:a snippet:s? description:s? thumbnail:s? extent:a spatialReference:s? accessInformation:s? licenseInfo:s? culture:s? url:s? access:s size:i protected:b commentsEnabled:b numViews:i ownerFolder:s? isOrgItem:b",
    );
    let groups: Value = get(&format!("content/items/{id}/groups")).await.unwrap();
    check("item groups", &groups, "admin:a member:a other:a");

    let form = sample::item_id("form");
    let related: Value = client
        .json(
            Call::get(
                client
                    .portal()
                    .sharing(&format!("content/items/{form}/relatedItems")),
            )
            .param("relationshipType", "Survey2Service")
            .param("direction", "forward"),
        )
        .await
        .unwrap();
    check("relatedItems", &related, "total:i relatedItems:a");

    let story = sample::item_id("storymap");
    let resources: Value = get(&format!("content/items/{story}/resources"))
        .await
        .unwrap();
    check(
        "resources",
        &resources,
        "total:i start:i num:i nextStart:i resources:a",
    );
    check(
        "resource entry",
        &resources["resources"][0],
        "resource:s created:i size:i",
    );

    let err = get("content/items/0123456789abcdef0123456789abcdef").await;
    assert!(err.is_err());
    let raw = reqwest::get(format!(
        "{}/content/items/0123456789abcdef0123456789abcdef?f=json",
        client.portal().sharing_root()
    ))
    .await
    .unwrap();
    assert_eq!(raw.status(), 200, "errors come in HTTP 200");
    let body: Value = raw.json().await.unwrap();
    check(
        "error envelope",
        &body["error"],
        "code:i message:s details:a",
    );

    let html = reqwest::get(client.portal().sharing("portals/self"))
        .await
        .unwrap();
    assert_eq!(html.status(), 200);
    assert!(
        html.text().await.unwrap().trim_start().starts_with('<'),
        "HTML without f=json"
    );
}

#[tokio::test]
async fn feature_service_shapes_match_the_documented_ones() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let hydrants = fake
        .items()
        .into_iter()
        .find(|i| i.title == "Hydrants" && i.item_type == "Feature Service")
        .unwrap();
    let url = client.item(&hydrants.id).await.unwrap().item.url.unwrap();
    let service: Value = client.json(Call::get(&url)).await.unwrap();
    check(
        "FeatureServer",
        &service,
        "currentVersion:n serviceItemId:s maxRecordCount:i capabilities:s supportedQueryFormats:s layers:a tables:a spatialReference:o hasStaticData:b syncEnabled:b supportsApplyEditsWithGlobalIds:b",
    );
    let ids: Vec<i64> = service["layers"]
        .as_array()
        .unwrap()
        .iter()
        .chain(service["tables"].as_array().unwrap())
        .map(|l| l["id"].as_i64().unwrap())
        .collect();
    assert!(
        ids.windows(2).any(|w| w[1] - w[0] > 1),
        "layer/table ids are not contiguous: {ids:?}"
    );
    let layer: Value = client.json(Call::get(format!("{url}/0"))).await.unwrap();
    check(
        "layer",
        &layer,
        "id:i name:s type:s geometryType:s fields:a objectIdField:s globalIdField:s hasAttachments:b editingInfo:o maxRecordCount:i advancedQueryCapabilities:o drawingInfo:o",
    );
    check(
        "editingInfo",
        &layer["editingInfo"],
        "lastEditDate:i dataLastEditDate:i schemaLastEditDate:i",
    );
    check("field", &layer["fields"][0], "name:s type:s alias:s");
    let page: Value = client
        .json(
            Call::get(format!("{url}/0/query"))
                .param("where", "1=1")
                .param("outFields", "*"),
        )
        .await
        .unwrap();
    check(
        "query",
        &page,
        "objectIdFieldName:s geometryType:s spatialReference:o fields:a features:a exceededTransferLimit:b",
    );
    check("feature", &page["features"][0], "attributes:o geometry:o");
    let count: Value = client
        .json(
            Call::get(format!("{url}/0/query"))
                .param("where", "1=1")
                .param("returnCountOnly", "true"),
        )
        .await
        .unwrap();
    check("count", &count, "count:i");
    let ids: Value = client
        .json(
            Call::get(format!("{url}/0/query"))
                .param("where", "1=1")
                .param("returnIdsOnly", "true"),
        )
        .await
        .unwrap();
    check("ids", &ids, "objectIdFieldName:s objectIds:a");
    assert_eq!(
        ids["objectIds"].as_array().unwrap().len() as i64,
        count["count"].as_i64().unwrap()
    );
    assert!(count["count"].as_i64().unwrap() > layer["maxRecordCount"].as_i64().unwrap());
}

#[tokio::test]
async fn the_sample_org_has_what_the_issue_lists() {
    let fake = common::fake().await;
    let items = fake.items();
    let types: std::collections::BTreeSet<_> = items.iter().map(|i| i.item_type.as_str()).collect();
    assert!(types.len() >= 12, "at least twelve item types: {types:?}");
    for t in [
        "Web Map",
        "Web Mapping Application",
        "Dashboard",
        "StoryMap",
        "Form",
        "Feature Service",
        "CSV",
        "PDF",
        "Shapefile",
        "File Geodatabase",
        "Code Attachment",
    ] {
        assert!(types.contains(t), "{t} missing");
    }
    let owners: std::collections::BTreeSet<_> = items.iter().map(|i| i.owner.as_str()).collect();
    assert!(
        owners.len() >= 3,
        "an admin and at least two more users own content"
    );
    assert!(items.iter().any(|i| i.folder.is_some()) && items.iter().any(|i| i.folder.is_none()));
    let mut titles = std::collections::HashMap::new();
    for i in &items {
        *titles
            .entry((i.title.as_str(), i.owner.as_str()))
            .or_insert(0) += 1;
    }
    assert!(
        items
            .iter()
            .any(|i| i.title.contains(',') && i.title.contains('"') && i.title.contains('\n'))
    );
    assert!(
        items
            .iter()
            .map(|i| &i.title)
            .collect::<Vec<_>>()
            .windows(1)
            .count()
            > 0
    );
    let dup = items
        .iter()
        .filter(|a| items.iter().filter(|b| b.title == a.title).count() > 1)
        .count();
    assert!(dup >= 2, "two items share a title");
}

/// Esri's `clone_items` reads `{view}/{layer}/sources` (the source layer of a view layer) and
/// adds relationships between existing layers with `addToDefinition`
/// `{"layers":[{"id":0,"relationships":[…]}]}`; the fake answered both with an error.
#[tokio::test]
async fn view_layer_sources_and_relationships_added_to_existing_layers() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let find = |title: &str| {
        fake.items()
            .into_iter()
            .find(|i| i.title == title && i.item_type == "Feature Service")
            .unwrap()
    };
    let (hydrants, view) = (find("Hydrants"), find("Hydrants view"));
    let source_url = client.item(&hydrants.id).await.unwrap().item.url.unwrap();
    let view_url = client.item(&view.id).await.unwrap().item.url.unwrap();
    let sources: Value = client
        .json(Call::get(format!("{view_url}/0/sources")))
        .await
        .unwrap();
    check("layer sources", &sources, "currentVersion:n layers:a");
    let entry = &sources["layers"][0];
    check("layer source", entry, "name:s type:s url:s serviceItemId:s");
    assert_eq!(entry["serviceItemId"], hydrants.id.as_str());
    assert_eq!(entry["url"], format!("{source_url}/0").as_str());

    let admin_url = source_url.replacen("/rest/services/", "/rest/admin/services/", 1);
    let rel = serde_json::json!({"id": 7, "name": "Hydrants_self", "relatedTableId": 0,
        "cardinality": "esriRelCardinalityOneToMany", "role": "esriRelRoleOrigin",
        "keyField": "GlobalID", "composite": false});
    let def = serde_json::json!({"layers": [{"id": 0, "relationships": [rel]}]});
    let answer: Value = client
        .json(Call::post(format!("{admin_url}/addToDefinition")).param("addToDefinition", def))
        .await
        .unwrap();
    assert_eq!(answer["success"], true, "{answer}");
    let layer: Value = client
        .json(Call::get(format!("{source_url}/0")))
        .await
        .unwrap();
    let rels = layer["relationships"].as_array().unwrap();
    assert!(
        rels.iter().any(|r| r["name"] == "Hydrants_self"),
        "{rels:?}"
    );
    // A full layer definition under a taken id is still refused.
    let dup = serde_json::json!({"layers": [{"id": 0, "name": "Again", "type": "Feature Layer",
        "fields": []}]});
    let refused = client
        .json::<Value>(
            Call::post(format!("{admin_url}/addToDefinition")).param("addToDefinition", dup),
        )
        .await;
    assert!(refused.is_err(), "{refused:?}");
}

/// Esri's `clone_items(preserve_status=True)` sends `setContentStatus` as a GET with the token
/// (ArcGIS API for Python 2.4) and fails the whole item when the portal refuses it.
#[tokio::test]
async fn set_content_status_is_answered_for_get_too() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let item = fake
        .items()
        .into_iter()
        .find(|i| i.item_type == "Web Map")
        .unwrap();
    let url = client
        .portal()
        .sharing(&format!("content/items/{}/setContentStatus", item.id));
    let answer: Value = client
        .json(Call::get(url).param("status", "deprecated"))
        .await
        .unwrap();
    assert_eq!(answer["success"], true, "{answer}");
    let after: Value = client
        .json(Call::get(
            client
                .portal()
                .sharing(&format!("content/items/{}", item.id)),
        ))
        .await
        .unwrap();
    assert_eq!(after["contentStatus"], "deprecated", "{after}");
}

/// Esri's `clone_items` reads `{portal}/apps/dashboards/build.json` (a static JSON file) and
/// refuses dashboards whose data `version` is newer than its `version`; the fake answered 404
/// HTML, which failed every dashboard with a JSON decode error.
#[tokio::test]
async fn dashboards_build_json_covers_the_sample_dashboards() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let build: Value = reqwest::get(format!("{}/apps/dashboards/build.json", fake.url()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let version = build["version"].as_i64().expect("a numeric version");
    let mut dashboards = 0;
    for item in fake
        .items()
        .into_iter()
        .filter(|i| i.item_type == "Dashboard")
    {
        let data: Value = client
            .json(Call::get(
                client
                    .portal()
                    .sharing(&format!("content/items/{}/data", item.id)),
            ))
            .await
            .unwrap();
        let v = data["version"]
            .as_i64()
            .expect("dashboard data is versioned");
        assert!(v <= version, "{} has version {v} > {version}", item.title);
        dashboards += 1;
    }
    assert!(dashboards >= 2);
}
