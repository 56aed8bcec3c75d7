//! The one reducer: `update(&mut State, Msg) -> Vec<Effect>`. Pure: no I/O, no clock, no
//! spawning; the runtime performs the effects.

use super::backup::BackupFormat;
use super::effect::Effect;
use super::jobs::{Job, JobKind};
use super::msg::Msg;
use super::restore::{
    PackageContents, PackageFile, RestoreDialog, RestoreStep, SnapshotInfo, SourceRow,
    check_typed_path, conflict_name,
};
use super::state::{Pane, Popup, Screen, State};
use crate::engine::tree::{Filter, NodeId, Tree};
use crate::keymap::action::Action;
use crate::keymap::{Key, KeyCode};
use tui_input::InputRequest;

/// Applies one message; returns the work to start.
pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => on_key(state, key),
        Msg::Paste(text) => {
            match (&mut state.screen, &mut state.popup) {
                (Screen::SignIn(form), _) => form.paste(&text),
                (_, Some(Popup::Restore(d))) if d.step == RestoreStep::OpenPath => {
                    for c in text.chars().filter(|c| !c.is_control()) {
                        d.path_input.handle(InputRequest::InsertChar(c));
                    }
                    d.error = None;
                }
                (_, Some(Popup::FilterText(input))) => {
                    for c in text.chars().filter(|c| !c.is_control()) {
                        input.handle(InputRequest::InsertChar(c));
                    }
                    let f = input.value().to_string();
                    set_text_filter(state, f);
                }
                _ => {}
            }
            Vec::new()
        }
        Msg::Tick(now) => {
            state.now = now;
            Vec::new()
        }
        Msg::Loaded {
            node,
            generation,
            result,
        } => {
            let anchor = state.cursor_node();
            let failed = result.as_ref().err().cloned();
            match state.tree.apply_load(node, generation, result) {
                None => Vec::new(), // stale: the node asked again since
                Some(more) => {
                    if let Some(e) = failed {
                        state.notice = Some(format!(
                            "listing {} failed: {e}",
                            state.tree.node(node).label()
                        ));
                    }
                    keep_cursor(state, anchor);
                    more.into_iter()
                        .filter_map(|n| load(&mut state.tree, n))
                        .collect()
                }
            }
        }
        Msg::RestoreSources {
            snapshots,
            packages,
        } => {
            on_sources(state, snapshots, packages);
            Vec::new()
        }
        Msg::PackageRead { path, result } => {
            on_package_read(state, &path, result);
            Vec::new()
        }
        Msg::Job { job, event } => {
            if let Some(j) = state.job_mut(job) {
                j.apply(event);
            }
            Vec::new()
        }
        Msg::JobEnded { job, result } => {
            let now = state.now;
            if let Some(j) = state.job_mut(job) {
                j.end(result, now);
            }
            Vec::new()
        }
        Msg::Log(line) => {
            state.log.push(line);
            Vec::new()
        }
        Msg::SignedIn(session) => {
            state.tree = Tree::new(&session.org_name);
            state.session = Some(session);
            state.screen = Screen::Main;
            state.tree_cursor = Default::default();
            let root = state.tree.root();
            state.tree.expand(root);
            load(&mut state.tree, root).into_iter().collect()
        }
        Msg::SignInFailed(e) => {
            if let Screen::SignIn(form) = &mut state.screen {
                form.busy = false;
                form.error = Some(e);
            }
            Vec::new()
        }
        Msg::OAuthUrl(url) => {
            if let Screen::SignIn(form) = &mut state.screen {
                form.busy = false;
                form.error = None;
                form.authorize_url = Some(url);
                form.focus = 2;
            }
            Vec::new()
        }
    }
}

fn load(tree: &mut Tree, node: NodeId) -> Option<Effect> {
    tree.begin_load(node)
        .map(|(generation, request)| Effect::Load {
            node,
            generation,
            request,
        })
}

