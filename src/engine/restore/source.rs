//! Reading one item archive of a snapshot (docs/archive-format.md) for a restore.
//!
//! Archives are untrusted: an entry is read into memory only up to [`max_entry_bytes`] (never
//! allocating the size the zip declares), an extracted entry may not grow past its declared size,
//! and a streamed feature may not exceed the same cap, so a damaged or hostile archive fails its
//! own item with a reason instead of exhausting memory.

use std::cell::Cell;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde_json::Value;

/// Env var: the most bytes of one archive entry (or one streamed feature) read into memory.
pub const ENV_MAX_ENTRY_BYTES: &str = "AGOL_RESTORE_MAX_ENTRY_BYTES";
/// The default of [`ENV_MAX_ENTRY_BYTES`]: 32 MiB.
pub const DEFAULT_MAX_ENTRY_BYTES: u64 = 32 * 1024 * 1024;

/// The cap on one entry read into memory: [`ENV_MAX_ENTRY_BYTES`] when set to a positive number,
/// else [`DEFAULT_MAX_ENTRY_BYTES`].
pub fn max_entry_bytes() -> u64 {
    std::env::var(ENV_MAX_ENTRY_BYTES)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(DEFAULT_MAX_ENTRY_BYTES)
}

fn too_large(path: &Path, name: &str, cap: u64) -> String {
    format!(
        "{}: {name} is larger than the {cap} bytes a restore reads into memory; if the archive is genuine, raise {ENV_MAX_ENTRY_BYTES}",
        path.display()
    )
}

/// Reads at most `cap` bytes of `reader`; more is an error naming `name` and the cap.
pub fn read_capped(
    reader: impl Read,
    path: &Path,
    name: &str,
    cap: u64,
) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    reader
        .take(cap.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| format!("{}: cannot read {name}: {e}", path.display()))?;
    if out.len() as u64 > cap {
        return Err(too_large(path, name, cap));
    }
    Ok(out)
}

/// An item archive opened for reading.
pub struct ItemArchive {
    path: PathBuf,
    zip: zip::ZipArchive<File>,
}

