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
    let mut builder = Client::builder(PortalUrl::parse(&fake.url(), false).unwrap());
    if let Some(pem) = fake.ca_cert_pem() {
        builder = builder.ca_pem(pem.into_bytes());
    }
    builder
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

/// Walks the browser part of the OAuth flow over HTTP: authorize page → sign-in → approval page.
pub async fn browser_sign_in(
    fake: &FakePortal,
    authorize: &str,
    username: &str,
    password: &str,
) -> String {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http
        .get(authorize)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let state_key = "\"oauth_state\"";
    let at = page
        .find(state_key)
        .expect("the authorize page embeds oauth_state");
    let rest = &page[at + state_key.len()..];
    let start = rest.find('"').unwrap() + 1;
    let end = start + rest[start..].find('"').unwrap();
    let oauth_state = &rest[start..end];
    let resp = http
        .post(format!("{}/sharing/oauth2/signin", fake.url()))
        .form(&[
            ("oauth_state", oauth_state),
            ("username", username),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 302);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let approval = if location.starts_with("http") {
        location
    } else {
        format!("{}{}", fake.url(), location)
    };
    let html = http
        .get(&approval)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let url = reqwest::Url::parse(&approval).unwrap();
    if let Some((_, code)) = url.query_pairs().find(|(k, _)| k == "code") {
        assert!(
            html.contains(code.as_ref()),
            "the approval page shows the code"
        );
        return code.to_string();
    }
    panic!("no code in {approval}");
}

/// The `agol-tui` binary with a clean environment: its own home, data dir and config file, and
/// credentials for `portal` in `AGOL_*`.
pub fn agol_as(
    portal: &str,
    home: &std::path::Path,
    user: &str,
    password: &str,
    args: &[&str],
) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("agol-tui"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AGOL_DATA_DIR", home.join("data"))
        .env("AGOL_CONFIG", home.join("config.toml"))
        .env("AGOL_PORTAL", portal)
        .env("AGOL_USERNAME", user)
        .env("AGOL_PASSWORD", password);
    cmd
}

/// The binary signed in as the fake portal's admin.
pub fn agol(fake: &FakePortal, home: &std::path::Path, args: &[&str]) -> std::process::Command {
    agol_as(
        &fake.url(),
        home,
        sample::ADMIN_USERNAME,
        sample::ADMIN_PASSWORD,
        args,
    )
}

/// Runs a command off the async runtime and collects its output.
pub async fn run(mut cmd: std::process::Command) -> std::process::Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

/// Every file under `dir`.
pub fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// An empty org to restore into (same users and group titles, no items).
pub async fn empty_fake() -> FakePortal {
    fake_with(FakeConfig {
        empty_org: true,
        ..FakeConfig::default()
    })
    .await
}

/// Stdout and stderr of a finished command, for messages.
pub fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Backs up all of `fake` into `home/backups` through the binary (extra flags appended);
/// returns the destination and the output. Exit 0 or 3 (the sample's Code Attachment fails).
pub async fn backup_all_with_binary(
    fake: &FakePortal,
    home: &std::path::Path,
    extra: &[&str],
) -> (std::path::PathBuf, std::process::Output) {
    let dest = home.join("backups");
    let mut args = vec!["backup", "--all", "--dest", dest.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = run(agol(fake, home, &args)).await;
    assert!(matches!(out.status.code(), Some(0 | 3)), "{}", text(&out));
    (dest, out)
}

/// Points a command's restore target at `target`, signed in as its admin (`AGOL_TARGET_*`).
pub fn target(cmd: &mut std::process::Command, target: &FakePortal) {
    cmd.env("AGOL_TARGET_PORTAL", target.url())
        .env("AGOL_TARGET_USERNAME", sample::ADMIN_USERNAME)
        .env("AGOL_TARGET_PASSWORD", sample::ADMIN_PASSWORD);
}

/// Every token the fakes saw, and the admin's password: what must never be written anywhere.
pub fn secrets_of(fakes: &[&FakePortal]) -> Vec<String> {
    let mut secrets: Vec<String> = fakes
        .iter()
        .flat_map(|f| f.requests())
        .filter_map(|r| r.token)
        .collect();
    secrets.sort();
    secrets.dedup();
    assert!(!secrets.is_empty(), "the fakes saw no token");
    secrets.push(sample::ADMIN_PASSWORD.to_string());
    secrets
}

/// (name, text) of every file under `dir`, with zip entries and `.contentexport` packages
/// (gzip tars) opened, for searching for secrets.
pub fn texts_under(dir: &std::path::Path) -> Vec<(String, String)> {
    use std::io::Read;
    let mut texts = Vec::new();
    for file in walk(dir) {
        let bytes = std::fs::read(&file).unwrap();
        match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
            "zip" => {
                let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
                for i in 0..zip.len() {
                    let mut entry = zip.by_index(i).unwrap();
                    let mut content = Vec::new();
                    entry.read_to_end(&mut content).unwrap();
                    texts.push((
                        format!("{i} in {}", file.display()),
                        String::from_utf8_lossy(&content).to_string(),
                    ));
                }
            }
            "contentexport" => {
                let mut tar = Vec::new();
                flate2::read::GzDecoder::new(&bytes[..])
                    .read_to_end(&mut tar)
                    .unwrap();
                texts.push((
                    file.display().to_string(),
                    String::from_utf8_lossy(&tar).to_string(),
                ));
            }
            _ => texts.push((
                file.display().to_string(),
                String::from_utf8_lossy(&bytes).to_string(),
            )),
        }
    }
    texts
}