/// After the rows changed, keep the cursor on the same node when it is still visible.
fn keep_cursor(state: &mut State, anchor: Option<NodeId>) {
    if let Some(a) = anchor
        && let Some(i) = state.tree.row_of(a)
    {
        state.tree_cursor.index = i;
    }
    state.tree_cursor.clamp(state.tree.rows().len());
}

fn on_key(state: &mut State, key: Key) -> Vec<Effect> {
    if let Screen::SignIn(form) = &mut state.screen {
        if key.code == KeyCode::Esc || key == Key::ctrl('c') {
            state.quit = true;
            return vec![Effect::Quit];
        }
        return form.key(key).map(Effect::SignIn).into_iter().collect();
    }
    if state.popup.is_some() {
        return on_popup_key(state, key);
    }
    state.notice = None;
    match state.keymap.action(key) {
        Some(action) => on_action(state, action),
        None => Vec::new(),
    }
}

fn on_popup_key(state: &mut State, key: Key) -> Vec<Effect> {
    let Some(popup) = state.popup.take() else {
        return Vec::new();
    };
    let is_yes = matches!(key.code, KeyCode::Enter | KeyCode::Char('y'));
    let is_no = matches!(key.code, KeyCode::Esc | KeyCode::Char('n'));
    match popup {
        Popup::Help | Popup::Message { .. } => Vec::new(),
        Popup::Restore(dialog) => on_restore_key(state, *dialog, key),
        Popup::ConfirmBackup {
            items,
            bytes,
            format,
        } => {
            if is_yes {
                return start_backup(state, format);
            }
            if is_no {
                return Vec::new();
            }
            let moves = matches!(
                key.code,
                KeyCode::Left
                    | KeyCode::Right
                    | KeyCode::Up
                    | KeyCode::Down
                    | KeyCode::Tab
                    | KeyCode::BackTab
                    | KeyCode::Char(' ')
            ) || matches!(
                state.keymap.action(key),
                Some(Action::Up | Action::Down | Action::Fold | Action::Unfold)
            );
            let format = if moves { format.other() } else { format };
            state.popup = Some(Popup::ConfirmBackup {
                items,
                bytes,
                format,
            });
            Vec::new()
        }
        Popup::ConfirmQuit { .. } => {
            if is_yes || key == Key::char('q') {
                state.quit = true;
                let mut effects: Vec<Effect> = state
                    .jobs
                    .iter()
                    .filter(|j| j.is_active())
                    .map(|j| Effect::Cancel(j.id))
                    .collect();
                effects.push(Effect::Quit);
                effects
            } else if !is_no {
                state.popup = Some(popup);
                Vec::new()
            } else {
                Vec::new()
            }
        }
        Popup::FilterText(mut input) => {
            match key.code {
                KeyCode::Enter => {}
                KeyCode::Esc => set_text_filter(state, String::new()),
                _ => {
                    let req = match key.code {
                        KeyCode::Char('u') if key.ctrl => Some(InputRequest::DeleteLine),
                        KeyCode::Char(c) if !key.ctrl && !key.alt => {
                            Some(InputRequest::InsertChar(c))
                        }
                        KeyCode::Backspace => Some(InputRequest::DeletePrevChar),
                        KeyCode::Left => Some(InputRequest::GoToPrevChar),
                        KeyCode::Right => Some(InputRequest::GoToNextChar),
                        _ => None,
                    };
                    if let Some(r) = req {
                        input.handle(r);
                        set_text_filter(state, input.value().to_string());
                    }
                    state.popup = Some(Popup::FilterText(input));
                }
            }
            Vec::new()
        }
        Popup::FilterType {
            types,
            mut chosen,
            mut cursor,
        } => {
            match key.code {
                KeyCode::Enter => {
                    let mut f = state.tree.filter().clone();
                    f.types = chosen;
                    set_filter(state, f);
                    return Vec::new();
                }
                KeyCode::Esc => return Vec::new(),
                KeyCode::Char(' ') => {
                    if let Some(t) = types.get(cursor)
                        && !chosen.remove(t)
                    {
                        chosen.insert(t.clone());
                    }
                }
                KeyCode::Char('u') => chosen.clear(),
                _ => match state.keymap.action(key) {
                    Some(Action::Up) => cursor = cursor.saturating_sub(1),
                    Some(Action::Down) => cursor = (cursor + 1).min(types.len().saturating_sub(1)),
                    _ => {}
                },
            }
            state.popup = Some(Popup::FilterType {
                types,
                chosen,
                cursor,
            });
            Vec::new()
        }
    }
}

