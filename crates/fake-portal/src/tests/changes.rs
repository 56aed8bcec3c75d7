//! Tests of the change helpers: feature edits and attachments bump editing dates (not the
//! item's `modified`), item deletion, item data replacement.

use super::*;
use crate::features::sample as svc;

/// GET a hosted-service resource (`rel` under the services root) as JSON.
async fn service_json(p: &FakePortal, token: &str, rel: &str) -> Value {
    let url = format!(
        "{}/{ORG_ID}/arcgis/rest/services/{rel}",
        p.services_origin()
    );
    let sep = if rel.contains('?') { '&' } else { '?' };
    client()
        .get(format!("{url}{sep}f=json"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn item_modified(p: &FakePortal, id: &str) -> i64 {
    p.items().iter().find(|i| i.id == id).unwrap().modified
}

#[tokio::test]
async fn edit_feature_bumps_layer_service_and_view_dates_but_not_item_modified() {
    let p = portal().await;
    let t = admin_token(&p);
    let layer_before = service_json(&p, &t, "Hydrants/FeatureServer/0").await;
    let old_last = layer_before["editingInfo"]["lastEditDate"]
        .as_i64()
        .unwrap();
    let old_row = service_json(
        &p,
        &t,
        "Hydrants/FeatureServer/0/query?objectIds=1&outFields=*",
    )
    .await;
    let modified = item_modified(&p, svc::HYDRANTS_ITEM_ID);

    let date = p.edit_feature(svc::HYDRANTS, 0, 1);
    assert!(date > old_last);
    let layer = service_json(&p, &t, "Hydrants/FeatureServer/0").await;
    assert_eq!(layer["editingInfo"]["lastEditDate"], date);
    assert_eq!(layer["editingInfo"]["dataLastEditDate"], date);
    let root = service_json(&p, &t, "Hydrants/FeatureServer").await;
    assert_eq!(root["editingInfo"]["lastEditDate"], date);
    let view = service_json(&p, &t, "Hydrants_view/FeatureServer/0").await;
    assert_eq!(view["editingInfo"]["lastEditDate"], date);
    let row = service_json(
        &p,
        &t,
        "Hydrants/FeatureServer/0/query?objectIds=1&outFields=*",
    )
    .await;
    assert_ne!(
        row["features"][0]["attributes"], old_row["features"][0]["attributes"],
        "one attribute changed"
    );
    assert_eq!(item_modified(&p, svc::HYDRANTS_ITEM_ID), modified);

    let again = p.edit_feature(svc::HYDRANTS, 0, 1);
    assert!(again > date, "strictly later on every edit");
}

#[tokio::test]
async fn add_attachment_is_listed_downloadable_and_bumps_dates() {
    let p = portal().await;
    let t = admin_token(&p);
    let old = service_json(&p, &t, "Hydrants/FeatureServer/0").await["editingInfo"]["lastEditDate"]
        .as_i64()
        .unwrap();
    let modified = item_modified(&p, svc::HYDRANTS_ITEM_ID);
    let aid = p.add_attachment(svc::HYDRANTS, 0, 2, "note.txt", b"hello".to_vec());
    let list = service_json(&p, &t, "Hydrants/FeatureServer/0/2/attachments").await;
    let infos = list["attachmentInfos"].as_array().unwrap();
    let info = infos.iter().find(|a| a["id"] == aid).expect("listed");
    assert_eq!(info["name"], "note.txt");
    assert_eq!(info["contentType"], "text/plain");
    assert_eq!(info["size"], 5);
    let url = format!(
        "{}/{ORG_ID}/arcgis/rest/services/Hydrants/FeatureServer/0/2/attachments/{aid}",
        p.services_origin()
    );
    let body = client().get(url).bearer_auth(&t).send().await.unwrap();
    assert_eq!(body.bytes().await.unwrap().as_ref(), b"hello");
    let layer = service_json(&p, &t, "Hydrants/FeatureServer/0").await;
    assert!(layer["editingInfo"]["lastEditDate"].as_i64().unwrap() > old);
    assert_eq!(item_modified(&p, svc::HYDRANTS_ITEM_ID), modified);
}

#[tokio::test]
async fn delete_item_removes_it_everywhere() {
    let p = portal().await;
    let t = admin_token(&p);
    let id = item_id("webmap");
    let before = get_json(
        &p,
        &format!("/content/items/{id}"),
        &[("f", "json"), ("token", &t)],
    )
    .await;
    let owner = before["owner"].as_str().unwrap().to_string();
    assert!(p.delete_item(&id));
    assert!(!p.delete_item(&id));
    assert!(p.items().iter().all(|i| i.id != id));
    let gone = get_json(
        &p,
        &format!("/content/items/{id}"),
        &[("f", "json"), ("token", &t)],
    )
    .await;
    assert_eq!(gone["error"]["messageCode"], "CONT_0001");
    let found = get_json(
        &p,
        "/search",
        &[("q", &format!("id:{id}")), ("f", "json"), ("token", &t)],
    )
    .await;
    assert_eq!(found["total"], 0, "{found}");
    let mut start = 1;
    while start > 0 {
        let page = get_json(
            &p,
            &format!("/content/users/{owner}"),
            &[
                ("f", "json"),
                ("token", &t),
                ("num", "100"),
                ("start", &start.to_string()),
            ],
        )
        .await;
        for it in page["items"].as_array().unwrap() {
            assert_ne!(it["id"], id.as_str());
        }
        start = page["nextStart"].as_i64().unwrap();
    }
}

#[tokio::test]
async fn set_item_data_replaces_data_and_bumps_modified() {
    let p = portal().await;
    let t = admin_token(&p);
    let id = item_id("csv");
    let before = item_modified(&p, &id);
    assert!(p.set_item_data(&id, "A,B\n1,2\n"));
    assert!(item_modified(&p, &id) > before);
    let r = client()
        .get(format!("{}/content/items/{id}/data", p.sharing_url()))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "text/csv");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"A,B\n1,2\n");
    let rec = get_json(
        &p,
        &format!("/content/items/{id}"),
        &[("f", "json"), ("token", &t)],
    )
    .await;
    assert_eq!(rec["size"], 8);
    assert_eq!(rec["modified"], item_modified(&p, &id));
    let wm = item_id("webmap");
    assert!(p.set_item_data(&wm, r#"{"operationalLayers":[]}"#));
    let text = client()
        .get(format!("{}/content/items/{wm}/data", p.sharing_url()))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text, r#"{"operationalLayers":[]}"#);
    assert!(!p.set_item_data("0123456789abcdef0123456789abcdef", "x"));
}
