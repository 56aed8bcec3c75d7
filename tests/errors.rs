//! The errors people see: what failed, where, and what to do — through the real binary.

mod common;

use agol_tui::client::{Client, PortalUrl, RetryPolicy};
use agol_tui::fake::{FakeConfig, FakePortal, sample};

/// Runs a command; returns its exit code and stderr.
async fn run(cmd: std::process::Command) -> (Option<i32>, String) {
    let out = common::run(cmd).await;
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

async fn scan_error(
    fake_url: &str,
    user: &str,
    password: &str,
    extra: &[&str],
) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.csv");
    let mut args = vec!["scan", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    run(common::agol_as(fake_url, dir.path(), user, password, &args)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_portal() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let (code, err) = scan_error(&format!("http://127.0.0.1:{port}"), "u", "p", &["--all"]).await;
    assert_eq!(code, Some(1));
    assert!(
        err.contains("cannot reach")
            && err.contains(&port.to_string())
            && err.contains("Check the portal URL"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_and_saml_user() {
    let fake = common::fake().await;
    let (code, err) = scan_error(
        &fake.url(),
        sample::ADMIN_USERNAME,
        "wrong-password",
        &["--all"],
    )
    .await;
    assert_eq!(code, Some(1));
    assert!(
        err.contains("invalid username or password") && err.contains(sample::ADMIN_USERNAME),
        "{err}"
    );
    assert!(!err.contains("wrong-password"));
    let (_, err) = scan_error(&fake.url(), sample::SAML_USERNAME, "whatever", &["--all"]).await;
    assert!(err.contains("--oauth"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_permission_and_missing_item() {
    let fake = common::fake().await;
    let (code, err) = scan_error(
        &fake.url(),
        sample::USER_USERNAME,
        sample::USER_PASSWORD,
        &["--owner", sample::ADMIN_USERNAME],
    )
    .await;
    assert_eq!(code, Some(1));
    assert!(
        err.contains(sample::ADMIN_USERNAME) && err.contains("administrator"),
        "{err}"
    );
    let (code, err) = scan_error(
        &fake.url(),
        sample::ADMIN_USERNAME,
        sample::ADMIN_PASSWORD,
        &["--id", "0123456789abcdef0123456789abcdef"],
    )
    .await;
    assert_eq!(code, Some(1));
    assert!(
        err.contains("0123456789abcdef0123456789abcdef") && err.contains("does not exist"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_token_that_cannot_be_refreshed() {
    let fake = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.csv");
    let mut cmd = common::agol_as(
        &fake.url(),
        dir.path(),
        "",
        "",
        &["scan", "--all", "--out", out.to_str().unwrap()],
    );
    cmd.env_remove("AGOL_PASSWORD")
        .env_remove("AGOL_USERNAME")
        .env("AGOL_TOKEN", "expired-or-revoked-token");
    let (code, err) = run(cmd).await;
    assert_eq!(code, Some(1));
    assert!(
        err.contains("cannot be refreshed") || err.contains("sign in again"),
        "{err}"
    );
    assert!(
        !err.contains("expired-or-revoked-token"),
        "the token is not echoed"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_failure_points_at_ca_file_and_the_ca_file_fixes_it() {
    let fake: FakePortal = common::fake_with(FakeConfig {
        tls: true,
        ..FakeConfig::default()
    })
    .await;
    assert!(fake.url().starts_with("https://"));
    let (code, err) = scan_error(
        &fake.url(),
        sample::ADMIN_USERNAME,
        sample::ADMIN_PASSWORD,
        &["--all"],
    )
    .await;
    assert_eq!(code, Some(1));
    assert!(err.contains("TLS") && err.contains("--ca-file"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, fake.ca_cert_pem().unwrap()).unwrap();
    let (code, err) = scan_error(
        &fake.url(),
        sample::ADMIN_USERNAME,
        sample::ADMIN_PASSWORD,
        &["--all", "--ca-file", ca.to_str().unwrap()],
    )
    .await;
    assert_eq!(code, Some(0), "{err}");

    // The library over HTTPS with the CA, including the federated services origin.
    let client = Client::builder(PortalUrl::parse(&fake.url(), false).unwrap())
        .ca_pem(fake.ca_cert_pem().unwrap())
        .retry(RetryPolicy::fast())
        .credentials(agol_tui::client::Credentials::Password {
            username: sample::ADMIN_USERNAME.into(),
            password: secrecy::SecretString::from(sample::ADMIN_PASSWORD.to_string()),
        })
        .build()
        .unwrap();
    assert_eq!(
        client.community_self().await.unwrap().username,
        sample::ADMIN_USERNAME
    );

    let bad_ca = dir.path().join("bad.pem");
    std::fs::write(&bad_ca, "not a certificate").unwrap();
    let (code, err) = scan_error(
        &fake.url(),
        sample::ADMIN_USERNAME,
        sample::ADMIN_PASSWORD,
        &["--all", "--ca-file", bad_ca.to_str().unwrap()],
    )
    .await;
    assert_eq!(code, Some(1));
    assert!(err.contains("CA file") && err.contains("PEM"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_to_a_remote_portal_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = run(common::agol_as(
        "http://gis.example.com/portal",
        dir.path(),
        "u",
        "p",
        &["scan", "--all", "--out", "x.csv"],
    ))
    .await;
    assert_eq!(code, Some(2));
    assert!(err.contains("--allow-http"), "{err}");
}
