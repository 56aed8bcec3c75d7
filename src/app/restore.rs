//! The restore dialog behind `r`: choose a snapshot (listed by an effect, never read in
//! `update`), see which items it would restore, pick the conflict rule and dry run, confirm.

use crate::engine::restore::plan::OnConflict;

/// A snapshot of the destination as the dialog lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SnapshotInfo {
    /// Snapshot id (a UTC timestamp).
    pub id: String,
    /// Items in its manifest.
    pub items: usize,
    /// Of those, items whose backup failed (not restorable).
    pub failed: usize,
    /// Ids of the items it holds archives for, in manifest order.
    pub ids: Vec<String>,
    /// The portal it was backed up from.
    pub portal: String,
}

/// Where the dialog is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoreStep {
    /// Waiting for the snapshot list.
    Loading,
    /// Choosing a snapshot.
    Snapshot,
    /// Items, target and options; Enter confirms.
    Options,
}

/// The option rows of the last step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoreField {
    /// `--on-conflict` skip / copy.
    OnConflict,
    /// `--dry-run`.
    DryRun,
}

/// The dialog's state.
#[derive(Debug, Clone, PartialEq)]
pub struct RestoreDialog {
    /// Step.
    pub step: RestoreStep,
    /// Snapshots, newest first.
    pub snapshots: Vec<SnapshotInfo>,
    /// Chosen snapshot (index into `snapshots`).
    pub cursor: usize,
    /// Ids marked in the tree when the dialog opened.
    pub marked: Vec<String>,
    /// Option row under the cursor.
    pub field: RestoreField,
    /// Conflict rule.
    pub on_conflict: OnConflict,
    /// Plan only.
    pub dry_run: bool,
}

impl RestoreDialog {
    /// A dialog waiting for the snapshot list, remembering the marked item ids.
    pub fn new(marked: Vec<String>) -> RestoreDialog {
        RestoreDialog {
            step: RestoreStep::Loading,
            snapshots: Vec::new(),
            cursor: 0,
            marked,
            field: RestoreField::OnConflict,
            on_conflict: OnConflict::Skip,
            dry_run: false,
        }
    }

    /// The snapshot under the cursor.
    pub fn chosen(&self) -> Option<&SnapshotInfo> {
        self.snapshots.get(self.cursor)
    }

    /// True when the restore takes every item of the snapshot (nothing was marked).
    pub fn all_items(&self) -> bool {
        self.marked.is_empty()
    }

    /// The item ids to restore: the marked ones the snapshot holds, or all of its items
    /// when nothing is marked.
    pub fn ids(&self) -> Vec<String> {
        let Some(snap) = self.chosen() else {
            return Vec::new();
        };
        if self.marked.is_empty() {
            return snap.ids.clone();
        }
        self.marked
            .iter()
            .filter(|id| snap.ids.contains(id))
            .cloned()
            .collect()
    }

    /// Marked items the chosen snapshot does not hold.
    pub fn marked_missing(&self) -> usize {
        self.marked.len().saturating_sub(self.ids().len())
    }

    /// Moves the cursor of the current step.
    pub fn move_by(&mut self, delta: isize) {
        match self.step {
            RestoreStep::Snapshot => {
                let len = self.snapshots.len();
                self.cursor = self
                    .cursor
                    .saturating_add_signed(delta)
                    .min(len.saturating_sub(1));
            }
            RestoreStep::Options => {
                self.field = if delta < 0 {
                    RestoreField::OnConflict
                } else {
                    RestoreField::DryRun
                };
            }
            RestoreStep::Loading => {}
        }
    }

    /// Changes the option under the cursor.
    pub fn toggle(&mut self) {
        match self.field {
            RestoreField::OnConflict => {
                self.on_conflict = match self.on_conflict {
                    OnConflict::Skip => OnConflict::Copy,
                    _ => OnConflict::Skip,
                };
            }
            RestoreField::DryRun => self.dry_run = !self.dry_run,
        }
    }
}

/// The lower-case name of a conflict rule, as `--on-conflict` spells it.
pub fn conflict_name(c: OnConflict) -> &'static str {
    match c {
        OnConflict::Skip => "skip",
        OnConflict::Copy => "copy",
        OnConflict::Overwrite => "overwrite",
    }
}
