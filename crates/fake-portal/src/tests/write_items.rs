//! Write side of the portal: empty org, folders, addItem, update, info, resources,
//! relationships, sharing, multipart uploads, itemIdToCreate.

use super::write_util::{bytes, empty, get, post, post_multipart};
use super::{ADMIN_USERNAME, PUBLISHER_USERNAME, USER_USERNAME, portal};
use crate::sample::{EMPTY_ORG_ID, ORG_ID};

#[tokio::test]
async fn empty_org_has_users_and_groups_but_no_content() {
    let (a, b) = (portal().await, empty(false).await);
    assert!(b.items().is_empty());
    assert!(b.service_names().is_empty());
    assert_eq!(
        (a.org_id(), b.org_id()),
        (ORG_ID.into(), EMPTY_ORG_ID.into())
    );
    let ga = a.group_id("Field Operations").expect("group in A");
    let gb = b.group_id("Field Operations").expect("group in B");
    assert_ne!(ga, gb, "group ids differ; titles match");
    assert!(b.folders(PUBLISHER_USERNAME).is_empty());
    let tok = b.issue_token(PUBLISHER_USERNAME);
    let me = get(&format!("{}/community/self", b.sharing_url()), &tok, &[]).await;
    assert_eq!(me["username"], PUBLISHER_USERNAME);
    assert!(!a.items().is_empty(), "two portals share nothing");
}

