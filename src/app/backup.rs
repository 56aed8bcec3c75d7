//! The backup confirm dialog's one choice: what the backup leaves behind.

/// What a backup from the TUI produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BackupFormat {
    /// Our snapshot only (`docs/archive-format.md`).
    #[default]
    Archive,
    /// The snapshot, then `DEST/packages/<snapshot>.contentexport` written from it.
    Package,
}

impl BackupFormat {
    /// Both choices, in the order the dialog shows them.
    pub const ALL: [BackupFormat; 2] = [BackupFormat::Archive, BackupFormat::Package];

    /// The label the dialog shows.
    pub fn label(self) -> &'static str {
        match self {
            BackupFormat::Archive => "Archive (agol-tui snapshot)",
            BackupFormat::Package => "Esri .contentexport package",
        }
    }

    /// The server-side export the backup asks for: a package carries hosted feature services
    /// as a File Geodatabase export, as `backup --format contentexport` does
    /// (`docs/contentexport.md`, "Writing"); a user who may not export gets a note, not a failure.
    pub fn export(self) -> Option<&'static str> {
        match self {
            BackupFormat::Archive => None,
            BackupFormat::Package => Some("File Geodatabase"),
        }
    }

    /// The other choice (two choices: every move toggles).
    pub fn other(self) -> BackupFormat {
        match self {
            BackupFormat::Archive => BackupFormat::Package,
            BackupFormat::Package => BackupFormat::Archive,
        }
    }
}