/// The source list for an open restore dialog; a stale answer (dialog closed) is dropped.
/// The dialog stays open even without snapshots: package files can still be chosen or typed.
fn on_sources(
    state: &mut State,
    snapshots: Result<Vec<SnapshotInfo>, String>,
    packages: Vec<PackageFile>,
) {
    let Some(Popup::Restore(dialog)) = &mut state.popup else {
        return;
    };
    if dialog.step != RestoreStep::Loading {
        return;
    }
    match snapshots {
        Ok(list) => dialog.snapshots = list,
        Err(e) => dialog.snapshots_error = Some(e),
    }
    dialog.packages = packages;
    dialog.cursor = 0;
    dialog.step = RestoreStep::Snapshot;
}

/// A package's item list for the dialog; an answer for another path (or a closed dialog) is
/// dropped. Errors show inline where the package was chosen.
fn on_package_read(state: &mut State, path: &str, result: Result<PackageContents, String>) {
    let Some(Popup::Restore(dialog)) = &mut state.popup else {
        return;
    };
    let RestoreStep::Inspecting { typed } = dialog.step else {
        return;
    };
    if dialog.inspecting.as_deref() != Some(path) {
        return;
    }
    dialog.inspecting = None;
    match result {
        Ok(contents) => {
            dialog.package = Some(contents);
            dialog.error = None;
            dialog.field = super::restore::RestoreField::OnConflict;
            dialog.step = RestoreStep::Options;
        }
        Err(e) => {
            dialog.error = Some(e);
            dialog.step = if typed {
                RestoreStep::OpenPath
            } else {
                RestoreStep::Snapshot
            };
        }
    }
}

/// Asks for a package's item list.
fn read_package(dialog: &mut RestoreDialog, path: String, typed: bool) -> Vec<Effect> {
    dialog.error = None;
    dialog.inspecting = Some(path.clone());
    dialog.step = RestoreStep::Inspecting { typed };
    vec![Effect::ReadPackage { path }]
}

fn on_restore_key(state: &mut State, mut dialog: RestoreDialog, key: Key) -> Vec<Effect> {
    if dialog.step == RestoreStep::OpenPath {
        let effects = on_path_key(&mut dialog, key);
        state.popup = Some(Popup::Restore(Box::new(dialog)));
        return effects;
    }
    let is_yes = matches!(key.code, KeyCode::Enter | KeyCode::Char('y'));
    let is_no = matches!(key.code, KeyCode::Esc | KeyCode::Char('n'));
    if is_no {
        return Vec::new();
    }
    let mut effects = Vec::new();
    match dialog.step {
        RestoreStep::Loading | RestoreStep::Inspecting { .. } | RestoreStep::OpenPath => {}
        RestoreStep::Snapshot => {
            if is_yes {
                match dialog.row(dialog.cursor) {
                    SourceRow::Snapshot(_) => {
                        dialog.package = None;
                        dialog.step = RestoreStep::Options;
                    }
                    SourceRow::Package(i) => {
                        let path = dialog.packages[i].path.display().to_string();
                        effects = read_package(&mut dialog, path, false);
                    }
                    SourceRow::OpenFile => {
                        dialog.error = None;
                        dialog.step = RestoreStep::OpenPath;
                    }
                }
            } else {
                let page = state.page.get().max(1) as isize;
                match state.keymap.action(key) {
                    Some(Action::Up) => dialog.move_by(-1),
                    Some(Action::Down) => dialog.move_by(1),
                    Some(Action::PageUp) => dialog.move_by(-page),
                    Some(Action::PageDown) => dialog.move_by(page),
                    Some(Action::Home) => dialog.move_by(isize::MIN / 2),
                    Some(Action::End) => dialog.move_by(isize::MAX / 2),
                    _ => {}
                }
            }
        }
        RestoreStep::Options => {
            if is_yes {
                if dialog.ids().is_empty() {
                    state.notice = Some(format!(
                        "none of the marked items is in this {}",
                        if dialog.package.is_some() {
                            "package"
                        } else {
                            "snapshot"
                        }
                    ));
                } else {
                    return start_restore(state, &dialog);
                }
            } else if key.code == KeyCode::Backspace {
                dialog.package = None;
                dialog.step = RestoreStep::Snapshot;
            } else if matches!(
                key.code,
                KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right
            ) {
                dialog.toggle();
            } else {
                match state.keymap.action(key) {
                    Some(Action::Up) => dialog.move_by(-1),
                    Some(Action::Down) => dialog.move_by(1),
                    Some(Action::Fold | Action::Unfold) => dialog.toggle(),
                    _ => {}
                }
            }
        }
    }
    state.popup = Some(Popup::Restore(Box::new(dialog)));
    effects
}

