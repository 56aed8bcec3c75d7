//! Shared fixtures for the UI tests: a signed-in state with a small loaded tree, built only
//! through `update` (the same path the runtime takes).
#![allow(dead_code)]

pub mod package;

use std::time::Duration;

use agol_tui::app::effect::Effect;
use agol_tui::app::msg::Msg;
use agol_tui::app::signin::SignInForm;
use agol_tui::app::state::{Session, Settings, State};
use agol_tui::app::update::update;
use agol_tui::engine::tree::{ItemInfo, LoadRequest, Loaded};
use agol_tui::keymap::{Key, KeyCode, Keymap};

/// A plain key.
pub fn key(c: char) -> Msg {
    Msg::Key(Key::char(c))
}

/// A named key.
pub fn code(c: KeyCode) -> Msg {
    Msg::Key(Key::plain(c))
}

/// An item.
pub fn item(n: usize, ty: &str, owner: &str) -> ItemInfo {
    ItemInfo {
        id: format!("{n:032x}"),
        title: format!("{ty} number {n}"),
        item_type: ty.into(),
        owner: owner.into(),
        size: 1000 * n as u64 + 17,
        modified: 1_700_000_000_000 + n as i64 * 86_400_000,
    }
}

/// Settings with fixed paths.
pub fn settings() -> Settings {
    Settings {
        destination: "/backups/agol".into(),
        workers: 4,
        scan_dir: "/tmp".into(),
    }
}

/// The sign-in screen.
pub fn signed_out() -> State {
    State::signed_out(
        Keymap::default(),
        settings(),
        SignInForm::new("https://acme.maps.arcgis.com", "jdoe_acme"),
    )
}

/// Answers every Load effect from a fake listing; returns the other effects.
pub fn answer(state: &mut State, effects: Vec<Effect>, big_folder: usize) -> Vec<Effect> {
    let mut queue = effects;
    let mut other = Vec::new();
    while !queue.is_empty() {
        let e = queue.remove(0);
        match e {
            Effect::Load {
                node,
                generation,
                request,
            } => {
                let result = match request {
                    LoadRequest::OrgUsers => Loaded::Users(vec!["gis_admin".into(), "jdoe".into()]),
                    LoadRequest::UserRoot { username } if username == "gis_admin" => {
                        Loaded::UserRoot {
                            folders: vec![
                                ("f1".into(), "Water network".into()),
                                ("f2".into(), "Big".into()),
                            ],
                            items: vec![
                                item(1, "Web Map", "gis_admin"),
                                item(2, "CSV", "gis_admin"),
                            ],
                        }
                    }
                    LoadRequest::UserRoot { .. } => Loaded::UserRoot {
                        folders: vec![],
                        items: vec![item(9, "PDF", "jdoe")],
                    },
                    LoadRequest::Folder { folder_id, .. } if folder_id == "f2" => Loaded::Items(
                        (100..100 + big_folder)
                            .map(|n| item(n, "Feature Service", "gis_admin"))
                            .collect(),
                    ),
                    LoadRequest::Folder { .. } => Loaded::Items(vec![
                        item(3, "Feature Service", "gis_admin"),
                        item(4, "Web Map", "gis_admin"),
                        item(5, "Dashboard", "gis_admin"),
                    ]),
                };
                queue.extend(update(
                    state,
                    Msg::Loaded {
                        node,
                        generation,
                        result: Ok(result),
                    },
                ));
            }
            other_effect => other.push(other_effect),
        }
    }
    other
}

/// Sends messages, answering listings at once.
pub fn send(state: &mut State, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    let mut out = Vec::new();
    for m in msgs {
        let e = update(state, m);
        out.extend(answer(state, e, 40));
    }
    out
}

/// Signed in to a demo org with the org, gis_admin and its first folder unfolded.
pub fn browsing() -> State {
    let mut s = signed_out();
    let e = update(
        &mut s,
        Msg::SignedIn(Session {
            portal: "https://acme.maps.arcgis.com".into(),
            username: "gis_admin".into(),
            role: "org_admin".into(),
            org_name: "Acme Water".into(),
        }),
    );
    answer(&mut s, e, 40);
    // down to gis_admin, unfold, down to "Water network", unfold
    send(
        &mut s,
        [
            code(KeyCode::Down),
            code(KeyCode::Right),
            code(KeyCode::Down),
            code(KeyCode::Right),
        ],
    );
    s.now = Duration::from_secs(100);
    s
}

/// The id of fixture item `n`.
pub fn item_id(n: usize) -> String {
    format!("{n:032x}")
}

/// Two snapshots, newest first: the newest holds items 1–5 (and one failed backup), the
/// older one items 1–3.
/// One package file found on disk.
pub fn package_list() -> Vec<agol_tui::app::restore::PackageFile> {
    vec![agol_tui::app::restore::PackageFile {
        path: "/backups/agol/packages/city-maps.contentexport".into(),
        bytes: 1_234_567,
        modified: 1_740_000_000_000,
    }]
}

/// The restore sources answer: the two snapshots and one package file.
pub fn sources() -> Msg {
    Msg::RestoreSources {
        snapshots: Ok(snapshot_list()),
        packages: package_list(),
    }
}

/// The snapshots of the destination.
pub fn snapshot_list() -> Vec<agol_tui::app::restore::SnapshotInfo> {
    use agol_tui::app::restore::SnapshotInfo;
    vec![
        SnapshotInfo {
            id: "20250301T120000Z".into(),
            items: 6,
            failed: 1,
            ids: (1..=5).map(item_id).collect(),
            portal: "https://acme.maps.arcgis.com".into(),
        },
        SnapshotInfo {
            id: "20250201T080000Z".into(),
            items: 3,
            failed: 0,
            ids: (1..=3).map(item_id).collect(),
            portal: "https://acme.maps.arcgis.com".into(),
        },
    ]
}
