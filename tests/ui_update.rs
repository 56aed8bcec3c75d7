//! `update()` without a terminal: marks, filters, focus, job events folding into progress,
//! stale listings dropped, cancel touching only its job, quit asking while jobs run.

mod ui_fixtures;

use agol_tui::app::backup::BackupFormat;
use agol_tui::app::effect::Effect;
use agol_tui::app::jobs::{JobId, JobKind, JobState};
use agol_tui::app::msg::Msg;
use agol_tui::app::restore::{RestoreDialog, RestoreStep, SourceRow};
use agol_tui::app::state::{Pane, Popup, Screen};
use agol_tui::app::update::update;
use agol_tui::engine::progress::JobEvent;
use agol_tui::engine::restore::plan::OnConflict;
use agol_tui::engine::tree::{Children, Loaded};
use agol_tui::keymap::{Key, KeyCode};
use ui_fixtures::*;

#[test]
fn tree_unfolds_lazily_and_keeps_the_cursor() {
    let s = browsing();
    let labels: Vec<&str> = s
        .tree
        .rows()
        .iter()
        .map(|r| s.tree.node(r.node).label())
        .collect();
    assert_eq!(
        labels,
        [
            "Acme Water",
            "gis_admin",
            "Water network",
            "Feature Service number 3",
            "Web Map number 4",
            "Dashboard number 5",
            "Big",
            "Web Map number 1",
            "CSV number 2",
            "jdoe"
        ]
    );
    assert_eq!(
        s.tree_cursor.index, 2,
        "cursor stays on the unfolded folder"
    );
}

#[test]
fn marks_items_folders_users_and_clear() {
    let mut s = browsing();
    // Space on the folder marks its three items.
    send(&mut s, [key(' ')]);
    assert_eq!(s.tree.marked_count(), 3);
    // Space on an item moves down after marking.
    s.tree_cursor.index = 7;
    send(&mut s, [key(' ')]);
    assert_eq!(s.tree.marked_count(), 4);
    assert_eq!(s.tree_cursor.index, 8);
    // Space on a user whose "Big" folder is not loaded: it loads and gets marked.
    s.tree_cursor.index = 1;
    let effects = update(&mut s, key(' '));
    assert!(
        matches!(effects.as_slice(), [Effect::Load { .. }]),
        "{effects:?}"
    );
    answer(&mut s, effects, 40);
    assert_eq!(s.tree.marked_count(), 3 + 2 + 40);
    assert_eq!(s.tree.mark_counts(s.tree.rows()[1].node), (45, 45));
    // Space again unmarks the whole user.
    send(&mut s, [key(' ')]);
    assert_eq!(s.tree.marked_count(), 0);
    send(&mut s, [key('a')]);
    assert_eq!(s.tree.marked_count(), 5, "a marks every visible item");
    send(&mut s, [key('u')]);
    assert_eq!(s.tree.marked_count(), 0);
}

#[test]
fn selection_pane_removes_items() {
    let mut s = browsing();
    send(&mut s, [key(' '), code(KeyCode::Tab)]);
    assert_eq!(s.focus, Pane::Selection);
    send(&mut s, [key(' ')]);
    assert_eq!(s.tree.marked_count(), 2);
    send(&mut s, [code(KeyCode::BackTab)]);
    assert_eq!(s.focus, Pane::Tree);
}

#[test]
fn text_and_type_filters() {
    let mut s = browsing();
    send(&mut s, [key('/'), key('m'), key('a'), key('p')]);
    assert!(matches!(s.popup, Some(Popup::FilterText(_))));
    let items: Vec<&str> = s
        .tree
        .rows()
        .iter()
        .filter(|r| s.tree.node(r.node).is_item())
        .map(|r| s.tree.node(r.node).label())
        .collect();
    assert_eq!(items, ["Web Map number 4", "Web Map number 1"]);
    send(&mut s, [code(KeyCode::Enter)]);
    assert!(s.popup.is_none());
    assert_eq!(s.tree.filter().text, "map");
    // Esc in the filter clears it.
    send(&mut s, [key('/'), code(KeyCode::Esc)]);
    assert!(s.tree.filter().is_empty());
    // Type filter: choose "CSV".
    send(&mut s, [key('t')]);
    let Some(Popup::FilterType { types, .. }) = &s.popup else {
        panic!("type popup")
    };
    let csv = types.iter().position(|t| t == "CSV").unwrap();
    for _ in 0..csv {
        send(&mut s, [code(KeyCode::Down)]);
    }
    send(&mut s, [key(' '), code(KeyCode::Enter)]);
    let items: Vec<&str> = s
        .tree
        .rows()
        .iter()
        .filter(|r| s.tree.node(r.node).is_item())
        .map(|r| s.tree.node(r.node).label())
        .collect();
    assert_eq!(items, ["CSV number 2"]);
}