/// Keys of the package path input: text editing, Enter reads it, Esc goes back to the list.
fn on_path_key(dialog: &mut RestoreDialog, key: Key) -> Vec<Effect> {
    let req = match key.code {
        KeyCode::Enter => {
            return match check_typed_path(dialog.path_input.value()) {
                Ok(path) => read_package(dialog, path, true),
                Err(e) => {
                    dialog.error = Some(e);
                    Vec::new()
                }
            };
        }
        KeyCode::Esc => {
            dialog.error = None;
            dialog.step = RestoreStep::Snapshot;
            return Vec::new();
        }
        KeyCode::Char('u') if key.ctrl => Some(InputRequest::DeleteLine),
        KeyCode::Char('w') if key.ctrl => Some(InputRequest::DeletePrevWord),
        KeyCode::Char(c) if !key.ctrl && !key.alt => Some(InputRequest::InsertChar(c)),
        KeyCode::Backspace => Some(InputRequest::DeletePrevChar),
        KeyCode::Delete => Some(InputRequest::DeleteNextChar),
        KeyCode::Left => Some(InputRequest::GoToPrevChar),
        KeyCode::Right => Some(InputRequest::GoToNextChar),
        KeyCode::Home => Some(InputRequest::GoToStart),
        KeyCode::End => Some(InputRequest::GoToEnd),
        _ => None,
    };
    if let Some(r) = req {
        dialog.path_input.handle(r);
        dialog.error = None;
    }
    Vec::new()
}

fn start_restore(state: &mut State, dialog: &RestoreDialog) -> Vec<Effect> {
    let ids = dialog.ids();
    let (source, package) = match (&dialog.package, dialog.chosen()) {
        (Some(p), _) => (
            p.path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.path.display().to_string()),
            Some(p.path.clone()),
        ),
        (None, Some(snap)) => (snap.id.clone(), None),
        (None, None) => return Vec::new(),
    };
    let job = state.next_job_id();
    let target = state
        .session
        .as_ref()
        .map(|s| s.portal.clone())
        .unwrap_or_default();
    let label = format!(
        "{}{} items of {source} → {target}, on conflict {}",
        if dialog.dry_run { "dry run: " } else { "" },
        ids.len(),
        conflict_name(dialog.on_conflict)
    );
    state
        .jobs
        .push(Job::new(job, JobKind::Restore, label, state.now));
    state.jobs_cursor.index = state.jobs.len() - 1;
    match package {
        Some(package) => vec![Effect::RestorePackage {
            job,
            package,
            ids,
            on_conflict: dialog.on_conflict,
            dry_run: dialog.dry_run,
        }],
        None => vec![Effect::Restore {
            job,
            dest: state.settings.destination.clone(),
            snapshot: source,
            ids,
            on_conflict: dialog.on_conflict,
            dry_run: dialog.dry_run,
        }],
    }
}

