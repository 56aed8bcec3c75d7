//! Which servers receive a token, by the portal's word: its own origin, the hosting servers
//! `portals/{id}/urls` lists (ArcGIS Online), the federated servers `portals/self/servers`
//! lists with a server token of their own (ArcGIS Enterprise). A server that merely claims
//! federation in its `/rest/info` (the fake's catcher) never sees one.

mod common;

use agol_tui::client::request::Call;
use agol_tui::fake::features::sample as svc;
use agol_tui::fake::{FakeConfig, Origin, RequestRecord};

/// Adds an item whose service URL points at the catcher (as any member could).
fn catcher_item(fake: &agol_tui::fake::FakePortal) -> (String, String) {
    let url = format!(
        "{}/arcgis/rest/services/{}/FeatureServer",
        fake.catcher_origin(),
        svc::PUBLIC_TRAILS
    );
    let id = fake.add_item_like(svc::PUBLIC_TRAILS_ITEM_ID, "Trails on my own server", &url);
    (id, url)
}

fn from(log: &[RequestRecord], origin: Origin) -> Vec<&RequestRecord> {
    log.iter().filter(|r| r.origin == origin).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catcher_never_sees_a_token_during_backup_all() {
    let fake = common::fake().await;
    let (catcher_id, _) = catcher_item(&fake);
    // The catcher claims federation with this very portal.
    let info: serde_json::Value =
        reqwest::get(format!("{}/arcgis/rest/info?f=json", fake.catcher_origin()))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(info["owningSystemUrl"], serde_json::json!(fake.url()));
    fake.clear_requests();

    let home = tempfile::tempdir().unwrap();
    let (dest, out) = common::backup_all_with_binary(&fake, home.path(), &[]).await;
    let text = common::text(&out);
    assert!(dest.exists(), "{text}");
    let log = fake.requests();
    let caught = from(&log, Origin::Catcher);
    assert!(
        caught.iter().any(|r| r.path.contains("/FeatureServer")),
        "the backup read the catcher's service (anonymously): {text}"
    );
    assert!(
        caught.iter().all(|r| r.token.is_none()),
        "no token reached the catcher: {caught:?}"
    );
    assert!(
        !log.iter()
            .any(|r| r.origin == Origin::Catcher && r.path.ends_with("/rest/info")),
        "its /rest/info claim is not even asked for"
    );
    let listed = from(&log, Origin::Services);
    assert!(
        listed
            .iter()
            .any(|r| r.path.contains("/FeatureServer") && r.token.is_some()),
        "the hosting server listed by portals/{{id}}/urls got the token"
    );
    assert!(
        log.iter()
            .any(|r| r.origin == Origin::Portal && r.path.ends_with("/urls")),
        "the scope came from portals/{{id}}/urls"
    );
    assert!(
        from(&log, Origin::Foreign)
            .iter()
            .all(|r| r.token.is_none()),
        "nor did the stand-alone server"
    );
    let _ = catcher_id;
}

#[tokio::test]
async fn enterprise_federated_servers_get_a_server_token_not_the_portal_token() {
    let fake = common::fake_with(FakeConfig {
        enterprise: true,
        ..FakeConfig::default()
    })
    .await;
    let (_, catcher_url) = catcher_item(&fake);
    let client = common::admin(&fake);
    let hurl = client
        .item(svc::HYDRANTS_ITEM_ID)
        .await
        .unwrap()
        .item
        .url
        .unwrap();
    let _: serde_json::Value = client.json(Call::get(&hurl)).await.unwrap();
    let _: serde_json::Value = client.json(Call::get(&catcher_url)).await.unwrap();

    let log = fake.requests();
    assert!(
        log.iter()
            .any(|r| r.origin == Origin::Portal && r.path.ends_with("/portals/self/servers")),
        "the scope came from portals/self/servers"
    );
    let portal_tokens: Vec<String> = log
        .iter()
        .filter(|r| r.origin == Origin::Portal)
        .filter_map(|r| r.token.clone())
        .collect();
    let service_reads: Vec<_> = from(&log, Origin::Services)
        .into_iter()
        .filter(|r| r.path.contains("/FeatureServer"))
        .collect();
    assert!(!service_reads.is_empty());
    let root = format!("{}/{}/arcgis", fake.services_origin(), fake.org_id());
    for r in &service_reads {
        let t = r.token.as_deref().expect("the listed server got a token");
        assert_eq!(
            fake.server_of_token(t).as_deref(),
            Some(root.as_str()),
            "a server token issued for the server's own URL"
        );
        assert!(
            !portal_tokens.iter().any(|p| p == t),
            "not the portal token"
        );
    }
    let exchanges = common::requests_ending(&fake, "/generateToken")
        .into_iter()
        .filter(|r| r.params.get("serverUrl").map(String::as_str) == Some(root.as_str()))
        .count();
    assert_eq!(exchanges, 1, "one exchange, then cached");
    assert!(
        from(&log, Origin::Catcher)
            .iter()
            .all(|r| r.token.is_none()),
        "the catcher is not in portals/self/servers: no token"
    );
}

#[tokio::test]
async fn another_orgs_path_on_the_listed_hosting_server_gets_no_token() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    // Same host and port as the org's hosting server, another org id as the first segment.
    let other = format!(
        "{}/SomeOtherOrg/arcgis/rest/services/{}/FeatureServer",
        fake.services_origin(),
        svc::HYDRANTS
    );
    let _ = client.json::<serde_json::Value>(Call::get(&other)).await;
    let hits: Vec<_> = common::requests_ending(&fake, "/FeatureServer")
        .into_iter()
        .filter(|r| r.path.starts_with("/SomeOtherOrg/"))
        .collect();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|r| r.token.is_none()), "{hits:?}");
}

#[tokio::test]
async fn online_grants_follow_the_portals_urls_list_only() {
    use agol_tui::client::scope::Grant;
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let org = fake.org_id();
    let hosted = format!(
        "{}/{org}/arcgis/rest/services/{}/FeatureServer",
        fake.services_origin(),
        svc::HYDRANTS
    );
    assert_eq!(client.token_grant(&hosted).await, Grant::Portal);
    let search = format!("{}/sharing/rest/search", fake.url());
    assert_eq!(client.token_grant(&search).await, Grant::Portal);
    for none in [
        format!(
            "{}/arcgis/rest/services/x/FeatureServer",
            fake.catcher_origin()
        ),
        format!(
            "{}/arcgis/rest/services/x/FeatureServer",
            fake.foreign_origin()
        ),
        format!("{}/blobs/x", fake.storage_origin()),
        // Plain http off loopback, even on an arcgis.com host with the org id.
        format!("http://services1.arcgis.com/{org}/arcgis/rest/services/H/FeatureServer"),
        // No *.arcgis.com rule: a host the portal does not list gets nothing.
        format!("https://services1.arcgis.com/{org}/arcgis/rest/services/H/FeatureServer"),
        "http://10.1.2.3/arcgis/rest/services/H/FeatureServer".to_string(),
    ] {
        assert_eq!(client.token_grant(&none).await, Grant::None, "{none}");
    }
}
