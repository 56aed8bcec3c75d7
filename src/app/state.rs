//! Everything the screen shows, owned by the app and changed only by `update`.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Duration;

use tui_input::Input;

use super::backup::BackupFormat;
use super::jobs::{Job, JobId};
use super::log::LogBuffer;
use super::restore::RestoreDialog;
use super::signin::SignInForm;
use crate::engine::tree::{NodeId, Tree};
use crate::keymap::Keymap;

/// The panes, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    /// Content tree.
    Tree,
    /// Marked items.
    Selection,
    /// Jobs.
    Jobs,
    /// Log.
    Log,
}

impl Pane {
    /// Focus order.
    pub const ORDER: [Pane; 4] = [Pane::Tree, Pane::Selection, Pane::Jobs, Pane::Log];
}

/// Who is signed in where.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    /// Portal URL.
    pub portal: String,
    /// Username.
    pub username: String,
    /// Role, e.g. `org_admin`.
    pub role: String,
    /// Org name.
    pub org_name: String,
}

/// Settings the app needs from the config.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Backup destination.
    pub destination: PathBuf,
    /// Items processed in parallel.
    pub workers: usize,
    /// Where scan CSVs go.
    pub scan_dir: PathBuf,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            destination: PathBuf::from("agol-backups"),
            workers: crate::config::DEFAULT_WORKERS,
            scan_dir: PathBuf::from("."),
        }
    }
}

/// A popup over the panes.
#[derive(Debug, Clone)]
pub enum Popup {
    /// Key help generated from the keymap.
    Help,
    /// Confirm a backup.
    ConfirmBackup {
        /// Items.
        items: usize,
        /// Their total size.
        bytes: u64,
        /// Archive only, or also a `.contentexport` package.
        format: BackupFormat,
    },
    /// Quit while jobs run?
    ConfirmQuit {
        /// Jobs still running.
        running: usize,
    },
    /// Editing the text filter.
    FilterText(Input),
    /// Choosing item types.
    FilterType {
        /// Types seen so far.
        types: Vec<String>,
        /// Chosen ones.
        chosen: BTreeSet<String>,
        /// Cursor.
        cursor: usize,
    },
    /// Restore: snapshot → items → target and options.
    Restore(Box<RestoreDialog>),
    /// A message.
    Message {
        /// Title.
        title: String,
        /// Text.
        text: String,
    },
}

/// Which screen is up.
#[derive(Debug, Clone)]
pub enum Screen {
    /// Not signed in.
    SignIn(Box<SignInForm>),
    /// Browsing.
    Main,
}

/// A cursor over a list, with the scroll offset the view last used (the view may adjust it so
/// the cursor stays visible; that is view state, not app state).
#[derive(Debug, Clone, Default)]
pub struct ListCursor {
    /// Selected row.
    pub index: usize,
    /// First row shown.
    pub offset: Cell<usize>,
}

impl ListCursor {
    /// Moves by `delta` within `len` rows.
    pub fn move_by(&mut self, delta: isize, len: usize) {
        if len == 0 {
            self.index = 0;
            return;
        }
        self.index = self.index.saturating_add_signed(delta).min(len - 1);
    }

    /// Keeps the index below `len`.
    pub fn clamp(&mut self, len: usize) {
        self.index = self.index.min(len.saturating_sub(1));
    }

    /// The offset that shows the cursor in a window of `height` rows (remembered).
    pub fn visible_offset(&self, height: usize, len: usize) -> usize {
        let h = height.max(1);
        let mut off = self.offset.get().min(len.saturating_sub(h));
        if self.index < off {
            off = self.index;
        } else if self.index >= off + h {
            off = self.index + 1 - h;
        }
        self.offset.set(off);
        off
    }
}

/// The whole app state.
#[derive(Debug, Clone)]
pub struct State {
    /// The screen.
    pub screen: Screen,
    /// Who is signed in.
    pub session: Option<Session>,
    /// The content tree.
    pub tree: Tree,
    /// Tree cursor (row index).
    pub tree_cursor: ListCursor,
    /// Selection pane cursor.
    pub selection_cursor: ListCursor,
    /// Jobs, oldest first.
    pub jobs: Vec<Job>,
    /// Jobs pane cursor.
    pub jobs_cursor: ListCursor,
    /// Log lines.
    pub log: LogBuffer,
    /// Focused pane.
    pub focus: Pane,
    /// A popup.
    pub popup: Option<Popup>,
    /// Key bindings.
    pub keymap: Keymap,
    /// Settings.
    pub settings: Settings,
    /// A one-line notice in the status bar.
    pub notice: Option<String>,
    /// Session clock.
    pub now: Duration,
    /// Page size for PgUp/PgDn (updated by the view).
    pub page: Cell<usize>,
    /// Set when the app should end.
    pub quit: bool,
    next_job: u64,
}

impl State {
    /// A state on the sign-in screen.
    pub fn signed_out(keymap: Keymap, settings: Settings, form: SignInForm) -> State {
        State {
            screen: Screen::SignIn(Box::new(form)),
            session: None,
            tree: Tree::new(""),
            tree_cursor: ListCursor::default(),
            selection_cursor: ListCursor::default(),
            jobs: Vec::new(),
            jobs_cursor: ListCursor::default(),
            log: LogBuffer::default(),
            focus: Pane::Tree,
            popup: None,
            keymap,
            settings,
            notice: None,
            now: Duration::ZERO,
            page: Cell::new(10),
            quit: false,
            next_job: 1,
        }
    }

    /// Allocates a job number.
    pub fn next_job_id(&mut self) -> JobId {
        let id = JobId(self.next_job);
        self.next_job += 1;
        id
    }

    /// A job by number.
    pub fn job_mut(&mut self, id: JobId) -> Option<&mut Job> {
        self.jobs.iter_mut().find(|j| j.id == id)
    }

    /// Jobs still running.
    pub fn active_jobs(&self) -> usize {
        self.jobs.iter().filter(|j| j.is_active()).count()
    }

    /// The node under the tree cursor.
    pub fn cursor_node(&self) -> Option<NodeId> {
        self.tree.rows().get(self.tree_cursor.index).map(|r| r.node)
    }
}