#[tokio::test]
async fn add_item_in_a_new_folder_shows_up_everywhere() {
    let p = empty(false).await;
    let tok = p.issue_token(PUBLISHER_USERNAME);
    let base = format!("{}/content/users/{PUBLISHER_USERNAME}", p.sharing_url());
    let f = post(
        &format!("{base}/createFolder"),
        &tok,
        &[("title", "Field Maps")],
    )
    .await;
    assert_eq!(f["success"], true, "{f}");
    assert_eq!(f["folder"]["title"], "Field Maps");
    assert_eq!(f["folder"]["username"], PUBLISHER_USERNAME);
    let fid = f["folder"]["id"].as_str().expect("folder id").to_string();
    let dup = post(
        &format!("{base}/createFolder"),
        &tok,
        &[("title", "field maps")],
    )
    .await;
    assert_eq!(dup["error"]["code"], 400, "{dup}");

    let webmap = r#"{"operationalLayers":[],"version":"2.31"}"#;
    let r = post(
        &format!("{base}/{fid}/addItem"),
        &tok,
        &[
            ("title", "Hydrant map"),
            ("type", "Web Map"),
            ("typeKeywords", "ArcGIS Online,Explorer Web Map"),
            ("tags", "water,hydrants"),
            ("snippet", "Hydrants"),
            ("description", "<p>All hydrants</p>"),
            ("accessInformation", "Riverside"),
            ("licenseInfo", "CC-BY"),
            ("extent", "-117.45,33.88,-117.3,34.02"),
            ("spatialReference", "102100"),
            ("culture", "fr-fr"),
            ("properties", r#"{"a":1}"#),
            ("categories", "/Categories/Water"),
            ("text", webmap),
        ],
    )
    .await;
    assert_eq!(r["success"], true, "{r}");
    assert_eq!(r["folder"], fid.as_str());
    let id = r["id"].as_str().expect("id").to_string();
    assert!(crate::ids::is_item_id(&id));

    let it = get(
        &format!("{}/content/items/{id}", p.sharing_url()),
        &tok,
        &[],
    )
    .await;
    assert_eq!(it["owner"], PUBLISHER_USERNAME);
    assert_eq!(it["ownerFolder"], fid.as_str());
    assert_eq!(it["access"], "private");
    assert_eq!(it["tags"], serde_json::json!(["water", "hydrants"]));
    assert_eq!(
        it["extent"],
        serde_json::json!([[-117.45, 33.88], [-117.3, 34.02]])
    );
    assert_eq!(it["culture"], "fr-fr");
    assert_eq!(it["properties"]["a"], 1);
    assert_eq!(it["categories"], serde_json::json!(["/Categories/Water"]));
    assert_eq!(it, p.item_json(&id).expect("helper"));
    let data = bytes(
        &format!("{}/content/items/{id}/data", p.sharing_url()),
        &tok,
    )
    .await;
    assert_eq!(data, webmap.as_bytes());
    assert_eq!(p.item_data(&id).expect("data"), webmap.as_bytes());
    let list = get(&format!("{base}/{fid}"), &tok, &[]).await;
    assert_eq!(list["items"][0]["id"], id.as_str());
    let found = get(
        &format!("{}/search", p.sharing_url()),
        &tok,
        &[("q", &format!("id:{id}"))],
    )
    .await;
    assert_eq!(found["total"], 1, "{found}");

    let bad = post(
        &format!("{base}/addItem"),
        &tok,
        &[
            ("title", "Broken"),
            ("type", "Web Map"),
            ("text", "{not json"),
        ],
    )
    .await;
    assert_eq!(bad["error"]["messageCode"], "CONT_0057", "{bad}");
}

#[tokio::test]
async fn writes_need_post_a_token_and_the_owner_or_an_admin() {
    let p = empty(false).await;
    let base = format!("{}/content/users/{PUBLISHER_USERNAME}", p.sharing_url());
    let form = [("title", "X"), ("type", "Web Map"), ("text", "{}")];
    let viewer = p.issue_token(USER_USERNAME);
    let r = post(&format!("{base}/addItem"), &viewer, &form).await;
    assert_eq!(r["error"]["code"], 403, "{r}");
    let pubt = p.issue_token(PUBLISHER_USERNAME);
    let g = get(&format!("{base}/addItem"), &pubt, &form).await;
    assert_eq!(g["error"]["code"], 405, "{g}");
    let admin = p.issue_token(ADMIN_USERNAME);
    let r = post(&format!("{base}/addItem"), &admin, &form).await;
    assert_eq!(r["success"], true, "admins add for others: {r}");
    let id = r["id"].as_str().expect("id");
    assert_eq!(p.item_json(id).expect("item")["owner"], PUBLISHER_USERNAME);
    let r = post(
        &format!("{base}/items/{id}/update"),
        &viewer,
        &[("title", "Y")],
    )
    .await;
    assert_eq!(r["error"]["code"], 403, "{r}");
}

#[tokio::test]
async fn file_items_update_info_resources_relationships_and_sharing() {
    let p = empty(false).await;
    let tok = p.issue_token(PUBLISHER_USERNAME);
    let root = p.sharing_url();
    let base = format!("{root}/content/users/{PUBLISHER_USERNAME}");
    let pdf = b"%PDF-1.4 fake".to_vec();
    let png = crate::png::tiny_png().to_vec();
    let r = post_multipart(
        &format!("{base}/addItem"),
        &tok,
        &[("title", "Report"), ("type", "PDF"), ("tags", "a")],
        &[
            ("file", "report.pdf", pdf.clone()),
            ("thumbnail", "thumb.png", png.clone()),
        ],
    )
    .await;
    let id = r["id"].as_str().expect("id").to_string();
    let it = p.item_json(&id).expect("item");
    assert_eq!(
        (it["name"].clone(), it["thumbnail"].clone()),
        ("report.pdf".into(), "thumbnail/thumb.png".into())
    );
    assert_eq!(it["size"], pdf.len());
    assert_eq!(
        bytes(&format!("{root}/content/items/{id}/data"), &tok).await,
        pdf
    );
    let thumb = bytes(
        &format!("{root}/content/items/{id}/info/thumbnail/thumb.png"),
        &tok,
    )
    .await;
    assert_eq!(thumb, png);

    let u = post(
        &format!("{base}/items/{id}/update"),
        &tok,
        &[
            ("snippet", "New"),
            ("description", ""),
            ("clearEmptyFields", "true"),
        ],
    )
    .await;
    assert_eq!(u, serde_json::json!({"success": true, "id": id}));
    let it = p.item_json(&id).expect("item");
    assert_eq!(
        (it["snippet"].clone(), it["description"].clone()),
        ("New".into(), serde_json::Value::Null)
    );
    assert_eq!(it["tags"], serde_json::json!(["a"]), "unsent fields stay");

    let xml = b"<metadata><title>Report</title></metadata>".to_vec();
    let m = post_multipart(
        &format!("{base}/items/{id}/updateinfo"),
        &tok,
        &[("folderName", "metadata")],
        &[("file", "metadata.xml", xml.clone())],
    )
    .await;
    assert_eq!(m["success"], true, "{m}");
    let got = bytes(
        &format!("{root}/content/items/{id}/info/metadata/metadata.xml"),
        &tok,
    )
    .await;
    assert_eq!(got, xml);

    let a = post_multipart(
        &format!("{base}/items/{id}/addResources"),
        &tok,
        &[("resourcesPrefix", "images")],
        &[("file", "logo.png", png.clone())],
    )
    .await;
    assert_eq!(a["success"], true, "{a}");
    let t = post(
        &format!("{base}/items/{id}/addResources"),
        &tok,
        &[("text", r#"{"k":1}"#), ("fileName", "config.json")],
    )
    .await;
    assert_eq!(t["itemId"], id.as_str());
    let list = get(&format!("{root}/content/items/{id}/resources"), &tok, &[]).await;
    assert_eq!(list["total"], 2, "{list}");
    let logo = bytes(
        &format!("{root}/content/items/{id}/resources/images/logo.png"),
        &tok,
    )
    .await;
    assert_eq!(logo, png);
    let rm = post(
        &format!("{base}/items/{id}/removeResources"),
        &tok,
        &[("resource", "config.json")],
    )
    .await;
    assert_eq!(rm["success"], true, "{rm}");

    let other = post(
        &format!("{base}/addItem"),
        &tok,
        &[("title", "Map"), ("type", "Web Map"), ("text", "{}")],
    )
    .await;
    let other = other["id"].as_str().expect("id").to_string();
    let rel = post(
        &format!("{base}/addRelationship"),
        &tok,
        &[
            ("originItemId", &other),
            ("destinationItemId", &id),
            ("relationshipType", "Map2Service"),
        ],
    )
    .await;
    assert_eq!(rel, serde_json::json!({"success": true}));
    let related = get(
        &format!("{root}/content/items/{other}/relatedItems"),
        &tok,
        &[("relationshipType", "Map2Service")],
    )
    .await;
    assert_eq!(related["relatedItems"][0]["id"], id.as_str());

    let group = p.group_id("Field Operations").expect("group");
    let s = post(
        &format!("{base}/items/{id}/share"),
        &tok,
        &[
            ("everyone", "false"),
            ("org", "true"),
            ("groups", &format!("{group},nope")),
        ],
    )
    .await;
    assert_eq!(
        s,
        serde_json::json!({"notSharedWith": ["nope"], "itemId": id})
    );
    let it = p.item_json(&id).expect("item");
    assert_eq!(it["access"], "org");
    let groups = get(&format!("{root}/content/items/{id}/groups"), &tok, &[]).await;
    assert_eq!(groups["admin"][0]["id"], group.as_str(), "{groups}");
    let bulk = post(
        &format!("{base}/shareItems"),
        &tok,
        &[("items", &other), ("everyone", "true"), ("account", "true")],
    )
    .await;
    assert_eq!(bulk["results"][0]["success"], true, "{bulk}");
    assert_eq!(p.item_json(&other).expect("item")["access"], "public");
}

#[tokio::test]
async fn multipart_upload_parts_then_commit() {
    let p = empty(false).await;
    let tok = p.issue_token(PUBLISHER_USERNAME);
    let base = format!("{}/content/users/{PUBLISHER_USERNAME}", p.sharing_url());
    let r = post(
        &format!("{base}/addItem"),
        &tok,
        &[
            ("title", "Big"),
            ("type", "File Geodatabase"),
            ("multipart", "true"),
            ("filename", "big.gdb.zip"),
        ],
    )
    .await;
    let id = r["id"].as_str().expect("id").to_string();
    let st = get(&format!("{base}/items/{id}/status"), &tok, &[]).await;
    assert_eq!(st["status"], "partial", "{st}");
    for (n, chunk) in [(2, b"world".to_vec()), (1, b"hello ".to_vec())] {
        let url = format!("{base}/items/{id}/addPart?partNum={n}");
        let a = post_multipart(&url, &tok, &[], &[("file", "blob", chunk)]).await;
        assert_eq!(a["success"], true, "{a}");
    }
    let c = post(&format!("{base}/items/{id}/commit"), &tok, &[]).await;
    assert_eq!(c["success"], true, "{c}");
    let st = get(&format!("{base}/items/{id}/status"), &tok, &[]).await;
    assert_eq!(st["status"], "completed");
    assert_eq!(p.item_data(&id).expect("data"), b"hello world");
    assert_eq!(p.item_json(&id).expect("item")["name"], "big.gdb.zip");
}

#[tokio::test]
async fn item_id_to_create_only_on_enterprise() {
    let want = "0123456789abcdef0123456789abcdef";
    for (enterprise, honoured) in [(false, false), (true, true)] {
        let p = empty(enterprise).await;
        let tok = p.issue_token(PUBLISHER_USERNAME);
        let base = format!("{}/content/users/{PUBLISHER_USERNAME}", p.sharing_url());
        let form = [
            ("title", "M"),
            ("type", "Web Map"),
            ("text", "{}"),
            ("itemIdToCreate", want),
        ];
        let r = post(&format!("{base}/addItem"), &tok, &form).await;
        assert_eq!(r["id"] == want, honoured, "enterprise={enterprise}: {r}");
        let self_ = get(&format!("{}/portals/self", p.sharing_url()), &tok, &[]).await;
        assert_eq!(self_["isPortal"], enterprise);
        if enterprise {
            let again = post(&format!("{base}/addItem"), &tok, &form).await;
            assert_eq!(again["error"]["code"], 409, "{again}");
        }
    }
}
