//! User intents, each named as in the config's `[keymap]` table, with a description for the
//! help popup and the default keys.

/// Something the user asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Cursor up.
    Up,
    /// Cursor down.
    Down,
    /// A page up.
    PageUp,
    /// A page down.
    PageDown,
    /// First row.
    Home,
    /// Last row.
    End,
    /// Unfold (and load) the node under the cursor.
    Unfold,
    /// Fold the node, or go to its parent.
    Fold,
    /// Mark/unmark the item, or every item of a folder or user.
    ToggleMark,
    /// Mark every visible item.
    MarkAll,
    /// Clear every mark.
    ClearMarks,
    /// Filter by text.
    FilterText,
    /// Filter by item type.
    FilterType,
    /// Back up the marked items.
    Backup,
    /// Restore from a snapshot.
    Restore,
    /// Scan the marked items (or the whole org) to CSV.
    Scan,
    /// Verify the latest snapshot of the destination.
    Verify,
    /// Focus the next pane.
    FocusNext,
    /// Focus the previous pane.
    FocusPrev,
    /// Cancel the focused job.
    CancelJob,
    /// Remove finished jobs.
    ClearJobs,
    /// Cycle the log level shown.
    LogLevel,
    /// Reload the node under the cursor.
    Reload,
    /// Show the help.
    Help,
    /// Quit (asks first while jobs run).
    Quit,
}

impl Action {
    /// Every action, in help order.
    pub const ALL: &'static [Action] = &[
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Home,
        Action::End,
        Action::Unfold,
        Action::Fold,
        Action::ToggleMark,
        Action::MarkAll,
        Action::ClearMarks,
        Action::FilterText,
        Action::FilterType,
        Action::Backup,
        Action::Restore,
        Action::Scan,
        Action::Verify,
        Action::FocusNext,
        Action::FocusPrev,
        Action::CancelJob,
        Action::ClearJobs,
        Action::LogLevel,
        Action::Reload,
        Action::Help,
        Action::Quit,
    ];

    /// The name used in the config's `[keymap]` table.
    pub fn name(self) -> &'static str {
        match self {
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::Home => "home",
            Action::End => "end",
            Action::Unfold => "unfold",
            Action::Fold => "fold",
            Action::ToggleMark => "toggle_mark",
            Action::MarkAll => "mark_all",
            Action::ClearMarks => "clear_marks",
            Action::FilterText => "filter_text",
            Action::FilterType => "filter_type",
            Action::Backup => "backup",
            Action::Restore => "restore",
            Action::Scan => "scan",
            Action::Verify => "verify",
            Action::FocusNext => "focus_next",
            Action::FocusPrev => "focus_prev",
            Action::CancelJob => "cancel_job",
            Action::ClearJobs => "clear_jobs",
            Action::LogLevel => "log_level",
            Action::Reload => "reload",
            Action::Help => "help",
            Action::Quit => "quit",
        }
    }

    /// The action with this config name.
    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.iter().copied().find(|a| a.name() == name)
    }

    /// What it does, for the help popup.
    pub fn describe(self) -> &'static str {
        match self {
            Action::Up => "move up",
            Action::Down => "move down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Home => "first row",
            Action::End => "last row",
            Action::Unfold => "unfold / load",
            Action::Fold => "fold / parent",
            Action::ToggleMark => "mark item, folder or user",
            Action::MarkAll => "mark all visible",
            Action::ClearMarks => "clear marks",
            Action::FilterText => "filter by text",
            Action::FilterType => "filter by type",
            Action::Backup => "back up marked",
            Action::Restore => "restore",
            Action::Scan => "scan to CSV",
            Action::Verify => "verify snapshot",
            Action::FocusNext => "next pane",
            Action::FocusPrev => "previous pane",
            Action::CancelJob => "cancel job",
            Action::ClearJobs => "clear finished jobs",
            Action::LogLevel => "log level",
            Action::Reload => "reload node",
            Action::Help => "help",
            Action::Quit => "quit",
        }
    }

    /// The default keys, in the config's key syntax.
    pub fn default_keys(self) -> &'static [&'static str] {
        match self {
            Action::Up => &["up", "k"],
            Action::Down => &["down", "j"],
            Action::PageUp => &["pageup"],
            Action::PageDown => &["pagedown"],
            Action::Home => &["home", "g"],
            Action::End => &["end", "G"],
            Action::Unfold => &["right", "l", "enter"],
            Action::Fold => &["left", "h"],
            Action::ToggleMark => &["space"],
            Action::MarkAll => &["a"],
            Action::ClearMarks => &["u"],
            Action::FilterText => &["/"],
            Action::FilterType => &["t"],
            Action::Backup => &["b"],
            Action::Restore => &["r"],
            Action::Scan => &["s"],
            Action::Verify => &["v"],
            Action::FocusNext => &["tab"],
            Action::FocusPrev => &["backtab"],
            Action::CancelJob => &["c"],
            Action::ClearJobs => &["x"],
            Action::LogLevel => &["L"],
            Action::Reload => &["R"],
            Action::Help => &["?", "f1"],
            Action::Quit => &["q", "ctrl-c"],
        }
    }
}
