//! Authentication against the fake portal: generateToken, SAML hint, pre-issued tokens,
//! OAuth code + PKCE with refresh and rotation, refresh before expiry and on 498.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use agol_tui::client::auth::{
    OAuthCredentials, Pkce, RefreshTokenStore, authorize_url, exchange_code,
};
use agol_tui::client::{Client, Credentials, Error, PortalUrl, RetryPolicy};
use agol_tui::fake::{FakeConfig, sample};
use secrecy::{ExposeSecret, SecretString};

#[tokio::test]
async fn password_sign_in_and_wrong_password() {
    let fake = common::fake().await;
    let ok = common::admin(&fake);
    assert_eq!(
        ok.community_self().await.unwrap().username,
        sample::ADMIN_USERNAME
    );

    let bad = common::password_client(&fake, sample::ADMIN_USERNAME, "not-the-password");
    let err = bad.community_self().await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("invalid username or password"), "{text}");
    assert!(
        !text.contains("not-the-password"),
        "the password never shows in errors"
    );
}

#[tokio::test]
async fn saml_users_are_told_to_use_oauth() {
    let fake = common::fake().await;
    let client = common::password_client(&fake, sample::SAML_USERNAME, sample::SAML_IDP_PASSWORD);
    let err = client.sign_in().await.unwrap_err();
    assert!(err.to_string().contains("--oauth"), "{err}");
}

#[tokio::test]
async fn pre_issued_tokens_work_and_fail_clearly_when_revoked() {
    let fake = common::fake().await;
    let token = fake.issue_token(sample::PUBLISHER_USERNAME);
    let client = Client::builder(PortalUrl::parse(&fake.url(), false).unwrap())
        .retry(RetryPolicy::fast())
        .credentials(Credentials::Token {
            token: SecretString::from(token),
        })
        .build()
        .unwrap();
    assert_eq!(
        client.community_self().await.unwrap().username,
        sample::PUBLISHER_USERNAME
    );

    let bogus = Client::builder(PortalUrl::parse(&fake.url(), false).unwrap())
        .retry(RetryPolicy::fast())
        .credentials(Credentials::Token {
            token: SecretString::from("not-a-token".to_string()),
        })
        .build()
        .unwrap();
    let err = bogus.community_self().await.unwrap_err();
    assert!(matches!(err, Error::InvalidToken { .. }), "{err:?}");
    assert!(!err.to_string().contains("not-a-token"));
}

