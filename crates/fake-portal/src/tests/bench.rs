//! Tests of the benchmark generators: the streamed large file, the lazily generated
//! `Big_Layer`, and the mixed generated items.

use super::*;
use crate::features::sample::{BIG_LAYER, BIG_LAYER_ITEM_ID};
use crate::{FakeConfig, FakePortal};
use futures::StreamExt;
use sha2::{Digest, Sha256};

async fn start(config: FakeConfig) -> FakePortal {
    FakePortal::start(config).await.expect("start fake")
}

#[tokio::test]
async fn large_file_streams_with_full_length_and_same_bytes_each_time() {
    const LEN: u64 = 3 * 1024 * 1024 + 17;
    let p = start(FakeConfig {
        large_file_bytes: LEN,
        ..FakeConfig::default()
    })
    .await;
    let t = admin_token(&p);
    let rec = get_json(
        &p,
        &format!("/content/items/{LARGE_FILE_ITEM_ID}"),
        &[("f", "json"), ("token", &t)],
    )
    .await;
    assert_eq!(rec["size"], LEN);
    assert_eq!(rec["type"], "File Geodatabase");
    assert_eq!(rec["name"], "large.gdb.zip");
    assert_eq!(rec["owner"], ADMIN_USERNAME);
    let mut digests = Vec::new();
    for _ in 0..2 {
        let r = client()
            .get(format!(
                "{}/content/items/{LARGE_FILE_ITEM_ID}/data",
                p.sharing_url()
            ))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["content-length"], LEN.to_string().as_str());
        let mut stream = r.bytes_stream();
        let (mut n, mut h) = (0u64, Sha256::new());
        while let Some(chunk) = stream.next().await {
            let c = chunk.unwrap();
            n += c.len() as u64;
            h.update(&c);
        }
        assert_eq!(n, LEN);
        digests.push(h.finalize());
    }
    assert_eq!(digests[0], digests[1]);

    p.cut_next_body(1);
    let r = client()
        .get(format!(
            "{}/content/items/{LARGE_FILE_ITEM_ID}/data",
            p.sharing_url()
        ))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-length"], LEN.to_string().as_str());
    assert!(r.bytes().await.is_err(), "a cut stream is an error");
}

#[tokio::test]
async fn no_large_items_by_default() {
    let p = portal().await;
    assert!(
        p.items()
            .iter()
            .all(|i| i.id != LARGE_FILE_ITEM_ID && i.id != BIG_LAYER_ITEM_ID)
    );
}

async fn big(p: &FakePortal, t: &str, q: &str) -> Value {
    client()
        .get(format!(
            "{}/{ORG_ID}/arcgis/rest/services/{BIG_LAYER}/FeatureServer/0/query?f=json&{q}",
            p.services_origin()
        ))
        .bearer_auth(t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn big_layer_pages_counts_and_ids_without_storing_rows() {
    const N: usize = 100_000;
    let p = start(FakeConfig {
        large_layer_features: N,
        ..FakeConfig::default()
    })
    .await;
    let t = admin_token(&p);
    let item = p
        .items()
        .into_iter()
        .find(|i| i.id == BIG_LAYER_ITEM_ID)
        .expect("item");
    assert_eq!(item.item_type, "Feature Service");
    assert_eq!(item.owner, ADMIN_USERNAME);
    let def: Value = client()
        .get(format!(
            "{}/{ORG_ID}/arcgis/rest/services/{BIG_LAYER}/FeatureServer/0?f=json",
            p.services_origin()
        ))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(def["maxRecordCount"], 2000);
    assert_eq!(def["hasAttachments"], false);
    assert_eq!(def["serviceItemId"], BIG_LAYER_ITEM_ID);

    assert_eq!(
        big(&p, &t, "where=1%3D1&returnCountOnly=true").await["count"],
        N
    );
    let page = big(
        &p,
        &t,
        "where=1%3D1&outFields=*&resultOffset=90000&resultRecordCount=5000",
    )
    .await;
    let feats = page["features"].as_array().unwrap();
    assert_eq!(feats.len(), 2000);
    assert_eq!(feats[0]["attributes"]["OBJECTID"], 90_001);
    assert_eq!(page["exceededTransferLimit"], true);
    let last = big(
        &p,
        &t,
        "where=1%3D1&outFields=*&resultOffset=99000&resultRecordCount=2000",
    )
    .await;
    assert_eq!(last["features"].as_array().unwrap().len(), 1000);
    assert!(last.get("exceededTransferLimit").is_none());
    let again = big(
        &p,
        &t,
        "where=1%3D1&outFields=*&resultOffset=99000&resultRecordCount=1",
    )
    .await;
    assert_eq!(
        again["features"][0], last["features"][0],
        "rows are deterministic"
    );

    let ids = big(&p, &t, "where=1%3D1&returnIdsOnly=true").await;
    assert_eq!(ids["objectIds"].as_array().unwrap().len(), N);
    let batch = big(&p, &t, "objectIds=5,7,9,200000&outFields=OBJECTID,Category").await;
    let got: Vec<i64> = batch["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["attributes"]["OBJECTID"].as_i64().unwrap())
        .collect();
    assert_eq!(got, vec![5, 7, 9]);
    let filtered = big(&p, &t, "where=Category%3D%27Valve%27&returnCountOnly=true").await;
    assert_eq!(filtered["count"], N / 4);

    let before = def["editingInfo"]["lastEditDate"].as_i64().unwrap();
    let date = p.edit_feature(BIG_LAYER, 0, 42);
    assert!(date > before);
    let row = big(&p, &t, "objectIds=42&outFields=*").await;
    assert!(
        row["features"][0]["attributes"]["Category"]
            .as_str()
            .unwrap()
            .starts_with("edited")
    );
}

#[tokio::test]
async fn generated_items_mix_types_with_thumbnails_metadata_and_resources() {
    let p = start(FakeConfig {
        generated_items: 40,
        ..FakeConfig::default()
    })
    .await;
    let t = admin_token(&p);
    let generated: Vec<_> = p
        .items()
        .into_iter()
        .filter(|i| i.owner.starts_with(GENERATED_USER_PREFIX))
        .collect();
    assert_eq!(generated.len(), 40);
    let types: std::collections::BTreeSet<_> =
        generated.iter().map(|i| i.item_type.clone()).collect();
    for ty in [
        "Web Map",
        "CSV",
        "PDF",
        "Web Mapping Application",
        "Dashboard",
    ] {
        assert!(types.contains(ty), "{ty} in {types:?}");
    }
    let (mut metadata, mut resources) = (0, 0);
    for it in &generated {
        let base = format!("{}/content/items/{}", p.sharing_url(), it.id);
        let data = client()
            .get(format!("{base}/data"))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap();
        assert_eq!(data.status(), 200);
        assert!(
            !data.bytes().await.unwrap().is_empty(),
            "{} has data",
            it.item_type
        );
        let thumb = client()
            .get(format!("{base}/info/thumbnail/thumbnail.png"))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap();
        assert!(thumb.bytes().await.unwrap().starts_with(b"\x89PNG"));
        let md = client()
            .get(format!("{base}/info/metadata/metadata.xml"))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap();
        if md.status() == 200 {
            metadata += 1;
        }
        let res = get_json(
            &p,
            &format!("/content/items/{}/resources", it.id),
            &[("f", "json"), ("token", &t)],
        )
        .await;
        resources += res["total"].as_i64().unwrap();
    }
    assert!((5..40).contains(&metadata), "{metadata}");
    assert!(resources >= 3, "{resources}");
}
