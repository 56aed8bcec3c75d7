//! The job layer from both fronts: a TUI scan with a failed item counts it once (the executor
//! used to report every failure a second time after the engine had), and the CLI prints the
//! very summary the TUI shows for the same scan of the same org; the same for a verify of a
//! snapshot with one damaged archive. Expected counts come from
//! the fake org's items, not from what the engine reported.

mod common;

use std::time::Duration;

use agol_tui::app::effect::Effect;
use agol_tui::app::jobs::{Job, JobId, JobKind, JobState};
use agol_tui::app::msg::Msg;
use agol_tui::engine::archive::destination::Destination;
use agol_tui::engine::archive::manifest::Outcome;
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
    let effect = Effect::Scan {
        job: JobId(1),
        ids: Vec::new(),
        out: out.to_path_buf(),
    };
    tui_job(Some(connection(fake).await), JobKind::Scan, effect).await
}

/// Runs job 1 through the TUI's executor and folds its messages into a job row, as the loop
/// does.
async fn tui_job(conn: Option<Connection>, kind: JobKind, effect: Effect) -> Job {
    let mut ch = Channels::new();
    let mut exec = Executor::new(
        ch.tx.clone(),
        ch.coalescer.clone(),
        conn,
        SignInTarget::default(),
        2,
    );
    let id = JobId(1);
    let mut job = Job::new(id, kind, kind.name().into(), Duration::ZERO);
    exec.run(effect);
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(60), ch.rx.recv())
            .await
            .expect("the job did not end within 60 s")
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tui_verify_of_a_damaged_snapshot_shows_the_damaged_item_and_the_cli_the_same_summary() {
    let fake = common::fake().await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("backups");
    let dest_s = dest.to_str().unwrap();
    let output = common::run(common::agol(
        &fake,
        dir.path(),
        &["backup", "--all", "--dest", dest_s],
    ))
    .await;
    // The sample org's Code Attachment answers 500 on purpose (a data quirk): exit 3, the
    // other items are archived.
    assert_eq!(
        output.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let destination = Destination::open_existing(&dest).unwrap();
    let snap = destination.snapshot(None).unwrap();
    let manifest = snap.manifest().unwrap();
    let archived: Vec<_> = manifest
        .items
        .iter()
        .filter(|i| i.outcome == Outcome::Ok)
        .collect();
    // Flip one byte in the middle of one item's archive.
    let victim = archived
        .iter()
        .find(|i| i.archive.is_some())
        .expect("an archived item");
    let path = snap.dir.join(victim.archive.as_ref().unwrap());
    let mut bytes = std::fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&path, bytes).unwrap();

    let job = tui_job(
        None,
        JobKind::Verify,
        Effect::Verify {
            job: JobId(1),
            dest: dest.clone(),
        },
    )
    .await;
    assert_eq!(job.state, JobState::Done, "{:?}", job.summary);
    let n = archived.len() as u64;
    assert_eq!(job.total, Some(n));
    assert_eq!(
        (job.failed(), job.tally.ended()),
        (1, n),
        "one damaged archive of {n}"
    );
    assert_eq!(job.failures()[0].id, victim.id);
    assert_eq!(job.failures()[0].title, victim.title);
    let tui_summary = job.summary.clone().unwrap();
    assert_eq!(
        tui_summary,
        format!(
            "snapshot {}: {n} archives checked, 1 damaged or missing",
            snap.id
        )
    );

    let output = common::run(common::agol(
        &fake,
        dir.path(),
        &["verify", "--dest", dest_s],
    ))
    .await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.lines().any(|l| l == tui_summary), "{stdout}");
    assert_eq!(stdout.matches("DAMAGED").count(), 1, "{stdout}");
    assert!(stdout.contains(&victim.id), "{stdout}");
}