impl ItemArchive {
    /// Opens the archive at `path` (a regular file only: a FIFO or device never blocks a restore).
    pub fn open(path: &Path) -> Result<ItemArchive, String> {
        let meta =
            std::fs::metadata(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        if !meta.is_file() {
            return Err(format!(
                "{} is not a regular file; the item archive is damaged or replaced",
                path.display()
            ));
        }
        let file = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
        let zip = zip::ZipArchive::new(file)
            .map_err(|e| format!("{} is not a readable item archive: {e}", path.display()))?;
        Ok(ItemArchive {
            path: path.to_path_buf(),
            zip,
        })
    }

    /// The archive's path.
    pub fn path(&self) -> &Path {
        &self.path
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

    /// The bytes of an entry, at most [`max_entry_bytes`] (whatever size the entry declares).
    pub fn read(&mut self, name: &str) -> Result<Vec<u8>, String> {
        let cap = max_entry_bytes();
        let entry = self
            .zip
            .by_name(name)
            .map_err(|e| format!("{}: no entry {name}: {e}", self.path.display()))?;
        if entry.size() > cap {
            return Err(too_large(&self.path, name, cap));
        }
        read_capped(entry, &self.path, name, cap)
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
        let declared = entry.size();
        let mut out =
            File::create(&target).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        // An entry inflating past the size it declares is damaged (or a bomb): stop there.
        let copied = std::io::copy(&mut (&mut entry).take(declared.saturating_add(1)), &mut out)
            .and_then(|n| {
                if n > declared {
                    Err(std::io::Error::other(format!(
                        "it inflates past its declared {declared} bytes"
                    )))
                } else {
                    Ok(n)
                }
            });
        match copied {
            Ok(n) => Ok((target, n)),
            Err(e) => {
                // A damaged entry or a full disk: no partial copy stays in the spool.
                drop(out);
                let _ = std::fs::remove_file(&target);
                Err(format!(
                    "cannot extract {name} from {}: {e}",
                    self.path.display()
                ))
            }
        }
    }
}

/// What planning reads of one item archive: the item record, the entry names and the JSON texts
/// that may reference other items (`data.json`, `resources/*.json`).
pub struct PlanningParts {
    /// `item.json` (`Null` when absent).
    pub item: Value,
    /// Every entry name.
    pub names: Vec<String>,
    /// The entry name and bytes of `data.json` and of each JSON resource.
    pub texts: Vec<(String, Vec<u8>)>,
}

/// Reads [`PlanningParts`] of the archive at `path`; any error (not a zip, an entry over the
/// cap, item.json not JSON) is that item's failure, never the whole restore's.
pub fn planning_parts(path: &Path) -> Result<PlanningParts, String> {
    let mut archive = ItemArchive::open(path)?;
    let item = archive.json("item.json")?.unwrap_or(Value::Null);
    let names = archive.names();
    let mut texts = Vec::new();
    if archive.has("data.json") {
        texts.push(("data.json".to_string(), archive.read("data.json")?));
    }
    for name in archive.names_under("resources/") {
        if name.ends_with(".json") {
            let bytes = archive.read(&name)?;
            texts.push((name, bytes));
        }
    }
    Ok(PlanningParts { item, names, texts })
}

/// The first item id a manifest lists twice (ids compared without case), if any.
pub fn duplicate_id<'a>(ids: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut seen = std::collections::BTreeSet::new();
    ids.into_iter()
        .find(|id| !seen.insert(id.to_ascii_lowercase()))
        .map(str::to_string)
}

/// Streams the `features` of an Esri JSON FeatureSet entry in chunks of `chunk`: a blocking
/// thread parses the entry as it decompresses, so memory holds a few chunks, never the layer.
pub fn stream_features(
    path: &Path,
    name: &str,
    chunk: usize,
) -> tokio::sync::mpsc::Receiver<Result<Vec<Value>, String>> {
    let (tx, rx) = tokio::sync::mpsc::channel(2);
    let (path, name, chunk) = (path.to_path_buf(), name.to_string(), chunk.max(1));
    tokio::task::spawn_blocking(move || {
        let result = (|| -> Result<(), String> {
            let file =
                File::open(&path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
            let mut zip =
                zip::ZipArchive::new(file).map_err(|e| format!("{}: {e}", path.display()))?;
            let entry = zip
                .by_name(&name)
                .map_err(|e| format!("{}: no entry {name}: {e}", path.display()))?;
            let cap = max_entry_bytes();
            let used = Rc::new(Cell::new(0u64));
            let reader = Budget {
                inner: std::io::BufReader::new(entry),
                used: used.clone(),
                cap,
            };
            let mut de = serde_json::Deserializer::from_reader(reader);
            serde::Deserializer::deserialize_map(
                &mut de,
                FeatureSetVisitor {
                    tx: &tx,
                    chunk,
                    used: &used,
                },
            )
            .map_err(|e| {
                if used.get() > cap {
                    format!(
                        "{}: {name} holds one feature (or header) larger than the {cap} bytes a restore reads into memory; if the archive is genuine, raise {ENV_MAX_ENTRY_BYTES}",
                        path.display()
                    )
                } else {
                    format!("{}: {name} is not a FeatureSet: {e}", path.display())
                }
            })
        })();
        if let Err(e) = result {
            let _ = tx.blocking_send(Err(e));
        }
    });
    rx
}

type ChunkSender = tokio::sync::mpsc::Sender<Result<Vec<Value>, String>>;

/// A reader failing once more than `cap` bytes were read since `used` was last reset (after
/// each feature): one feature, or the part before `features`, never grows past the cap.
struct Budget<R> {
    inner: R,
    used: Rc<Cell<u64>>,
    cap: u64,
}

impl<R: Read> Read for Budget<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.used.get() > self.cap {
            return Err(std::io::Error::other("feature size cap reached"));
        }
        let room = (self.cap + 1 - self.used.get()).min(buf.len() as u64) as usize;
        let n = self.inner.read(&mut buf[..room])?;
        self.used.set(self.used.get() + n as u64);
        Ok(n)
    }
}