#[test]
fn focus_cycles_and_help_opens_and_closes() {
    let mut s = browsing();
    for want in [Pane::Selection, Pane::Jobs, Pane::Log, Pane::Tree] {
        send(&mut s, [code(KeyCode::Tab)]);
        assert_eq!(s.focus, want);
    }
    send(&mut s, [key('?')]);
    assert!(matches!(s.popup, Some(Popup::Help)));
    send(&mut s, [key('x')]);
    assert!(s.popup.is_none());
}

#[test]
fn backup_confirms_then_folds_events_into_progress() {
    let mut s = browsing();
    assert!(send(&mut s, [key('b')]).is_empty());
    assert!(s.notice.as_deref().unwrap().contains("nothing marked"));
    send(&mut s, [key(' '), key('b')]);
    assert!(matches!(
        s.popup,
        Some(Popup::ConfirmBackup { items: 3, .. })
    ));
    let effects = send(&mut s, [code(KeyCode::Enter)]);
    let [
        Effect::Backup {
            job,
            ids,
            dest,
            format: BackupFormat::Archive,
        },
    ] = effects.as_slice()
    else {
        panic!("{effects:?}")
    };
    assert_eq!(ids.len(), 3);
    assert_eq!(dest.to_str(), Some("/backups/agol"));
    let job = *job;
    let ev = |event| Msg::Job { job, event };
    send(
        &mut s,
        [
            ev(JobEvent::Listing { found: 3 }),
            ev(JobEvent::Started { total: 3 }),
            ev(JobEvent::ItemStarted {
                id: "a".into(),
                title: "Alpha".into(),
            }),
            ev(JobEvent::ItemStarted {
                id: "b".into(),
                title: "Beta".into(),
            }),
            ev(JobEvent::ItemProgress {
                id: "a".into(),
                bytes: 50,
                bytes_total: Some(100),
                features: 0,
                features_total: None,
            }),
            ev(JobEvent::ItemDone {
                id: "b".into(),
                reused: true,
            }),
        ],
    );
    let j = &s.jobs[0];
    assert_eq!(j.state, JobState::Running);
    assert_eq!((j.ok, j.reused, j.failed, j.total), (1, 1, 0, Some(3)));
    assert_eq!(j.running.len(), 1);
    assert_eq!(j.running[0].ratio(), Some(0.5));
    assert!(j.ratio() < 1.0);
    send(
        &mut s,
        [
            ev(JobEvent::ItemFailed {
                id: "a".into(),
                reason: "HTTP 500".into(),
            }),
            // A coalesced progress update arriving after the item ended is ignored.
            ev(JobEvent::ItemProgress {
                id: "a".into(),
                bytes: 60,
                bytes_total: Some(100),
                features: 0,
                features_total: None,
            }),
            // A coalesced listing count arriving late does not move the job back.
            ev(JobEvent::Listing { found: 2 }),
        ],
    );
    let j = &s.jobs[0];
    assert_eq!(j.state, JobState::Running);
    assert!(j.running.is_empty());
    assert_eq!(j.failures[0].title, "Alpha");
    assert_eq!(j.failures[0].reason, "HTTP 500");
    send(
        &mut s,
        [
            ev(JobEvent::ItemDone {
                id: "c".into(),
                reused: false,
            }),
            ev(JobEvent::Finished { ok: 2, failed: 1 }),
            Msg::JobEnded {
                job,
                result: Ok("snapshot X".into()),
            },
        ],
    );
    let j = &s.jobs[0];
    assert_eq!(j.state, JobState::Done);
    assert_eq!(j.ratio(), 1.0);
    assert_eq!(j.summary.as_deref(), Some("snapshot X"));
}

