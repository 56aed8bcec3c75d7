//! Issue 11 findings 2, 3 and 7 (network half), against the fake portal's hostile knobs:
//! redirected and HTML `/data`, bodies cut over TLS, endless and dripping bodies, paging that
//! creeps or never ends. Limits are set small so the cases run fast.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::time::{Duration, Instant};

use agol_tui::client::error::TransportKind;
use agol_tui::client::request::Call;
use agol_tui::client::{Client, Credentials, Error, Limits, PortalUrl, RetryPolicy};
use agol_tui::engine::archive::writer::ItemArchiveWriter;
use agol_tui::engine::backup::fetch::{FetchOptions, Fetched, fetch_item};
use agol_tui::fake::features::sample as svc;
use agol_tui::fake::{BodyMode, DataMode, FakeConfig, FakePortal, Origin, sample};
use secrecy::SecretString;

/// The admin's client with these limits (fast retries).
fn limited(fake: &FakePortal, limits: Limits) -> Client {
    let mut b = Client::builder(PortalUrl::parse(&fake.url(), false).unwrap());
    if let Some(pem) = fake.ca_cert_pem() {
        b = b.ca_pem(pem.into_bytes());
    }
    b.retry(RetryPolicy::fast())
        .limits(limits)
        .credentials(Credentials::Password {
            username: sample::ADMIN_USERNAME.into(),
            password: SecretString::from(sample::ADMIN_PASSWORD.to_string()),
        })
        .build()
        .unwrap()
}

/// Fetches one item into a zip; the result and the entries written.
async fn fetch(
    client: &Client,
    id: &str,
) -> (agol_tui::client::Result<Fetched>, BTreeMap<String, Vec<u8>>) {
    let dir = tempfile::tempdir().unwrap();
    let record = client.item(id).await.expect("item record");
    let path = dir.path().join("item.zip");
    let mut archive = ItemArchiveWriter::create(&path).unwrap();
    let options = FetchOptions::new(dir.path().join("spool"));
    let result = fetch_item(client, &record, &mut archive, &options, &|_| {}).await;
    let mut entries = BTreeMap::new();
    if result.is_ok() {
        archive.finish(serde_json::json!({"version": 1})).unwrap();
        let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let mut buf = Vec::new();
            f.read_to_end(&mut buf).unwrap();
            entries.insert(f.name().unwrap().to_string(), buf);
        }
    }
    (result, entries)
}

/// A fake over HTTPS and its admin, signed in.
async fn tls_admin() -> (FakePortal, Client) {
    let fake = common::fake_with(FakeConfig {
        tls: true,
        ..FakeConfig::default()
    })
    .await;
    let client = common::admin(&fake);
    client.sign_in().await.unwrap();
    (fake, client)
}

fn item_of_type(fake: &FakePortal, ty: &str, title: &str) -> String {
    fake.items()
        .into_iter()
        .find(|i| i.item_type == ty && i.title == title)
        .unwrap_or_else(|| panic!("no {ty} {title}"))
        .id
}

const CSV_TITLE: &str = "Hydrant inspections 2023";

#[tokio::test]
async fn a_redirected_download_is_followed_without_the_token() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let id = item_of_type(&fake, "CSV", CSV_TITLE);
    let (_, before) = fetch(&client, &id).await;
    let original = before
        .iter()
        .find(|(k, _)| k.starts_with("data/"))
        .map(|(_, v)| v.clone())
        .expect("data entry");
    fake.set_data_mode(&id, DataMode::RedirectToStorage);
    fake.clear_requests();
    let (result, entries) = fetch(&client, &id).await;
    result.expect("the redirected download succeeds");
    let data = entries
        .iter()
        .find(|(k, _)| k.starts_with("data/"))
        .map(|(_, v)| v.clone())
        .expect("data entry");
    assert_eq!(data, original, "the storage bytes, not the redirect's HTML");
    let log = fake.requests();
    let storage: Vec<_> = log.iter().filter(|r| r.origin == Origin::Storage).collect();
    assert_eq!(storage.len(), 1, "{storage:?}");
    assert!(storage[0].token.is_none(), "no token to the storage host");
    let data_req: Vec<_> = common::requests_ending(&fake, &format!("{id}/data"));
    assert_eq!(data_req.len(), 1);
    assert_eq!(data_req[0].status, 302);
    assert!(
        data_req[0].token.is_some(),
        "the portal itself gets the token"
    );
}

#[tokio::test]
async fn redirects_that_lead_nowhere_and_html_pages_are_errors_not_data() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let id = item_of_type(&fake, "CSV", CSV_TITLE);
    for (mode, needle) in [
        (DataMode::RedirectWithoutLocation, "without a Location"),
        (DataMode::RedirectLoop, "loop"),
        (DataMode::HtmlPage, "HTML page"),
    ] {
        fake.set_data_mode(&id, mode);
        let (result, entries) = fetch(&client, &id).await;
        let err = match result {
            Ok(_) => panic!("{mode:?} saved as data: {:?}", entries.keys()),
            Err(e) => e.to_string(),
        };
        assert!(err.contains(needle), "{mode:?}: {err}");
        assert!(entries.is_empty());
    }
    // A 3xx where JSON was expected is an error too (the JSON item's data is JSON).
    let webmap = item_of_type(&fake, "Web Map", "Hydrant Map");
    fake.set_data_mode(&webmap, DataMode::RedirectToStorage);
    let url = format!("{}/content/items/{webmap}/data", fake.sharing_url());
    let err = client
        .json::<serde_json::Value>(Call::get(url))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("redirect"), "{err}");
}

