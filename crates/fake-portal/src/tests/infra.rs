use super::*;
use std::time::Duration;

#[tokio::test]
async fn root_info_and_html_without_f() {
    let p = portal().await;
    let v = get_json(&p, "", &[("f", "json")]).await;
    assert!(v["currentVersion"].is_string());
    let v = get_json(&p, "/info", &[("f", "json")]).await;
    assert_eq!(v["authInfo"]["isTokenBasedSecurity"], true);
    assert!(
        v["authInfo"]["tokenServicesUrl"]
            .as_str()
            .unwrap()
            .ends_with("/sharing/rest/generateToken")
    );
    let r = client()
        .get(format!("{}/info", p.sharing_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let r = client()
        .get(format!("{}/rest/info?f=json", p.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let pretty = client()
        .get(format!("{}/portals/self?f=pjson", p.sharing_url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(pretty.contains("\n  \""), "{pretty}");
}

#[tokio::test]
async fn faults_and_request_log() {
    let p = portal().await;
    p.fail_next(1, 503);
    let r = client()
        .get(format!("{}?f=json", p.sharing_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    p.throttle_next(1, 7);
    let r = client()
        .get(format!("{}?f=json", p.sharing_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert_eq!(r.headers()["retry-after"], "7");
    p.truncate_next(1);
    let r = client()
        .get(format!("{}/portals/self?f=json", p.sharing_url()))
        .send()
        .await
        .unwrap();
    let len: usize = r.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body = r.bytes().await.unwrap();
    assert_eq!(len, body.len());
    assert!(serde_json::from_slice::<Value>(&body).is_err());
    let ok = get_json(&p, "/portals/self", &[("f", "json")]).await;
    assert_eq!(ok["name"], ORG_NAME);

    p.clear_requests();
    let _ = client()
        .post(format!("{}/generateToken", p.sharing_url()))
        .form(&[
            ("username", ADMIN_USERNAME),
            ("password", ADMIN_PASSWORD),
            ("client", "requestip"),
            ("f", "json"),
        ])
        .send()
        .await
        .unwrap();
    let t = admin_token(&p);
    let _ = client()
        .get(format!("{}/portals/self?f=json", p.sharing_url()))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    let log = p.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].params["password"], "<redacted>");
    assert_eq!(log[0].params["username"], ADMIN_USERNAME);
    assert_eq!(log[1].token.as_deref(), Some(t.as_str()));
    assert_eq!(log[1].status, 200);
}

#[tokio::test]
async fn latency_is_added() {
    let p = portal().await;
    p.set_latency(Duration::from_millis(150));
    let t0 = std::time::Instant::now();
    let _ = get_json(&p, "", &[("f", "json")]).await;
    assert!(t0.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn tls_serves_and_verifies_with_the_cert_as_root() {
    let p = FakePortal::start(FakeConfig {
        tls: true,
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    assert!(p.url().starts_with("https://127.0.0.1:"));
    let pem = p.ca_cert_pem().expect("pem");
    let cert = reqwest::Certificate::from_pem(pem.as_bytes()).unwrap();
    let c = reqwest::Client::builder()
        .tls_certs_only([cert])
        .build()
        .unwrap();
    let v: Value = c
        .get(format!("{}?f=json", p.sharing_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(v["currentVersion"].is_string());
    let r = c
        .get(format!(
            "{}/{}/arcgis/rest/info?f=json",
            p.services_origin(),
            ORG_ID
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let plain = reqwest::Client::new();
    assert!(
        plain
            .get(format!("{}?f=json", p.sharing_url()))
            .send()
            .await
            .is_err()
    );
}
