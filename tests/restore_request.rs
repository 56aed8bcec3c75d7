//! Multipart in the request layer: files streamed as parts, text fields and the token as form
//! fields, the body rebuilt for each attempt; writes retried only after a 429.

mod common;

use agol_tui::client::request::Call;

#[tokio::test]
async fn multipart_posts_carry_fields_token_and_file_parts_and_are_rebuilt_after_429() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    client.sign_in().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data.csv");
    std::fs::write(&file, b"a,b\n1,2\n").unwrap();
    fake.throttle_next(2, 0);
    let url = format!("{}/sharing/rest/content/users/someone/addItem", fake.url());
    let _ = client
        .json_body(
            Call::post(&url)
                .param("title", "T")
                .part_file("file", &file, "data.csv", "text/csv")
                .part_bytes("thumbnail", b"\x89PNG".to_vec(), "t.png", "image/png"),
        )
        .await;
    let sent: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/addItem"))
        .collect();
    assert_eq!(
        sent.len(),
        3,
        "two 429s, then the write goes through: {sent:?}"
    );
    for r in &sent {
        assert_eq!(r.method, "POST");
        assert_eq!(r.params.get("title").map(String::as_str), Some("T"));
        assert_eq!(r.params.get("f").map(String::as_str), Some("json"));
        assert!(r.token.is_some(), "the token goes as a form field");
        let file = r.params.get("file").expect("file part logged");
        assert!(file.contains("data.csv") && file.contains('8'), "{file}");
        assert!(r.params.get("thumbnail").unwrap().contains("t.png"));
    }
}

#[tokio::test]
async fn writes_are_not_retried_on_5xx() {
    let fake = common::fake().await;
    let client = common::admin(&fake);
    client.sign_in().await.unwrap();
    fake.fail_next(1, 503);
    let url = format!("{}/sharing/rest/content/users/someone/addItem", fake.url());
    let err = client
        .json_body(Call::post(&url).param("title", "T").part_bytes(
            "file",
            vec![1u8, 2],
            "x.bin",
            "application/octet-stream",
        ))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("503"), "{err}");
    let n = fake
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/addItem"))
        .count();
    assert_eq!(
        n, 1,
        "a write that may have been processed is never sent twice"
    );
}
