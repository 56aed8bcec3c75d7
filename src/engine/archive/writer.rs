//! Writes one item archive (a standard zip) to a temporary name; `finish` fsyncs and renames it
//! into place, so an archive under its final name is always complete.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use crate::engine::storage::local::temp_path;

/// One entry written into the archive.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PartRecord {
    /// Entry name inside the zip.
    pub name: String,
    /// Uncompressed size in bytes.
    pub size: u64,
}

/// The finished archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveInfo {
    /// Final path.
    pub path: PathBuf,
    /// Size of the zip file in bytes.
    pub size: u64,
    /// SHA-256 of the zip file, lowercase hex.
    pub sha256: String,
    /// Entries written (without `archive.json`).
    pub parts: Vec<PartRecord>,
}

/// An item archive being written.
pub struct ItemArchiveWriter {
    zip: Option<ZipWriter<BufWriter<File>>>,
    tmp: PathBuf,
    path: PathBuf,
    parts: Vec<PartRecord>,
    open: Option<PartRecord>,
}

impl ItemArchiveWriter {
    /// Starts an archive that will end up at `path` (parent directories are created).
    pub fn create(path: &Path) -> std::io::Result<Self> {
        if let Some(dir) = path.parent() {
            crate::engine::storage::local::create_dir_private(dir)?;
        }
        let tmp = temp_path(path);
        let _ = std::fs::remove_file(&tmp);
        let file = crate::engine::storage::local::create_private(&tmp)?;
        Ok(ItemArchiveWriter {
            zip: Some(ZipWriter::new(BufWriter::with_capacity(256 * 1024, file))),
            tmp,
            path: path.to_path_buf(),
            parts: Vec::new(),
            open: None,
        })
    }

    /// The entries written so far.
    pub fn parts(&self) -> &[PartRecord] {
        &self.parts
    }

    /// True when an entry of this name was already written.
    pub fn has_part(&self, name: &str) -> bool {
        self.parts.iter().any(|p| p.name == name)
    }

    fn zip(&mut self) -> std::io::Result<&mut ZipWriter<BufWriter<File>>> {
        self.zip
            .as_mut()
            .ok_or_else(|| std::io::Error::other("the archive was already finished"))
    }

    /// Starts a new entry; write its bytes through the returned writer. Names are used as given:
    /// make portal-supplied parts safe with [`super::names::safe_entry_path`] first.
    pub fn start_part(&mut self, name: &str) -> std::io::Result<PartWriter<'_>> {
        self.close_open();
        if self.has_part(name) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                format!("archive entry {name} written twice"),
            ));
        }
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(3))
            .large_file(true);
        self.zip()?
            .start_file(name, options)
            .map_err(std::io::Error::other)?;
        self.open = Some(PartRecord {
            name: name.to_string(),
            size: 0,
        });
        Ok(PartWriter { archive: self })
    }

    /// Writes a whole entry from memory.
    pub fn add_bytes(&mut self, name: &str, bytes: &[u8]) -> std::io::Result<()> {
        let mut w = self.start_part(name)?;
        w.write_all(bytes)?;
        Ok(())
    }

    /// Copies a whole entry from a file (e.g. a download spooled to disk), streaming.
    pub fn add_file(&mut self, name: &str, source: &Path) -> std::io::Result<u64> {
        let mut input = File::open(source)?;
        let mut w = self.start_part(name)?;
        std::io::copy(&mut input, &mut w)
    }

    fn close_open(&mut self) {
        if let Some(part) = self.open.take() {
            self.parts.push(part);
        }
    }

    /// Writes `archive.json` from `descriptor` (the parts list is added), closes the zip, fsyncs,
    /// renames it into place and hashes it. Blocking: call it from `spawn_blocking` in async code.
    /// The caller fsyncs the directory before relying on the rename surviving a power loss.
    pub fn finish(mut self, mut descriptor: serde_json::Value) -> std::io::Result<ArchiveInfo> {
        self.close_open();
        if let Some(obj) = descriptor.as_object_mut() {
            obj.insert(
                "parts".into(),
                serde_json::to_value(&self.parts).map_err(std::io::Error::other)?,
            );
        }
        let json = serde_json::to_vec_pretty(&descriptor).map_err(std::io::Error::other)?;
        let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
        let mut zip = self
            .zip
            .take()
            .ok_or_else(|| std::io::Error::other("finished twice"))?;
        zip.start_file("archive.json", options)
            .map_err(std::io::Error::other)?;
        zip.write_all(&json)?;
        let buffered = zip.finish().map_err(std::io::Error::other)?;
        let file = buffered.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        // The directory entry is made durable by the caller, once per directory, before the
        // manifest is written (see backup::run); a rename alone is already atomic.
        std::fs::rename(&self.tmp, &self.path)?;
        let (size, sha256) = hash_file(&self.path)?;
        Ok(ArchiveInfo {
            path: self.path.clone(),
            size,
            sha256,
            parts: std::mem::take(&mut self.parts),
        })
    }
}

impl Drop for ItemArchiveWriter {
    fn drop(&mut self) {
        if self.zip.is_some() {
            self.zip = None;
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Writes the bytes of one entry and counts them.
pub struct PartWriter<'a> {
    archive: &'a mut ItemArchiveWriter,
}

impl Write for PartWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.archive.zip()?.write(buf)?;
        if let Some(open) = &mut self.archive.open {
            open.size += n as u64;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.archive.zip()?.flush()
    }
}

/// Size and SHA-256 (hex) of a file, streaming.
pub fn hash_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((size, hex(&hasher.finalize())))
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_archive_is_complete_or_absent() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("o/_root/t__id.zip");
        let mut w = ItemArchiveWriter::create(&path).unwrap();
        w.add_bytes("item.json", b"{\"id\":\"x\"}").unwrap();
        {
            let mut p = w.start_part("data/big.bin").unwrap();
            for _ in 0..100 {
                p.write_all(&[7u8; 10_000]).unwrap();
            }
        }
        assert!(!path.exists(), "nothing under the final name while writing");
        assert!(w.start_part("item.json").is_err(), "no duplicate entries");
        let info = w.finish(serde_json::json!({"version": 1})).unwrap();
        assert!(path.exists() && !temp_path(&path).exists());
        assert_eq!(
            info.parts,
            vec![
                PartRecord {
                    name: "item.json".into(),
                    size: 10
                },
                PartRecord {
                    name: "data/big.bin".into(),
                    size: 1_000_000
                },
            ]
        );
        let zip = zip::ZipArchive::new(File::open(&path).unwrap()).unwrap();
        let mut names: Vec<_> = zip.file_names().map(|n| n.unwrap().to_string()).collect();
        names.sort();
        assert_eq!(names, vec!["archive.json", "data/big.bin", "item.json"]);
        assert_eq!(hash_file(&path).unwrap().1, info.sha256);

        let abandoned = dir.path().join("o/_root/gone__id.zip");
        let mut w = ItemArchiveWriter::create(&abandoned).unwrap();
        w.add_bytes("item.json", b"{}").unwrap();
        drop(w);
        assert!(
            !abandoned.exists() && !temp_path(&abandoned).exists(),
            "an abandoned archive leaves nothing"
        );
    }
}
