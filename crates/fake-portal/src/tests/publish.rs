//! The fake File Geodatabase export, publishing it back (single and multipart uploads), the
//! publish job status, publish errors, and the admin GETs Esri's client reads.

use super::write_util::{empty, get, post, post_multipart};
use super::*;
use crate::features::sample as svc;
use std::io::Read;

/// Exports `item` as "File Geodatabase" as the admin of `p`; returns the zip bytes.
async fn export_fgdb(p: &FakePortal, item: &str) -> Vec<u8> {
    let t = p.issue_token(ADMIN_USERNAME);
    let url = format!("{}/content/users/{ADMIN_USERNAME}/export", p.sharing_url());
    let v = post(
        &url,
        &t,
        &[("itemId", item), ("exportFormat", "File Geodatabase")],
    )
    .await;
    let id = v["exportItemId"].as_str().unwrap_or_else(|| panic!("{v}"));
    super::write_util::bytes(&format!("{}/content/items/{id}/data", p.sharing_url()), &t).await
}

fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut b = Vec::new();
        f.read_to_end(&mut b).unwrap();
        out.insert(f.name().expect("name").to_string(), b);
    }
    out
}

/// Publishes `item` of `user` with `params`; the raw answer.
async fn publish(p: &FakePortal, user: &str, item: &str, params: &str) -> Value {
    let t = p.issue_token(user);
    let url = format!("{}/content/users/{user}/publish", p.sharing_url());
    post(
        &url,
        &t,
        &[
            ("itemId", item),
            ("fileType", "fileGeodatabase"),
            ("publishParameters", params),
            ("outputType", "featureService"),
        ],
    )
    .await
}

/// Adds `bytes` as a File Geodatabase item of the admin (single `file` upload); its id.
async fn add_fgdb(p: &FakePortal, bytes: Vec<u8>) -> String {
    let t = p.issue_token(ADMIN_USERNAME);
    let url = format!("{}/content/users/{ADMIN_USERNAME}/addItem", p.sharing_url());
    let v = post_multipart(
        &url,
        &t,
        &[("title", "Hydrants export"), ("type", "File Geodatabase")],
        &[("file", "Hydrants.zip", bytes)],
    )
    .await;
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{v}"))
        .to_string()
}