struct FeatureSetVisitor<'a> {
    tx: &'a ChunkSender,
    chunk: usize,
    used: &'a Rc<Cell<u64>>,
}

impl<'de> serde::de::Visitor<'de> for FeatureSetVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an Esri JSON FeatureSet")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "features" {
                map.next_value_seed(FeaturesSeed {
                    tx: self.tx,
                    chunk: self.chunk,
                    used: self.used,
                })?;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct FeaturesSeed<'a> {
    tx: &'a ChunkSender,
    chunk: usize,
    used: &'a Rc<Cell<u64>>,
}

impl<'de> serde::de::DeserializeSeed<'de> for FeaturesSeed<'_> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for FeaturesSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array of features")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut buf = Vec::with_capacity(self.chunk);
        self.used.set(0);
        while let Some(v) = seq.next_element::<Value>()? {
            self.used.set(0);
            buf.push(v);
            if buf.len() == self.chunk
                && self.tx.blocking_send(Ok(std::mem::take(&mut buf))).is_err()
            {
                return Err(serde::de::Error::custom("the restore stopped reading"));
            }
        }
        if !buf.is_empty() && self.tx.blocking_send(Ok(buf)).is_err() {
            return Err(serde::de::Error::custom("the restore stopped reading"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A damaged entry (CRC or deflate error half-way) fails the extraction and leaves no
    /// partial file in the spool folder.
    #[test]
    fn a_damaged_entry_leaves_no_partial_spool_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.zip");
        let mut w = crate::engine::archive::writer::ItemArchiveWriter::create(&path).unwrap();
        let body: Vec<u8> = (0..200_000u32)
            .flat_map(|i| format!("{i},{}\n", i * 7).into_bytes())
            .collect();
        w.add_bytes("export/data.zip", &body).unwrap();
        w.finish(serde_json::json!({})).unwrap();
        let (start, len) = {
            let mut zip = zip::ZipArchive::new(File::open(&path).unwrap()).unwrap();
            let e = zip.by_name("export/data.zip").unwrap();
            (e.data_start().unwrap(), e.compressed_size())
        };
        let mut bytes = std::fs::read(&path).unwrap();
        for b in &mut bytes[(start + len / 2) as usize..(start + len / 2 + 16) as usize] {
            *b ^= 0xff;
        }
        std::fs::write(&path, &bytes).unwrap();
        let spool = dir.path().join("spool");
        let mut a = ItemArchive::open(&path).unwrap();
        let err = a.extract("export/data.zip", &spool).unwrap_err();
        assert!(err.contains("export/data.zip"), "{err}");
        let left: Vec<_> = std::fs::read_dir(&spool).unwrap().flatten().collect();
        assert!(left.is_empty(), "partial spool files left: {left:?}");
    }

    #[tokio::test]
    async fn features_stream_in_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.zip");
        let mut w = crate::engine::archive::writer::ItemArchiveWriter::create(&path).unwrap();
        let features: Vec<Value> = (0..25)
            .map(|i| serde_json::json!({"attributes": {"OBJECTID": i}}))
            .collect();
        let set = serde_json::json!({"objectIdFieldName": "OBJECTID", "fields": [], "features": features, "exceededTransferLimit": false});
        w.add_bytes("layers/0.features.json", set.to_string().as_bytes())
            .unwrap();
        w.finish(serde_json::json!({})).unwrap();
        let mut rx = stream_features(&path, "layers/0.features.json", 10);
        let mut sizes = Vec::new();
        let mut ids = Vec::new();
        while let Some(chunk) = rx.recv().await {
            let chunk = chunk.unwrap();
            sizes.push(chunk.len());
            ids.extend(
                chunk
                    .iter()
                    .map(|f| f["attributes"]["OBJECTID"].as_i64().unwrap()),
            );
        }
        assert_eq!(sizes, vec![10, 10, 5]);
        assert_eq!(ids, (0..25).collect::<Vec<_>>());
        let mut rx = stream_features(&path, "layers/9.features.json", 10);
        assert!(
            rx.recv().await.unwrap().is_err(),
            "a missing entry is an error"
        );
    }
}
