//! The restore dialog behind `r`: choose a source (one of our snapshots, a `.contentexport`
//! package found on disk, or a package path typed in), see which items it would restore, pick
//! the conflict rule and dry run, confirm. Listing and reading packages are effects, never done
//! in `update`.

use std::path::PathBuf;

use tui_input::Input;

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

/// A `.contentexport` file found on disk, as the source list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageFile {
    /// Where it is.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Last modified, epoch milliseconds.
    pub modified: i64,
}

impl PackageFile {
    /// The file name (the whole path when it has none).
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.display().to_string())
    }
}

/// One item of a package, from its manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageItem {
    /// Item id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Item type.
    pub item_type: String,
    /// False when the manifest names it but the package lacks its folder (not restorable).
    pub present: bool,
}

/// A package that was read (inspected) for the dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageContents {
    /// The package file (`~` expanded).
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its items in manifest order.
    pub items: Vec<PackageItem>,
    /// Parts the manifest names that the package lacks.
    pub missing: usize,
}

impl PackageContents {
    /// Ids of the items the package holds.
    pub fn ids(&self) -> Vec<String> {
        self.items
            .iter()
            .filter(|i| i.present)
            .map(|i| i.id.clone())
            .collect()
    }
}

/// A row of the source list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceRow {
    /// `snapshots[i]`.
    Snapshot(usize),
    /// `packages[i]`.
    Package(usize),
    /// "Open a package file…".
    OpenFile,
}

/// Where the dialog is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestoreStep {
    /// Waiting for the source list.
    Loading,
    /// Choosing a source: a snapshot, a package file, or "Open a package file…".
    Snapshot,
    /// Typing a package path.
    OpenPath,
    /// Reading the chosen package (in the background).
    Inspecting {
        /// True when the path was typed (errors go back to the input), false when listed.
        typed: bool,
    },
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
#[derive(Debug, Clone)]
pub struct RestoreDialog {
    /// Step.
    pub step: RestoreStep,
    /// Snapshots, newest first.
    pub snapshots: Vec<SnapshotInfo>,
    /// Why the snapshots could not be listed, if so (packages may still be chosen).
    pub snapshots_error: Option<String>,
    /// Package files found on disk, newest first.
    pub packages: Vec<PackageFile>,
    /// Row of the source list under the cursor.
    pub cursor: usize,
    /// The package path being typed.
    pub path_input: Input,
    /// The path asked to be read (answers for another path are stale).
    pub inspecting: Option<String>,
    /// An error to show inline in the current step.
    pub error: Option<String>,
    /// The package chosen (read); `None` when the source is a snapshot.
    pub package: Option<PackageContents>,
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
    /// A dialog waiting for the source list, remembering the marked item ids.
    pub fn new(marked: Vec<String>) -> RestoreDialog {
        RestoreDialog {
            step: RestoreStep::Loading,
            snapshots: Vec::new(),
            snapshots_error: None,
            packages: Vec::new(),
            cursor: 0,
            path_input: Input::default(),
            inspecting: None,
            error: None,
            package: None,
            marked,
            field: RestoreField::OnConflict,
            on_conflict: OnConflict::Skip,
            dry_run: false,
        }
    }

    /// Rows of the source list: snapshots, then package files, then "Open a package file…".
    pub fn rows(&self) -> usize {
        self.snapshots.len() + self.packages.len() + 1
    }

    /// What row `i` of the source list is.
    pub fn row(&self, i: usize) -> SourceRow {
        let s = self.snapshots.len();
        if i < s {
            SourceRow::Snapshot(i)
        } else if i - s < self.packages.len() {
            SourceRow::Package(i - s)
        } else {
            SourceRow::OpenFile
        }
    }

    /// The snapshot chosen: the one under the cursor, unless a package is the source.
    pub fn chosen(&self) -> Option<&SnapshotInfo> {
        if self.package.is_some() {
            return None;
        }
        match self.row(self.cursor) {
            SourceRow::Snapshot(i) => self.snapshots.get(i),
            _ => None,
        }
    }

    /// True when the restore takes every item of the source (nothing was marked).
    pub fn all_items(&self) -> bool {
        self.marked.is_empty()
    }

    /// The item ids to restore: the marked ones the source holds, or all of its items when
    /// nothing is marked.
    pub fn ids(&self) -> Vec<String> {
        let held = match (&self.package, self.chosen()) {
            (Some(p), _) => p.ids(),
            (None, Some(snap)) => snap.ids.clone(),
            (None, None) => return Vec::new(),
        };
        if self.marked.is_empty() {
            return held;
        }
        self.marked
            .iter()
            .filter(|id| held.contains(id))
            .cloned()
            .collect()
    }

    /// Marked items the chosen source does not hold.
    pub fn marked_missing(&self) -> usize {
        self.marked.len().saturating_sub(self.ids().len())
    }

    /// Moves the cursor of the current step.
    pub fn move_by(&mut self, delta: isize) {
        match self.step {
            RestoreStep::Snapshot => {
                self.cursor = self
                    .cursor
                    .saturating_add_signed(delta)
                    .min(self.rows().saturating_sub(1));
                self.error = None;
            }
            RestoreStep::Options => {
                self.field = if delta < 0 {
                    RestoreField::OnConflict
                } else {
                    RestoreField::DryRun
                };
            }
            _ => {}
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

/// Checks a typed package path without touching the disk: not empty, ends in `.contentexport`.
pub fn check_typed_path(raw: &str) -> Result<String, String> {
    let p = raw.trim();
    if p.is_empty() {
        return Err("type the path of a .contentexport file".into());
    }
    if !p.to_ascii_lowercase().ends_with(".contentexport") {
        return Err(format!("{p}: not a .contentexport file"));
    }
    Ok(p.to_string())
}

/// The lower-case name of a conflict rule, as `--on-conflict` spells it.
pub fn conflict_name(c: OnConflict) -> &'static str {
    match c {
        OnConflict::Skip => "skip",
        OnConflict::Copy => "copy",
        OnConflict::Overwrite => "overwrite",
    }
}
