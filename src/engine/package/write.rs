//! Writing one of our snapshots as a `.contentexport` package (`docs/contentexport.md`,
//! "Writing"; layout of `../shared/arcgis-rest.md` §13).

use std::path::{Path, PathBuf};

/// What [`write_package`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenPackage {
    /// The package file.
    pub path: PathBuf,
    /// The snapshot it was made from.
    pub snapshot: String,
    /// Items in its manifest.
    pub items: usize,
    /// Size of the package file in bytes.
    pub bytes: u64,
}

/// Writes snapshot `snapshot` (latest when `None`) of the destination `dest` to `out`, which
/// must end in `.contentexport` (blocking; run it on a blocking thread).
pub fn write_package(
    dest: &Path,
    snapshot: Option<&str>,
    out: &Path,
) -> Result<WrittenPackage, String> {
    let _ = (dest, snapshot);
    Err(format!(
        "{}: writing a .contentexport package is not built yet",
        out.display()
    ))
}
