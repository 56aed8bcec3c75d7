//! insta snapshots of each pane and of the whole screen at 80×24 and 120×40 (ratatui's
//! TestBackend): signed out, browsing, marks, backup in progress with gauges, failures, help.

mod ui_fixtures;

use agol_tui::app::jobs::JobId;
use agol_tui::app::log::{Level, LogLine};
use agol_tui::app::msg::Msg;
use agol_tui::app::state::State;
use agol_tui::app::update::update;
use agol_tui::engine::progress::JobEvent;
use agol_tui::keymap::KeyCode;
use agol_tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use ui_fixtures::*;

fn screen(state: &State, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::render(state, f)).unwrap();
    t.backend().to_string()
}

fn pane(state: &State, w: u16, h: u16, draw: fn(&State, &mut ratatui::Frame, Rect)) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| draw(state, f, f.area())).unwrap();
    t.backend().to_string()
}

fn log(s: &mut State, level: Level, message: &str) {
    update(
        s,
        Msg::Log(LogLine {
            level,
            time: "12:00:00".into(),
            message: message.into(),
        }),
    );
}

fn marked() -> State {
    let mut s = browsing();
    send(
        &mut s,
        [key(' '), code(KeyCode::Down), code(KeyCode::Down), key(' ')],
    );
    s
}

/// A backup of 4 items: one done, two in flight (bytes, features), one failed.
fn in_progress() -> State {
    let mut s = marked();
    send(&mut s, [key('b'), key('y')]);
    let job = JobId(1);
    let ev = |event| Msg::Job { job, event };
    send(
        &mut s,
        [
            ev(JobEvent::Started { total: 4 }),
            ev(JobEvent::ItemStarted {
                id: "1".into(),
                title: "Hydrants".into(),
            }),
            ev(JobEvent::ItemStarted {
                id: "2".into(),
                title: "Water mains (2024 survey)".into(),
            }),
            ev(JobEvent::ItemStarted {
                id: "3".into(),
                title: "Pump stations".into(),
            }),
            ev(JobEvent::ItemProgress {
                id: "1".into(),
                bytes: 0,
                bytes_total: None,
                features: 1200,
                features_total: Some(4800),
            }),
            ev(JobEvent::ItemProgress {
                id: "2".into(),
                bytes: 3_500_000,
                bytes_total: Some(10_000_000),
                features: 0,
                features_total: None,
            }),
            ev(JobEvent::ItemDone {
                id: "3".into(),
                reused: true,
            }),
            ev(JobEvent::ItemStarted {
                id: "4".into(),
                title: "Valve inspections".into(),
            }),
            ev(JobEvent::ItemFailed {
                id: "4".into(),
                reason: "HTTP 500 from the feature service; retried 3 times".into(),
            }),
        ],
    );
    s.now = std::time::Duration::from_secs(100 + 73);
    log(&mut s, Level::Info, "backup #1 started into /backups/agol");
    log(
        &mut s,
        Level::Warn,
        "backup #1: Valve inspections (4) failed: HTTP 500",
    );
    s
}

fn finished_with_failures() -> State {
    let mut s = in_progress();
    let job = JobId(1);
    send(
        &mut s,
        [
            Msg::Job { job, event: JobEvent::ItemDone { id: "1".into(), reused: false } },
            Msg::Job { job, event: JobEvent::ItemDone { id: "2".into(), reused: false } },
            Msg::Job { job, event: JobEvent::Finished { ok: 3, failed: 1 } },
            Msg::JobEnded { job, result: Ok("snapshot 20250101T000000Z: 3 ok, 1 failed, 13.5 MB new → /backups/agol/snapshots/20250101T000000Z".into()) },
        ],
    );
    s.now = std::time::Duration::from_secs(300);
    s
}

fn help() -> State {
    let mut s = browsing();
    send(&mut s, [key('?')]);
    s
}

#[test]
fn whole_screen_80x24_and_120x40() {
    let states: [(&str, State); 6] = [
        ("signed_out", signed_out()),
        ("browsing", browsing()),
        ("marks", marked()),
        ("backup_in_progress", in_progress()),
        ("failures", finished_with_failures()),
        ("help", help()),
    ];
    for (name, s) in &states {
        insta::assert_snapshot!(format!("{name}_80x24"), screen(s, 80, 24));
        insta::assert_snapshot!(format!("{name}_120x40"), screen(s, 120, 40));
    }
}

#[test]
fn each_pane() {
    let s = in_progress();
    insta::assert_snapshot!("pane_tree", pane(&s, 80, 14, ui::panes::tree::render));
    insta::assert_snapshot!(
        "pane_selection",
        pane(&s, 60, 6, ui::panes::selection::render)
    );
    insta::assert_snapshot!("pane_jobs", pane(&s, 80, 10, ui::panes::jobs::render));
    insta::assert_snapshot!("pane_log", pane(&s, 80, 5, ui::panes::log::render));
    insta::assert_snapshot!(
        "pane_help_bar",
        pane(&s, 80, 1, ui::widgets::help_bar::render)
    );
    insta::assert_snapshot!(
        "pane_jobs_failures",
        pane(&finished_with_failures(), 80, 10, ui::panes::jobs::render)
    );
}

#[test]
fn confirm_and_filter_popups_and_small_terminals() {
    let mut s = marked();
    send(&mut s, [key('b')]);
    insta::assert_snapshot!("confirm_backup_80x24", screen(&s, 80, 24));
    send(&mut s, [code(KeyCode::Right)]);
    insta::assert_snapshot!("confirm_backup_package_80x24", screen(&s, 80, 24));
    let mut s = browsing();
    send(&mut s, [key('t')]);
    insta::assert_snapshot!("type_filter_80x24", screen(&s, 80, 24));
    // Tiny and odd sizes draw without panicking.
    for (w, h) in [(20, 5), (1, 1), (40, 10), (200, 60)] {
        screen(&in_progress(), w, h);
        screen(&signed_out(), w, h);
        screen(&help(), w, h);
    }
}

