//! Write side of hosted services: isServiceNameAvailable, createService, addToDefinition,
//! applyEdits/addFeatures, attachments, views, deletes.

use super::write_util::{bytes, empty, get, post, post_multipart};
use super::{PUBLISHER_USERNAME, USER_USERNAME, portal};
use serde_json::{Value, json};

fn layer_def() -> Value {
    json!({
        "id": 3, "name": "Hydrants", "type": "Feature Layer", "geometryType": "esriGeometryPoint",
        "objectIdField": "OBJECTID", "globalIdField": "GlobalID", "hasAttachments": true,
        "displayField": "Name",
        "fields": [
            {"name": "OBJECTID", "type": "esriFieldTypeOID", "alias": "OBJECTID", "nullable": false, "editable": false},
            {"name": "GlobalID", "type": "esriFieldTypeGlobalID", "alias": "GlobalID", "length": 38, "nullable": false, "editable": false},
            {"name": "Name", "type": "esriFieldTypeString", "alias": "Name", "length": 20, "nullable": true, "editable": true},
            {"name": "Status", "type": "esriFieldTypeString", "alias": "Status", "length": 16, "nullable": true, "editable": true,
             "domain": {"type": "codedValue", "name": "st", "codedValues": [{"name": "Active", "code": "Active"}]}},
            {"name": "Flow", "type": "esriFieldTypeSmallInteger", "alias": "Flow", "nullable": true, "editable": true}
        ],
        "drawingInfo": {"renderer": {"type": "simple", "symbol": {"type": "esriSMS", "size": 9}}},
        "types": [], "templates": [{"name": "Hydrant", "prototype": {"attributes": {"Status": "Active"}}}],
        "indexes": [{"name": "name_idx", "fields": "Name", "isAscending": true, "isUnique": false}]
    })
}

