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
