//! `agol-tui backup` / `verify` / `snapshots` / `prune` through the real binary: exit codes,
//! health pings, damage detection, SIGKILL at any moment, and a flaky network.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use agol_tui::engine::archive::destination::Destination;
use agol_tui::engine::archive::verify::verify_snapshot;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_exit_codes_pings_snapshots_and_verify_of_a_flipped_byte() {
    let fake = common::fake().await;
    let home = tempfile::tempdir().unwrap();
    let dest = home.path().join("backups");
    let dest_s = dest.to_str().unwrap();

    // A tiny health-check server records the pings.
    let pings = Arc::new(Mutex::new(Vec::<String>::new()));
    let recorded = pings.clone();
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let recorded = recorded.clone();
        async move {
            recorded.lock().unwrap().push(uri.path().to_string());
            "OK"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let ping_url = format!("http://{}/hc/abc", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let out = common::run(common::agol(
        &fake,
        home.path(),
        &["backup", "--all", "--dest", dest_s, "--ping-url", &ping_url],
    ))
    .await;
    assert_eq!(
        out.status.code(),
        Some(3),
        "the Code Attachment fails: partial success\n{}",
        common::text(&out)
    );
    let t = common::text(&out);
    assert!(
        t.contains("failed:") && t.contains("Code Attachment") || t.contains("Hydrant Viewer"),
        "{t}"
    );
    assert!(
        t.lines()
            .any(|l| l.starts_with("backup ") && l.contains("items")),
        "a summary line: {t}"
    );
    assert_eq!(
        *pings.lock().unwrap(),
        vec!["/hc/abc/start", "/hc/abc/fail"]
    );

    pings.lock().unwrap().clear();
    let out = common::run(common::agol(
        &fake,
        home.path(),
        &[
            "backup",
            "--all",
            "--exclude-type",
            "Code Attachment",
            "--dest",
            dest_s,
            "--ping-url",
            &ping_url,
        ],
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out));
    assert_eq!(*pings.lock().unwrap(), vec!["/hc/abc/start", "/hc/abc"]);

    let out = common::run(common::agol(
        &fake,
        home.path(),
        &["snapshots", "--dest", dest_s],
    ))
    .await;
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.starts_with("20"))
            .count(),
        2,
        "{}",
        common::text(&out)
    );

    let out = common::run(common::agol(
        &fake,
        home.path(),
        &["verify", "--dest", dest_s, "--all"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", common::text(&out));

    // Flip one byte in one archive of the latest snapshot.
    let snap = Destination::open_existing(&dest)
        .unwrap()
        .snapshot(None)
        .unwrap();
    let m = snap.manifest().unwrap();
    let victim = m
        .items
        .iter()
        .find(|i| i.title == "Hydrants" && i.archive.is_some())
        .unwrap();
    let path = snap.dir.join(victim.archive.as_ref().unwrap());
    // Break the link first so only this snapshot's copy is damaged.
    let mut bytes = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&path, &bytes).unwrap();
    let out = common::run(common::agol(
        &fake,
        home.path(),
        &["verify", "--dest", dest_s],
    ))
    .await;
    assert_eq!(out.status.code(), Some(1), "{}", common::text(&out));
    let t = common::text(&out);
    assert!(t.contains("DAMAGED") && t.contains(&victim.id), "{t}");

    let out = common::run(common::agol(
        &fake,
        home.path(),
        &["prune", "--dest", dest_s, "--keep-last", "1"],
    ))
    .await;
    assert!(out.status.success(), "{}", common::text(&out));
    assert_eq!(
        Destination::open_existing(&dest).unwrap().snapshots().len(),
        1
    );
    let out = common::run(common::agol(
        &fake,
        home.path(),
        &["prune", "--dest", dest_s],
    ))
    .await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "a prune that keeps nothing is refused: {}",
        common::text(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_any_moment_leaves_earlier_snapshots_intact_and_the_next_run_completes() {
    let fake = common::fake().await;
    let home = tempfile::tempdir().unwrap();
    let dest = home.path().join("backups");
    let dest_s = dest.to_str().unwrap().to_string();
    let out = common::run(common::agol(
        &fake,
        home.path(),
        &["backup", "--all", "--dest", &dest_s, "--full"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(3), "{}", common::text(&out));

    fake.set_latency(Duration::from_millis(15));
    for (round, delay_ms) in [120u64, 350, 700, 1100, 1600].into_iter().enumerate() {
        let mut cmd = common::agol(
            &fake,
            home.path(),
            &[
                "backup",
                "--all",
                "--dest",
                &dest_s,
                "--full",
                "--workers",
                "2",
            ],
        );
        cmd.stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = cmd.spawn().unwrap();
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let d = Destination::open_existing(&dest).unwrap();
        for s in d.snapshots() {
            let v = verify_snapshot(&s).unwrap();
            assert!(
                v.problems.is_empty(),
                "round {round}: snapshot {} damaged: {:?}",
                s.id,
                v.problems
            );
        }
        // Nothing under a final archive name in an unfinished run is incomplete.
        for p in d.partials() {
            for zip in common::walk(&p)
                .into_iter()
                .filter(|f| f.extension().is_some_and(|e| e == "zip"))
            {
                let name = zip.file_name().unwrap().to_string_lossy().to_string();
                assert!(!name.starts_with('.'));
                assert!(
                    zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).is_ok(),
                    "round {round}: {} is truncated",
                    zip.display()
                );
            }
        }
    }
    fake.set_latency(Duration::ZERO);
    let before = Destination::open_existing(&dest).unwrap().snapshots().len();
    let out = common::run(common::agol(
        &fake,
        home.path(),
        &["backup", "--all", "--dest", &dest_s],
    ))
    .await;
    assert_eq!(out.status.code(), Some(3), "{}", common::text(&out));
    let d = Destination::open_existing(&dest).unwrap();
    assert_eq!(d.snapshots().len(), before + 1);
    assert!(
        d.partials().is_empty(),
        "the finished run cleaned up the unfinished ones"
    );
    for s in d.snapshots() {
        assert!(verify_snapshot(&s).unwrap().problems.is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_password_or_token_in_any_archive_manifest_log_or_restore_journal() {
    let a = common::fake().await;
    let b = common::empty_fake().await;
    let home = tempfile::tempdir().unwrap();
    let (dest, out) = common::backup_all_with_binary(&a, home.path(), &["-vv"]).await;
    let dest_s = dest.to_str().unwrap();
    let mut restore = common::agol(
        &a,
        home.path(),
        &["restore", "--dest", dest_s, "--all", "-vv"],
    );
    common::target(&mut restore, &b);
    let restored = common::run(restore).await;
    assert!(
        matches!(restored.status.code(), Some(0 | 3)),
        "{}",
        common::text(&restored)
    );

    let secrets = common::secrets_of(&[&a, &b]);
    let mut texts = vec![
        ("backup output".to_string(), common::text(&out)),
        ("restore output".to_string(), common::text(&restored)),
    ];
    texts.extend(common::texts_under(home.path()));
    let zips = texts
        .iter()
        .filter_map(|(n, _)| n.split_once(" in ").map(|(_, file)| file))
        .filter(|f| f.ends_with(".zip"))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    assert!(zips > 10, "archives were searched ({zips})");
    assert!(
        texts.iter().any(|(n, _)| n.ends_with("manifest.json"))
            && texts.iter().any(|(n, _)| n.ends_with(".jsonl"))
    );
    for (name, body) in &texts {
        for s in &secrets {
            assert!(!body.contains(s.as_str()), "a secret is in {name}");
        }
    }
}