#[tokio::test]
async fn create_define_load_attach_and_view_end_to_end() {
    let p = empty(false).await;
    let tok = p.issue_token(PUBLISHER_USERNAME);
    let root = p.sharing_url();
    let avail = |name: &str| {
        let url = format!("{root}/portals/self/isServiceNameAvailable");
        let (name, tok) = (name.to_string(), tok.clone());
        async move { get(&url, &tok, &[("name", &name), ("type", "Feature Service")]).await }
    };
    assert_eq!(avail("Hydrants").await, json!({"available": true}));
    let params = json!({"name": "Hydrants", "serviceDescription": "restored",
        "capabilities": "Query,Create,Update,Delete,Editing", "maxRecordCount": 1000,
        "spatialReference": {"wkid": 102100, "latestWkid": 3857},
        "editorTrackingInfo": {"enableEditorTracking": true}});
    let base = format!("{root}/content/users/{PUBLISHER_USERNAME}");
    let c = post(
        &format!("{base}/createService"),
        &tok,
        &[
            ("createParameters", &params.to_string()),
            ("outputType", "featureService"),
        ],
    )
    .await;
    assert_eq!(c["success"], true, "{c}");
    let url = c["serviceurl"].as_str().expect("serviceurl").to_string();
    assert_eq!(c["encodedServiceURL"], url.as_str());
    assert_eq!(c["itemId"], c["serviceItemId"]);
    assert_eq!(
        (c["type"].clone(), c["isView"].clone(), c["size"].clone()),
        (json!("Feature Service"), json!(false), json!(-1))
    );
    assert!(
        url.starts_with(&p.services_origin())
            && url.ends_with("/rest/services/Hydrants/FeatureServer")
    );
    let item_id = c["itemId"].as_str().expect("item").to_string();
    assert_eq!(p.item_json(&item_id).expect("item")["url"], url.as_str());
    assert_eq!(avail("hydrants").await, json!({"available": false}));
    let again = post(
        &format!("{base}/createService"),
        &tok,
        &[("createParameters", &params.to_string())],
    )
    .await;
    assert_eq!(again["error"]["code"], 400, "{again}");

    let admin = url.replace("/rest/services/", "/rest/admin/services/");
    let def = json!({"layers": [layer_def()], "tables": [{"id": 7, "name": "Inspections",
        "type": "Table", "fields": [{"name": "OBJECTID", "type": "esriFieldTypeOID", "alias": "OBJECTID"},
        {"name": "Note", "type": "esriFieldTypeString", "alias": "Note", "length": 50}]}]});
    let viewer = p.issue_token(USER_USERNAME);
    let denied = post(
        &format!("{admin}/addToDefinition"),
        &viewer,
        &[("addToDefinition", &def.to_string())],
    )
    .await;
    assert_eq!(denied["error"]["code"], 403, "{denied}");
    let a = post(
        &format!("{admin}/addToDefinition"),
        &tok,
        &[("addToDefinition", &def.to_string())],
    )
    .await;
    assert_eq!(
        a,
        json!({"success": true, "layers": [{"name": "Hydrants", "id": "3"}],
        "tables": [{"name": "Inspections", "id": "7"}]})
    );
    let root_def = get(&url, &tok, &[]).await;
    assert_eq!(root_def["layers"][0]["id"], 3);
    assert_eq!(root_def["editorTrackingInfo"]["enableEditorTracking"], true);
    let l = get(&format!("{url}/3"), &tok, &[]).await;
    assert_eq!(l["drawingInfo"], layer_def()["drawingInfo"]);
    assert_eq!(l["fields"], layer_def()["fields"]);
    assert_eq!(l["indexes"], layer_def()["indexes"]);
    assert_eq!(l["templates"], layer_def()["templates"]);
    assert_eq!(l["hasAttachments"], true);

    let gid = "{2A1B3C4D-0000-4000-8000-000000000001}";
    let features = json!([
        {"attributes": {"Name": "H1", "Status": "Active", "GlobalID": gid, "Flow": 3}, "geometry": {"x": 1.0, "y": 2.0}},
        {"attributes": {"Name": "H2", "Status": "Retired"}, "geometry": {"x": 3.0, "y": 4.0}}
    ]);
    let add = post(
        &format!("{url}/3/applyEdits"),
        &tok,
        &[("adds", &features.to_string()), ("useGlobalIds", "true")],
    )
    .await;
    assert_eq!(
        add["addResults"][0],
        json!({"objectId": 1, "uniqueId": 1, "globalId": gid, "success": true})
    );
    assert_eq!(add["addResults"][1]["objectId"], 2);
    assert_eq!(add["updateResults"], json!([]));
    let more = post(
        &format!("{url}/3/addFeatures"),
        &tok,
        &[(
            "features",
            r#"[{"attributes":{"Name":"H3"},"geometry":{"x":5,"y":6}}]"#,
        )],
    )
    .await;
    assert_eq!(more["addResults"][0]["objectId"], 3, "{more}");
    let too_long = json!([{"attributes": {"Name": "a name longer than twenty"}}]);
    let rb = post(
        &format!("{url}/3/addFeatures"),
        &tok,
        &[("features", &too_long.to_string())],
    )
    .await;
    assert!(rb["error"].is_object(), "rolled back: {rb}");
    let nb = post(
        &format!("{url}/3/addFeatures"),
        &tok,
        &[
            ("features", &too_long.to_string()),
            ("rollbackOnFailure", "false"),
        ],
    )
    .await;
    assert_eq!(nb["addResults"][0]["success"], false, "{nb}");
    let count = get(
        &format!("{url}/3/query"),
        &tok,
        &[("where", "1=1"), ("returnCountOnly", "true")],
    )
    .await;
    assert_eq!(count["count"], 3);
    assert_eq!(p.feature_count("Hydrants", 3), Some(3));
    let q = get(
        &format!("{url}/3/query"),
        &tok,
        &[("where", "Name='H1'"), ("outFields", "*")],
    )
    .await;
    assert_eq!(q["features"][0]["attributes"]["GlobalID"], gid);
    assert_eq!(q["features"][0]["geometry"]["x"], 1.0);
    // A GlobalID the layer already has (other case, no braces, lower-case field name) is refused.
    let again =
        json!([{"attributes": {"Name": "H4", "globalid": "2a1b3c4d-0000-4000-8000-000000000001"}}]);
    let dup = post(
        &format!("{url}/3/applyEdits"),
        &tok,
        &[
            ("adds", &again.to_string()),
            ("useGlobalIds", "true"),
            ("rollbackOnFailure", "false"),
        ],
    )
    .await;
    assert_eq!(dup["addResults"][0]["success"], false, "{dup}");
    assert!(
        dup["addResults"][0]["error"]["description"]
            .as_str()
            .is_some_and(|d| d.contains("already exists")),
        "{dup}"
    );

    let photo = b"\xFF\xD8\xFF fake jpeg".to_vec();
    let att = post_multipart(
        &format!("{url}/3/1/addAttachment"),
        &tok,
        &[("keywords", "front")],
        &[("attachment", "photo.jpg", photo.clone())],
    )
    .await;
    assert_eq!(att["addAttachmentResult"]["objectId"], 1, "{att}");
    assert_eq!(att["addAttachmentResult"]["success"], true);
    let infos = get(&format!("{url}/3/1/attachments"), &tok, &[]).await;
    assert_eq!(
        infos["attachmentInfos"][0]["contentType"], "image/jpeg",
        "{infos}"
    );
    assert_eq!(infos["attachmentInfos"][0]["keywords"], "front");
    assert_eq!(
        bytes(&format!("{url}/3/1/attachments/1"), &tok).await,
        photo
    );

    let upd = post(
        &format!("{url}/3/applyEdits"),
        &tok,
        &[
            (
                "updates",
                r#"[{"attributes":{"OBJECTID":2,"Status":"Active"}}]"#,
            ),
            ("deletes", "3"),
        ],
    )
    .await;
    assert_eq!(upd["updateResults"][0]["success"], true, "{upd}");
    assert_eq!(upd["deleteResults"][0]["objectId"], 3);
    let tab = post(
        &format!("{url}/applyEdits"),
        &tok,
        &[(
            "edits",
            r#"[{"id":7,"adds":[{"attributes":{"Note":"ok"}}]}]"#,
        )],
    )
    .await;
    assert_eq!(tab[0]["id"], 7, "{tab}");
    assert_eq!(tab[0]["addResults"][0]["success"], true);
    let get_write = get(&format!("{url}/3/addFeatures"), &tok, &[("features", "[]")]).await;
    assert_eq!(get_write["error"]["code"], 405);

    let vp = json!({"name": "Hydrants_view", "capabilities": "Query"});
    let v = post(
        &format!("{base}/createService"),
        &tok,
        &[("createParameters", &vp.to_string()), ("isView", "true")],
    )
    .await;
    assert_eq!(v["isView"], true, "{v}");
    let vurl = v["serviceurl"]
        .as_str()
        .expect("view url")
        .replace("/rest/services/", "/rest/admin/services/");
    let vdef = json!({"layers": [{"id": 0, "name": "Active hydrants", "viewDefinitionQuery": "Status = 'Active'",
        "adminLayerInfo": {"viewLayerDefinition": {"sourceServiceName": "Hydrants", "sourceLayerId": 3, "sourceLayerFields": "*"}}}]});
    let va = post(
        &format!("{vurl}/addToDefinition"),
        &tok,
        &[("addToDefinition", &vdef.to_string())],
    )
    .await;
    assert_eq!(va["success"], true, "{va}");
    assert_eq!(p.feature_count("Hydrants_view", 0), Some(2));
    let vroot = get(v["serviceurl"].as_str().expect("url"), &tok, &[]).await;
    assert_eq!(vroot["isView"], true);
    assert_eq!(
        p.service_names(),
        vec!["Hydrants".to_string(), "Hydrants_view".into()]
    );

    let del = post(
        &format!("{}/deleteFromDefinition", admin),
        &tok,
        &[("deleteFromDefinition", r#"{"tables":[{"id":7}]}"#)],
    )
    .await;
    assert_eq!(del["success"], true, "{del}");
    let tr = post(&format!("{admin}/3/truncate"), &tok, &[]).await;
    assert_eq!(tr["success"], true, "{tr}");
    assert_eq!(p.feature_count("Hydrants", 3), Some(0));
    assert_eq!(p.attachment_count("Hydrants", 3), Some(0));
}

#[tokio::test]
async fn sample_services_keep_their_names_taken() {
    let p = portal().await;
    let tok = p.issue_token(PUBLISHER_USERNAME);
    let r = get(
        &format!("{}/portals/self/isServiceNameAvailable", p.sharing_url()),
        &tok,
        &[("name", "HYDRANTS"), ("type", "Feature Service")],
    )
    .await;
    assert_eq!(r, json!({"available": false}));
}
