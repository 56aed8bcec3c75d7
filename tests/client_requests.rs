//! The request layer against the fake portal over loopback HTTP: parameters, headers, token
//! placement, GET→POST, the error envelope, retries.

mod common;

use agol_tui::client::Error;
use agol_tui::client::REFERER;
use agol_tui::client::request::Call;
use agol_tui::fake::Origin;

#[tokio::test]
async fn gets_carry_f_json_referer_and_the_token_in_a_header() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let me = client.community_self().await.unwrap();
    assert_eq!(me.username, agol_tui::fake::sample::ADMIN_USERNAME);
    let reqs = common::requests_ending(&fake, "/community/self");
    let r = reqs.last().expect("community/self was requested");
    assert_eq!(r.method, "GET");
    assert_eq!(r.params.get("f").map(String::as_str), Some("json"));
    assert_eq!(r.referer.as_deref(), Some(REFERER));
    assert!(r.token.is_some(), "token sent");
    assert!(
        !r.params.contains_key("token"),
        "GET tokens travel in a header, not the URL"
    );
    let token_calls = common::requests_ending(&fake, "/generateToken");
    assert_eq!(token_calls.len(), 1);
    assert_eq!(token_calls[0].method, "POST");
    assert_eq!(
        token_calls[0].params.get("referer").map(String::as_str),
        Some(REFERER)
    );
    assert_eq!(
        token_calls[0].params.get("client").map(String::as_str),
        Some("referer")
    );
}

#[tokio::test]
async fn posts_carry_the_token_as_a_form_field() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let url = client.portal().sharing("search");
    let _: serde_json::Value = client
        .json(Call::post_read(url).param("q", "owner:gis_admin"))
        .await
        .unwrap();
    let r = common::requests_ending(&fake, "/search").pop().unwrap();
    assert_eq!(r.method, "POST");
    assert!(r.token.is_some());
    assert_eq!(
        r.params.get("token").map(String::as_str),
        Some("<redacted>"),
        "token in the form, redacted by the log"
    );
}

#[tokio::test]
async fn long_gets_become_posts() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let long_q = format!("owner:gis_admin AND NOT title:\"{}\"", "x".repeat(2500));
    let items = client.search(&long_q).await.unwrap();
    assert!(!items.is_empty());
    let r = common::requests_ending(&fake, "/search").pop().unwrap();
    assert_eq!(r.method, "POST", "a URL over 2000 characters goes as POST");
}

#[tokio::test]
async fn the_error_envelope_in_http_200_is_a_typed_error() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let err = client
        .item("0123456789abcdef0123456789abcdef")
        .await
        .unwrap_err();
    match &err {
        Error::Api {
            code,
            message_code,
            message,
            ..
        } => {
            assert_eq!(*code, 400);
            assert_eq!(message_code.as_deref(), Some("CONT_0001"));
            assert!(message.contains("does not exist"), "{message}");
        }
        other => panic!("expected Api error, got {other:?}"),
    }
    assert!(err.is_missing_item());
}

#[tokio::test]
async fn html_without_f_json_is_named_not_parsed() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let url = client.portal().sharing("portals/self");
    let err = client
        .json::<serde_json::Value>(Call::get(url).param("f", "html"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Decode { .. }) && err.to_string().contains("HTML"),
        "{err}"
    );
}

#[tokio::test]
async fn safe_requests_retry_on_503_and_429_with_retry_after() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    client.sign_in().await.unwrap();
    fake.clear_requests();
    fake.fail_next(2, 503);
    client.portal_self().await.expect("succeeds after two 503s");
    let attempts = common::requests_ending(&fake, "/portals/self");
    assert_eq!(
        attempts.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![503, 503, 200]
    );

    fake.clear_requests();
    fake.throttle_next(1, 1);
    let started = std::time::Instant::now();
    client.portal_self().await.expect("succeeds after a 429");
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(900),
        "Retry-After: 1 honoured"
    );
    let attempts = common::requests_ending(&fake, "/portals/self");
    assert_eq!(
        attempts.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![429, 200]
    );
}

