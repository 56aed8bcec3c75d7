//! Browsing API against the fake portal: portal/community self, users, folders, items, groups,
//! search with paging and the search cap worked around.

mod common;

use std::collections::HashSet;

use agol_tui::fake::{FakeConfig, sample};

#[tokio::test]
async fn portal_community_users_folders_items() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    let portal = client.portal_self().await.unwrap();
    assert_eq!(portal.id.as_deref(), Some(sample::ORG_ID));
    let me = client.community_self().await.unwrap();
    assert!(me.is_org_admin());

    let users = client.org_users().await.unwrap();
    let names: HashSet<_> = users.iter().map(|u| u.username.as_str()).collect();
    for u in [
        sample::ADMIN_USERNAME,
        sample::PUBLISHER_USERNAME,
        sample::USER_USERNAME,
    ] {
        assert!(names.contains(u), "{u} listed");
    }

    // Every item of the org is reachable through users → root + folders, exactly once.
    let mut listed = Vec::new();
    for u in &users {
        let root = client.user_root(&u.username).await.unwrap();
        for item in root.items {
            listed.push((item.id, item.owner, None::<String>));
        }
        for f in root.folders {
            for item in client.folder_items(&u.username, &f.id).await.unwrap() {
                listed.push((item.id, item.owner, Some(f.title.clone())));
            }
        }
    }
    let mut expected: Vec<_> = fake
        .items()
        .into_iter()
        .map(|i| (i.id, i.owner, i.folder))
        .collect();
    expected.sort();
    listed.sort();
    assert_eq!(listed, expected);

    let any = &expected[0].0;
    let record = client.item(any).await.unwrap();
    assert_eq!(&record.item.id, any);
    assert!(
        record.item.protected.is_some(),
        "the full record has `protected`"
    );
    assert!(serde_json::from_slice::<serde_json::Value>(&record.raw).is_ok());
    let groups = client.org_groups(sample::ORG_ID).await.unwrap();
    assert!(!groups.is_empty());
}

#[tokio::test]
async fn non_admins_may_not_list_other_users() {
    let fake = common::fake().await;
    let client = common::password_client(&fake, sample::USER_USERNAME, sample::USER_PASSWORD);
    let err = client.user_root(sample::ADMIN_USERNAME).await.unwrap_err();
    assert!(err.is_forbidden(), "{err:?}");
}

#[tokio::test]
async fn search_pages_by_next_start_and_works_around_the_cap() {
    let fake = common::fake_with(FakeConfig {
        search_cap: 100,
        generated_items: 450,
        ..FakeConfig::default()
    })
    .await;
    let client = common::admin(&fake);
    let q = format!("orgid:{}", sample::ORG_ID);
    let capped = client.search(&q).await.unwrap();
    assert_eq!(capped.len(), 100, "plain paging stops at the cap");
    let total = client.search_total(&q).await.unwrap();
    assert_eq!(
        total as usize,
        fake.items().len(),
        "total reports the true count"
    );

    let all = client.search_all(&q).await.unwrap();
    let ids: HashSet<_> = all.iter().map(|i| i.id.clone()).collect();
    assert_eq!(ids.len(), all.len(), "no duplicates");
    assert_eq!(
        ids.len(),
        fake.items().len(),
        "every item found despite the cap"
    );
    let pages: Vec<_> = common::requests_ending(&fake, "/search");
    assert!(pages.iter().all(|r| {
        r.params
            .get("num")
            .is_none_or(|n| n.parse::<u32>().unwrap() <= 100)
    }));
}
