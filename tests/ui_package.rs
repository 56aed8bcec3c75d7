//! `.contentexport` in the TUI without a terminal: the backup dialog's format choice, the
//! restore dialog's package rows and "Open a package file…" input (typed paths checked inline,
//! missing files refused inline), package items read from a real package file, and the package
//! restore effect and its failure landing on the job row.

mod ui_fixtures;

use agol_tui::app::backup::BackupFormat;
use agol_tui::app::effect::Effect;
use agol_tui::app::jobs::{JobId, JobKind, JobState};
use agol_tui::app::msg::Msg;
use agol_tui::app::restore::{RestoreDialog, RestoreStep, SourceRow};
use agol_tui::app::state::{Popup, State};
use agol_tui::engine::restore::plan::OnConflict;
use agol_tui::keymap::{Key, KeyCode};
use agol_tui::tui::package_job::{expand_tilde, list_packages, package_path, read_package};
use ui_fixtures::package::{build_hostile_package, build_package};
use ui_fixtures::*;

fn dialog(s: &State) -> &RestoreDialog {
    match &s.popup {
        Some(Popup::Restore(d)) => d,
        _ => panic!("no restore dialog"),
    }
}

fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        send(s, [key(c)]);
    }
}

/// The restore dialog open on the source list (2 snapshots, 1 package, "Open…").
fn restore_open() -> State {
    let mut s = browsing();
    send(&mut s, [key('r'), sources()]);
    s
}

fn format_of(s: &State) -> BackupFormat {
    match &s.popup {
        Some(Popup::ConfirmBackup { format, .. }) => *format,
        _ => panic!("no backup dialog"),
    }
}

#[test]
fn backup_dialog_format_choice_with_arrows_and_tab() {
    let mut s = browsing();
    send(&mut s, [key(' '), key('b')]);
    assert_eq!(format_of(&s), BackupFormat::Archive, "archive by default");
    send(&mut s, [code(KeyCode::Right)]);
    assert_eq!(format_of(&s), BackupFormat::Package);
    send(&mut s, [code(KeyCode::Tab)]);
    assert_eq!(format_of(&s), BackupFormat::Archive);
    send(&mut s, [code(KeyCode::Down)]);
    assert_eq!(format_of(&s), BackupFormat::Package);
    send(&mut s, [key('x')]);
    assert_eq!(
        format_of(&s),
        BackupFormat::Package,
        "other keys change nothing"
    );
    let e = send(&mut s, [code(KeyCode::Enter)]);
    let [Effect::Backup { ids, format, .. }] = e.as_slice() else {
        panic!("{e:?}")
    };
    assert_eq!(ids.len(), 3);
    assert_eq!(*format, BackupFormat::Package);
    assert_eq!(
        format.export(),
        Some("File Geodatabase"),
        "as backup --format contentexport"
    );
    assert_eq!(BackupFormat::Archive.export(), None);
    assert!(
        s.jobs[0].label.contains(".contentexport"),
        "{}",
        s.jobs[0].label
    );
    // Esc cancels with either format.
    send(&mut s, [key('b'), code(KeyCode::Left), code(KeyCode::Esc)]);
    assert!(s.popup.is_none());
    assert_eq!(s.jobs.len(), 1);
}

#[test]
fn package_written_after_a_backup_goes_to_dest_packages() {
    assert_eq!(
        package_path("/b".as_ref(), "20250301T120000Z"),
        std::path::PathBuf::from("/b/packages/20250301T120000Z.contentexport")
    );
}

