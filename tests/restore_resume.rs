//! A restore killed midway (in the middle of loading a layer's features) and run again ends
//! with exactly one copy of each item; a cancelled one says so to its sink before it finishes.

mod common;
mod restore_common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use agol_tui::engine::archive::manifest::Outcome;
use agol_tui::engine::progress::{JobEvent, NullSink, ProgressSink};
use agol_tui::engine::restore::plan::OnConflict;
use agol_tui::engine::restore::run::run_restore;
use restore_common::*;
use tokio_util::sync::CancellationToken;

/// Aborts the restore task as soon as a layer's features start loading.
struct KillMidLayer {
    abort: Mutex<Option<tokio::task::AbortHandle>>,
}

impl ProgressSink for KillMidLayer {
    fn event(&self, event: JobEvent) {
        if let JobEvent::ItemProgress { features, .. } = event
            && features > 0
            && let Some(h) = self.abort.lock().unwrap().take()
        {
            h.abort();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_restore_rerun_leaves_exactly_one_copy_of_each_item() {
    let a = common::fake().await;
    let b = empty_org().await;
    let dir = tempfile::tempdir().unwrap();
    let backup = backup_all(&a, dir.path()).await;

    let sink = Arc::new(KillMidLayer {
        abort: Mutex::new(None),
    });
    let client = common::admin(&b);
    let me = client.community_self().await.unwrap();
    let opts = options(dir.path(), OnConflict::Skip);
    let task = {
        let (sink, opts, client, me) = (sink.clone(), opts.clone(), client.clone(), me.clone());
        tokio::spawn(async move {
            run_restore(
                &client,
                &me,
                &opts,
                sink.as_ref(),
                &CancellationToken::new(),
            )
            .await
        })
    };
    *sink.abort.lock().unwrap() = Some(task.abort_handle());
    let first = task.await;
    assert!(
        first.is_err_and(|e| e.is_cancelled()),
        "the first run was killed mid-layer"
    );
    let half = b.items().len();
    assert!(half > 0, "the killed run had created something");

    let report = run_restore(&client, &me, &opts, &NullSink, &CancellationToken::new())
        .await
        .unwrap();
    assert_no_failures(&report);

    let mut copies: BTreeMap<(String, String), usize> = BTreeMap::new();
    for i in b.items() {
        *copies
            .entry((i.title.clone(), i.item_type.clone()))
            .or_default() += 1;
    }
    let mut want: BTreeMap<(String, String), usize> = BTreeMap::new();
    for i in backup
        .manifest
        .items
        .iter()
        .filter(|i| i.outcome == Outcome::Ok)
    {
        *want
            .entry((i.title.clone(), i.item_type.clone()))
            .or_default() += 1;
    }
    assert_eq!(copies, want, "exactly one copy of each item in B");

    // A third run changes nothing: everything is already restored.
    let before = b.items().len();
    let again = run_restore(&client, &me, &opts, &NullSink, &CancellationToken::new())
        .await
        .unwrap();
    assert!(
        again.outcomes.iter().all(|o| o.outcome == Outcome::Skipped),
        "{:#?}",
        again.outcomes
    );
    assert_eq!(b.items().len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_copy_created_just_before_a_crash_that_the_journal_never_heard_of_is_removed() {
    use agol_tui::engine::restore::journal::{Entry, RestoreJournal, Stage, journal_path};
    let a = common::fake().await;
    let b = empty_org().await;
    let dir = tempfile::tempdir().unwrap();
    backup_all(&a, dir.path()).await;
    let pdf = agol_tui::fake::sample::item_id("pdf");
    let mut opts = options(dir.path(), OnConflict::Skip);
    opts.input.selection = agol_tui::engine::selection::Selection {
        ids: vec![pdf.clone()],
        ..Default::default()
    };
    let first = restore(&b, &opts, &CancellationToken::new()).await.unwrap();
    let made = first.outcomes[0].new_id.clone().unwrap();
    // As if the process died after the portal created the item but before the id was journalled.
    let journal = RestoreJournal::open(&journal_path(dir.path(), &b.url())).unwrap();
    journal.record(Entry {
        old: pdf.clone(),
        new: None,
        stage: Stage::Creating,
        owner: first.plan.items[0].target_owner.clone(),
        title: first.plan.items[0].title.clone(),
        item_type: "PDF".into(),
        service_url: None,
        service_name: None,
        time: 0,
    });
    drop(journal);
    let second = restore(&b, &opts, &CancellationToken::new()).await.unwrap();
    assert_eq!(second.failed(), 0, "{:?}", second.outcomes);
    let items = b.items();
    assert_eq!(items.len(), 1, "exactly one copy: {items:?}");
    assert_ne!(
        items[0].id, made,
        "the unjournalled copy was removed and the item restored again"
    );
}

/// Cancels the restore once the first item is done, recording every event.
struct CancelAfterFirst {
    token: CancellationToken,
    events: Mutex<Vec<JobEvent>>,
}

impl ProgressSink for CancelAfterFirst {
    fn event(&self, event: JobEvent) {
        if matches!(event, JobEvent::ItemDone { .. }) {
            self.token.cancel();
        }
        self.events.lock().unwrap().push(event);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_restore_reports_cancelled_before_it_finishes() {
    let a = common::fake().await;
    let b = empty_org().await;
    let dir = tempfile::tempdir().unwrap();
    backup_all(&a, dir.path()).await;
    let client = common::admin(&b);
    let me = client.community_self().await.unwrap();
    let sink = CancelAfterFirst {
        token: CancellationToken::new(),
        events: Mutex::new(Vec::new()),
    };
    let opts = options(dir.path(), OnConflict::Skip);
    let result = run_restore(&client, &me, &opts, &sink, &sink.token).await;
    assert!(result.is_err(), "a cancelled restore is not a success");
    let events = sink.events.into_inner().unwrap();
    let done = events
        .iter()
        .filter(|e| matches!(e, JobEvent::ItemDone { .. }))
        .count();
    assert_eq!(done, 1, "nothing starts after the cancel");
    let tail: Vec<_> = events.iter().rev().take(2).collect();
    assert!(
        matches!(tail[..], [JobEvent::Finished { .. }, JobEvent::Cancelled]),
        "Cancelled, then Finished: {tail:?}"
    );
}