#[test]
fn stale_listing_results_are_dropped() {
    let mut s = browsing();
    // Reload the folder twice: only the newest answer counts.
    let first = update(&mut s, key('R'));
    let [
        Effect::Load {
            node,
            generation: g1,
            ..
        },
    ] = first.as_slice()
    else {
        panic!("{first:?}")
    };
    let (node, g1) = (*node, *g1);
    // The folder was reloaded; a second reload supersedes the first request.
    let second = update(&mut s, key('R'));
    let [Effect::Load { generation: g2, .. }] = second.as_slice() else {
        panic!("{second:?}")
    };
    assert_ne!(g1, *g2);
    update(
        &mut s,
        Msg::Loaded {
            node,
            generation: g1,
            result: Ok(Loaded::Items(vec![item(77, "CSV", "gis_admin")])),
        },
    );
    assert!(
        matches!(s.tree.node(node).children, Children::Loading { .. }),
        "stale answer ignored"
    );
    update(
        &mut s,
        Msg::Loaded {
            node,
            generation: *g2,
            result: Ok(Loaded::Items(vec![item(78, "CSV", "gis_admin")])),
        },
    );
    let Children::Loaded(kids) = &s.tree.node(node).children else {
        panic!()
    };
    assert_eq!(kids.len(), 1);
    assert_eq!(s.tree.node(kids[0]).label(), "CSV number 78");
    // A failed listing is shown and can be retried by unfolding again.
    let again = update(&mut s, key('R'));
    let [Effect::Load { generation, .. }] = again.as_slice() else {
        panic!()
    };
    update(
        &mut s,
        Msg::Loaded {
            node,
            generation: *generation,
            result: Err("HTTP 503".into()),
        },
    );
    assert!(matches!(s.tree.node(node).children, Children::Failed(_)));
    assert!(s.notice.as_deref().unwrap().contains("HTTP 503"));
    let retry = update(&mut s, code(KeyCode::Right));
    assert!(matches!(retry.as_slice(), [Effect::Load { .. }]));
}

#[test]
fn cancel_affects_only_the_focused_job() {
    let mut s = browsing();
    send(&mut s, [key(' ')]);
    let e1 = send(&mut s, [key('b'), key('y')]);
    let e2 = send(&mut s, [key('b'), key('y')]);
    assert_eq!(e1.len() + e2.len(), 2);
    assert_eq!(s.jobs.len(), 2);
    // Focus jobs, go to the first, cancel it.
    send(
        &mut s,
        [code(KeyCode::Tab), code(KeyCode::Tab), code(KeyCode::Home)],
    );
    let effects = send(&mut s, [key('c')]);
    assert_eq!(effects, vec![Effect::Cancel(JobId(1))]);
    assert_eq!(s.jobs[0].state, JobState::Cancelling);
    assert_eq!(s.jobs[1].state, JobState::Queued);
    send(
        &mut s,
        [Msg::JobEnded {
            job: JobId(1),
            result: Err("cancelled; the finished items stay".into()),
        }],
    );
    assert_eq!(s.jobs[0].state, JobState::Cancelled);
    assert!(s.jobs[1].is_active());
    // Clearing removes finished jobs only.
    send(&mut s, [key('x')]);
    assert_eq!(s.jobs.len(), 1);
    assert_eq!(s.jobs[0].id, JobId(2));
}

#[test]
fn quit_asks_while_jobs_run() {
    let mut s = browsing();
    send(&mut s, [key(' '), key('b'), key('y')]);
    let e = send(&mut s, [key('q')]);
    assert!(e.is_empty());
    assert!(matches!(s.popup, Some(Popup::ConfirmQuit { running: 1 })));
    send(&mut s, [key('n')]);
    assert!(!s.quit);
    let e = send(&mut s, [key('q'), key('y')]);
    assert!(s.quit);
    assert_eq!(e, vec![Effect::Cancel(JobId(1)), Effect::Quit]);
}

