//! Key handling never waits on I/O: with a fake portal that answers every request after a
//! second, keys are handled (and their state changes seen) while the listing is in flight.

mod ui_fixtures;

use std::time::{Duration, Instant};

use agol_tui::app::msg::Msg;
use agol_tui::app::signin::SignInForm;
use agol_tui::app::state::{Pane, Popup, Settings, State};
use agol_tui::client::{Client, Credentials, PortalUrl};
use agol_tui::engine::tree::Children;
use agol_tui::fake::{FakeConfig, FakePortal, sample};
use agol_tui::keymap::{KeyCode, Keymap};
use agol_tui::tui::executor::{Connection, Executor, SignInTarget, session_of};
use agol_tui::tui::runtime::{Channels, dispatch};
use ui_fixtures::{code, key};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_handled_while_a_slow_listing_is_in_flight() {
    let fake = FakePortal::start(FakeConfig::default()).await.unwrap();
    let client = Client::builder(PortalUrl::parse(&fake.url(), false).unwrap())
        .credentials(Credentials::Password {
            username: sample::ADMIN_USERNAME.into(),
            password: sample::ADMIN_PASSWORD.to_string().into(),
        })
        .build()
        .unwrap();
    let me = client.community_self().await.unwrap();
    let session = session_of(&client, &me, Some("Riverside"));
    fake.set_latency(Duration::from_millis(1000));

    let mut ch = Channels::new();
    let mut exec = Executor::new(
        ch.tx.clone(),
        ch.coalescer.clone(),
        Some(Connection { client, me }),
        SignInTarget::default(),
        4,
    );
    let mut state = State::signed_out(
        Keymap::default(),
        Settings::default(),
        SignInForm::default(),
    );
    dispatch(&mut state, &mut exec, Msg::SignedIn(session));
    let root = state.tree.root();
    assert!(matches!(
        state.tree.node(root).children,
        Children::Loading { .. }
    ));

    // While the org listing takes a second, every key is handled at once.
    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    for (msg, check) in [
        (key('?'), 0),
        (key('x'), 1),
        (code(KeyCode::Tab), 2),
        (code(KeyCode::Tab), 3),
        (code(KeyCode::BackTab), 4),
        (key('L'), 5),
        (key('/'), 6),
        (code(KeyCode::Esc), 7),
    ] {
        let t = Instant::now();
        dispatch(&mut state, &mut exec, msg);
        slowest = slowest.max(t.elapsed());
        match check {
            0 => assert!(matches!(state.popup, Some(Popup::Help))),
            1 => assert!(state.popup.is_none()),
            2 => assert_eq!(state.focus, Pane::Selection),
            3 => assert_eq!(state.focus, Pane::Jobs),
            4 => assert_eq!(state.focus, Pane::Selection),
            6 => assert!(matches!(state.popup, Some(Popup::FilterText(_)))),
            _ => {}
        }
    }
    assert!(
        matches!(state.tree.node(root).children, Children::Loading { .. }),
        "the listing is still in flight after all keys were handled"
    );
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "keys took {:?}",
        started.elapsed()
    );
    assert!(
        slowest < Duration::from_millis(50),
        "slowest key took {slowest:?}"
    );
    println!("slowest key while listing: {slowest:?}");

    // The answer arrives later through the channel and fills the tree.
    let msg = tokio::time::timeout(Duration::from_secs(20), ch.rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(900));
    dispatch(&mut state, &mut exec, msg);
    assert!(matches!(
        state.tree.node(root).children,
        Children::Loaded(_)
    ));
    assert!(state.tree.rows().len() > 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_stay_responsive_during_a_1000_item_backup() {
    use agol_tui::app::effect::Effect;
    use agol_tui::app::jobs::JobState;
    let fake = FakePortal::start(FakeConfig {
        generated_items: 1000,
        ..FakeConfig::default()
    })
    .await
    .unwrap();
    let client = Client::builder(PortalUrl::parse(&fake.url(), false).unwrap())
        .credentials(Credentials::Password {
            username: sample::ADMIN_USERNAME.into(),
            password: sample::ADMIN_PASSWORD.to_string().into(),
        })
        .build()
        .unwrap();
    let me = client.community_self().await.unwrap();
    let session = session_of(&client, &me, Some("Riverside"));
    let ids: Vec<String> = fake
        .items()
        .into_iter()
        .filter(|i| i.item_type != "Code Attachment")
        .map(|i| i.id)
        .collect();
    assert!(ids.len() >= 1000);
    fake.set_latency(Duration::from_millis(3));
    let mut ch = Channels::new();
    let mut exec = Executor::new(
        ch.tx.clone(),
        ch.coalescer.clone(),
        Some(Connection { client, me }),
        SignInTarget::default(),
        4,
    );
    let mut state = State::signed_out(
        Keymap::default(),
        Settings::default(),
        SignInForm::default(),
    );
    dispatch(&mut state, &mut exec, Msg::SignedIn(session));
    let dest = tempfile::tempdir().unwrap();
    // The job row the UI shows, then the backup itself.
    let job = state.next_job_id();
    let row = agol_tui::app::jobs::Job::new(
        job,
        agol_tui::app::jobs::JobKind::Backup,
        format!("{} items", ids.len()),
        state.now,
    );
    state.jobs.push(row);
    exec.run(Effect::Backup {
        job,
        ids,
        dest: dest.path().to_path_buf(),
        format: agol_tui::app::backup::BackupFormat::Archive,
    });

    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    let mut keys_while_running = 0;
    let mut ended = false;
    while started.elapsed() < Duration::from_secs(120) && !ended {
        let mut msgs = ch.coalescer.drain();
        while let Ok(m) = ch.rx.try_recv() {
            msgs.push(m);
        }
        for m in msgs {
            ended |= matches!(&m, Msg::JobEnded { job: j, .. } if *j == job);
            dispatch(&mut state, &mut exec, m);
        }
        let running = state
            .jobs
            .iter()
            .any(|j| j.id == job && matches!(j.state, JobState::Running));
        for k in [
            key('?'),
            code(KeyCode::Esc),
            code(KeyCode::Down),
            code(KeyCode::Up),
            code(KeyCode::Tab),
        ] {
            let t = Instant::now();
            dispatch(&mut state, &mut exec, k);
            slowest = slowest.max(t.elapsed());
            if running {
                keys_while_running += 1;
            }
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(ended, "the backup finished");
    let row = state.jobs.iter().find(|j| j.id == job).unwrap();
    assert!(row.ok >= 1000, "{} ok", row.ok);
    assert!(
        keys_while_running >= 50,
        "keys were handled while the backup ran ({keys_while_running})"
    );
    assert!(
        slowest < Duration::from_millis(50),
        "slowest key during the backup took {slowest:?}"
    );
    println!("keys during a 1000-item backup: {keys_while_running}, slowest {slowest:?}");
}
