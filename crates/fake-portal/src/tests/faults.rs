//! Tests of random fault ratios and cut bodies (what a dropped connection looks like).

use super::*;
use crate::FaultRatios;

#[tokio::test]
async fn cut_next_body_is_an_error_for_binary_and_json() {
    let p = portal().await;
    let t = admin_token(&p);
    let pdf = item_id("pdf");
    let url = format!("{}/content/items/{pdf}/data", p.sharing_url());
    let full = client().get(&url).bearer_auth(&t).send().await.unwrap();
    let full_len = full.bytes().await.unwrap().len();
    assert!(full_len > 10);

    p.cut_next_body(1);
    let r = client().get(&url).bearer_auth(&t).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let declared: usize = r.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(declared, full_len, "the full length is declared");
    assert!(
        r.bytes().await.is_err(),
        "a cut body is an error, not a short success"
    );

    p.cut_next_body(1);
    let r = client()
        .get(format!("{}/portals/self?f=json", p.sharing_url()))
        .send()
        .await
        .unwrap();
    assert!(r.bytes().await.is_err());

    let ok = client().get(&url).bearer_auth(&t).send().await.unwrap();
    assert_eq!(
        ok.bytes().await.unwrap().len(),
        full_len,
        "only n bodies are cut"
    );
}

#[tokio::test]
async fn thumbnails_and_resources_can_be_cut() {
    let p = portal().await;
    let t = admin_token(&p);
    let wm = item_id("webmap");
    p.cut_next_body(1);
    let r = client()
        .get(format!(
            "{}/content/items/{wm}/info/thumbnail/thumbnail.png",
            p.sharing_url()
        ))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert!(r.bytes().await.is_err());
}

#[tokio::test]
async fn fault_ratios_hit_all_kinds_but_spare_sign_in() {
    let p = portal().await;
    let t = admin_token(&p);
    p.set_fault_ratios(FaultRatios {
        status_5xx: 0.2,
        throttle_429: 0.2,
        truncate: 0.2,
        seed: 7,
    });
    let pdf = item_id("pdf");
    let (mut s5xx, mut s429, mut cut, mut ok) = (0, 0, 0, 0);
    for _ in 0..150 {
        let r = client()
            .get(format!("{}/content/items/{pdf}/data", p.sharing_url()))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap();
        match r.status().as_u16() {
            429 => {
                assert_eq!(r.headers()["retry-after"], "1");
                s429 += 1;
            }
            500..=599 => s5xx += 1,
            _ => match r.bytes().await {
                Ok(_) => ok += 1,
                Err(_) => cut += 1,
            },
        }
    }
    for (n, what) in [(s5xx, "5xx"), (s429, "429"), (cut, "cut"), (ok, "ok")] {
        assert!(n >= 10, "{what}: {n} of 150 ({s5xx} {s429} {cut} {ok})");
    }
    for _ in 0..30 {
        let v: Value = client()
            .post(format!("{}/generateToken", p.sharing_url()))
            .form(&[
                ("username", ADMIN_USERNAME),
                ("password", ADMIN_PASSWORD),
                ("client", "requestip"),
                ("f", "json"),
            ])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .expect("sign-in is never faulted");
        assert!(v["token"].is_string(), "{v}");
    }
    p.set_fault_ratios(FaultRatios::default());
    for _ in 0..20 {
        let r = client()
            .get(format!("{}/content/items/{pdf}/data", p.sharing_url()))
            .bearer_auth(&t)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.bytes().await.unwrap();
    }
}

#[tokio::test]
async fn fault_ratios_reach_the_services_origin() {
    let p = portal().await;
    let t = admin_token(&p);
    p.set_fault_ratios(FaultRatios {
        status_5xx: 1.0,
        seed: 1,
        ..FaultRatios::default()
    });
    let r = client()
        .get(format!(
            "{}/{ORG_ID}/arcgis/rest/services/Hydrants/FeatureServer?f=json",
            p.services_origin()
        ))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_server_error());
}
