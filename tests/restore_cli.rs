//! `agol-tui restore` through the real binary: the dry-run plan, usage errors (exit 2), and
//! `--preserve-ids` failing fast on ArcGIS Online.

mod common;

use std::path::Path;
use std::process::Output;

use agol_tui::fake::{FakePortal, sample};

fn agol(fake: &FakePortal, home: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("agol-tui"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AGOL_DATA_DIR", home.join("data"))
        .env("AGOL_CONFIG", home.join("config.toml"))
        .env("AGOL_PORTAL", fake.url())
        .env("AGOL_USERNAME", sample::ADMIN_USERNAME)
        .env("AGOL_PASSWORD", sample::ADMIN_PASSWORD);
    cmd
}

async fn run(mut cmd: std::process::Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_the_plan_and_usage_errors_exit_2() {
    let fake = common::fake().await;
    let home = tempfile::tempdir().unwrap();
    let dest = home.path().join("backups");
    let dest_s = dest.to_str().unwrap();
    let backup = run(agol(
        &fake,
        home.path(),
        &["backup", "--dest", dest_s, "--all"],
    ))
    .await;
    assert!(
        matches!(backup.status.code(), Some(0 | 3)),
        "{}",
        text(&backup)
    );

    let before = fake.requests().len();
    let out = run(agol(
        &fake,
        home.path(),
        &["restore", "--dest", dest_s, "--all", "--dry-run"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = text(&out);
    assert!(t.contains("restore plan: snapshot"), "{t}");
    assert!(t.contains("(same portal)") && t.contains("skip"), "{t}");
    assert!(t.contains("dry run: nothing was changed"), "{t}");
    assert!(
        fake.requests()[before..]
            .iter()
            .all(|r| r.method == "GET" || r.path.ends_with("generateToken")),
        "only reads and the sign-in"
    );

    let bad = run(agol(
        &fake,
        home.path(),
        &[
            "restore",
            "--dest",
            dest_s,
            "--all",
            "--on-conflict",
            "merge",
        ],
    ))
    .await;
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(text(&bad).contains("skip, overwrite, copy"));

    let nothing = run(agol(&fake, home.path(), &["restore", "--dest", dest_s])).await;
    assert_eq!(nothing.status.code(), Some(2), "{}", text(&nothing));

    let preserve = run(agol(
        &fake,
        home.path(),
        &["restore", "--dest", dest_s, "--all", "--preserve-ids"],
    ))
    .await;
    assert_eq!(preserve.status.code(), Some(2), "{}", text(&preserve));
    assert!(text(&preserve).contains("ArcGIS Online cannot create items with chosen ids"));
}
