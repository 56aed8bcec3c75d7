//! `log.jsonl`: one JSON object per line — run events and each item's outcome. It doubles as the
//! journal a resumed run reads to reuse what a killed run finished.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::sync::Mutex;

use super::manifest::ManifestItem;

/// An append-only JSON-lines log.
pub struct Journal {
    file: Mutex<File>,
}

impl Journal {
    /// Opens (or creates) the log for appending.
    pub fn open(path: &Path) -> std::io::Result<Journal> {
        if let Some(dir) = path.parent() {
            crate::engine::storage::local::create_dir_private(dir)?;
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(crate::engine::storage::local::PRIVATE_FILE_MODE)
            .open(path)?;
        Ok(Journal {
            file: Mutex::new(file),
        })
    }

    /// Appends an event line (`{"time":…,"event":…, …}`).
    pub fn event(&self, event: &str, fields: serde_json::Value) {
        let mut line = serde_json::json!({
            "time": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "event": event,
        });
        if let (Some(obj), Some(extra)) = (line.as_object_mut(), fields.as_object()) {
            for (k, v) in extra {
                obj.insert(k.clone(), v.clone());
            }
        }
        self.append(&line);
    }

    /// Appends an item's outcome. Not fsynced line by line: a killed process loses nothing (the
    /// kernel has the bytes); after a power loss the last lines may be missing, and those items
    /// are simply fetched again. [`Journal::sync`] makes it durable.
    pub fn item(&self, item: &ManifestItem) {
        let line = serde_json::json!({
            "time": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "event": "item",
            "item": item,
        });
        self.append(&line);
    }

    /// Flushes the log to disk.
    pub fn sync(&self) {
        if let Ok(f) = self.file.lock() {
            let _ = f.sync_data();
        }
    }

    fn append(&self, line: &serde_json::Value) {
        if let Ok(mut f) = self.file.lock() {
            let mut text = line.to_string();
            text.push('\n');
            let _ = f.write_all(text.as_bytes());
        }
    }
}

/// The item outcomes recorded in a log (the last line per id wins; a torn last line is ignored).
pub fn read_items(path: &Path) -> Vec<ManifestItem> {
    let Ok(file) = File::open(path) else {
        return Vec::new();
    };
    let mut by_id: std::collections::BTreeMap<String, ManifestItem> = Default::default();
    for line in BufReader::new(file).lines().map_while(Result::ok) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if v.get("event").and_then(|e| e.as_str()) != Some("item") {
            continue;
        }
        if let Some(item) = v
            .get("item")
            .and_then(|i| serde_json::from_value::<ManifestItem>(i.clone()).ok())
        {
            by_id.insert(item.id.clone(), item);
        }
    }
    by_id.into_values().collect()
}
