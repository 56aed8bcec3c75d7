//! Staging a `.contentexport` package as a snapshot of our own archive format
//! (`docs/contentexport.md`, "Reading"), so the restore engine restores it unchanged.

use std::path::{Path, PathBuf};

use super::reader::ReadLimits;

/// A package converted into a snapshot of a staging destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staged {
    /// The staging destination (`<staging_root>/<first 16 hex of the package sha256>`).
    pub dest: PathBuf,
    /// The snapshot id inside it.
    pub snapshot: String,
    /// Items in the staged snapshot's manifest.
    pub items: usize,
    /// True when a complete staged snapshot of the same package was reused.
    pub reused: bool,
}

/// The default staging root: `$AGOL_DATA_DIR/packages`.
pub fn default_staging_root() -> PathBuf {
    crate::config::paths::data_dir().join("packages")
}

/// Checks `package` with the safe reader and converts it into a snapshot under
/// `staging_root` (blocking; run it on a blocking thread).
pub fn stage(package: &Path, staging_root: &Path, limits: &ReadLimits) -> Result<Staged, String> {
    let _ = (staging_root, limits);
    Err(format!(
        "{}: restoring a .contentexport package is not built yet",
        package.display()
    ))
}
