use super::*;
use crate::Origin;
use crate::features::{ServiceStore, sample as svc};

#[tokio::test]
async fn service_items_match_the_services_and_tokens_flow_to_federated_only() {
    let p = portal().await;
    let store = ServiceStore::sample_hosted(ORG_ID);
    let items = p.items();
    for name in store.service_names() {
        let id = store.service_item_id(&name).expect("item id");
        let it = items
            .iter()
            .find(|i| i.id == id)
            .unwrap_or_else(|| panic!("no item for {name}"));
        assert_eq!(it.item_type, "Feature Service");
    }
    let t = p.issue_token(PUBLISHER_USERNAME);
    let item = get_json(
        &p,
        &format!("/content/items/{}", svc::HYDRANTS_ITEM_ID),
        &[("f", "json"), ("token", &t)],
    )
    .await;
    let url = item["url"].as_str().unwrap().to_string();
    p.clear_requests();
    let v: Value = client()
        .get(format!("{url}?f=json"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["serviceItemId"], svc::HYDRANTS_ITEM_ID, "{v}");
    let bad: Value = client()
        .get(format!("{url}?f=json&token=nope"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bad["error"]["code"], 498, "{bad}");
    let trails = items
        .iter()
        .find(|i| i.id == svc::PUBLIC_TRAILS_ITEM_ID)
        .unwrap();
    assert_eq!(trails.owner, ADMIN_USERNAME);
    let trails_item = get_json(
        &p,
        &format!("/content/items/{}", svc::PUBLIC_TRAILS_ITEM_ID),
        &[("f", "json")],
    )
    .await;
    let turl = trails_item["url"].as_str().unwrap();
    assert!(turl.starts_with(&p.foreign_origin()));
    let anon: Value = client()
        .get(format!("{turl}?f=json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(anon.get("error").is_none(), "{anon}");
    // Whether the foreign server rejects or ignores a token is its own business; the log
    // shows that one reached it.
    let _ = client()
        .get(format!("{turl}?f=json"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    let log = p.requests();
    assert_eq!(
        log.iter().filter(|r| r.origin == Origin::Services).count(),
        2
    );
    let foreign: Vec<_> = log.iter().filter(|r| r.origin == Origin::Foreign).collect();
    assert_eq!(foreign.len(), 2);
    assert!(foreign[0].token.is_none() && foreign[1].token.is_some());
}

#[tokio::test]
async fn generated_items_for_benchmarks() {
    let p = FakePortal::start(FakeConfig {
        generated_items: 2_000,
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let items = p.items();
    assert!(items.len() > 2_000);
    let owners: std::collections::BTreeSet<_> = items.iter().map(|i| i.owner.as_str()).collect();
    assert!(owners.len() >= 24);
    let t = admin_token(&p);
    let v = get_json(
        &p,
        "/portals/self/users",
        &[("f", "json"), ("num", "100"), ("token", &t)],
    )
    .await;
    assert_eq!(v["total"], 24);
}