fn set_text_filter(state: &mut State, text: String) {
    let mut f = state.tree.filter().clone();
    f.text = text;
    set_filter(state, f);
}

fn set_filter(state: &mut State, filter: Filter) {
    let anchor = state.cursor_node();
    state.tree.set_filter(filter);
    keep_cursor(state, anchor);
}

fn start_backup(state: &mut State, format: BackupFormat) -> Vec<Effect> {
    let ids = marked_ids(&state.tree);
    if ids.is_empty() {
        return Vec::new();
    }
    let job = state.next_job_id();
    let dest = state.settings.destination.clone();
    let label = match format {
        BackupFormat::Archive => format!("{} items → {}", ids.len(), dest.display()),
        BackupFormat::Package => {
            format!("{} items → {} + .contentexport", ids.len(), dest.display())
        }
    };
    state
        .jobs
        .push(Job::new(job, JobKind::Backup, label, state.now));
    state.jobs_cursor.index = state.jobs.len() - 1;
    vec![Effect::Backup {
        job,
        ids,
        dest,
        format,
    }]
}

fn marked_ids(tree: &Tree) -> Vec<String> {
    tree.marked()
        .into_iter()
        .filter_map(|n| tree.node(n).item().map(|i| i.id.clone()))
        .collect()
}

fn on_action(state: &mut State, action: Action) -> Vec<Effect> {
    let page = state.page.get().max(1) as isize;
    match action {
        Action::Up => move_cursor(state, -1),
        Action::Down => move_cursor(state, 1),
        Action::PageUp => move_cursor(state, -page),
        Action::PageDown => move_cursor(state, page),
        Action::Home => move_cursor(state, isize::MIN / 2),
        Action::End => move_cursor(state, isize::MAX / 2),
        Action::Unfold => {
            if state.focus != Pane::Tree {
                return Vec::new();
            }
            if let Some(n) = state.cursor_node() {
                let anchor = Some(n);
                state.tree.expand(n);
                let e = load(&mut state.tree, n);
                keep_cursor(state, anchor);
                return e.into_iter().collect();
            }
        }
        Action::Fold => {
            if state.focus != Pane::Tree {
                return Vec::new();
            }
            if let Some(n) = state.cursor_node() {
                if !state.tree.collapse(n) {
                    if let Some(p) = state.tree.node(n).parent
                        && let Some(i) = state.tree.row_of(p)
                    {
                        state.tree_cursor.index = i;
                    }
                } else {
                    keep_cursor(state, Some(n));
                }
            }
        }
        Action::ToggleMark => match state.focus {
            Pane::Tree => {
                if let Some(n) = state.cursor_node() {
                    let to_load = state.tree.toggle_mark(n);
                    let effects: Vec<Effect> = to_load
                        .into_iter()
                        .filter_map(|c| load(&mut state.tree, c))
                        .collect();
                    if !effects.is_empty() {
                        state.notice =
                            Some("loading; its items will be marked as they arrive".into());
                    }
                    if state.tree.node(n).is_item() {
                        move_cursor(state, 1);
                    }
                    return effects;
                }
            }
            Pane::Selection => {
                let marked = state.tree.marked();
                if let Some(n) = marked.get(state.selection_cursor.index) {
                    state.tree.unmark(*n);
                    state.selection_cursor.clamp(marked.len() - 1);
                }
            }
            _ => {}
        },
        Action::MarkAll => {
            let n = state.tree.mark_visible();
            state.notice = Some(format!("{n} visible items marked"));
        }
        Action::ClearMarks => {
            state.tree.clear_marks();
            state.selection_cursor = Default::default();
        }
        Action::FilterText => {
            let text = state.tree.filter().text.clone();
            state.popup = Some(Popup::FilterText(tui_input::Input::new(text)));
        }
        Action::FilterType => {
            let types = state.tree.item_types();
            if types.is_empty() {
                state.notice = Some("no items listed yet: unfold a user or folder first".into());
            } else {
                state.popup = Some(Popup::FilterType {
                    chosen: state.tree.filter().types.clone(),
                    types,
                    cursor: 0,
                });
            }
        }
        Action::Backup => {
            let items = state.tree.marked_count();
            if items == 0 {
                state.notice = Some(format!(
                    "nothing marked: mark items with {} first",
                    state.keymap.first(Action::ToggleMark)
                ));
            } else {
                state.popup = Some(Popup::ConfirmBackup {
                    items,
                    bytes: state.tree.marked_size(),
                    format: BackupFormat::default(),
                });
            }
        }
        Action::Restore => {
            let marked = marked_ids(&state.tree);
            state.popup = Some(Popup::Restore(Box::new(RestoreDialog::new(marked))));
            return vec![Effect::ListRestoreSources {
                dest: state.settings.destination.clone(),
            }];
        }
        Action::Scan => {
            let ids = marked_ids(&state.tree);
            let job = state.next_job_id();
            let out = state
                .settings
                .scan_dir
                .join(format!("agol-scan-{}.csv", job.0));
            let label = if ids.is_empty() {
                format!("whole org → {}", out.display())
            } else {
                format!("{} items → {}", ids.len(), out.display())
            };
            state
                .jobs
                .push(Job::new(job, JobKind::Scan, label, state.now));
            state.jobs_cursor.index = state.jobs.len() - 1;
            return vec![Effect::Scan { job, ids, out }];
        }
        Action::Verify => {
            let job = state.next_job_id();
            let dest = state.settings.destination.clone();
            state.jobs.push(Job::new(
                job,
                JobKind::Verify,
                format!("latest snapshot in {}", dest.display()),
                state.now,
            ));
            state.jobs_cursor.index = state.jobs.len() - 1;
            return vec![Effect::Verify { job, dest }];
        }
        Action::FocusNext | Action::FocusPrev => {
            let i = Pane::ORDER
                .iter()
                .position(|p| *p == state.focus)
                .unwrap_or(0);
            let n = Pane::ORDER.len();
            let j = if action == Action::FocusNext {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            state.focus = Pane::ORDER[j];
        }
        Action::CancelJob => {
            let idx = state.jobs_cursor.index;
            if let Some(job) = state.jobs.get_mut(idx) {
                if job.is_active() {
                    job.state = super::jobs::JobState::Cancelling;
                    return vec![Effect::Cancel(job.id)];
                }
                state.notice = Some(format!("job {} has already ended", job.id.0));
            } else {
                state.notice = Some("no job to cancel".into());
            }
        }
        Action::ClearJobs => {
            state.jobs.retain(|j| j.is_active());
            state.jobs_cursor.clamp(state.jobs.len());
        }
        Action::LogLevel => state.log.cycle_level(),
        Action::Reload => {
            if let Some(n) = state.cursor_node() {
                let anchor = Some(n);
                let e = state
                    .tree
                    .reload(n)
                    .map(|(generation, request)| Effect::Load {
                        node: n,
                        generation,
                        request,
                    });
                keep_cursor(state, anchor);
                return e.into_iter().collect();
            }
        }
        Action::Help => state.popup = Some(Popup::Help),
        Action::Quit => {
            let running = state.active_jobs();
            if running > 0 {
                state.popup = Some(Popup::ConfirmQuit { running });
            } else {
                state.quit = true;
                return vec![Effect::Quit];
            }
        }
    }
    Vec::new()
}

fn move_cursor(state: &mut State, delta: isize) {
    match state.focus {
        Pane::Tree => {
            let len = state.tree.rows().len();
            state.tree_cursor.move_by(delta, len);
        }
        Pane::Selection => {
            let len = state.tree.marked_count();
            state.selection_cursor.move_by(delta, len);
        }
        Pane::Jobs => {
            let len = state.jobs.len();
            state.jobs_cursor.move_by(delta, len);
        }
        Pane::Log => state.log.scroll_by(-delta),
    }
}
