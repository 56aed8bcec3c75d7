use super::*;

async fn search(p: &FakePortal, token: Option<&str>, params: &[(&str, &str)]) -> (Value, String) {
    let mut rq = client()
        .post(format!("{}/search", p.sharing_url()))
        .form(params);
    if let Some(t) = token {
        rq = rq.bearer_auth(t);
    }
    let r = rq.send().await.unwrap();
    let ct = r.headers()["content-type"].to_str().unwrap().to_string();
    (serde_json::from_str(&r.text().await.unwrap()).unwrap(), ct)
}

#[tokio::test]
async fn query_syntax_visibility_and_text_plain() {
    let p = portal().await;
    let t = admin_token(&p);
    let (v, ct) = search(
        &p,
        Some(&t),
        &[
            ("q", r#"type:"Web Map" accountid:RvW8tQd3Xk2LmP9z"#),
            ("f", "json"),
        ],
    )
    .await;
    assert!(ct.starts_with("text/plain"));
    assert_eq!(v["total"], 3);
    assert!(v["results"][0].get("protected").is_none());
    let (v, _) = search(
        &p,
        Some(&t),
        &[
            (
                "q",
                "owner:jdoe_riverside AND (type:CSV OR type:Form) NOT title:pump",
            ),
            ("f", "json"),
        ],
    )
    .await;
    assert_eq!(v["total"], 2, "{v}");
    let (v, _) = search(&p, None, &[("q", "*"), ("f", "json"), ("num", "100")]).await;
    assert!(
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["access"] == "public")
    );
    let (v, _) = search(
        &p,
        Some(&t),
        &[
            (
                "q",
                "created:[0000001546300800000 TO 1600000000000] AND orgid:RvW8tQd3Xk2LmP9z",
            ),
            ("f", "json"),
            ("num", "100"),
        ],
    )
    .await;
    let n = v["total"].as_u64().unwrap();
    assert!(
        n > 0
            && v["results"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["created"].as_i64().unwrap() <= 1_600_000_000_000)
    );
    let (v, _) = search(
        &p,
        Some(&t),
        &[("q", "contentstatus:org_authoritative"), ("f", "json")],
    )
    .await;
    assert_eq!(v["total"], 2);
    let (v, _) = search(
        &p,
        Some(&t),
        &[
            ("q", "Pump Stations"),
            ("f", "json"),
            ("sortField", "title"),
        ],
    )
    .await;
    assert_eq!(v["total"], 2);
}

#[tokio::test]
async fn paging_num_cap_and_search_cap() {
    let p = FakePortal::start(FakeConfig {
        generated_items: 450,
        search_cap: 300,
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let t = admin_token(&p);
    let (v, _) = search(
        &p,
        Some(&t),
        &[
            ("q", "orgid:RvW8tQd3Xk2LmP9z"),
            ("f", "json"),
            ("num", "1000"),
        ],
    )
    .await;
    let total = v["total"].as_u64().unwrap();
    assert!(total > 450);
    assert_eq!(v["results"].as_array().unwrap().len(), 100);
    assert_eq!(v["nextStart"], 101);
    let (v, _) = search(
        &p,
        Some(&t),
        &[
            ("q", "orgid:RvW8tQd3Xk2LmP9z"),
            ("f", "json"),
            ("num", "100"),
            ("start", "201"),
        ],
    )
    .await;
    assert_eq!(v["results"].as_array().unwrap().len(), 100);
    assert_eq!(v["nextStart"], -1);
    assert_eq!(v["total"].as_u64().unwrap(), total);
    let (v, _) = search(
        &p,
        Some(&t),
        &[
            ("q", "orgid:RvW8tQd3Xk2LmP9z"),
            ("f", "json"),
            ("num", "100"),
            ("start", "301"),
        ],
    )
    .await;
    assert!(v["results"].as_array().unwrap().is_empty());
    let (v, _) = search(
        &p,
        Some(&t),
        &[("q", "owner:viewer_riverside"), ("f", "json"), ("num", "2")],
    )
    .await;
    assert_eq!(v["nextStart"], 3);
}
