//! Shared helpers for integration tests: start the fake portal, build clients.
#![allow(dead_code)]

use agol_tui::client::{Client, Credentials, PortalUrl, RetryPolicy};
use agol_tui::fake::{FakeConfig, FakePortal, RequestRecord, sample};
use secrecy::SecretString;

/// Starts the fake portal with defaults.
pub async fn fake() -> FakePortal {
    fake_with(FakeConfig::default()).await
}

/// Starts the fake portal with a config.
pub async fn fake_with(config: FakeConfig) -> FakePortal {
    FakePortal::start(config).await.expect("fake portal starts")
}

/// A client signed in with a username and password, fast retries.
pub fn password_client(fake: &FakePortal, username: &str, password: &str) -> Client {
    Client::builder(PortalUrl::parse(&fake.url(), false).unwrap())
        .retry(RetryPolicy::fast())
        .credentials(Credentials::Password {
            username: username.into(),
            password: SecretString::from(password.to_string()),
        })
        .build()
        .unwrap()
}

/// The admin's client.
pub fn admin(fake: &FakePortal) -> Client {
    password_client(fake, sample::ADMIN_USERNAME, sample::ADMIN_PASSWORD)
}

/// An anonymous client.
pub fn anonymous(fake: &FakePortal) -> Client {
    Client::builder(PortalUrl::parse(&fake.url(), false).unwrap())
        .retry(RetryPolicy::fast())
        .build()
        .unwrap()
}

/// Requests whose path ends with `suffix`.
pub fn requests_ending(fake: &FakePortal, suffix: &str) -> Vec<RequestRecord> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path.ends_with(suffix))
        .collect()
}
