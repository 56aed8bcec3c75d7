//! `agol-tui scan` end to end: the binary against the fake portal over loopback HTTP.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use agol_tui::fake::sample;

fn read_csv(path: &Path) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    r.deserialize().map(|row| row.unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scan_all_lists_every_item_with_owner_and_folder_then_reruns_incrementally() {
    let fake = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("inv.csv");
    let output = common::run(common::agol(
        &fake,
        dir.path(),
        &["scan", "--all", "--out", out.to_str().unwrap()],
    ))
    .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows = read_csv(&out);
    let got: BTreeSet<_> = rows
        .iter()
        .map(|r| {
            (
                r["Id"].clone(),
                r["Owner"].clone(),
                r["Folder"].clone(),
                r["Title"].clone(),
                r["Type"].clone(),
            )
        })
        .collect();
    let want: BTreeSet<_> = fake
        .items()
        .into_iter()
        .map(|i| {
            (
                i.id,
                i.owner,
                i.folder.unwrap_or_default(),
                i.title,
                i.item_type,
            )
        })
        .collect();
    assert_eq!(got, want, "every item once, with owner and folder");
    let header = std::fs::read_to_string(&out).unwrap();
    assert!(header.starts_with(
        "Title,Id,Type,Owner,Folder,Created,Modified,Size,Access,Tags,ContentStatus,Url,ItemPageUrl"
    ));
    for r in &rows {
        assert!(
            r["Created"].ends_with('Z') && r["Created"].contains('T'),
            "ISO 8601 UTC: {}",
            r["Created"]
        );
        assert!(r["ItemPageUrl"].contains(&r["Id"]));
    }
    assert!(
        rows.iter()
            .any(|r| r["ContentStatus"] == "org_authoritative")
    );
    assert!(rows.iter().any(|r| r["Tags"].contains('|')));
    let details_first = fake
        .requests()
        .iter()
        .filter(|r| is_detail(&r.path))
        .count();
    assert!(
        details_first >= rows.len(),
        "first scan fetched details for every item"
    );

    // Rerun after one item changed: only that item's details are fetched.
    let changed = &rows[0]["Id"];
    fake.set_item_modified(changed, 1_800_000_000_000);
    fake.clear_requests();
    let output = common::run(common::agol(
        &fake,
        dir.path(),
        &["scan", "--all", "--out", out.to_str().unwrap()],
    ))
    .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let detail_paths: BTreeSet<_> = fake
        .requests()
        .into_iter()
        .filter(|r| is_detail(&r.path))
        .map(|r| r.path)
        .collect();
    assert!(!detail_paths.is_empty());
    assert!(
        detail_paths.iter().all(|p| p.contains(changed.as_str())),
        "only the changed item: {detail_paths:?}"
    );
    let rows2 = read_csv(&out);
    assert_eq!(rows2.len(), rows.len());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("1 fetched"), "{stderr}");
}