#[test]
fn source_list_has_snapshots_then_packages_then_open_a_file() {
    let mut s = restore_open();
    let d = dialog(&s);
    assert_eq!(d.step, RestoreStep::Snapshot);
    assert_eq!(d.rows(), 4);
    assert_eq!(
        (0..4).map(|i| d.row(i)).collect::<Vec<_>>(),
        [
            SourceRow::Snapshot(0),
            SourceRow::Snapshot(1),
            SourceRow::Package(0),
            SourceRow::OpenFile
        ]
    );
    for _ in 0..6 {
        send(&mut s, [code(KeyCode::Down)]);
    }
    assert_eq!(dialog(&s).cursor, 3, "the cursor stops on the last row");
    assert!(dialog(&s).chosen().is_none());
    send(&mut s, [code(KeyCode::Home)]);
    assert_eq!(dialog(&s).cursor, 0);
    send(&mut s, [code(KeyCode::End)]);
    assert_eq!(dialog(&s).row(dialog(&s).cursor), SourceRow::OpenFile);
}

#[test]
fn a_listed_package_is_read_in_the_background_then_restored() {
    let mut s = restore_open();
    let path = "/backups/agol/packages/city-maps.contentexport".to_string();
    let e = send(
        &mut s,
        [
            code(KeyCode::Down),
            code(KeyCode::Down),
            code(KeyCode::Enter),
        ],
    );
    assert_eq!(e, vec![Effect::ReadPackage { path: path.clone() }]);
    assert_eq!(dialog(&s).step, RestoreStep::Inspecting { typed: false });
    // Keys other than Esc wait for the answer.
    assert!(send(&mut s, [code(KeyCode::Enter), key('y')]).is_empty());
    // An answer for another path is stale.
    send(
        &mut s,
        [Msg::PackageRead {
            path: "/elsewhere.contentexport".into(),
            result: Err("late".into()),
        }],
    );
    assert_eq!(dialog(&s).step, RestoreStep::Inspecting { typed: false });
    send(
        &mut s,
        [Msg::PackageRead {
            path: path.clone(),
            result: Ok(package_contents(&path)),
        }],
    );
    let d = dialog(&s);
    assert_eq!(d.step, RestoreStep::Options);
    assert_eq!(
        d.ids(),
        ["map1", "file1"],
        "the item the package lacks is left out"
    );
    let e = send(&mut s, [key(' '), code(KeyCode::Enter)]);
    assert_eq!(
        e,
        vec![Effect::RestorePackage {
            job: JobId(1),
            package: path.into(),
            ids: vec!["map1".into(), "file1".into()],
            on_conflict: OnConflict::Copy,
            dry_run: false,
        }]
    );
    assert_eq!(s.jobs[0].kind, JobKind::Restore);
    assert!(
        s.jobs[0]
            .label
            .contains("2 items of city-maps.contentexport"),
        "{}",
        s.jobs[0].label
    );
    // Staging errors (e.g. "not built yet", a refused entry) end the job as failed.
    let err = "city-maps.contentexport: restoring a .contentexport package is not built yet";
    send(
        &mut s,
        [Msg::JobEnded {
            job: JobId(1),
            result: Err(err.into()),
        }],
    );
    assert_eq!(s.jobs[0].state, JobState::Failed(err.into()));
}

fn package_contents(path: &str) -> agol_tui::app::restore::PackageContents {
    use agol_tui::app::restore::{PackageContents, PackageItem};
    let item = |id: &str, title: &str, ty: &str, present| PackageItem {
        id: id.into(),
        title: title.into(),
        item_type: ty.into(),
        present,
    };
    PackageContents {
        path: path.into(),
        bytes: 1_234_567,
        items: vec![
            item("map1", "City map", "Web Map", true),
            item("file1", "Annual report", "PDF", true),
            item("gone1", "Lost layer", "Feature Service", false),
        ],
        missing: 1,
    }
}

#[test]
fn a_package_read_error_returns_to_the_list_with_the_reason() {
    let mut s = restore_open();
    send(
        &mut s,
        [
            code(KeyCode::Down),
            code(KeyCode::Down),
            code(KeyCode::Enter),
        ],
    );
    send(
        &mut s,
        [Msg::PackageRead {
            path: "/backups/agol/packages/city-maps.contentexport".into(),
            result: Err("refused entry \"x/../y\": unsafe path".into()),
        }],
    );
    let d = dialog(&s);
    assert_eq!(d.step, RestoreStep::Snapshot);
    assert!(d.error.as_deref().unwrap().contains("refused entry"));
    send(&mut s, [code(KeyCode::Up)]);
    assert!(dialog(&s).error.is_none(), "moving clears the error");
}