/// Opens the restore dialog and answers the snapshot listing.
fn open_restore(s: &mut agol_tui::app::state::State) {
    let e = send(s, [key('r')]);
    assert_eq!(
        e,
        vec![Effect::ListRestoreSources {
            dest: "/backups/agol".into()
        }]
    );
    let Some(Popup::Restore(d)) = &s.popup else {
        panic!("no restore dialog")
    };
    assert_eq!(d.step, RestoreStep::Loading);
    send(s, [sources()]);
}

fn dialog(s: &agol_tui::app::state::State) -> &RestoreDialog {
    match &s.popup {
        Some(Popup::Restore(d)) => d,
        _ => panic!("no restore dialog"),
    }
}

#[test]
fn restore_with_nothing_marked_takes_every_item_of_the_newest_snapshot() {
    let mut s = browsing();
    open_restore(&mut s);
    assert_eq!(dialog(&s).step, RestoreStep::Snapshot);
    assert_eq!(dialog(&s).chosen().unwrap().id, "20250301T120000Z");
    // ↓ then ↑ comes back to the newest.
    send(&mut s, [code(KeyCode::Down)]);
    assert_eq!(dialog(&s).cursor, 1);
    send(&mut s, [code(KeyCode::Up)]);
    assert_eq!(dialog(&s).cursor, 0);
    send(&mut s, [code(KeyCode::Enter)]);
    assert_eq!(dialog(&s).step, RestoreStep::Options);
    let e = send(&mut s, [key('y')]);
    assert_eq!(
        e,
        vec![Effect::Restore {
            job: JobId(1),
            dest: "/backups/agol".into(),
            snapshot: "20250301T120000Z".into(),
            ids: (1..=5).map(item_id).collect(),
            on_conflict: OnConflict::Skip,
            dry_run: false,
        }]
    );
    assert!(s.popup.is_none());
    assert_eq!(s.jobs[0].kind, JobKind::Restore);
    assert!(s.jobs[0].label.contains("5 items of 20250301T120000Z"));
}

#[test]
fn restore_takes_the_marked_items_the_chosen_snapshot_holds_with_options() {
    let mut s = browsing();
    s.tree_cursor.index = 3; // Feature Service number 3, then Web Map number 4
    send(&mut s, [key(' '), key(' ')]);
    assert_eq!(s.tree.marked_count(), 2);
    open_restore(&mut s);
    assert_eq!(dialog(&s).ids(), vec![item_id(3), item_id(4)]);
    // The older snapshot holds only item 3.
    send(&mut s, [code(KeyCode::Down), code(KeyCode::Enter)]);
    assert_eq!(dialog(&s).ids(), vec![item_id(3)]);
    assert_eq!(dialog(&s).marked_missing(), 1);
    // Space: on conflict → copy; ↓ Space: dry run on.
    send(
        &mut s,
        [key(' '), code(KeyCode::Down), code(KeyCode::Right)],
    );
    assert_eq!(dialog(&s).on_conflict, OnConflict::Copy);
    assert!(dialog(&s).dry_run);
    let e = send(&mut s, [code(KeyCode::Enter)]);
    assert_eq!(
        e,
        vec![Effect::Restore {
            job: JobId(1),
            dest: "/backups/agol".into(),
            snapshot: "20250201T080000Z".into(),
            ids: vec![item_id(3)],
            on_conflict: OnConflict::Copy,
            dry_run: true,
        }]
    );
}

#[test]
fn restore_esc_cancels_at_every_step_and_a_late_listing_is_dropped() {
    let mut s = browsing();
    send(&mut s, [key('r'), code(KeyCode::Esc)]);
    assert!(s.popup.is_none());
    // The listing that arrives after Esc opens nothing.
    send(&mut s, [sources()]);
    assert!(s.popup.is_none());
    open_restore(&mut s);
    assert!(send(&mut s, [key('n')]).is_empty());
    assert!(s.popup.is_none());
    open_restore(&mut s);
    // Backspace goes back from the options to the list; Esc from there leaves.
    send(&mut s, [code(KeyCode::Enter), code(KeyCode::Backspace)]);
    assert_eq!(dialog(&s).step, RestoreStep::Snapshot);
    send(&mut s, [code(KeyCode::Enter)]);
    assert!(send(&mut s, [code(KeyCode::Esc)]).is_empty());
    assert!(s.popup.is_none());
    assert!(s.jobs.is_empty());
}

