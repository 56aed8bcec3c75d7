//! Reading one item archive of a snapshot (docs/archive-format.md) for a restore.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

/// An item archive opened for reading.
pub struct ItemArchive {
    path: PathBuf,
    zip: zip::ZipArchive<File>,
}

impl ItemArchive {
    /// Opens the archive at `path`.
    pub fn open(path: &Path) -> Result<ItemArchive, String> {
        let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let zip = zip::ZipArchive::new(file)
            .map_err(|e| format!("{} is not a readable item archive: {e}", path.display()))?;
        Ok(ItemArchive {
            path: path.to_path_buf(),
            zip,
        })
    }

    /// Every entry name.
    pub fn names(&self) -> Vec<String> {
        self.zip
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.to_string()))
            .collect()
    }

    /// True when the archive has `name`.
    pub fn has(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// Entry names under a directory prefix (`resources/`, `thumbnail/`, ...).
    pub fn names_under(&self, prefix: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .names()
            .into_iter()
            .filter(|n| n.starts_with(prefix) && !n.ends_with('/'))
            .collect();
        v.sort();
        v
    }

    /// The bytes of an entry.
    pub fn read(&mut self, name: &str) -> Result<Vec<u8>, String> {
        let mut entry = self
            .zip
            .by_name(name)
            .map_err(|e| format!("{}: no entry {name}: {e}", self.path.display()))?;
        let mut out = Vec::with_capacity(entry.size() as usize);
        entry
            .read_to_end(&mut out)
            .map_err(|e| format!("{}: cannot read {name}: {e}", self.path.display()))?;
        Ok(out)
    }

    /// An entry parsed as JSON, or `None` when it is absent.
    pub fn json(&mut self, name: &str) -> Result<Option<Value>, String> {
        if !self.has(name) {
            return Ok(None);
        }
        let bytes = self.read(name)?;
        serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| format!("{}: {name} is not JSON: {e}", self.path.display()))
    }

    /// Copies an entry to a file in `dir` (streamed) and returns its path and size.
    pub fn extract(&mut self, name: &str, dir: &Path) -> Result<(PathBuf, u64), String> {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let mut entry = self
            .zip
            .by_name(name)
            .map_err(|e| format!("{}: no entry {name}: {e}", self.path.display()))?;
        let target = dir.join(format!(
            "{}-{}",
            std::process::id(),
            name.replace(['/', '\\'], "_")
        ));
        let mut out =
            File::create(&target).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        let n = std::io::copy(&mut entry, &mut out)
            .map_err(|e| format!("cannot extract {name}: {e}"))?;
        Ok((target, n))
    }
}
