//! End-to-end tests: the router on a loopback port, driven with reqwest.

use std::sync::Arc;

use axum::http::HeaderMap;
use serde_json::Value;

use super::sample::*;
use super::{CallerAuth, ServerInfo, ServiceStore, router};

/// Accepts the token `good` (param or Bearer header); anything else is invalid.
struct TestAuth;

impl CallerAuth for TestAuth {
    fn caller(
        &self,
        headers: &HeaderMap,
        token_param: Option<&str>,
    ) -> Result<Option<String>, u16> {
        let header = ["x-esri-authorization", "authorization"]
            .iter()
            .filter_map(|h| headers.get(*h)?.to_str().ok())
            .filter_map(|v| v.strip_prefix("Bearer ").map(str::to_string))
            .next();
        match token_param.map(str::to_string).or(header).as_deref() {
            None => Ok(None),
            Some("good") => Ok(Some("alice".into())),
            Some(_) => Err(498),
        }
    }
}

struct Fake {
    base: String,
    http: reqwest::Client,
    store: Arc<ServiceStore>,
}

impl Fake {
    async fn start(store: ServiceStore, prefix: &str) -> Fake {
        let store = Arc::new(store);
        let info = ServerInfo {
            owning_system_url: Some("https://portal.example/portal".into()),
        };
        let app = router(store.clone(), Arc::new(TestAuth), info, prefix.into());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Fake {
            base: format!("http://{addr}{prefix}"),
            http: reqwest::Client::new(),
            store,
        }
    }

    async fn hosted() -> Fake {
        Fake::start(ServiceStore::sample_hosted("orgABC"), "/orgABC/arcgis").await
    }

    fn url(&self, path: &str) -> String {
        format!("{}/rest/services/{path}", self.base)
    }

    /// POSTs a form with the `good` token in the Esri header, as Esri's Python client does.
    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let resp = self
            .http
            .post(self.url(path))
            .header("X-Esri-Authorization", "Bearer good")
            .form(form)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        resp.json().await.unwrap()
    }

    async fn get_anon(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }
}

