//! The restore journal: `DEST/restores/<target>.jsonl`, one line per step, mapping old item ids
//! to the new ones **per target portal**. A rerun reads it to continue: finished items are not
//! created again, half-made ones are cleaned up and redone, so a crash never leaves duplicates.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::engine::archive::names::safe_name;

/// How far an item got in a restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// The create request was about to be sent (the new id is not known yet).
    Creating,
    /// The target item exists; its parts may be incomplete.
    Created,
    /// Every part was restored.
    Done,
}

/// One journal line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The item id in the snapshot.
    pub old: String,
    /// The item id in the target, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// The stage reached.
    pub stage: Stage,
    /// The target owner.
    #[serde(default)]
    pub owner: String,
    /// The item's title (to find an orphan of a crash during `Creating`).
    #[serde(default)]
    pub title: String,
    /// The item's type.
    #[serde(default, rename = "type")]
    pub item_type: String,
    /// The new service URL for hosted services: the one the target answered when it created the
    /// service (never the one planned), so a rerun points references at a service that exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_url: Option<String>,
    /// The service name a `Creating` hosted service was about to be created with (createService
    /// titles the item by it, so a rerun finds the orphan of a crash by this name too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// Epoch ms when the line was written.
    #[serde(default)]
    pub time: i64,
}

/// The journal of restores into one target portal.
pub struct RestoreJournal {
    path: PathBuf,
    file: Mutex<File>,
    entries: Mutex<BTreeMap<String, Entry>>,
}

/// The journal file for a target portal inside a destination.
pub fn journal_path(dest: &Path, target_portal: &str) -> PathBuf {
    let key = target_portal
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .replace(['/', ':'], "_");
    dest.join("restores")
        .join(format!("{}.jsonl", safe_name(&key)))
}

impl RestoreJournal {
    /// Opens (or creates) the journal and reads what earlier runs recorded.
    pub fn open(path: &Path) -> std::io::Result<RestoreJournal> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let entries = read(path);
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(RestoreJournal {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            entries: Mutex::new(entries),
        })
    }

    /// Reads a journal without opening it for writing (dry runs).
    pub fn read_only(path: &Path) -> BTreeMap<String, Entry> {
        read(path)
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The latest entry for an old id.
    pub fn get(&self, old: &str) -> Option<Entry> {
        self.entries.lock().ok()?.get(old).cloned()
    }

    /// Records a step; written and flushed to the kernel at once, fsynced for `Created`
    /// (a new id must never be lost, or a rerun would create a duplicate).
    pub fn record(&self, mut entry: Entry) {
        entry.time = chrono::Utc::now().timestamp_millis();
        if let Ok(mut map) = self.entries.lock() {
            if let Some(prev) = map.get(&entry.old)
                && entry.stage != Stage::Creating
            {
                if entry.new.is_none() {
                    entry.new = prev.new.clone();
                }
                if entry.service_url.is_none() {
                    entry.service_url = prev.service_url.clone();
                }
            }
            map.insert(entry.old.clone(), entry.clone());
        }
        if let Ok(mut f) = self.file.lock() {
            let mut line = serde_json::to_string(&entry).unwrap_or_default();
            line.push('\n');
            let _ = f.write_all(line.as_bytes());
            if entry.stage != Stage::Done {
                let _ = f.sync_data();
            }
        }
    }

    /// Forgets an item (its half-made copy was removed): a `Creating` line without an id.
    pub fn forget(&self, old: &str) {
        if let Ok(mut map) = self.entries.lock() {
            map.remove(old);
        }
        if let Ok(mut f) = self.file.lock() {
            let line = serde_json::json!({"old": old, "stage": "forgotten"}).to_string();
            let _ = f.write_all(format!("{line}\n").as_bytes());
            let _ = f.sync_data();
        }
    }
}

fn read(path: &Path) -> BTreeMap<String, Entry> {
    let mut out: BTreeMap<String, Entry> = BTreeMap::new();
    let Ok(file) = File::open(path) else {
        return out;
    };
    for line in BufReader::new(file).lines().map_while(Result::ok) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if v.get("stage").and_then(|s| s.as_str()) == Some("forgotten") {
            if let Some(old) = v.get("old").and_then(|s| s.as_str()) {
                out.remove(old);
            }
            continue;
        }
        if let Ok(mut e) = serde_json::from_value::<Entry>(v) {
            if e.stage != Stage::Creating
                && let Some(prev) = out.get(&e.old)
            {
                if e.new.is_none() {
                    e.new = prev.new.clone();
                }
                if e.service_url.is_none() {
                    e.service_url = prev.service_url.clone();
                }
            }
            out.insert(e.old.clone(), e);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(old: &str, new: Option<&str>, stage: Stage) -> Entry {
        Entry {
            old: old.into(),
            new: new.map(str::to_string),
            stage,
            owner: "u".into(),
            title: "t".into(),
            item_type: "Web Map".into(),
            service_url: None,
            service_name: None,
            time: 0,
        }
    }

    #[test]
    fn the_last_stage_wins_and_ids_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = journal_path(dir.path(), "https://org.example.com/portal/");
        assert!(path.ends_with("restores/org.example.com_portal.jsonl"));
        {
            let j = RestoreJournal::open(&path).unwrap();
            j.record(entry("a", None, Stage::Creating));
            j.record(entry("a", Some("n1"), Stage::Created));
            j.record(entry("a", None, Stage::Done));
            j.record(entry("b", None, Stage::Creating));
            j.record(entry("c", Some("n3"), Stage::Created));
            j.forget("c");
        }
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"old\":\"torn")
            .unwrap();
        let j = RestoreJournal::open(&path).unwrap();
        let a = j.get("a").unwrap();
        assert_eq!((a.stage, a.new.as_deref()), (Stage::Done, Some("n1")));
        assert_eq!(j.get("b").unwrap().stage, Stage::Creating);
        assert!(j.get("c").is_none());
    }
}
