//! The gzip tar stream of a package: every entry below one top folder, each directory entered
//! once before its contents (as Python's `tarfile.add` of a folder writes them), files streamed.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, BufWriter, Read};

use flate2::Compression;
use flate2::write::GzEncoder;

/// A package tar being written.
pub struct PackageTar {
    builder: tar::Builder<GzEncoder<BufWriter<File>>>,
    top: String,
    dirs: BTreeSet<String>,
    mtime: u64,
    /// Uncompressed bytes of file contents written so far.
    pub content_bytes: u64,
}

impl PackageTar {
    /// Starts the tar in `file` with the top folder `top` (its directory entry is written now).
    pub fn new(file: File, top: &str) -> io::Result<PackageTar> {
        let gz = GzEncoder::new(
            BufWriter::with_capacity(256 * 1024, file),
            Compression::new(6),
        );
        let builder = tar::Builder::new(gz);
        let mtime = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let mut tar = PackageTar {
            builder,
            top: top.to_string(),
            dirs: BTreeSet::new(),
            mtime,
            content_bytes: 0,
        };
        tar.dir("")?;
        Ok(tar)
    }

    fn header(&self, kind: tar::EntryType, size: u64, mode: u32) -> tar::Header {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(kind);
        h.set_size(size);
        h.set_mode(mode);
        h.set_mtime(self.mtime);
        h.set_uid(0);
        h.set_gid(0);
        h
    }

    fn full(&self, rel: &str) -> String {
        if rel.is_empty() {
            self.top.clone()
        } else {
            format!("{}/{rel}", self.top)
        }
    }

    /// Writes the directory entry `rel` (below the top folder) and its parents, once each.
    pub fn dir(&mut self, rel: &str) -> io::Result<()> {
        let rel = rel.trim_end_matches('/');
        if self.dirs.contains(rel) {
            return Ok(());
        }
        if let Some((parent, _)) = rel.rsplit_once('/') {
            self.dir(parent)?;
        } else if !rel.is_empty() {
            self.dir("")?;
        }
        let mut h = self.header(tar::EntryType::Directory, 0, 0o755);
        let path = self.full(rel);
        self.builder.append_data(&mut h, &path, io::empty())?;
        self.dirs.insert(rel.to_string());
        Ok(())
    }

    /// Writes the file `rel` with `size` bytes read from `reader` (streamed, never held whole).
    /// The reader must end exactly there: reading on to its end is what lets a zip entry check
    /// its CRC, so a damaged source fails the package instead of slipping into it.
    pub fn file(&mut self, rel: &str, size: u64, mut reader: impl Read) -> io::Result<()> {
        if let Some((parent, _)) = rel.rsplit_once('/') {
            self.dir(parent)?;
        }
        let mut h = self.header(tar::EntryType::Regular, size, 0o644);
        let path = self.full(rel);
        let mut counted = (&mut reader).take(size);
        self.builder.append_data(&mut h, &path, &mut counted)?;
        if counted.limit() != 0 {
            return Err(io::Error::other(format!(
                "{rel}: the source ended {} bytes early",
                counted.limit()
            )));
        }
        let mut probe = [0u8; 1];
        if reader.read(&mut probe)? != 0 {
            return Err(io::Error::other(format!(
                "{rel}: the source is longer than its {size} bytes"
            )));
        }
        self.content_bytes += size;
        Ok(())
    }

    /// Writes the file `rel` from memory.
    pub fn bytes(&mut self, rel: &str, data: &[u8]) -> io::Result<()> {
        self.file(rel, data.len() as u64, data)
    }

    /// Ends the tar and the gzip stream, flushes and fsyncs the file.
    pub fn finish(self) -> io::Result<()> {
        let gz = self.builder.into_inner()?;
        let buffered = gz.finish()?;
        let file = buffered.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()
    }
}
