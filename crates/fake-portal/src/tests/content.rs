use super::*;
use crate::sample;

async fn get_with(p: &FakePortal, path: &str, token: &str) -> reqwest::Response {
    client()
        .get(format!("{}{path}", p.sharing_url()))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn item_record_errors_and_data_quirks() {
    let p = portal().await;
    let t = admin_token(&p);
    let missing = get_json(
        &p,
        "/content/items/0123456789abcdef0123456789abcdef",
        &[("f", "json")],
    )
    .await;
    assert_eq!(missing["error"]["code"], 400);
    assert_eq!(missing["error"]["messageCode"], "CONT_0001");
    assert_eq!(
        missing["error"]["message"],
        "Item does not exist or is inaccessible."
    );
    let csv = sample::item_id("csv");
    let anon = get_json(&p, &format!("/content/items/{csv}"), &[("f", "json")]).await;
    assert_eq!(anon["error"]["code"], 403);
    let viewer = p.issue_token(USER_USERNAME);
    let v: Value = get_with(&p, &format!("/content/items/{csv}?f=json"), &viewer)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["error"]["code"], 403);
    let hyd = crate::features::sample::HYDRANTS_ITEM_ID;
    let v: Value = client()
        .post(format!("{}/content/items/{hyd}", p.sharing_url()))
        .bearer_auth(&t)
        .form(&[("f", "json")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["protected"], true);
    assert_eq!(v["contentStatus"], "org_authoritative");
    assert_eq!(v["size"], -1);
    assert_eq!(v["itemControl"], "admin");
    assert!(v["url"].as_str().unwrap().starts_with(&p.services_origin()));
    // JSON data as text/plain; empty data is 0 bytes; Code Attachment fails.
    let wm = get_with(
        &p,
        &format!("/content/items/{}/data?f=json", sample::item_id("webmap")),
        &t,
    )
    .await;
    assert!(
        wm.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let wm: Value = serde_json::from_str(&wm.text().await.unwrap()).unwrap();
    assert_eq!(wm["operationalLayers"][0]["itemId"], hyd);
    let empty = get_with(
        &p,
        &format!("/content/items/{}/data", sample::item_id("empty-app")),
        &t,
    )
    .await;
    assert_eq!(empty.status(), 200);
    assert!(empty.bytes().await.unwrap().is_empty());
    let code = get_with(
        &p,
        &format!("/content/items/{}/data", sample::item_id("code")),
        &t,
    )
    .await;
    assert!(code.status().is_server_error());
    let ctl = get_with(
        &p,
        &format!("/content/items/{}/data", sample::item_id("notes-webmap")),
        &t,
    )
    .await;
    let text = ctl.text().await.unwrap();
    assert!(text.contains('\u{1}') && serde_json::from_str::<Value>(&text).is_err());
    let pdf = get_with(
        &p,
        &format!("/content/items/{}/data", sample::item_id("pdf")),
        &t,
    )
    .await;
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(
        pdf.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("water_quality_2023.pdf")
    );
    let thumb = get_with(
        &p,
        &format!("/content/items/{hyd}/info/thumbnail/thumbnail.png"),
        &t,
    )
    .await;
    assert_eq!(thumb.headers()["content-type"], "image/png");
    let broken = get_with(
        &p,
        &format!(
            "/content/items/{}/info/thumbnail/ago_downloaded.png",
            sample::item_id("shapefile")
        ),
        &t,
    )
    .await;
    assert_eq!(broken.status(), 404);
    let meta = get_with(
        &p,
        &format!("/content/items/{hyd}/info/metadata/metadata.xml"),
        &t,
    )
    .await;
    assert!(meta.text().await.unwrap().contains("<metadata"));
    let form = get_with(
        &p,
        &format!("/content/items/{}/info/form.json", sample::item_id("form")),
        &t,
    )
    .await;
    assert!(form.text().await.unwrap().contains("questions"));
}

#[tokio::test]
async fn resources_related_and_groups() {
    let p = portal().await;
    let t = admin_token(&p);
    let app = sample::item_id("app");
    let v: Value = get_with(
        &p,
        &format!("/content/items/{app}/resources?f=json&num=1000"),
        &t,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(v["total"], 121);
    assert_eq!(v["nextStart"], -1);
    assert_eq!(v["resources"].as_array().unwrap().len(), 121);
    let v: Value = get_with(
        &p,
        &format!("/content/items/{app}/resources?f=json&num=50&start=101"),
        &t,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(v["resources"].as_array().unwrap().len(), 21);
    let story = sample::item_id("storymap");
    let r = get_with(
        &p,
        &format!("/content/items/{story}/resources/images/logo.png"),
        &t,
    )
    .await;
    assert_eq!(r.headers()["content-type"], "image/png");
    let v: Value = get_with(
        &p,
        &format!(
            "/content/items/{app}/relatedItems?f=json&relationshipType=WMA2Code&direction=forward"
        ),
        &t,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(v["total"], 1);
    assert_eq!(v["relatedItems"][0]["type"], "Code Attachment");
    let fi = crate::features::sample::FIELD_INSPECTIONS_ITEM_ID;
    let v: Value = get_with(&p, &format!("/content/items/{fi}/relatedItems?f=json&relationshipTypes=Survey2Service&direction=reverse"), &t)
        .await.json().await.unwrap();
    assert_eq!(v["relatedItems"][0]["type"], "Form");
    let hyd = crate::features::sample::HYDRANTS_ITEM_ID;
    let pubt = p.issue_token(PUBLISHER_USERNAME);
    let v: Value = get_with(&p, &format!("/content/items/{hyd}/groups?f=json"), &pubt)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["admin"].as_array().unwrap().len(), 2, "{v}");
}

#[tokio::test]
async fn user_content_paging_and_permissions() {
    let p = portal().await;
    let t = p.issue_token(PUBLISHER_USERNAME);
    let v: Value = get_with(
        &p,
        &format!("/content/users/{PUBLISHER_USERNAME}?f=json&num=2"),
        &t,
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(v["currentFolder"].is_null());
    assert_eq!(v["folders"].as_array().unwrap().len(), 3);
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    assert_eq!(v["nextStart"], 3);
    let total = v["total"].as_u64().unwrap();
    let v: Value = get_with(
        &p,
        &format!("/content/users/{PUBLISHER_USERNAME}?f=json&num=1000"),
        &t,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(v["items"].as_array().unwrap().len() as u64, total);
    assert_eq!(v["nextStart"], -1);
    let folder = v["folders"][0]["id"].as_str().unwrap().to_string();
    let f: Value = get_with(
        &p,
        &format!("/content/users/{PUBLISHER_USERNAME}/{folder}?f=json"),
        &t,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(f["currentFolder"]["id"], folder.as_str());
    let other: Value = get_with(&p, &format!("/content/users/{ADMIN_USERNAME}?f=json"), &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(other["error"]["code"], 403);
    let admin = admin_token(&p);
    let users: Value = get_with(&p, "/portals/self/users?f=json&num=2", &admin)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(users["users"].as_array().unwrap().len(), 2);
    assert_eq!(users["total"], 4);
    let denied: Value = get_with(&p, "/portals/self/users?f=json", &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(denied["error"]["code"], 403);
    let me: Value = get_with(&p, "/portals/self?f=json", &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["username"], PUBLISHER_USERNAME);
    assert_eq!(me["id"], ORG_ID);
    let groups: Value = get_with(
        &p,
        &format!("/community/groups?f=json&q=orgid:{ORG_ID}"),
        &t,
    )
    .await
    .json()
    .await
    .unwrap();
    assert!(groups["total"].as_u64().unwrap() >= 2);
    let gid = sample::field_ops_group_id();
    let gc: Value = get_with(&p, &format!("/content/groups/{gid}?f=json"), &t)
        .await
        .json()
        .await
        .unwrap();
    assert!(gc["items"].as_array().unwrap().len() >= 3);
    let gu: Value = get_with(&p, &format!("/community/groups/{gid}/users?f=json"), &t)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(gu["owner"], PUBLISHER_USERNAME);
}

#[tokio::test]
async fn export_status_download_and_delete() {
    let p = portal().await;
    let t = p.issue_token(PUBLISHER_USERNAME);
    let hyd = crate::features::sample::HYDRANTS_ITEM_ID;
    let base = format!("{}/content/users/{PUBLISHER_USERNAME}", p.sharing_url());
    let v: Value = client()
        .post(format!("{base}/export"))
        .bearer_auth(&t)
        .form(&[
            ("itemId", hyd),
            ("exportFormat", "File Geodatabase"),
            ("title", "hyd_backup"),
            ("f", "json"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let job = v["jobId"].as_str().expect("jobId").to_string();
    let out = v["exportItemId"].as_str().unwrap().to_string();
    assert_eq!(v["serviceItemId"], hyd);
    let status_url = format!("{base}/items/{out}/status");
    let q = [
        ("jobId", job.as_str()),
        ("jobType", "export"),
        ("f", "json"),
    ];
    let s1: Value = client()
        .get(&status_url)
        .query(&q)
        .bearer_auth(&t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(s1["status"], "processing");
    let s2: Value = client()
        .get(&status_url)
        .query(&q)
        .bearer_auth(&t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(s2["status"], "completed");
    let data = get_with(&p, &format!("/content/items/{out}/data"), &t).await;
    assert_eq!(data.headers()["content-type"], "application/zip");
    assert!(data.bytes().await.unwrap().starts_with(b"PK"));
    let del: Value = client()
        .post(format!("{base}/items/{out}/delete"))
        .bearer_auth(&t)
        .form(&[("permanentDelete", "true"), ("f", "json")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(del["success"], true);
    assert!(p.items().iter().all(|i| i.id != out));
    let prot: Value = client()
        .post(format!("{base}/items/{hyd}/delete"))
        .bearer_auth(&t)
        .form(&[("f", "json")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(prot["error"]["messageCode"], "CONT_0048");
    let viewer = p.issue_token(USER_USERNAME);
    let denied: Value = client()
        .post(format!(
            "{}/content/users/{USER_USERNAME}/export",
            p.sharing_url()
        ))
        .bearer_auth(&viewer)
        .form(&[
            ("itemId", crate::features::sample::HYDRANTS_VIEW_ITEM_ID),
            ("exportFormat", "CSV"),
            ("f", "json"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(denied["error"]["code"], 403, "{denied}");
}
