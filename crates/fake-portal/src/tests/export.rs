//! Tests of item export realism: formats, tags, the Extract rule, GeoJSON content, temp items.

use super::*;
use crate::features::sample as svc;

async fn export(p: &FakePortal, user: &str, token: &str, form: &[(&str, &str)]) -> Value {
    let mut f = form.to_vec();
    f.push(("f", "json"));
    client()
        .post(format!("{}/content/users/{user}/export", p.sharing_url()))
        .bearer_auth(token)
        .form(&f)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn every_format_makes_a_listed_temp_item_with_the_callers_tags() {
    let p = portal().await;
    let t = p.issue_token(PUBLISHER_USERNAME);
    for (format, ty) in [
        ("File Geodatabase", "File Geodatabase"),
        ("Shapefile", "Shapefile"),
        ("GeoPackage", "GeoPackage"),
        ("CSV", "CSV Collection"),
        ("GeoJson", "GeoJson"),
    ] {
        let v = export(
            &p,
            PUBLISHER_USERNAME,
            &t,
            &[
                ("itemId", svc::HYDRANTS_ITEM_ID),
                ("exportFormat", format),
                ("tags", "agol-tui-temp, backup"),
            ],
        )
        .await;
        let id = v["exportItemId"]
            .as_str()
            .unwrap_or_else(|| panic!("{format}: {v}"));
        let listed = p.items().into_iter().find(|i| i.id == id).expect("listed");
        assert_eq!(listed.item_type, ty);
        assert_eq!(listed.owner, PUBLISHER_USERNAME);
        let rec = get_json(
            &p,
            &format!("/content/items/{id}"),
            &[("f", "json"), ("token", &t)],
        )
        .await;
        assert_eq!(
            rec["tags"],
            serde_json::json!(["agol-tui-temp", "backup"]),
            "{rec}"
        );
        let del: Value = client()
            .post(format!(
                "{}/content/users/{PUBLISHER_USERNAME}/items/{id}/delete",
                p.sharing_url()
            ))
            .bearer_auth(&t)
            .form(&[("permanentDelete", "true"), ("f", "json")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(del["success"], true);
        assert!(p.items().iter().all(|i| i.id != id), "deleted");
    }
}

#[tokio::test]
async fn geojson_export_holds_the_layers_features() {
    let p = portal().await;
    let t = p.issue_token(PUBLISHER_USERNAME);
    let v = export(
        &p,
        PUBLISHER_USERNAME,
        &t,
        &[
            ("itemId", svc::HYDRANTS_ITEM_ID),
            ("exportFormat", "GeoJson"),
            ("exportParameters", r#"{"layers":[{"id":0}]}"#),
        ],
    )
    .await;
    let id = v["exportItemId"].as_str().unwrap();
    let text = client()
        .get(format!("{}/content/items/{id}/data", p.sharing_url()))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let fc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(fc["type"], "FeatureCollection");
    let store = crate::features::ServiceStore::sample_hosted(ORG_ID);
    let n = store.feature_count(svc::HYDRANTS, 0).unwrap();
    assert_eq!(fc["features"].as_array().unwrap().len(), n);
    assert_eq!(fc["features"][0]["geometry"]["type"], "Point");
    assert!(
        fc["features"][0]["properties"]["OBJECTID"].is_number(),
        "{}",
        fc["features"][0]
    );
}

#[tokio::test]
async fn others_need_extract_to_export() {
    let p = portal().await;
    let viewer = p.issue_token(USER_USERNAME);
    let ok = export(
        &p,
        USER_USERNAME,
        &viewer,
        &[("itemId", svc::HYDRANTS_ITEM_ID), ("exportFormat", "CSV")],
    )
    .await;
    assert!(ok["exportItemId"].is_string(), "Hydrants has Extract: {ok}");
    let denied = export(
        &p,
        USER_USERNAME,
        &viewer,
        &[
            ("itemId", svc::HYDRANTS_VIEW_ITEM_ID),
            ("exportFormat", "CSV"),
        ],
    )
    .await;
    assert_eq!(denied["error"]["code"], 403, "{denied}");
    let admin = admin_token(&p);
    let by_admin = export(
        &p,
        ADMIN_USERNAME,
        &admin,
        &[
            ("itemId", svc::HYDRANTS_VIEW_ITEM_ID),
            ("exportFormat", "Shapefile"),
        ],
    )
    .await;
    assert!(by_admin["exportItemId"].is_string(), "{by_admin}");
}