fn is_detail(path: &str) -> bool {
    path.contains("/content/items/")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selection_filters_and_authoritative() {
    let fake = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("auth.csv");
    let output = common::run(common::agol(
        &fake,
        dir.path(),
        &["scan", "--authoritative", "--out", out.to_str().unwrap()],
    ))
    .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows = read_csv(&out);
    assert!(rows.len() >= 2);
    assert!(
        rows.iter()
            .all(|r| r["ContentStatus"].ends_with("_authoritative"))
    );

    let out = dir.path().join("maps.csv");
    let output = common::run(common::agol(
        &fake,
        dir.path(),
        &[
            "scan",
            "--type",
            "Web Map",
            "--owner",
            sample::PUBLISHER_USERNAME,
            sample::ADMIN_USERNAME,
            "--out",
            out.to_str().unwrap(),
        ],
    ))
    .await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rows = read_csv(&out);
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r["Type"] == "Web Map"));

    let output = common::run(common::agol(
        &fake,
        dir.path(),
        &["scan", "--out", out.to_str().unwrap()],
    ))
    .await;
    assert_eq!(
        output.status.code(),
        Some(2),
        "nothing selected is a usage error"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("--all"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_saves_a_profile_without_secrets_and_no_secret_leaks_anywhere() {
    let fake = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    let mut login = common::agol(&fake, dir.path(), &["login", "--password-stdin", "-vv"]);
    login
        .env_remove("AGOL_PASSWORD")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let output = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut child = login.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{}\n", sample::ADMIN_PASSWORD).as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(sample::ADMIN_USERNAME)
            && stdout.contains("org_admin")
            && stdout.contains(sample::ORG_NAME),
        "{stdout}"
    );
    let config = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(config.contains(&fake.url()) && config.contains(sample::ADMIN_USERNAME));

    // The saved profile is used by a later scan (password from the environment).
    let out = dir.path().join("inv.csv");
    let mut scan = common::agol(
        &fake,
        dir.path(),
        &["scan", "--all", "--out", out.to_str().unwrap(), "-vv"],
    );
    scan.env_remove("AGOL_PORTAL").env_remove("AGOL_USERNAME");
    let scan_out = common::run(scan).await;
    assert!(
        scan_out.status.success(),
        "{}",
        String::from_utf8_lossy(&scan_out.stderr)
    );

    // No password or token in any file we wrote or anything we printed.
    let tokens: Vec<String> = fake
        .requests()
        .into_iter()
        .filter_map(|r| r.token)
        .collect();
    assert!(!tokens.is_empty());
    let mut haystacks = vec![
        ("login stdout".to_string(), stdout),
        (
            "login stderr".into(),
            String::from_utf8_lossy(&output.stderr).to_string(),
        ),
        (
            "scan stderr".into(),
            String::from_utf8_lossy(&scan_out.stderr).to_string(),
        ),
        (
            "scan stdout".into(),
            String::from_utf8_lossy(&scan_out.stdout).to_string(),
        ),
    ];
    for entry in common::walk(dir.path()) {
        haystacks.push((
            entry.display().to_string(),
            String::from_utf8_lossy(&std::fs::read(&entry).unwrap()).to_string(),
        ));
    }
    assert!(
        haystacks.iter().any(|(n, _)| n.ends_with("agol-tui.log")),
        "a log file was written"
    );
    for (name, text) in &haystacks {
        assert!(!text.contains(sample::ADMIN_PASSWORD), "password in {name}");
        for t in &tokens {
            assert!(!text.contains(t.as_str()), "token in {name}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth_login_over_a_pasted_code_then_headless_scan_with_the_saved_refresh_token() {
    use std::io::{BufRead, BufReader, Write};
    let fake = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    let mut login = common::agol(
        &fake,
        dir.path(),
        &["login", "--oauth", "--client-id", sample::OAUTH_CLIENT_ID],
    );
    login
        .env_remove("AGOL_PASSWORD")
        .env_remove("AGOL_USERNAME")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let (mut child, url, stderr) = tokio::task::spawn_blocking(move || {
        let mut child = login.spawn().unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        loop {
            line.clear();
            assert!(
                stderr.read_line(&mut line).unwrap() > 0,
                "login printed no authorize URL"
            );
            if line.contains("oauth2/authorize") {
                break;
            }
        }
        (child, line.trim().to_string(), stderr)
    })
    .await
    .unwrap();
    assert!(
        url.contains("code_challenge=") && url.contains("client_id=agoltui"),
        "{url}"
    );
    // The person opens the URL elsewhere, signs in through SAML, and pastes the code.
    let code = common::browser_sign_in(
        &fake,
        &url,
        sample::SAML_USERNAME,
        sample::SAML_IDP_PASSWORD,
    )
    .await;
    let output = tokio::task::spawn_blocking(move || {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(format!("{code}\n").as_bytes())
            .unwrap();
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut { stderr }, &mut rest).unwrap();
        (child.wait_with_output().unwrap(), rest)
    })
    .await
    .unwrap();
    let (out, err) = output;
    assert!(out.status.success(), "{err}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(sample::SAML_USERNAME), "{stdout}");

    let token_file = dir.path().join("data/tokens/default.json");
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata(&token_file).unwrap().permissions(),
    );
    assert_eq!(mode & 0o777, 0o600, "refresh token file is private");
    let config = std::fs::read_to_string(dir.path().join("config.toml")).unwrap();
    assert!(
        config.contains("auth = \"oauth\"") && config.contains("oauth_client_id = \"agoltui\""),
        "{config}"
    );
    assert!(!config.contains("refresh"), "no token in the config");

    // A later headless run signs in from the saved refresh token.
    let csv = dir.path().join("inv.csv");
    let mut scan = common::agol(
        &fake,
        dir.path(),
        &[
            "scan",
            "--owner",
            sample::SAML_USERNAME,
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    scan.env_remove("AGOL_PASSWORD")
        .env_remove("AGOL_USERNAME")
        .env_remove("AGOL_PORTAL");
    let scan_out = common::run(scan).await;
    assert!(
        scan_out.status.success(),
        "{}",
        String::from_utf8_lossy(&scan_out.stderr)
    );
    assert!(
        common::requests_ending(&fake, "/oauth2/token")
            .iter()
            .any(|r| r.params.get("grant_type").map(String::as_str) == Some("refresh_token"))
    );
    let tokens: Vec<String> = fake
        .requests()
        .into_iter()
        .filter_map(|r| r.token)
        .collect();
    let log =
        std::fs::read_to_string(dir.path().join("data/logs/agol-tui.log")).unwrap_or_default();
    for t in &tokens {
        assert!(!log.contains(t.as_str()) && !config.contains(t.as_str()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_server_binary_then_scan_lists_the_sample_org() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let mut server = std::process::Command::new(assert_cmd::cargo::cargo_bin!("agol-tui"))
        .args(["demo-server", "--port", "0"])
        .env("AGOL_DATA_DIR", dir.path().join("server-data"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let (url, stdout) = tokio::task::spawn_blocking({
        let stdout = server.stdout.take().unwrap();
        move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            loop {
                line.clear();
                assert!(
                    reader.read_line(&mut line).unwrap() > 0,
                    "demo-server printed no URL"
                );
                if let Some(rest) = line.trim().strip_prefix("portal:") {
                    return (rest.trim().to_string(), reader);
                }
            }
        }
    })
    .await
    .unwrap();
    let out = dir.path().join("inv.csv");
    let mut scan = std::process::Command::new(assert_cmd::cargo::cargo_bin!("agol-tui"));
    scan.args(["scan", "--all", "--out", out.to_str().unwrap()])
        .env("AGOL_DATA_DIR", dir.path().join("data"))
        .env("AGOL_CONFIG", dir.path().join("config.toml"))
        .env("AGOL_PORTAL", &url)
        .env("AGOL_USERNAME", sample::ADMIN_USERNAME)
        .env("AGOL_PASSWORD", sample::ADMIN_PASSWORD);
    let result = common::run(scan).await;
    let _ = server.kill();
    let _ = server.wait();
    drop(stdout);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    // The sample org is deterministic: an in-process copy tells what must be listed.
    let reference = common::fake().await;
    let want: BTreeSet<_> = reference
        .items()
        .into_iter()
        .map(|i| (i.id, i.owner, i.folder.unwrap_or_default()))
        .collect();
    let got: BTreeSet<_> = read_csv(&out)
        .into_iter()
        .map(|r| (r["Id"].clone(), r["Owner"].clone(), r["Folder"].clone()))
        .collect();
    assert_eq!(got, want);
}
