//! The job layer from both fronts: a TUI scan with a failed item counts it once (the executor
//! used to report every failure a second time after the engine had), and the CLI prints the
//! very summary the TUI shows for the same scan of the same org. Expected counts come from
//! the fake org's items, not from what the engine reported.

mod common;

use std::time::Duration;

use agol_tui::app::effect::Effect;
use agol_tui::app::jobs::{Job, JobId, JobKind, JobState};
use agol_tui::app::msg::Msg;
use agol_tui::fake::FakePortal;
use agol_tui::tui::executor::{Connection, Executor, SignInTarget};
use agol_tui::tui::runtime::Channels;

async fn connection(fake: &FakePortal) -> Connection {
    let client = common::admin(fake);
    let me = client.community_self().await.unwrap();
    Connection { client, me }
}

/// Runs one TUI scan of every item into `out` and folds its messages into a job row.
async fn tui_scan(fake: &FakePortal, out: &std::path::Path) -> Job {
    let mut ch = Channels::new();
    let mut exec = Executor::new(
        ch.tx.clone(),
        ch.coalescer.clone(),
        Some(connection(fake).await),
        SignInTarget::default(),
        2,
    );
    let id = JobId(1);
    let mut job = Job::new(id, JobKind::Scan, "scan".into(), Duration::ZERO);
    exec.run(Effect::Scan {
        job: id,
        ids: Vec::new(),
        out: out.to_path_buf(),
    });
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(60), ch.rx.recv())
            .await
            .expect("the scan did not end within 60 s")
            .expect("channel closed");
        match msg {
            Msg::Job { job: j, event } if j == id => job.apply(event),
            Msg::JobEnded { job: j, result } if j == id => {
                // Coalesced progress still waiting is folded in first, as the loop does.
                for m in ch.coalescer.drain() {
                    if let Msg::Job { event, .. } = m {
                        job.apply(event);
                    }
                }
                job.end(result, Duration::from_secs(1));
                return job;
            }
            _ => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tui_scan_with_a_failed_item_counts_it_once_and_the_cli_prints_the_same_summary() {
    let fake = common::fake().await;
    let items = fake.items().len() as u64;
    assert!(items > 3, "the sample org has items");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("inventory.csv");

    // One item's sharing groups answer 403: that item fails, every other one is fetched.
    fake.fail_next_matching("/groups", 1, 403);
    let job = tui_scan(&fake, &out).await;
    assert_eq!(job.state, JobState::Done, "{:?}", job.summary);
    assert_eq!(job.total, Some(items));
    assert_eq!(
        (job.failed(), job.ok(), job.reused(), job.tally.ended()),
        (1, items - 1, 0, items),
        "one failure, counted once; everything else fetched"
    );
    assert_eq!(job.failures().len(), 1);
    assert!(
        job.failures()[0].reason.contains("403"),
        "{:?}",
        job.failures()
    );
    let tui_summary = job.summary.clone().expect("a summary");
    assert_eq!(
        tui_summary,
        format!(
            "Scanned {items} items ({} fetched, 0 unchanged, 1 failed) into {}",
            items - 1,
            out.display()
        )
    );

    // The same scan from the CLI (no index: a fresh file) prints the same line, exit 3.
    std::fs::remove_file(&out).unwrap();
    fake.fail_next_matching("/groups", 1, 403);
    let output = common::run(common::agol(
        &fake,
        dir.path(),
        &["scan", "--all", "--out", out.to_str().unwrap()],
    ))
    .await;
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.lines().any(|l| l == tui_summary),
        "the CLI prints the TUI's summary `{tui_summary}`:\n{stderr}"
    );
    assert_eq!(
        stderr.matches("could not be read").count(),
        1,
        "one warning for the one failed item:\n{stderr}"
    );
}