#[tokio::test]
async fn a_body_cut_over_tls_is_retried() {
    let (fake, client) = tls_admin().await;
    fake.cut_next_body(1);
    let me = client
        .portal_self()
        .await
        .expect("retried after the cut body");
    assert_eq!(me.id.as_deref(), Some(sample::ORG_ID));
    assert!(common::requests_ending(&fake, "/portals/self").len() >= 2);
    // A download cut over TLS is retried too.
    let id = item_of_type(&fake, "CSV", CSV_TITLE);
    let (_, whole) = fetch(&client, &id).await;
    fake.clear_requests();
    fake.cut_next_body(1);
    let (result, entries) = fetch(&client, &id).await;
    result.expect("the cut download is fetched again");
    assert_eq!(entries, whole);
}

#[tokio::test]
async fn a_body_cut_over_tls_is_a_retryable_transport_error() {
    let (fake, client) = tls_admin().await;
    fake.cut_next_body(20);
    let err = client.portal_self().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Interrupted,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());
    assert!(common::requests_ending(&fake, "/portals/self").len() >= 5);
}

#[tokio::test]
async fn an_endless_json_body_stops_at_the_cap_and_names_the_knob() {
    let fake = common::fake().await;
    let client = limited(
        &fake,
        Limits {
            max_json_bytes: 1024 * 1024,
            ..Limits::default()
        },
    );
    client.sign_in().await.unwrap();
    fake.hostile_body_next("/portals/self", 1, BodyMode::Endless);
    let err = client.portal_self().await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("1 MiB") && text.contains("max_json_mib") && text.contains("[limits]"),
        "{text}"
    );
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_dripping_body_hits_the_idle_then_the_total_timeout() {
    let fake = common::fake().await;
    // Idle: a byte every 2 s against a 500 ms idle timeout.
    let client = limited(
        &fake,
        Limits {
            idle_timeout: Duration::from_millis(500),
            ..Limits::default()
        },
    );
    client.sign_in().await.unwrap();
    fake.hostile_body_next("/portals/self", 10, BodyMode::Drip(Duration::from_secs(2)));
    let started = Instant::now();
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
    assert!(started.elapsed() < Duration::from_secs(20));

    // Total: a byte every 100 ms never trips a 1 s idle timeout; the 1 s total does.
    let fake = common::fake().await;
    let client = limited(
        &fake,
        Limits {
            idle_timeout: Duration::from_secs(1),
            request_timeout: Duration::from_secs(1),
            ..Limits::default()
        },
    );
    client.sign_in().await.unwrap();
    fake.hostile_body_next(
        "/portals/self",
        10,
        BodyMode::Drip(Duration::from_millis(100)),
    );
    let started = Instant::now();
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
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    assert!(err.to_string().contains("request_timeout_secs"), "{err}");
}

#[tokio::test]
async fn an_endless_download_stops_past_the_items_size() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let id = item_of_type(&fake, "CSV", CSV_TITLE);
    assert!(fake.set_item_data(&id, vec![b'a'; 1000]));
    fake.hostile_body_next(&format!("{id}/data"), 1, BodyMode::Endless);
    let (result, _) = fetch(&client, &id).await;
    let err = result.expect_err("an endless download fails").to_string();
    assert!(err.contains("declared size of 1000 bytes"), "{err}");
}

#[tokio::test]
async fn a_creeping_next_start_is_stopped() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    client.sign_in().await.unwrap();
    fake.set_creeping_next_start(true);
    let started = Instant::now();
    let err = client.org_users().await.unwrap_err();
    assert!(err.to_string().contains("nextStart"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[tokio::test]
async fn an_endless_exceeded_transfer_limit_is_stopped() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    fake.set_endless_transfer_limit(true);
    let started = Instant::now();
    let (result, _) = fetch(&client, svc::HYDRANTS_ITEM_ID).await;
    let err = match result {
        Ok(f) => panic!("fetched: {f:?}"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains("exceededTransferLimit") || err.contains("repeats object ids"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test]
async fn the_limits_config_section_reaches_the_binary() {
    let fake = common::fake().await;
    let home = tempfile::tempdir().unwrap();
    std::fs::write(
        home.path().join("config.toml"),
        "[limits]\nmax_json_mib = 1\n",
    )
    .unwrap();
    for path in ["/portals/self", "/community/self"] {
        fake.hostile_body_next(path, 10, BodyMode::Endless);
    }
    let out_csv = home.path().join("inv.csv");
    let out = common::run(common::agol(
        &fake,
        home.path(),
        &["scan", "--all", "--out", out_csv.to_str().unwrap()],
    ))
    .await;
    let text = common::text(&out);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("1 MiB") && text.contains("max_json_mib"),
        "{text}"
    );
    assert!(!out_csv.exists());
}