#[test]
fn open_a_package_file_checks_the_typed_path_inline() {
    let mut s = restore_open();
    send(&mut s, [code(KeyCode::End), code(KeyCode::Enter)]);
    assert_eq!(dialog(&s).step, RestoreStep::OpenPath);
    // Enter on nothing asks for a path; y and n are text here, not yes/no.
    assert!(send(&mut s, [code(KeyCode::Enter)]).is_empty());
    assert!(
        dialog(&s)
            .error
            .as_deref()
            .unwrap()
            .contains("type the path")
    );
    type_text(&mut s, "yn notes.txt");
    assert_eq!(dialog(&s).path_input.value(), "yn notes.txt");
    assert!(dialog(&s).error.is_none(), "typing clears the error");
    assert!(send(&mut s, [code(KeyCode::Enter)]).is_empty());
    assert_eq!(dialog(&s).step, RestoreStep::OpenPath);
    assert!(
        dialog(&s)
            .error
            .as_deref()
            .unwrap()
            .contains("not a .contentexport file")
    );
    // Ctrl-U clears; pasted text goes into the input.
    send(&mut s, [Msg::Key(Key::ctrl('u'))]);
    assert_eq!(dialog(&s).path_input.value(), "");
    send(&mut s, [Msg::Paste("~/pkgs/a.contentexport".into())]);
    let e = send(&mut s, [code(KeyCode::Enter)]);
    assert_eq!(
        e,
        vec![Effect::ReadPackage {
            path: "~/pkgs/a.contentexport".into()
        }]
    );
    assert_eq!(dialog(&s).step, RestoreStep::Inspecting { typed: true });
    // Esc while reading closes the dialog; the late answer is dropped.
    send(&mut s, [code(KeyCode::Esc)]);
    assert!(s.popup.is_none());
    send(
        &mut s,
        [Msg::PackageRead {
            path: "~/pkgs/a.contentexport".into(),
            result: Err("late".into()),
        }],
    );
    assert!(s.popup.is_none());
}

#[test]
fn esc_in_the_path_input_goes_back_to_the_list() {
    let mut s = restore_open();
    for _ in 0..3 {
        send(&mut s, [code(KeyCode::Down)]);
    }
    send(&mut s, [code(KeyCode::Enter), key('a'), code(KeyCode::Esc)]);
    assert_eq!(dialog(&s).step, RestoreStep::Snapshot);
    assert_eq!(dialog(&s).cursor, 3);
}

#[test]
fn a_missing_package_path_gives_an_inline_error() {
    let mut s = restore_open();
    for _ in 0..3 {
        send(&mut s, [code(KeyCode::Down)]);
    }
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere.contentexport");
    let typed = missing.display().to_string();
    send(&mut s, [code(KeyCode::Enter), Msg::Paste(typed.clone())]);
    let e = send(&mut s, [code(KeyCode::Enter)]);
    assert_eq!(
        e,
        vec![Effect::ReadPackage {
            path: typed.clone()
        }]
    );
    // What the executor answers, computed for real.
    let result = read_package(&typed);
    let err = result.clone().unwrap_err();
    assert!(err.contains("no such file"), "{err}");
    send(
        &mut s,
        [Msg::PackageRead {
            path: typed.clone(),
            result,
        }],
    );
    let d = dialog(&s);
    assert_eq!(d.step, RestoreStep::OpenPath, "back to the input");
    assert_eq!(d.path_input.value(), typed, "the typed path is kept");
    assert!(d.error.as_deref().unwrap().contains("no such file"));
    // A folder and a non-package file are refused too.
    std::fs::create_dir(dir.path().join("d.contentexport")).unwrap();
    let folder = dir.path().join("d.contentexport").display().to_string();
    assert!(read_package(&folder).unwrap_err().contains("not a file"));
    assert!(
        read_package("/etc/hostname")
            .unwrap_err()
            .contains("not a .contentexport")
    );
}

