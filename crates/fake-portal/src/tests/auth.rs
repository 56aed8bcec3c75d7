use super::*;
use std::time::Duration;

#[tokio::test]
async fn generate_token_errors() {
    let p = portal().await;
    let bad = client()
        .post(format!("{}/generateToken", p.sharing_url()))
        .form(&[
            ("username", ADMIN_USERNAME),
            ("password", "nope"),
            ("client", "requestip"),
            ("f", "json"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 200);
    let v: Value = bad.json().await.unwrap();
    assert_eq!(v["error"]["code"], 400);
    assert_eq!(v["error"]["message"], "Unable to generate token.");
    assert_eq!(v["error"]["details"][0], "Invalid username or password.");
    let saml: Value = client()
        .post(format!("{}/generateToken", p.sharing_url()))
        .form(&[
            ("username", SAML_USERNAME),
            ("password", SAML_IDP_PASSWORD),
            ("client", "requestip"),
            ("f", "json"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(saml["error"]["details"][0], "Invalid username or password.");
    let get = get_json(
        &p,
        "/generateToken",
        &[
            ("username", ADMIN_USERNAME),
            ("password", ADMIN_PASSWORD),
            ("f", "json"),
        ],
    )
    .await;
    assert!(get["error"].is_object());
}

#[tokio::test]
async fn tokens_are_referer_bound_and_accepted_in_headers() {
    let p = portal().await;
    let t = token_for(&p, PUBLISHER_USERNAME, PUBLISHER_PASSWORD, "agol-tui").await;
    let url = format!("{}/community/self?f=json", p.sharing_url());
    let ok: Value = client()
        .get(&url)
        .header("Referer", "agol-tui")
        .header("X-Esri-Authorization", format!("Bearer {t}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ok["username"], PUBLISHER_USERNAME);
    assert_eq!(ok["role"], "org_publisher");
    let ok2: Value = client()
        .get(format!("{url}&token={t}"))
        .header("Referer", "agol-tui")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ok2["username"], PUBLISHER_USERNAME);
    for referer in [None, Some("other")] {
        let mut rq = client().get(&url).bearer_auth(&t);
        if let Some(r) = referer {
            rq = rq.header("Referer", r);
        }
        let v: Value = rq.send().await.unwrap().json().await.unwrap();
        assert_eq!(v["error"]["code"], 498, "{v}");
        assert_eq!(v["error"]["message"], "Invalid token.");
    }
}

#[tokio::test]
async fn expired_token_gets_498_and_anonymous_gets_499() {
    let p = portal().await;
    p.set_token_ttl(Duration::from_millis(300));
    let t = p.issue_token(USER_USERNAME);
    let url = format!("{}/community/self?f=json", p.sharing_url());
    let v: Value = client()
        .get(&url)
        .bearer_auth(&t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["username"], USER_USERNAME);
    assert_eq!(v["lastLogin"], -1);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let v: Value = client()
        .get(&url)
        .bearer_auth(&t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["error"]["code"], 498);
    let v: Value = client()
        .get(&url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["error"]["code"], 499);
    assert_eq!(v["error"]["messageCode"], "GWM_0003");
}

#[tokio::test]
async fn server_token_and_revoke_and_loopback_code_redirect() {
    let p = portal().await;
    let t = token_for(&p, ADMIN_USERNAME, ADMIN_PASSWORD, "agol-tui").await;
    let v: Value = client()
        .post(format!("{}/generateToken", p.sharing_url()))
        .header("Referer", "agol-tui")
        .form(&[
            ("token", t.as_str()),
            ("serverUrl", &p.services_origin()),
            ("f", "json"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let server_token = v["token"].as_str().expect("server token");
    let me = get_json(
        &p,
        "/community/self",
        &[("f", "json"), ("token", server_token)],
    )
    .await;
    assert_eq!(me["error"]["code"], 498, "still referer-bound");
    let revoked: Value = client()
        .post(format!("{}/oauth2/revokeToken", p.sharing_url()))
        .form(&[
            ("client_id", OAUTH_CLIENT_ID),
            ("auth_token", t.as_str()),
            ("f", "json"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(revoked["success"], true);
    let page = client()
        .get(format!("{}/oauth2/authorize", p.sharing_url()))
        .query(&[
            ("client_id", OAUTH_CLIENT_ID),
            ("response_type", "code"),
            ("redirect_uri", "http://127.0.0.1:9/callback"),
            ("state", "st"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let line = page.lines().find(|l| l.contains("oauth_state")).unwrap();
    let info: Value =
        serde_json::from_str(&line[line.find('{').unwrap()..=line.rfind('}').unwrap()]).unwrap();
    let r = client()
        .post(format!("{}/sharing/oauth2/signin", p.url()))
        .form(&[
            ("oauth_state", info["oauth_state"].as_str().unwrap()),
            ("username", USER_USERNAME),
            ("password", USER_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let loc = r.headers()["location"].to_str().unwrap();
    assert!(
        loc.starts_with("http://127.0.0.1:9/callback?code=") && loc.ends_with("&state=st"),
        "{loc}"
    );
}

#[tokio::test]
async fn random_503s_follow_the_ratio() {
    let p = FakePortal::start(FakeConfig {
        fail_ratio_5xx: 0.5,
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let mut failed = 0;
    for _ in 0..40 {
        let r = client()
            .get(format!("{}?f=json", p.sharing_url()))
            .send()
            .await
            .unwrap();
        if r.status() == 503 {
            failed += 1;
        }
    }
    assert!((8..=32).contains(&failed), "{failed}");
}