/// The restore dialog at its snapshot step, with two items marked.
fn restore_snapshots() -> State {
    let mut s = marked();
    send(&mut s, [key('r'), sources()]);
    s
}

/// The restore dialog's options step, on conflict copy.
fn restore_options() -> State {
    let mut s = restore_snapshots();
    send(&mut s, [code(KeyCode::Enter), key(' ')]);
    s
}

/// A restore of 3 items: one hosted layer loading features, one done, one failed.
fn restore_in_progress() -> State {
    let mut s = restore_options();
    send(&mut s, [key('y')]);
    let job = JobId(1);
    let ev = |event| Msg::Job { job, event };
    send(
        &mut s,
        [
            ev(JobEvent::Started { total: 3 }),
            ev(JobEvent::ItemStarted {
                id: "a".into(),
                title: "Hydrants".into(),
            }),
            ev(JobEvent::ItemDone {
                id: "a".into(),
                reused: false,
            }),
            ev(JobEvent::ItemStarted {
                id: "b".into(),
                title: "Water mains (2024 survey)".into(),
            }),
            ev(JobEvent::ItemProgress {
                id: "b".into(),
                bytes: 0,
                bytes_total: None,
                features: 2000,
                features_total: Some(5000),
            }),
            ev(JobEvent::ItemStarted {
                id: "c".into(),
                title: "Pump stations".into(),
            }),
            ev(JobEvent::ItemFailed {
                id: "c".into(),
                reason: "addToDefinition: HTTP 500 from the admin endpoint".into(),
            }),
        ],
    );
    s.now = std::time::Duration::from_secs(100 + 42);
    log(
        &mut s,
        Level::Info,
        "restore #1 of snapshot 20250301T120000Z started",
    );
    s
}

#[test]
fn restore_dialog_and_job_80x24_and_120x40() {
    let states: [(&str, State); 3] = [
        ("restore_snapshots", restore_snapshots()),
        ("restore_options", restore_options()),
        ("restore_in_progress", restore_in_progress()),
    ];
    for (name, s) in &states {
        insta::assert_snapshot!(format!("{name}_80x24"), screen(s, 80, 24));
        insta::assert_snapshot!(format!("{name}_120x40"), screen(s, 120, 40));
    }
    let mut done = restore_in_progress();
    let job = JobId(1);
    send(
        &mut done,
        [
            Msg::Job { job, event: JobEvent::ItemDone { id: "b".into(), reused: false } },
            Msg::Job { job, event: JobEvent::Finished { ok: 2, failed: 1 } },
            Msg::JobEnded {
                job,
                result: Ok("2 created, 0 updated, 0 skipped, 1 failed; snapshot 20250301T120000Z → https://acme.maps.arcgis.com".into()),
            },
        ],
    );
    insta::assert_snapshot!(
        "pane_jobs_restore_done",
        pane(&done, 80, 8, ui::panes::jobs::render)
    );
    for (w, h) in [(20, 5), (1, 1), (40, 10)] {
        screen(&restore_snapshots(), w, h);
        screen(&restore_options(), w, h);
    }
}

/// The "Open a package file…" input after Enter on a path that is not a package.
fn restore_open_file_error() -> State {
    let mut s = restore_snapshots();
    for _ in 0..3 {
        send(&mut s, [code(KeyCode::Down)]);
    }
    send(
        &mut s,
        [
            code(KeyCode::Enter),
            Msg::Paste("~/Downloads/city-maps.zip".into()),
            code(KeyCode::Enter),
        ],
    );
    s
}

/// The options step of a package read from disk: its items, one of them missing.
fn restore_package_options() -> State {
    use agol_tui::app::restore::{PackageContents, PackageItem};
    let mut s = browsing();
    send(&mut s, [key('r'), sources()]);
    send(
        &mut s,
        [
            code(KeyCode::Down),
            code(KeyCode::Down),
            code(KeyCode::Enter),
        ],
    );
    let item = |id: &str, title: &str, ty: &str, present| PackageItem {
        id: id.into(),
        title: title.into(),
        item_type: ty.into(),
        present,
    };
    let path = "/backups/agol/packages/city-maps.contentexport";
    send(
        &mut s,
        [Msg::PackageRead {
            path: path.into(),
            result: Ok(PackageContents {
                path: path.into(),
                bytes: 1_234_567,
                items: vec![
                    item("map1", "City map", "Web Map", true),
                    item("file1", "Annual report 2024", "PDF", true),
                    item("svc1", "Parcels", "Feature Service", true),
                    item("view1", "Parcels view", "Feature Service", true),
                    item("app1", "Parcel viewer", "Web Mapping Application", true),
                    item("gone1", "Lost layer", "Feature Service", false),
                ],
                missing: 1,
            }),
        }],
    );
    s
}

#[test]
fn restore_from_a_package_80x24() {
    insta::assert_snapshot!(
        "restore_open_file_error_80x24",
        screen(&restore_open_file_error(), 80, 24)
    );
    insta::assert_snapshot!(
        "restore_package_options_80x24",
        screen(&restore_package_options(), 80, 24)
    );
    insta::assert_snapshot!(
        "restore_package_options_120x40",
        screen(&restore_package_options(), 120, 40)
    );
    for (w, h) in [(20, 5), (1, 1), (40, 10)] {
        screen(&restore_open_file_error(), w, h);
        screen(&restore_package_options(), w, h);
    }
}