#[test]
fn tilde_expands_to_home() {
    let home = std::path::Path::new("/home/ann");
    assert_eq!(expand_tilde("~", Some(home)), home);
    assert_eq!(
        expand_tilde("~/p/a.contentexport", Some(home)),
        home.join("p/a.contentexport")
    );
    assert_eq!(
        expand_tilde("~bob/a.contentexport", Some(home)),
        std::path::PathBuf::from("~bob/a.contentexport")
    );
    assert_eq!(
        expand_tilde("/abs/a.contentexport", Some(home)),
        std::path::PathBuf::from("/abs/a.contentexport")
    );
}

#[test]
fn a_real_package_is_listed_and_its_items_read() {
    let dest = tempfile::tempdir().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    let pkgs = dest.path().join("packages");
    std::fs::create_dir(&pkgs).unwrap();
    let older = build_package(cwd.path(), "older", &[("m0", "Old map", "Web Map")], &[]);
    let file = std::fs::File::options().write(true).open(&older).unwrap();
    file.set_modified(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000))
        .unwrap();
    let path = build_package(
        &pkgs,
        "city-maps",
        &[
            ("map1", "City map", "Web Map"),
            ("file1", "Annual report", "Web Mapping Application"),
        ],
        &[("gone1", "Lost layer", "Feature Service")],
    );
    std::fs::write(pkgs.join("notes.txt"), "not a package").unwrap();
    // Listed newest first, with size; the text file is not.
    let listed = list_packages(dest.path(), cwd.path());
    assert_eq!(
        listed.iter().map(|p| p.name()).collect::<Vec<_>>(),
        ["city-maps.contentexport", "older.contentexport"]
    );
    assert_eq!(listed[0].bytes, std::fs::metadata(&path).unwrap().len());
    assert!(listed[0].modified > listed[1].modified);
    // The same folder twice lists each file once.
    assert_eq!(list_packages(dest.path(), &pkgs).len(), 1);

    let contents = read_package(&path.display().to_string()).unwrap();
    let items: Vec<(&str, &str, &str, bool)> = contents
        .items
        .iter()
        .map(|i| {
            (
                i.id.as_str(),
                i.title.as_str(),
                i.item_type.as_str(),
                i.present,
            )
        })
        .collect();
    assert_eq!(
        items,
        [
            ("map1", "City map", "Web Map", true),
            ("file1", "Annual report", "Web Mapping Application", true),
            ("gone1", "Lost layer", "Feature Service", false),
        ]
    );
    assert_eq!(contents.missing, 1);

    // Through the dialog: the package row, its items, the options step.
    let mut s = browsing();
    send(
        &mut s,
        [
            key('r'),
            Msg::RestoreSources {
                snapshots: Ok(Vec::new()),
                packages: listed,
            },
        ],
    );
    let e = send(&mut s, [code(KeyCode::Enter)]);
    let [Effect::ReadPackage { path: asked }] = e.as_slice() else {
        panic!("{e:?}")
    };
    let result = read_package(asked);
    send(
        &mut s,
        [Msg::PackageRead {
            path: asked.clone(),
            result,
        }],
    );
    assert_eq!(dialog(&s).step, RestoreStep::Options);
    assert_eq!(dialog(&s).ids(), ["map1", "file1"]);
}

#[test]
fn a_hostile_package_is_refused_with_the_readers_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = build_hostile_package(dir.path(), "evil");
    let err = read_package(&path.display().to_string()).unwrap_err();
    assert!(err.contains("refused"), "{err}");
    assert!(!dir.path().parent().unwrap().join("evil.txt").exists());
}