#[tokio::test]
async fn retries_are_bounded_and_writes_are_not_retried() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    client.sign_in().await.unwrap();
    fake.clear_requests();
    fake.fail_next(50, 502);
    let err = client.portal_self().await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 502, .. }), "{err:?}");
    assert_eq!(
        common::requests_ending(&fake, "/portals/self").len(),
        5,
        "five attempts, then give up"
    );

    fake.fail_next(0, 502);
    let fake2 = common::fake().await;
    let client2 = common::admin(&fake2);
    client2.sign_in().await.unwrap();
    fake2.clear_requests();
    fake2.fail_next(1, 503);
    let url = client2.portal().sharing("search");
    let err = client2
        .json::<serde_json::Value>(Call::post(url).param("q", "x"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    assert_eq!(
        common::requests_ending(&fake2, "/search").len(),
        1,
        "a non-idempotent POST is sent once"
    );
}

#[tokio::test]
async fn truncated_bodies_are_retried_and_decode_errors_name_the_path() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    client.sign_in().await.unwrap();
    fake.clear_requests();
    fake.truncate_next(1);
    let users = client
        .org_users()
        .await
        .expect("retried after a truncated body");
    assert!(users.len() >= 3);
    assert!(common::requests_ending(&fake, "/users").len() >= 2);

    // A typed decode failure names the path.
    let url = client.portal().sharing("portals/self/users");
    let err = client
        .json::<std::collections::HashMap<String, Vec<String>>>(Call::get(url))
        .await
        .unwrap_err();
    match err {
        Error::Decode { json_path, .. } => assert_ne!(json_path, ".", "path named"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn foreign_hosts_never_see_the_token_federated_ones_do() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let trails = fake
        .items()
        .into_iter()
        .find(|i| i.title.contains("Trails"))
        .expect("an item on the foreign server");
    let record = client.item(&trails.id).await.unwrap();
    let url = record.item.url.clone().expect("service url");
    assert!(url.starts_with(&fake.foreign_origin()), "{url}");
    let service: serde_json::Value = client.json(Call::get(&url)).await.unwrap();
    assert!(service.get("layers").is_some());

    let hydrants = fake
        .items()
        .into_iter()
        .find(|i| i.title == "Hydrants" && i.item_type == "Feature Service")
        .expect("hydrants item");
    let hurl = client.item(&hydrants.id).await.unwrap().item.url.unwrap();
    assert!(hurl.starts_with(&fake.services_origin()));
    let _: serde_json::Value = client.json(Call::get(&hurl)).await.unwrap();

    let log = fake.requests();
    let foreign: Vec<_> = log.iter().filter(|r| r.origin == Origin::Foreign).collect();
    assert!(!foreign.is_empty());
    assert!(
        foreign.iter().all(|r| r.token.is_none()),
        "no token reached the foreign host: {foreign:?}"
    );
    let services: Vec<_> = log
        .iter()
        .filter(|r| r.origin == Origin::Services && r.path.contains("/FeatureServer"))
        .collect();
    assert!(
        services.iter().any(|r| r.token.is_some()),
        "the federated server got the token"
    );
}

#[tokio::test]
async fn timeouts_are_retried_then_reported() {
    use agol_tui::client::error::TransportKind;
    use agol_tui::client::{Client, Credentials, PortalUrl, RetryPolicy};
    let fake = common::fake().await;
    let client = Client::builder(PortalUrl::parse(&fake.url(), false).unwrap())
        .retry(RetryPolicy::fast())
        .timeout(std::time::Duration::from_millis(150))
        .credentials(Credentials::Password {
            username: agol_tui::fake::sample::ADMIN_USERNAME.into(),
            password: secrecy::SecretString::from(
                agol_tui::fake::sample::ADMIN_PASSWORD.to_string(),
            ),
        })
        .build()
        .unwrap();
    client.sign_in().await.unwrap();
    fake.set_latency(std::time::Duration::from_millis(400));
    let started = std::time::Instant::now();
    let err = client.portal_self().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(5 * 150),
        "five attempts were made"
    );
    fake.set_latency(std::time::Duration::ZERO);
    client
        .portal_self()
        .await
        .expect("works again once the server is fast");
}

#[tokio::test]
async fn json_served_as_text_plain_is_decoded() {
    let fake = common::fake().await;
    let resp = reqwest::get(format!("{}/sharing/rest/search?q=*&f=json", fake.url()))
        .await
        .unwrap();
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let client = common::admin(&fake);
    assert!(!client.search("*").await.unwrap().is_empty());
}
