//! The admin side Esri's package export reads (service and layer GETs with full definitions,
//! layer `updateDefinition`, `refresh`), views related to their sources, and the
//! `no_data_quirks` sample org.

use super::write_util::{get, post};
use super::*;
use crate::features::sample as svc;

fn admin_url(p: &FakePortal, service: &str) -> String {
    format!(
        "{}/{}/arcgis/rest/admin/services/{service}/FeatureServer",
        p.services_origin(),
        p.org_id()
    )
}

#[tokio::test]
async fn admin_gets_answer_full_definitions_and_view_sources() {
    let p = portal().await;
    let t = p.issue_token(ADMIN_USERNAME);
    let root = get(&admin_url(&p, svc::HYDRANTS), &t, &[]).await;
    assert_eq!(root["adminServiceInfo"]["name"], svc::HYDRANTS, "{root}");
    assert_eq!(root["adminServiceInfo"]["type"], "FeatureServer");
    let l0 = &root["layers"][0];
    assert!(l0["fields"].as_array().unwrap().len() > 2, "{l0}");
    assert_eq!(l0["adminLayerInfo"]["geometryField"]["name"], "Shape");
    assert!(root["tables"].is_array());
    let layer = get(&format!("{}/0", admin_url(&p, svc::HYDRANTS)), &t, &[]).await;
    assert_eq!(layer["id"], 0);
    assert!(layer["fields"].is_array());
    let view = get(&format!("{}/0", admin_url(&p, svc::HYDRANTS_VIEW)), &t, &[]).await;
    let table = &view["adminLayerInfo"]["viewLayerDefinition"]["table"];
    assert_eq!(table["sourceServiceName"], svc::HYDRANTS, "{view}");
    assert_eq!(table["sourceLayerId"], 0);
    let missing = get(&format!("{}/99", admin_url(&p, svc::HYDRANTS)), &t, &[]).await;
    assert_eq!(missing["error"]["code"], 400);
    let viewer = p.issue_token(USER_USERNAME);
    let denied = get(&admin_url(&p, svc::HYDRANTS), &viewer, &[]).await;
    assert_eq!(denied["error"]["code"], 403, "{denied}");
}

#[tokio::test]
async fn layer_update_definition_and_refresh() {
    let p = portal().await;
    let t = p.issue_token(ADMIN_USERNAME);
    let admin = admin_url(&p, svc::HYDRANTS);
    let layer = get(&format!("{admin}/0"), &t, &[]).await;
    let mut fields = layer["fields"].as_array().unwrap().clone();
    let name = fields[1]["name"].as_str().unwrap().to_string();
    fields[1]["description"] = Value::from("about this field");
    let def = serde_json::json!({"fields": fields, "description": "Layer text",
                                 "drawingInfo": {"renderer": {"type": "simple"}}});
    let r = post(
        &format!("{admin}/0/updateDefinition"),
        &t,
        &[("updateDefinition", &def.to_string())],
    )
    .await;
    assert_eq!(r["success"], true, "{r}");
    let after = get(&format!("{admin}/0"), &t, &[]).await;
    assert_eq!(after["description"], "Layer text");
    assert_eq!(after["drawingInfo"]["renderer"]["type"], "simple");
    let f = after["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == name.as_str())
        .unwrap();
    assert_eq!(f["description"], "about this field", "{f}");
    let bad = serde_json::json!({"fields": [{"name": "NoSuchField"}]});
    let r = post(
        &format!("{admin}/0/updateDefinition"),
        &t,
        &[("updateDefinition", &bad.to_string())],
    )
    .await;
    assert_eq!(r["error"]["code"], 400, "{r}");
    for url in [format!("{admin}/refresh"), format!("{admin}/0/refresh")] {
        assert_eq!(post(&url, &t, &[]).await["success"], true, "{url}");
    }
}

#[tokio::test]
async fn a_view_is_related_to_its_source_and_status_works_in_folders() {
    let p = portal().await;
    let t = p.issue_token(ADMIN_USERNAME);
    let rel = get(
        &format!(
            "{}/content/items/{}/relatedItems",
            p.sharing_url(),
            svc::HYDRANTS_ITEM_ID
        ),
        &t,
        &[
            ("relationshipType", "Service2Service"),
            ("direction", "forward"),
        ],
    )
    .await;
    let ids: Vec<&str> = rel["relatedItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![svc::HYDRANTS_VIEW_ITEM_ID], "{rel}");
    let folder = p
        .items()
        .into_iter()
        .find(|i| i.id == svc::HYDRANTS_ITEM_ID);
    let owner = folder.as_ref().unwrap().owner.clone();
    let folder = folder.and_then(|i| i.folder);
    if let Some(f) = folder {
        let url = format!(
            "{}/content/users/{owner}/{f}/items/{}/status",
            p.sharing_url(),
            svc::HYDRANTS_ITEM_ID
        );
        assert_eq!(post(&url, &t, &[]).await["status"], "completed");
    }
}

#[tokio::test]
async fn no_data_quirks_serves_the_code_attachment_and_clean_json() {
    let p = FakePortal::start(FakeConfig {
        no_data_quirks: true,
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let t = p.issue_token(ADMIN_USERNAME);
    for it in p.items() {
        let r = client()
            .get(format!("{}/content/items/{}/data", p.sharing_url(), it.id))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{} ({})", it.title, it.item_type);
        if matches!(it.item_type.as_str(), "Web Map" | "Web Scene" | "Dashboard") {
            let body = r.text().await.unwrap();
            serde_json::from_str::<Value>(&body).unwrap_or_else(|e| panic!("{}: {e}", it.title));
        }
    }
}