#[test]
fn restore_without_a_snapshot_still_offers_packages() {
    let mut s = browsing();
    send(
        &mut s,
        [
            key('r'),
            Msg::RestoreSources {
                snapshots: Ok(Vec::new()),
                packages: Vec::new(),
            },
        ],
    );
    // Only "Open a package file…" is left, under the cursor.
    assert_eq!(dialog(&s).rows(), 1);
    assert_eq!(dialog(&s).row(0), SourceRow::OpenFile);
    assert!(dialog(&s).chosen().is_none());
    send(&mut s, [code(KeyCode::Esc)]);
    send(
        &mut s,
        [
            key('r'),
            Msg::RestoreSources {
                snapshots: Err("/x is not a backup destination".into()),
                packages: package_list(),
            },
        ],
    );
    let d = dialog(&s);
    assert_eq!(
        d.snapshots_error.as_deref(),
        Some("/x is not a backup destination")
    );
    assert_eq!(d.rows(), 2);
    assert_eq!(d.row(0), SourceRow::Package(0));
}

#[test]
fn restore_of_marked_items_no_snapshot_holds_does_not_start() {
    let mut s = browsing();
    // jdoe's PDF (item 9) is in no snapshot.
    let last = s.tree.rows().len() - 1;
    s.tree_cursor.index = last;
    send(&mut s, [code(KeyCode::Right)]);
    s.tree_cursor.index = s.tree.rows().len() - 1;
    send(&mut s, [key(' ')]);
    assert_eq!(s.tree.marked_count(), 1);
    open_restore(&mut s);
    assert!(dialog(&s).ids().is_empty());
    let e = send(&mut s, [code(KeyCode::Enter), code(KeyCode::Enter)]);
    assert!(e.is_empty());
    assert_eq!(dialog(&s).step, RestoreStep::Options);
    assert!(
        s.notice
            .clone()
            .unwrap()
            .contains("none of the marked items")
    );
}

#[test]
fn rebound_keys_drive_actions() {
    let mut s = browsing();
    let table: std::collections::BTreeMap<String, toml::Value> =
        toml::from_str("backup = [\"B\"]\ntoggle_mark = [\"m\"]").unwrap();
    s.keymap = agol_tui::keymap::Keymap::from_table(&table).unwrap();
    send(&mut s, [key('m'), key('b')]);
    assert!(s.popup.is_none(), "b is unbound now");
    send(&mut s, [key('B')]);
    assert!(matches!(
        s.popup,
        Some(Popup::ConfirmBackup { items: 3, .. })
    ));
}

#[test]
fn sign_in_form_submits_and_shows_errors() {
    let mut s = signed_out();
    let e = send(
        &mut s,
        [key('p'), key('w'), Msg::Key(Key::plain(KeyCode::Enter))],
    );
    let [
        Effect::SignIn(agol_tui::app::signin::Submit::Password {
            portal,
            username,
            password,
        }),
    ] = e.as_slice()
    else {
        panic!("{e:?}")
    };
    assert_eq!(
        (portal.as_str(), username.as_str(), password.as_str()),
        ("https://acme.maps.arcgis.com", "jdoe_acme", "pw")
    );
    send(
        &mut s,
        [Msg::SignInFailed("wrong username or password".into())],
    );
    let Screen::SignIn(form) = &s.screen else {
        panic!()
    };
    assert_eq!(form.error.as_deref(), Some("wrong username or password"));
    assert!(!form.busy);
    // Ctrl-O switches to OAuth: portal + client id, then the URL and the code field.
    send(
        &mut s,
        [
            Msg::Key(Key::ctrl('o')),
            code(KeyCode::Tab),
            key('A'),
            key('B'),
            code(KeyCode::Enter),
        ],
    );
    send(
        &mut s,
        [Msg::OAuthUrl(
            "https://acme.maps.arcgis.com/sharing/rest/oauth2/authorize?x".into(),
        )],
    );
    let e = send(
        &mut s,
        [Msg::Paste("  CODE123 \n".into()), code(KeyCode::Enter)],
    );
    assert!(
        matches!(e.as_slice(), [Effect::SignIn(agol_tui::app::signin::Submit::OAuthCode { code })] if code == "CODE123"),
        "{e:?}"
    );
}