#[tokio::test]
async fn a_run_longer_than_the_token_lifetime_completes() {
    let fake = common::fake_with(FakeConfig {
        token_ttl: Duration::from_secs(2),
        ..FakeConfig::default()
    })
    .await;
    let client = common::admin(&fake);
    let deadline = std::time::Instant::now() + Duration::from_secs(7);
    let mut calls = 0;
    while std::time::Instant::now() < deadline {
        client
            .portal_self()
            .await
            .expect("no request fails across token expiries");
        calls += 1;
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert!(calls > 20);
    let tokens = common::requests_ending(&fake, "/generateToken").len();
    assert!(
        tokens >= 3,
        "the token was renewed before it expired ({tokens} sign-ins)"
    );
}

#[derive(Default)]
struct MemoryStore(Mutex<Vec<String>>);

impl RefreshTokenStore for MemoryStore {
    fn save(&self, refresh_token: &SecretString, _expires_at: SystemTime) -> std::io::Result<()> {
        self.0
            .lock()
            .unwrap()
            .push(refresh_token.expose_secret().to_string());
        Ok(())
    }
}

#[tokio::test]
async fn oauth_code_with_pkce_refreshes_and_rotates() {
    let fake = common::fake_with(FakeConfig {
        token_ttl: Duration::from_secs(2),
        refresh_token_ttl: Duration::from_secs(6),
        ..FakeConfig::default()
    })
    .await;
    let portal = PortalUrl::parse(&fake.url(), false).unwrap();
    let anonymous = common::anonymous(&fake);
    let pkce = Pkce::generate();
    let url = authorize_url(&portal, sample::OAUTH_CLIENT_ID, &pkce, 20160);
    assert!(
        url.contains("code_challenge_method=S256")
            && url.contains("urn%3Aietf%3Awg%3Aoauth%3A2.0%3Aoob")
    );
    // The SAML user, refused by generateToken, signs in through OAuth.
    let code = common::browser_sign_in(
        &fake,
        &url,
        sample::SAML_USERNAME,
        sample::SAML_IDP_PASSWORD,
    )
    .await;

    let wrong = Pkce::generate();
    assert!(
        exchange_code(&anonymous, sample::OAUTH_CLIENT_ID, &code, &wrong.verifier)
            .await
            .is_err(),
        "PKCE verifier checked"
    );
    let code = common::browser_sign_in(
        &fake,
        &url,
        sample::SAML_USERNAME,
        sample::SAML_IDP_PASSWORD,
    )
    .await;
    let grant = exchange_code(&anonymous, sample::OAUTH_CLIENT_ID, &code, &pkce.verifier)
        .await
        .unwrap();
    assert!(
        exchange_code(&anonymous, sample::OAUTH_CLIENT_ID, &code, &pkce.verifier)
            .await
            .is_err(),
        "codes are single-use"
    );

    let store = Arc::new(MemoryStore::default());
    let creds =
        OAuthCredentials::from_grant(sample::OAUTH_CLIENT_ID, &grant, Some(store.clone())).unwrap();
    let client = Client::builder(portal)
        .retry(RetryPolicy::fast())
        .credentials(Credentials::OAuth(creds))
        .build()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(9);
    while std::time::Instant::now() < deadline {
        assert_eq!(
            client.community_self().await.unwrap().username,
            sample::SAML_USERNAME
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let token_calls = common::requests_ending(&fake, "/oauth2/token");
    let grants: Vec<_> = token_calls
        .iter()
        .filter_map(|r| r.params.get("grant_type").cloned())
        .collect();
    assert!(
        grants.iter().filter(|g| *g == "refresh_token").count() >= 2,
        "{grants:?}"
    );
    assert!(
        grants.iter().any(|g| g == "exchange_refresh_token"),
        "refresh token rotated: {grants:?}"
    );
    assert!(
        !store.0.lock().unwrap().is_empty(),
        "the rotated refresh token was saved"
    );
    assert!(token_calls.iter().all(|r| {
        r.params
            .get("refresh_token")
            .is_none_or(|v| v == "<redacted>")
    }));
}

#[tokio::test]
async fn a_rejected_token_is_refreshed_once_and_the_request_replayed() {
    let fake = common::fake().await;
    let portal = PortalUrl::parse(&fake.url(), false).unwrap();
    let pkce = Pkce::generate();
    let url = authorize_url(&portal, sample::OAUTH_CLIENT_ID, &pkce, 20160);
    let code =
        common::browser_sign_in(&fake, &url, sample::ADMIN_USERNAME, sample::ADMIN_PASSWORD).await;
    let grant = exchange_code(
        &common::anonymous(&fake),
        sample::OAUTH_CLIENT_ID,
        &code,
        &pkce.verifier,
    )
    .await
    .unwrap();
    let mut creds = OAuthCredentials::from_grant(sample::OAUTH_CLIENT_ID, &grant, None).unwrap();
    // The client believes this token is good for an hour; the portal says 498.
    creds.access = Some((
        SecretString::from("revoked-token".to_string()),
        SystemTime::now() + Duration::from_secs(3600),
    ));
    let client = Client::builder(portal)
        .retry(RetryPolicy::fast())
        .credentials(Credentials::OAuth(creds))
        .build()
        .unwrap();
    fake.clear_requests();
    assert_eq!(
        client.community_self().await.unwrap().username,
        sample::ADMIN_USERNAME
    );
    let log = fake.requests();
    let selfs: Vec<_> = log
        .iter()
        .filter(|r| r.path.ends_with("/community/self"))
        .collect();
    assert_eq!(selfs.len(), 2, "one rejected attempt, one replay");
    assert_eq!(selfs[0].token.as_deref(), Some("revoked-token"));
    assert_ne!(selfs[1].token.as_deref(), Some("revoked-token"));
    assert_eq!(
        log.iter()
            .filter(|r| r.path.ends_with("/oauth2/token"))
            .count(),
        1
    );
}