fn oids(body: &Value, field: &str) -> Vec<i64> {
    body["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["attributes"][field].as_i64().unwrap())
        .collect()
}

fn ids_of(body: &Value) -> Vec<i64> {
    body["objectIds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn service_root_and_layer_definitions() {
    let fake = Fake::hosted().await;
    let root = fake.post("Hydrants/FeatureServer", &[("f", "json")]).await;
    assert_eq!(root["serviceItemId"], HYDRANTS_ITEM_ID);
    assert_eq!(root["isView"], false);
    assert_eq!(root["spatialReference"]["latestWkid"], 3857);
    let layer_ids: Vec<i64> = root["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_i64().unwrap())
        .collect();
    assert_eq!(layer_ids, vec![0, 2]);
    assert_eq!(root["tables"][0]["id"], 5);
    assert_eq!(root["tables"][0]["type"], "Table");
    assert!(root["editingInfo"]["lastEditDate"].is_i64());

    let l0 = fake
        .post("Hydrants/FeatureServer/0", &[("f", "pjson")])
        .await;
    assert_eq!(l0["type"], "Feature Layer");
    assert_eq!(l0["maxRecordCount"], 200);
    assert_eq!(l0["globalIdField"], "GlobalID");
    assert_eq!(l0["advancedQueryCapabilities"]["supportsPagination"], true);
    assert_eq!(l0["editingInfo"]["dataLastEditDate"], 1_716_912_000_000i64);
    let types: Vec<&str> = l0["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["type"].as_str().unwrap())
        .collect();
    assert!(types.contains(&"esriFieldTypeOID") && types.contains(&"esriFieldTypeDate"));

    let all = fake
        .post("Hydrants/FeatureServer/layers", &[("f", "json")])
        .await;
    assert_eq!(all["layers"].as_array().unwrap().len(), 2);
    assert_eq!(
        all["tables"][0]["relationships"][0]["keyField"],
        "HydrantGUID"
    );

    let missing = fake
        .post("Hydrants/FeatureServer/1", &[("f", "json")])
        .await;
    assert_eq!(missing["error"]["code"], 400);
    let no_service = fake.post("Nope/FeatureServer", &[("f", "json")]).await;
    assert_eq!(no_service["error"]["message"], "Invalid URL");
}

#[tokio::test]
async fn paging_matches_count_and_ids() {
    let fake = Fake::hosted().await;
    let q = "Hydrants/FeatureServer/0/query";
    let count = fake
        .post(
            q,
            &[("f", "json"), ("where", "1=1"), ("returnCountOnly", "true")],
        )
        .await;
    let ids = ids_of(
        &fake
            .post(
                q,
                &[("f", "json"), ("where", "1=1"), ("returnIdsOnly", "true")],
            )
            .await,
    );
    assert_eq!(count["count"], 450);
    assert_eq!(ids.len(), 450);
    assert_eq!(Some(450), fake.store.feature_count(HYDRANTS, 0));

    let mut paged = Vec::new();
    let mut pages = 0;
    loop {
        let offset = paged.len().to_string();
        let page = fake
            .post(
                q,
                &[
                    ("f", "json"),
                    ("where", "1=1"),
                    ("outFields", "*"),
                    ("orderByFields", "OBJECTID"),
                    ("resultOffset", &offset),
                    ("resultRecordCount", "1000"),
                ],
            )
            .await;
        pages += 1;
        let got = oids(&page, "OBJECTID");
        assert!(got.len() <= 200, "capped at maxRecordCount");
        paged.extend(got);
        if page.get("exceededTransferLimit") != Some(&Value::Bool(true)) {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(paged, ids);
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(sorted, ids);
    assert!(
        ids.windows(2).any(|w| w[1] - w[0] > 1),
        "ids are not contiguous"
    );
}

#[tokio::test]
async fn query_shape_filters_and_errors() {
    let fake = Fake::hosted().await;
    let q = "Hydrants/FeatureServer/0/query";
    let page = fake
        .post(
            q,
            &[
                ("f", "json"),
                ("where", "Status = 'Retired' AND Flow >= 0"),
                ("outFields", "FacilityID"),
                ("orderByFields", "Flow DESC"),
            ],
        )
        .await;
    assert_eq!(page["objectIdFieldName"], "OBJECTID");
    assert_eq!(page["globalIdFieldName"], "GlobalID");
    assert_eq!(page["geometryType"], "esriGeometryPoint");
    assert!(page.get("exceededTransferLimit").is_none());
    let f0 = &page["features"][0];
    assert_eq!(
        f0["attributes"].as_object().unwrap().len(),
        2,
        "OID always included"
    );
    assert!(f0["geometry"]["x"].is_f64());
    let flows: Vec<i64> = fake
        .post(
            q,
            &[
                ("f", "json"),
                ("where", "Status IN ('Retired') OR FacilityID = 'none'"),
                ("outFields", "Flow"),
                ("orderByFields", "Flow DESC"),
                ("returnGeometry", "false"),
            ],
        )
        .await["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["attributes"]["Flow"].as_i64().unwrap())
        .collect();
    assert_eq!(flows.len(), page["features"].as_array().unwrap().len());
    assert!(flows.windows(2).all(|w| w[0] >= w[1]));

    let bad = fake
        .post(q, &[("f", "json"), ("where", "Status ~ 3")])
        .await;
    assert_eq!(bad["error"]["code"], 400);
    assert_eq!(bad["error"]["message"], "Unable to complete operation.");
    let unknown = fake
        .post(q, &[("f", "json"), ("where", "NoSuchField = 1")])
        .await;
    assert_eq!(unknown["error"]["code"], 400);

    let table = fake
        .post(
            "Hydrants/FeatureServer/5/query",
            &[("f", "json"), ("outFields", "*")],
        )
        .await;
    assert_eq!(table["features"].as_array().unwrap().len(), 120);
    assert!(table["features"][0].get("geometry").is_none());
}

#[tokio::test]
async fn object_id_batches_are_capped() {
    let fake = Fake::hosted().await;
    let q = "Hydrants/FeatureServer/0/query";
    let ids = ids_of(
        &fake
            .post(q, &[("f", "json"), ("returnIdsOnly", "true")])
            .await,
    );
    let list = |s: &[i64]| s.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let mut all = Vec::new();
    for chunk in ids.chunks(200) {
        let body = fake
            .post(
                q,
                &[
                    ("f", "json"),
                    ("objectIds", &list(chunk)),
                    ("outFields", "*"),
                    ("returnAllRecords", "true"),
                ],
            )
            .await;
        assert!(body.get("exceededTransferLimit").is_none());
        all.extend(oids(&body, "OBJECTID"));
    }
    assert_eq!(all, ids);
    let big = fake
        .post(q, &[("f", "json"), ("objectIds", &list(&ids[..250]))])
        .await;
    assert_eq!(big["features"].as_array().unwrap().len(), 200);
    assert_eq!(big["exceededTransferLimit"], true);
}

#[tokio::test]
async fn no_paging_layer_needs_id_batches() {
    let fake = Fake::hosted().await;
    let def = fake
        .post("Parcels_NoPaging/FeatureServer/0", &[("f", "json")])
        .await;
    assert_eq!(
        def["advancedQueryCapabilities"]["supportsPagination"],
        false
    );
    let q = "Parcels_NoPaging/FeatureServer/0/query";
    let err = fake
        .post(
            q,
            &[
                ("f", "json"),
                ("resultOffset", "0"),
                ("resultRecordCount", "200"),
            ],
        )
        .await;
    assert_eq!(err["error"]["message"], "Pagination is not supported.");
    let plain = fake.post(q, &[("f", "json")]).await;
    assert_eq!(plain["features"].as_array().unwrap().len(), 200);
    assert_eq!(plain["exceededTransferLimit"], true);
    assert!(plain["features"][0]["geometry"]["rings"].is_array());
    let ids = ids_of(
        &fake
            .post(q, &[("f", "json"), ("returnIdsOnly", "true")])
            .await,
    );
    assert_eq!(ids.len(), 300);
    let mut n = 0;
    for chunk in ids.chunks(200) {
        let list = chunk
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        n += fake.post(q, &[("f", "json"), ("objectIds", &list)]).await["features"]
            .as_array()
            .unwrap()
            .len();
    }
    assert_eq!(n, 300);
}

#[tokio::test]
async fn geojson_output() {
    let fake = Fake::hosted().await;
    let body = fake
        .post(
            "Hydrants/FeatureServer/0/query",
            &[("f", "geojson"), ("outFields", "*")],
        )
        .await;
    assert_eq!(body["type"], "FeatureCollection");
    assert_eq!(body["properties"]["exceededTransferLimit"], true);
    assert!(body.get("exceededTransferLimit").is_none());
    let f = &body["features"][0];
    assert_eq!(f["type"], "Feature");
    assert_eq!(f["id"], f["properties"]["OBJECTID"]);
    let lon = f["geometry"]["coordinates"][0].as_f64().unwrap();
    let lat = f["geometry"]["coordinates"][1].as_f64().unwrap();
    assert!(
        (-117.3..-117.1).contains(&lon) && (34.0..34.2).contains(&lat),
        "{lon},{lat}"
    );
    let lines = fake
        .post("Hydrants/FeatureServer/2/query", &[("f", "geojson")])
        .await;
    assert_eq!(lines["features"][0]["geometry"]["type"], "LineString");
    assert!(lines.get("properties").is_none());
}

#[tokio::test]
async fn attachments_query_list_and_download() {
    let fake = Fake::hosted().await;
    assert_eq!(Some(22), fake.store.attachment_count(HYDRANTS, 0));
    let ids = ids_of(
        &fake
            .post(
                "Hydrants/FeatureServer/0/query",
                &[("f", "json"), ("returnIdsOnly", "true")],
            )
            .await,
    );
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let q = "Hydrants/FeatureServer/0/queryAttachments";
    let body = fake
        .post(
            q,
            &[("f", "json"), ("objectIds", &list), ("returnUrl", "true")],
        )
        .await;
    let groups = body["attachmentGroups"].as_array().unwrap();
    assert_eq!(groups.len(), 21);
    let infos: usize = groups
        .iter()
        .map(|g| g["attachmentInfos"].as_array().unwrap().len())
        .sum();
    assert_eq!(infos, 22);
    let two = groups
        .iter()
        .find(|g| g["attachmentInfos"].as_array().unwrap().len() == 2)
        .unwrap();
    let pdf = &two["attachmentInfos"][1];
    assert_eq!(pdf["contentType"], "application/pdf");
    assert!(pdf["url"].as_str().unwrap().ends_with(&format!(
        "/0/{}/attachments/{}",
        two["parentObjectId"], pdf["id"]
    )));
    assert!(two["parentGlobalId"].as_str().unwrap().starts_with('{'));

    let by_gid = fake
        .post(
            q,
            &[
                ("f", "json"),
                ("globalIds", two["parentGlobalId"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(by_gid["attachmentGroups"].as_array().unwrap().len(), 1);
    let by_def = fake
        .post(
            q,
            &[
                ("f", "json"),
                ("definitionExpression", "1=1"),
                ("attachmentTypes", "application/pdf"),
            ],
        )
        .await;
    assert_eq!(by_def["attachmentGroups"].as_array().unwrap().len(), 1);
    let none = fake.post(q, &[("f", "json")]).await;
    assert_eq!(none["error"]["code"], 400);

    let oid = two["parentObjectId"].as_i64().unwrap();
    let per = fake
        .post(
            &format!("Hydrants/FeatureServer/0/{oid}/attachments"),
            &[("f", "json")],
        )
        .await;
    assert_eq!(per["attachmentInfos"].as_array().unwrap().len(), 2);
    assert_eq!(
        per["attachmentInfos"][0]["parentGlobalId"],
        two["parentGlobalId"]
    );

    let jpg = &two["attachmentInfos"][0];
    let resp = fake
        .http
        .get(fake.url(&format!(
            "Hydrants/FeatureServer/0/{oid}/attachments/{}",
            jpg["id"]
        )))
        .query(&[("token", "good")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.headers()["content-type"], "image/jpeg");
    let bytes = resp.bytes().await.unwrap();
    assert_eq!(&bytes[..3], &[0xFF, 0xD8, 0xFF]);
    assert_eq!(bytes.len() as u64, jpg["size"].as_u64().unwrap());

    let survey = fake
        .post(
            "Field_Inspections/FeatureServer/0/queryAttachments",
            &[("f", "json"), ("definitionExpression", "1=1")],
        )
        .await;
    assert_eq!(
        survey["attachmentGroups"][0]["attachmentInfos"][0]["keywords"],
        "photo"
    );
    let no_att = fake
        .post(
            "Hydrants/FeatureServer/2/queryAttachments",
            &[("f", "json"), ("objectIds", "1")],
        )
        .await;
    assert_eq!(no_att["error"]["code"], 400);
}

#[tokio::test]
async fn access_control() {
    let fake = Fake::hosted().await;
    let anon: Value = fake
        .get_anon("Hydrants/FeatureServer?f=json")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(anon["error"]["code"], 499);
    assert_eq!(anon["error"]["messageCode"], "GWM_0003");
    let resp = fake
        .get_anon("Hydrants/FeatureServer/0/query?f=json&token=bad")
        .await;
    assert_eq!(resp.status(), 200);
    let bad: Value = resp.json().await.unwrap();
    assert_eq!(bad["error"]["code"], 498);
    assert_eq!(bad["error"]["message"], "Invalid token.");
    let ok: Value = fake
        .get_anon(
            "Hydrants/FeatureServer/0/query?f=json&where=1%3D1&returnCountOnly=true&token=good",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ok["count"], 450);

    let public = Fake::start(ServiceStore::sample_foreign(), "/arcgis").await;
    let trails: Value = public
        .get_anon("Public_Trails/FeatureServer/0/query?f=json&returnCountOnly=true")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(trails["count"], 30);
    let with_token: Value = public
        .get_anon("Public_Trails/FeatureServer?f=json&token=bad")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(with_token["serviceItemId"], PUBLIC_TRAILS_ITEM_ID);
    assert!(with_token.get("editingInfo").is_none());
}

#[tokio::test]
async fn view_is_filtered() {
    let fake = Fake::hosted().await;
    let root = fake
        .post("Hydrants_view/FeatureServer", &[("f", "json")])
        .await;
    assert_eq!(root["isView"], true);
    let sources = fake
        .post("Hydrants_view/FeatureServer/sources", &[("f", "json")])
        .await;
    assert_eq!(sources["services"][0]["serviceItemId"], HYDRANTS_ITEM_ID);
    let def = fake
        .post("Hydrants_view/FeatureServer/0", &[("f", "json")])
        .await;
    assert_eq!(def["isView"], true);
    assert_eq!(def["viewDefinitionQuery"], "Status = 'Active'");
    let active = fake
        .post(
            "Hydrants/FeatureServer/0/query",
            &[
                ("f", "json"),
                ("where", "Status = 'Active'"),
                ("returnCountOnly", "true"),
            ],
        )
        .await["count"]
        .as_u64()
        .unwrap();
    let via_view = fake
        .post(
            "Hydrants_view/FeatureServer/0/query",
            &[("f", "json"), ("returnCountOnly", "true")],
        )
        .await;
    assert_eq!(via_view["count"].as_u64(), Some(active));
    assert!(active < 450 && active > 200);
    assert_eq!(
        fake.store.feature_count(HYDRANTS_VIEW, 0),
        Some(active as usize)
    );
    let inactive = fake
        .post(
            "Hydrants_view/FeatureServer/0/query",
            &[
                ("f", "json"),
                ("where", "Status <> 'Active'"),
                ("returnCountOnly", "true"),
            ],
        )
        .await;
    assert_eq!(inactive["count"], 0);
}

#[tokio::test]
async fn html_without_f_and_rest_info() {
    let fake = Fake::hosted().await;
    let resp = fake
        .http
        .get(fake.url("Hydrants/FeatureServer?token=good"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(resp.text().await.unwrap().contains("<html"));

    let info: Value = fake
        .http
        .get(format!("{}/rest/info?f=json", fake.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["owningSystemUrl"], "https://portal.example/portal");
    assert_eq!(
        info["authInfo"]["tokenServicesUrl"],
        "https://portal.example/portal/sharing/rest/generateToken"
    );
    assert_eq!(info["authInfo"]["isTokenBasedSecurity"], true);
}

#[tokio::test]
async fn where_extras_out_sr_and_extent() {
    let fake = Fake::hosted().await;
    let q = "Hydrants/FeatureServer/0/query";
    let count = |body: Value| body["count"].as_u64().unwrap();
    let all = count(
        fake.post(q, &[("f", "json"), ("returnCountOnly", "true")])
            .await,
    );
    let after = count(
        fake.post(
            q,
            &[
                ("f", "json"),
                ("where", "InstallDate >= DATE '2015-01-01'"),
                ("returnCountOnly", "true"),
            ],
        )
        .await,
    );
    let before = count(
        fake.post(
            q,
            &[
                ("f", "json"),
                ("where", "InstallDate < TIMESTAMP '2015-01-01 00:00:00'"),
                ("returnCountOnly", "true"),
            ],
        )
        .await,
    );
    assert!(after > 0 && before > 0);
    assert_eq!(after + before, all);
    let between = count(
        fake.post(
            q,
            &[
                ("f", "json"),
                (
                    "where",
                    "Flow BETWEEN 500 AND 1000 AND UPPER(Status) = 'ACTIVE'",
                ),
                ("returnCountOnly", "true"),
            ],
        )
        .await,
    );
    let manual = count(
        fake.post(
            q,
            &[
                ("f", "json"),
                (
                    "where",
                    "Flow >= 500 AND Flow <= 1000 AND Status = 'Active'",
                ),
                ("returnCountOnly", "true"),
            ],
        )
        .await,
    );
    assert_eq!(between, manual);
    let nulls = count(
        fake.post(
            q,
            &[
                ("f", "json"),
                ("where", "LastInspection IS NULL"),
                ("returnCountOnly", "true"),
            ],
        )
        .await,
    );
    assert_eq!(nulls, 50);

    let wgs = fake
        .post(
            q,
            &[("f", "json"), ("outSR", "4326"), ("resultRecordCount", "1")],
        )
        .await;
    assert_eq!(wgs["spatialReference"]["wkid"], 4326);
    assert!(wgs["features"][0]["geometry"]["x"].as_f64().unwrap() < -117.0);
    let bad_sr = fake.post(q, &[("f", "json"), ("outSR", "2230")]).await;
    assert_eq!(bad_sr["error"]["code"], 400);
    let ext = fake
        .post(
            q,
            &[
                ("f", "json"),
                ("returnExtentOnly", "true"),
                ("returnCountOnly", "true"),
            ],
        )
        .await;
    assert_eq!(ext["count"], 450);
    assert!(ext["extent"]["xmin"].as_f64().unwrap() < ext["extent"]["xmax"].as_f64().unwrap());
}

#[tokio::test]
async fn statistics_and_related_records() {
    let fake = Fake::hosted().await;
    let stats = fake
        .post("Field_Inspections/FeatureServer/0/query", &[("f", "json"), ("where", "1=1"),
            ("outStatistics", r#"[{"statisticType":"max","onStatisticField":"EditDate","outStatisticFieldName":"last_edit"},{"statisticType":"count","onStatisticField":"objectid","outStatisticFieldName":"n"}]"#)])
        .await;
    assert_eq!(stats["features"][0]["attributes"]["n"], 40);
    assert!(
        stats["features"][0]["attributes"]["last_edit"]
            .as_i64()
            .unwrap()
            > 1_716_000_000_000
    );
    assert_eq!(stats["fields"][0]["type"], "esriFieldTypeDate");
    let grouped = fake
        .post("Hydrants/FeatureServer/0/query", &[("f", "json"), ("groupByFieldsForStatistics", "Status"),
            ("outStatistics", r#"[{"statisticType":"count","onStatisticField":"OBJECTID","outStatisticFieldName":"n"}]"#)])
        .await;
    let total: i64 = grouped["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["attributes"]["n"].as_i64().unwrap())
        .sum();
    assert_eq!(grouped["features"].as_array().unwrap().len(), 3);
    assert_eq!(total, 450);

    let ids = ids_of(
        &fake
            .post(
                "Hydrants/FeatureServer/0/query",
                &[("f", "json"), ("returnIdsOnly", "true")],
            )
            .await,
    );
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let rel = fake
        .post(
            "Hydrants/FeatureServer/0/queryRelatedRecords",
            &[
                ("f", "json"),
                ("objectIds", &list),
                ("relationshipId", "0"),
                ("outFields", "*"),
            ],
        )
        .await;
    let n: usize = rel["relatedRecordGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["relatedRecords"].as_array().unwrap().len())
        .sum();
    assert_eq!(n, 120);
    let back = fake
        .post(
            "Hydrants/FeatureServer/5/queryRelatedRecords",
            &[("f", "json"), ("objectIds", "1"), ("relationshipId", "0")],
        )
        .await;
    assert_eq!(back["geometryType"], "esriGeometryPoint");
    assert_eq!(
        back["relatedRecordGroups"][0]["relatedRecords"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