/// Rows of `layer` of service `url` (attributes and geometry), ordered by object id.
async fn rows(url: &str, token: &str, layer: i64) -> Vec<Value> {
    let v = get(
        &format!("{url}/{layer}/query"),
        token,
        &[
            ("where", "1=1"),
            ("outFields", "*"),
            ("orderByFields", "OBJECTID"),
        ],
    )
    .await;
    v["features"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .clone()
}

#[tokio::test]
async fn fgdb_export_is_a_gdb_folder_carrying_the_whole_service() {
    let p = portal().await;
    let files = unzip(&export_fgdb(&p, svc::HYDRANTS_ITEM_ID).await);
    assert!(files.contains_key("Hydrants.gdb/gdb"), "{:?}", files.keys());
    assert!(files.contains_key("Hydrants.gdb/a00000001.gdbtable"));
    let payload: Value =
        serde_json::from_slice(&files["Hydrants.gdb/agol-fake-export.json"]).unwrap();
    assert_eq!(payload["format"], "agol-fake-fgdb");
    let layers = payload["layers"].as_array().unwrap();
    let tables = payload["tables"].as_array().unwrap();
    let ids: Vec<i64> = layers
        .iter()
        .chain(tables)
        .map(|l| l["definition"]["id"].as_i64().unwrap())
        .collect();
    for l in layers.iter().chain(tables) {
        let id = l["definition"]["id"].as_i64().unwrap();
        assert_eq!(
            l["features"].as_array().unwrap().len(),
            p.feature_count(svc::HYDRANTS, id).unwrap(),
            "layer {id}"
        );
        assert_eq!(
            l["attachments"].as_array().unwrap().len(),
            p.attachment_count(svc::HYDRANTS, id).unwrap()
        );
        for a in l["attachments"].as_array().unwrap() {
            let data = base64::Engine::decode(
                &base64::engine::general_purpose::STANDARD,
                a["data"].as_str().unwrap(),
            )
            .unwrap();
            assert_eq!(data.len() as u64, a["size"].as_u64().unwrap());
            assert!(a["parentGlobalId"].is_string(), "{a}");
        }
    }
    assert!(ids.len() >= 2, "{ids:?}");
    let first = &layers[0]["features"][0];
    assert!(first["geometry"]["x"].is_number(), "{first}");
    assert!(first["attributes"]["GlobalID"].is_string(), "{first}");
}

#[tokio::test]
async fn publish_recreates_layers_rows_and_attachments_with_a_job_and_relationship() {
    let src = portal().await;
    let fgdb = export_fgdb(&src, svc::HYDRANTS_ITEM_ID).await;
    let p = empty(false).await;
    let t = p.issue_token(ADMIN_USERNAME);
    let fgdb_id = add_fgdb(&p, fgdb).await;
    let v = publish(
        &p,
        ADMIN_USERNAME,
        &fgdb_id,
        r#"{"name":"Hydrants_copy","maxRecordCount":1000}"#,
    )
    .await;
    let s = &v["services"][0];
    assert_eq!(s["type"], "Feature Service", "{v}");
    let url = s["serviceurl"].as_str().unwrap();
    assert!(
        url.ends_with("/rest/services/Hydrants_copy/FeatureServer"),
        "{url}"
    );
    assert_eq!(s["encodedServiceURL"], s["serviceurl"]);
    assert!(s["size"].as_i64().unwrap() > 0);
    let new_id = s["serviceItemId"].as_str().unwrap();
    let job = s["jobId"].as_str().unwrap();
    let status_url = format!(
        "{}/content/users/{ADMIN_USERNAME}/items/{new_id}/status",
        p.sharing_url()
    );
    let q = [("jobId", job), ("jobType", "publish")];
    assert_eq!(get(&status_url, &t, &q).await["status"], "processing");
    assert_eq!(get(&status_url, &t, &q).await["status"], "completed");
    let item = p.item_json(new_id).unwrap();
    assert_eq!(item["type"], "Feature Service");
    assert_eq!(item["url"], url);
    let kw = item["typeKeywords"].to_string();
    assert!(
        kw.contains("Hosted Service") && kw.contains("Feature Service"),
        "{kw}"
    );
    assert!(p.relationships().contains(&(
        "Service2Data".into(),
        new_id.to_string(),
        fgdb_id.clone()
    )));
    let root = get(url, &t, &[]).await;
    assert_eq!(root["maxRecordCount"], 1000, "{root}");
    let t_src = src.issue_token(ADMIN_USERNAME);
    let src_url = src.item_json(svc::HYDRANTS_ITEM_ID).unwrap()["url"]
        .as_str()
        .unwrap()
        .to_string();
    let src_root = get(&src_url, &t_src, &[]).await;
    let all = |r: &Value| -> Vec<i64> {
        ["layers", "tables"]
            .iter()
            .flat_map(|k| r[*k].as_array().cloned().unwrap_or_default())
            .map(|l| l["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(all(&root), all(&src_root));
    for id in all(&src_root) {
        assert_eq!(
            p.feature_count("Hydrants_copy", id),
            src.feature_count(svc::HYDRANTS, id),
            "layer {id}"
        );
        assert_eq!(
            p.attachment_count("Hydrants_copy", id),
            src.attachment_count(svc::HYDRANTS, id)
        );
        assert_eq!(
            rows(url, &t, id).await,
            rows(&src_url, &t_src, id).await,
            "rows of layer {id} (attributes incl. GlobalIDs, geometry)"
        );
    }
}

#[tokio::test]
async fn publish_works_from_a_multipart_upload() {
    let src = portal().await;
    let fgdb = export_fgdb(&src, svc::HYDRANTS_ITEM_ID).await;
    let p = empty(false).await;
    let t = p.issue_token(ADMIN_USERNAME);
    let base = format!("{}/content/users/{ADMIN_USERNAME}", p.sharing_url());
    let v = post(
        &format!("{base}/addItem"),
        &t,
        &[
            ("multipart", "true"),
            ("filename", "Hydrants.zip"),
            ("type", "File Geodatabase"),
            ("title", "Hydrants export"),
        ],
    )
    .await;
    let id = v["id"].as_str().unwrap().to_string();
    let half = fgdb.len() / 2;
    for (n, chunk) in [("1", &fgdb[..half]), ("2", &fgdb[half..])] {
        let r = post_multipart(
            &format!("{base}/items/{id}/addPart?partNum={n}"),
            &t,
            &[],
            &[("file", "part", chunk.to_vec())],
        )
        .await;
        assert_eq!(r["success"], true, "{r}");
    }
    let early = publish(&p, ADMIN_USERNAME, &id, r#"{"name":"Early"}"#).await;
    assert!(
        early["services"][0]["error"]["message"].is_string(),
        "{early}"
    );
    let c = post(&format!("{base}/items/{id}/commit"), &t, &[]).await;
    assert_eq!(c["success"], true, "{c}");
    let v = publish(&p, ADMIN_USERNAME, &id, r#"{"name":"Hydrants_parts"}"#).await;
    assert!(v["services"][0]["serviceItemId"].is_string(), "{v}");
    assert_eq!(
        p.feature_count("Hydrants_parts", 0),
        src.feature_count(svc::HYDRANTS, 0)
    );
}

#[tokio::test]
async fn publish_errors_name_taken_foreign_fgdb_and_missing_name() {
    let p = portal().await;
    let fgdb = export_fgdb(&p, svc::HYDRANTS_ITEM_ID).await;
    let ours = add_fgdb(&p, fgdb).await;
    let taken = publish(&p, ADMIN_USERNAME, &ours, r#"{"name":"hydrants"}"#).await;
    let msg = taken["services"][0]["error"]["message"].as_str().unwrap();
    assert!(msg.contains("already exists"), "{msg}");
    assert_eq!(taken["services"][0]["success"], false);
    let nameless = publish(&p, ADMIN_USERNAME, &ours, r#"{"title":"x"}"#).await;
    assert!(nameless["services"][0]["error"].is_object(), "{nameless}");
    let foreign = add_fgdb(
        &p,
        crate::seed_items::tiny_zip("Other.gdb/gdb", b"real gdb bytes").to_vec(),
    )
    .await;
    let v = publish(&p, ADMIN_USERNAME, &foreign, r#"{"name":"Other"}"#).await;
    let msg = v["services"][0]["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("only File Geodatabases it exported itself"),
        "{msg}"
    );
    assert!(!p.service_names().iter().any(|n| n == "Other"));
    let ok = publish(&p, ADMIN_USERNAME, &ours, r#"{"name":"X"}"#).await;
    assert!(ok["services"][0]["serviceItemId"].is_string(), "{ok}");
}

#[tokio::test]
async fn enterprise_publish_honours_item_id_to_create() {
    let src = portal().await;
    let fgdb = export_fgdb(&src, svc::HYDRANTS_ITEM_ID).await;
    let p = empty(true).await;
    let t = p.issue_token(ADMIN_USERNAME);
    let fgdb_id = add_fgdb(&p, fgdb).await;
    let wanted = "0123456789abcdef0123456789abcdef";
    let url = format!("{}/content/users/{ADMIN_USERNAME}/publish", p.sharing_url());
    let v = post(
        &url,
        &t,
        &[
            ("itemId", &fgdb_id),
            ("fileType", "fileGeodatabase"),
            ("publishParameters", r#"{"name":"Hydrants"}"#),
            ("itemIdToCreate", wanted),
        ],
    )
    .await;
    assert_eq!(v["services"][0]["serviceItemId"], wanted, "{v}");
    assert_eq!(p.item_json(wanted).unwrap()["type"], "Feature Service");
}
