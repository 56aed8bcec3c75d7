use super::*;
use base64::Engine;
use sha2::{Digest, Sha256};

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_string()
}

fn oauth_state(html: &str) -> String {
    let line = html
        .lines()
        .find(|l| l.contains("oauth_state"))
        .expect("line with oauth_state");
    let json = &line[line.find('{').unwrap()..=line.rfind('}').unwrap()];
    let v: Value = serde_json::from_str(json).unwrap();
    v["oauth_state"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn code_flow_with_pkce_through_signin_and_approval() {
    let p = portal().await;
    let verifier = "a-very-long-code-verifier-0123456789-abcdefghijklmnop";
    let challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier));
    let c = client();
    let bad = c
        .get(format!("{}/oauth2/authorize", p.sharing_url()))
        .query(&[
            ("client_id", OAUTH_CLIENT_ID),
            ("response_type", "code"),
            ("redirect_uri", "https://evil.example"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(bad.contains("Invalid redirect_uri"));
    let page = c
        .get(format!("{}/oauth2/authorize", p.sharing_url()))
        .query(&[
            ("client_id", OAUTH_CLIENT_ID),
            ("response_type", "code"),
            ("redirect_uri", OOB_REDIRECT_URI),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
            ("state", "xyz"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let st = oauth_state(&page);
    let signin = format!("{}/sharing/oauth2/signin", p.url());
    let wrong = c
        .post(&signin)
        .form(&[
            ("oauth_state", st.as_str()),
            ("username", SAML_USERNAME),
            ("password", "x"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 200);
    let r = c
        .post(&signin)
        .form(&[
            ("oauth_state", st.as_str()),
            ("username", SAML_USERNAME),
            ("password", SAML_IDP_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    let loc = location(&r);
    assert!(loc.contains("/sharing/oauth2/approval?code="), "{loc}");
    let html = c.get(&loc).send().await.unwrap().text().await.unwrap();
    let start = html.find("id=\"code\"").unwrap();
    let value_at = html[start..].find("value=\"").unwrap() + start + 7;
    let code = &html[value_at..value_at + html[value_at..].find('"').unwrap()];
    let token_url = format!("{}/oauth2/token", p.sharing_url());
    let bad: Value = c
        .post(&token_url)
        .form(&[
            ("client_id", OAUTH_CLIENT_ID),
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", OOB_REDIRECT_URI),
            ("code_verifier", "wrong"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bad["error"]["error"], "invalid_request");
    // The failed attempt consumed the code (single use): get a fresh one the test way.
    let code = p.oauth_code_for(SAML_USERNAME, OAUTH_CLIENT_ID, &challenge);
    let v: Value = c
        .post(&token_url)
        .form(&[
            ("client_id", OAUTH_CLIENT_ID),
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", OOB_REDIRECT_URI),
            ("code_verifier", verifier),
            ("f", "json"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["username"], SAML_USERNAME, "{v}");
    assert!(v["expires_in"].as_u64().unwrap() > 0);
    let again: Value = c
        .post(&token_url)
        .form(&[
            ("client_id", OAUTH_CLIENT_ID),
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", OOB_REDIRECT_URI),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(again["error"].is_object());
    let refresh = v["refresh_token"].as_str().unwrap();
    let r2: Value = c
        .post(&token_url)
        .form(&[
            ("client_id", OAUTH_CLIENT_ID),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = r2["access_token"].as_str().unwrap();
    let me: Value = c
        .get(format!("{}/community/self?f=json", p.sharing_url()))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["provider"], "enterprise");
    let ex: Value = c
        .post(&token_url)
        .form(&[
            ("client_id", OAUTH_CLIENT_ID),
            ("grant_type", "exchange_refresh_token"),
            ("refresh_token", refresh),
            ("redirect_uri", OOB_REDIRECT_URI),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(ex["refresh_token"].is_string() && ex["refresh_token_expires_in"].is_u64());
    let old: Value = c
        .post(&token_url)
        .form(&[
            ("client_id", OAUTH_CLIENT_ID),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(old["error"]["code"], 498);
}

#[tokio::test]
async fn implicit_flow_like_the_python_client() {
    let p = portal().await;
    let c = client();
    let redirect = format!("https://{}", p.url().trim_start_matches("http://"));
    let page = c
        .get(format!("{}/oauth2/authorize", p.sharing_url()))
        .query(&[
            ("client_id", PYTHON_API_CLIENT_ID),
            ("response_type", "token"),
            ("redirect_uri", redirect.as_str()),
            ("state", "s1"),
        ])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Invalid redirect_uri"));
    let st = oauth_state(&page);
    let r = c
        .post(format!("{}/sharing/oauth2/signin", p.url()))
        .form(&[
            ("oauth_state", st.as_str()),
            ("username", ADMIN_USERNAME),
            ("password", ADMIN_PASSWORD),
            ("expiration", "60"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    let loc = location(&r);
    assert!(
        loc.starts_with(&format!("{redirect}#access_token=")),
        "{loc}"
    );
    assert!(loc.contains("&state=s1") && loc.contains("expires_in="));
}
