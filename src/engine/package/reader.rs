//! Safe streaming reader for `.contentexport` packages (a gzip tar, `docs/contentexport.md`
//! §13): every entry is checked before anything is read or written.
//!
//! Refused: absolute paths, `..`, backslashes, links, devices and other special entries, entries
//! outside the top folder (which must equal the file stem), duplicate entries, more than
//! [`ReadLimits::max_entries`] entries, more than [`ReadLimits::max_total_bytes`] uncompressed
//! bytes or a compression ratio above [`ReadLimits::max_ratio`] (a gzip bomb). The gzip stream is
//! decoded as it is read, never into memory as a whole; [`scan`] writes nothing, [`extract`]
//! writes only below the target directory it is given, creating every file and directory itself
//! (`create_new`), so it never follows a link.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};

use flate2::read::GzDecoder;
use tar::EntryType;
use tokio_util::sync::CancellationToken;

/// Env var: the cap on uncompressed bytes (default 20 GiB).
pub const ENV_MAX_BYTES: &str = "AGOL_PACKAGE_MAX_BYTES";
/// Env var: the cap on the number of tar entries (default 200,000).
pub const ENV_MAX_ENTRIES: &str = "AGOL_PACKAGE_MAX_ENTRIES";
/// Env var: the cap on the uncompressed/compressed ratio (default 200).
pub const ENV_MAX_RATIO: &str = "AGOL_PACKAGE_MAX_RATIO";

/// Ratios are only judged past this many uncompressed bytes (small JSON compresses very well).
const RATIO_GRACE_BYTES: u64 = 16 * 1024 * 1024;
/// Most bytes of tar headers and extension blocks (GNU long names, PAX records) between one
/// entry's data and the next entry's: the tar crate reads those blocks into memory.
const MAX_HEADER_BYTES: u64 = 1024 * 1024;
/// The longest entry path accepted, in bytes.
const MAX_PATH_BYTES: usize = 4096;
/// The longest path component accepted, in bytes.
const MAX_COMPONENT_BYTES: usize = 255;

/// How many bytes of one file are copied between two cancel checks.
pub const CANCEL_CHECK_BYTES: u64 = 4 * 1024 * 1024;

/// Asked between steps of a long package job (between tar entries, every
/// [`CANCEL_CHECK_BYTES`] of a long copy, between items) whether to stop.
pub trait Cancel: Sync {
    /// True once the job should stop.
    fn is_cancelled(&self) -> bool;
}

impl Cancel for AtomicBool {
    fn is_cancelled(&self) -> bool {
        self.load(Ordering::Relaxed)
    }
}

impl Cancel for CancellationToken {
    fn is_cancelled(&self) -> bool {
        CancellationToken::is_cancelled(self)
    }
}

impl<F: Fn() -> bool + Sync> Cancel for F {
    fn is_cancelled(&self) -> bool {
        self()
    }
}

/// A [`Cancel`] that never cancels.
pub fn never() -> &'static dyn Cancel {
    static NEVER: AtomicBool = AtomicBool::new(false);
    &NEVER
}

/// How much a package may hold before it is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadLimits {
    /// Most tar entries (files and directories).
    pub max_entries: u64,
    /// Most uncompressed bytes of the whole tar stream.
    pub max_total_bytes: u64,
    /// Highest uncompressed/compressed ratio, judged past 16 MiB of output.
    pub max_ratio: u64,
    /// Largest small file (JSON, GML) kept in memory by [`scan`].
    pub max_small_file_bytes: u64,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_entries: 200_000,
            max_total_bytes: 20 * 1024 * 1024 * 1024,
            max_ratio: 200,
            max_small_file_bytes: 64 * 1024 * 1024,
        }
    }
}

impl ReadLimits {
    /// The defaults, overridden by [`ENV_MAX_BYTES`], [`ENV_MAX_ENTRIES`] and [`ENV_MAX_RATIO`].
    pub fn from_env() -> Result<Self, PackageError> {
        let mut limits = ReadLimits::default();
        let read = |name: &'static str| -> Result<Option<u64>, PackageError> {
            match std::env::var(name) {
                Ok(v) if !v.trim().is_empty() => v
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .map(Some)
                    .ok_or(PackageError::BadLimit { name, value: v }),
                _ => Ok(None),
            }
        };
        if let Some(n) = read(ENV_MAX_BYTES)? {
            limits.max_total_bytes = n;
        }
        if let Some(n) = read(ENV_MAX_ENTRIES)? {
            limits.max_entries = n;
        }
        if let Some(n) = read(ENV_MAX_RATIO)? {
            limits.max_ratio = n;
        }
        Ok(limits)
    }
}

/// Why a package could not be read.
#[derive(Debug, thiserror::Error)]
pub enum PackageError {
    /// The package file (or the target) could not be opened, read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// A limit from the environment is not a positive whole number.
    #[error("{name}={value:?} is not a positive whole number")]
    BadLimit {
        /// The env var.
        name: &'static str,
        /// Its value.
        value: String,
    },
    /// The file name gives no usable package name.
    #[error("{path}: the file name gives no package name (expected NAME.contentexport)")]
    BadFileName {
        /// The package file.
        path: PathBuf,
    },
    /// The file does not start with the gzip magic bytes.
    #[error("{path}: not a gzip file (a .contentexport package is a gzip-compressed tar)")]
    NotGzip {
        /// The package file.
        path: PathBuf,
    },
    /// The gzip or tar stream is damaged.
    #[error("{path}: damaged package: {detail}")]
    Corrupt {
        /// The package file.
        path: PathBuf,
        /// What the decoder said.
        detail: String,
    },
    /// An entry was refused (unsafe path or kind, wrong top folder, duplicate, too large).
    #[error("refused entry {entry:?}: {reason}")]
    Refused {
        /// The entry's path as stored in the tar (lossy UTF-8).
        entry: String,
        /// Why.
        reason: String,
    },
    /// Too many entries.
    #[error(
        "refused package: more than {limit} entries (at entry {entry:?}); raise {ENV_MAX_ENTRIES} if it is genuine"
    )]
    TooManyEntries {
        /// The limit.
        limit: u64,
        /// The first entry over it.
        entry: String,
    },
    /// More uncompressed bytes than allowed.
    #[error(
        "refused package: more than {limit} uncompressed bytes (at entry {entry:?}); possible gzip bomb; raise {ENV_MAX_BYTES} if it is genuine"
    )]
    TooLarge {
        /// The limit.
        limit: u64,
        /// The entry being read when the limit was hit.
        entry: String,
    },
    /// The compression ratio is beyond any real package.
    #[error(
        "refused package: compression ratio above {limit}:1 (at entry {entry:?}); possible gzip bomb; raise {ENV_MAX_RATIO} if it is genuine"
    )]
    RatioExceeded {
        /// The limit.
        limit: u64,
        /// The entry being read when the ratio was exceeded.
        entry: String,
    },
    /// The job was cancelled while reading the package.
    #[error("{path}: cancelled while reading the package")]
    Cancelled {
        /// The package file.
        path: PathBuf,
    },
    /// The extraction target already holds the package folder.
    #[error("{path}: already exists; extraction needs a fresh target")]
    TargetExists {
        /// The folder that exists.
        path: PathBuf,
    },
}

/// What kind of entry (only these two are accepted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntryKind {
    /// A regular file.
    File,
    /// A directory.
    Dir,
}

/// One accepted entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageEntry {
    /// The path below the top folder, `/`-separated (e.g. `abc/data/structure.json`).
    pub path: String,
    /// File or directory.
    pub kind: EntryKind,
    /// Size in bytes (0 for directories).
    pub size: u64,
}

/// What [`scan`] found: every entry, and the small files kept in memory.
#[derive(Debug, Clone, Default)]
pub struct PackageListing {
    /// The package name (the top folder, equal to the file stem).
    pub name: String,
    /// Accepted entries in archive order (directories implied by files are not added).
    pub entries: Vec<PackageEntry>,
    /// Contents of the small structural files, by path below the top folder: `manifest.json`,
    /// `graph.gml`, `*/properties.json`, `*/relationships.json`, `*/resources/resources.json`
    /// and `*/data/*_props.json`.
    pub small_files: BTreeMap<String, Vec<u8>>,
}

impl PackageListing {
    /// Whether a file (path below the top folder) is in the package.
    pub fn has_file(&self, path: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.kind == EntryKind::File && e.path == path)
    }

    /// The files directly or indirectly under `dir` (no trailing slash), with paths relative to it.
    pub fn files_under<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a PackageEntry> + 'a {
        self.entries.iter().filter(move |e| {
            e.kind == EntryKind::File
                && e.path.len() > dir.len() + 1
                && e.path.starts_with(dir)
                && e.path.as_bytes()[dir.len()] == b'/'
        })
    }
}

/// The package name a file must carry as its top folder: its file stem.
pub fn package_name(path: &Path) -> Result<String, PackageError> {
    path.file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .map(str::to_string)
        .ok_or_else(|| PackageError::BadFileName {
            path: path.to_path_buf(),
        })
}

/// Reads the whole package, checking every entry, and keeps the small structural files.
/// Writes nothing.
pub fn scan(path: &Path, limits: &ReadLimits) -> Result<PackageListing, PackageError> {
    let name = package_name(path)?;
    let mut listing = PackageListing {
        name: name.clone(),
        ..PackageListing::default()
    };
    walk(path, &name, limits, never(), |entry, reader| {
        if entry.kind == EntryKind::File && is_small_file(&entry.path) {
            if entry.size > limits.max_small_file_bytes {
                return Err(StreamError::Package(PackageError::Refused {
                    entry: format!("{name}/{}", entry.path),
                    reason: format!(
                        "{} bytes, more than the {} allowed for a structural file",
                        entry.size, limits.max_small_file_bytes
                    ),
                }));
            }
            let mut buf = Vec::with_capacity(entry.size as usize);
            reader.read_to_end(&mut buf).map_err(StreamError::Io)?;
            listing.small_files.insert(entry.path.clone(), buf);
        }
        listing.entries.push(entry.clone());
        Ok(())
    })?;
    Ok(listing)
}

/// Extracts the package below `target` (which must exist) into `target/<name>/`, checking every
/// entry first; returns that folder. On any error the partly written folder is removed.
pub fn extract(path: &Path, target: &Path, limits: &ReadLimits) -> Result<PathBuf, PackageError> {
    extract_with_cancel(path, target, limits, never())
}

/// [`extract`], asking `cancel` before every entry and every [`CANCEL_CHECK_BYTES`] of a file;
/// once it answers true, the partly written folder is removed and
/// [`PackageError::Cancelled`] returned.
pub fn extract_with_cancel(
    path: &Path,
    target: &Path,
    limits: &ReadLimits,
    cancel: &dyn Cancel,
) -> Result<PathBuf, PackageError> {
    let name = package_name(path)?;
    let root = target.join(&name);
    match fs::create_dir(&root) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            return Err(PackageError::TargetExists { path: root });
        }
        Err(source) => return Err(PackageError::Io { path: root, source }),
    }
    let mut made: BTreeSet<String> = BTreeSet::new();
    let cancelled = || PackageError::Cancelled {
        path: path.to_path_buf(),
    };
    let result = walk(path, &name, limits, cancel, |entry, reader| {
        let parts: Vec<&str> = entry.path.split('/').collect();
        let dirs = match entry.kind {
            EntryKind::Dir => &parts[..],
            EntryKind::File => &parts[..parts.len() - 1],
        };
        let mut rel = String::new();
        let mut dir = root.clone();
        for part in dirs {
            if !rel.is_empty() {
                rel.push('/');
            }
            rel.push_str(part);
            dir.push(part);
            if made.insert(rel.clone()) {
                std::os::unix::fs::DirBuilderExt::mode(&mut fs::DirBuilder::new(), 0o700)
                    .create(&dir)
                    .map_err(|source| PackageError::Io {
                        path: dir.clone(),
                        source,
                    })?;
            }
        }
        if entry.kind == EntryKind::File {
            let file_path = dir.join(parts[parts.len() - 1]);
            let mut out = OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&file_path)
                .map_err(|source| PackageError::Io {
                    path: file_path.clone(),
                    source,
                })?;
            let mut buf = vec![0u8; 64 * 1024];
            let mut since_check = 0u64;
            loop {
                if since_check >= CANCEL_CHECK_BYTES {
                    since_check = 0;
                    if cancel.is_cancelled() {
                        return Err(StreamError::Package(cancelled()));
                    }
                }
                let n = reader.read(&mut buf).map_err(StreamError::Io)?;
                if n == 0 {
                    break;
                }
                since_check += n as u64;
                out.write_all(&buf[..n])
                    .map_err(|source| PackageError::Io {
                        path: file_path.clone(),
                        source,
                    })?;
            }
            out.sync_all().map_err(|source| PackageError::Io {
                path: file_path,
                source,
            })?;
        }
        Ok(())
    });
    match result {
        Ok(()) => Ok(root),
        Err(e) => {
            let _ = fs::remove_dir_all(&root);
            Err(e)
        }
    }
}

/// The files [`scan`] keeps in memory.
fn is_small_file(path: &str) -> bool {
    let parts: Vec<&str> = path.split('/').collect();
    match parts.as_slice() {
        ["manifest.json"] | ["graph.gml"] => true,
        [_, "properties.json"] | [_, "relationships.json"] => true,
        [_, "resources", "resources.json"] => true,
        [_, "data", f] => f.ends_with("_props.json"),
        _ => false,
    }
}

/// Errors inside the walk: a package error, or an I/O error that may hide a tripped limit.
enum StreamError {
    Package(PackageError),
    Io(io::Error),
}

impl From<PackageError> for StreamError {
    fn from(e: PackageError) -> Self {
        StreamError::Package(e)
    }
}

/// Which limit the byte counter tripped.
#[derive(Debug, Clone, Copy)]
enum Tripped {
    Bytes,
    Ratio,
    Header,
}

#[derive(Debug, Default)]
struct Counters {
    compressed: u64,
    uncompressed: u64,
    /// Where the current entry's data ends plus [`MAX_HEADER_BYTES`]: reading past it means an
    /// oversized header block.
    window_end: u64,
    tripped: Option<Tripped>,
}

/// Counts the compressed bytes read from the file.
struct CountIn<R> {
    inner: R,
    counters: Rc<RefCell<Counters>>,
}

impl<R: Read> Read for CountIn<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.counters.borrow_mut().compressed += n as u64;
        Ok(n)
    }
}

/// Counts the uncompressed bytes and fails once a limit is passed.
struct Capped<R> {
    inner: R,
    counters: Rc<RefCell<Counters>>,
    max_bytes: u64,
    max_ratio: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut c = self.counters.borrow_mut();
        c.uncompressed += n as u64;
        if c.uncompressed > self.max_bytes {
            c.tripped = Some(Tripped::Bytes);
        } else if c.uncompressed > c.window_end {
            c.tripped = Some(Tripped::Header);
        } else if c.uncompressed > RATIO_GRACE_BYTES
            && c.uncompressed / c.compressed.max(1) > self.max_ratio
        {
            c.tripped = Some(Tripped::Ratio);
        }
        if c.tripped.is_some() {
            return Err(io::Error::other("package size limit reached"));
        }
        Ok(n)
    }
}

/// Streams the package, checks each entry and hands accepted ones to `visit`.
/// `cancel` is asked before each entry.
fn walk<F>(
    path: &Path,
    name: &str,
    limits: &ReadLimits,
    cancel: &dyn Cancel,
    mut visit: F,
) -> Result<(), PackageError>
where
    F: FnMut(&PackageEntry, &mut dyn Read) -> Result<(), StreamError>,
{
    let io_err = |source| PackageError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io_err)?;
    let mut magic = [0u8; 2];
    let mut got = 0;
    while got < 2 {
        match file.read(&mut magic[got..]).map_err(io_err)? {
            0 => break,
            n => got += n,
        }
    }
    if got < 2 || magic != [0x1f, 0x8b] {
        return Err(PackageError::NotGzip {
            path: path.to_path_buf(),
        });
    }
    let file = File::open(path).map_err(io_err)?;
    let counters = Rc::new(RefCell::new(Counters {
        window_end: MAX_HEADER_BYTES,
        ..Counters::default()
    }));
    let stream = Capped {
        inner: GzDecoder::new(CountIn {
            inner: io::BufReader::new(file),
            counters: counters.clone(),
        }),
        counters: counters.clone(),
        max_bytes: limits.max_total_bytes,
        max_ratio: limits.max_ratio,
    };
    let mut archive = tar::Archive::new(stream);
    let mut current = String::from("(start of the package)");
    let stream_error = |e: io::Error, current: &str| -> PackageError {
        match counters.borrow().tripped {
            Some(Tripped::Bytes) => PackageError::TooLarge {
                limit: limits.max_total_bytes,
                entry: current.to_string(),
            },
            Some(Tripped::Ratio) => PackageError::RatioExceeded {
                limit: limits.max_ratio,
                entry: current.to_string(),
            },
            Some(Tripped::Header) => PackageError::Refused {
                entry: current.to_string(),
                reason: format!(
                    "the tar header blocks after it (long names or PAX records) exceed {MAX_HEADER_BYTES} bytes"
                ),
            },
            None => PackageError::Corrupt {
                path: path.to_path_buf(),
                detail: e.to_string(),
            },
        }
    };
    let entries = archive.entries().map_err(|e| stream_error(e, &current))?;
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut count: u64 = 0;
    for entry in entries {
        if cancel.is_cancelled() {
            return Err(PackageError::Cancelled {
                path: path.to_path_buf(),
            });
        }
        let mut entry = entry.map_err(|e| stream_error(e, &current))?;
        // The data of this entry, then at most MAX_HEADER_BYTES of headers before the next one.
        let padded = entry.size().div_ceil(512).saturating_mul(512);
        counters.borrow_mut().window_end = entry
            .raw_file_position()
            .saturating_add(padded)
            .saturating_add(MAX_HEADER_BYTES);
        if entry.header().entry_type() == EntryType::XGlobalHeader {
            continue; // PAX global metadata, not a file
        }
        let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        current = raw.clone();
        count += 1;
        if count > limits.max_entries {
            return Err(PackageError::TooManyEntries {
                limit: limits.max_entries,
                entry: raw,
            });
        }
        let checked = check_entry(&entry.path_bytes(), entry.header().entry_type(), name).map_err(
            |reason| PackageError::Refused {
                entry: raw.clone(),
                reason,
            },
        )?;
        let Some((rel, kind)) = checked else {
            continue; // the top folder itself
        };
        if !seen.insert(rel.clone()) {
            return Err(PackageError::Refused {
                entry: raw,
                reason: "the package holds this path twice".into(),
            });
        }
        let record = PackageEntry {
            path: rel,
            kind,
            size: if kind == EntryKind::File {
                entry.size()
            } else {
                0
            },
        };
        match visit(&record, &mut entry) {
            Ok(()) => {}
            Err(StreamError::Package(e)) => return Err(e),
            Err(StreamError::Io(e)) => return Err(stream_error(e, &current)),
        }
    }
    Ok(())
}

/// Checks one entry's path and kind. `Ok(None)` is the top folder itself; otherwise the path
/// below the top folder and the kind.
fn check_entry(
    raw: &[u8],
    kind: EntryType,
    name: &str,
) -> Result<Option<(String, EntryKind)>, String> {
    let kind = match kind {
        EntryType::Regular | EntryType::Continuous => EntryKind::File,
        EntryType::Directory => EntryKind::Dir,
        EntryType::Symlink => return Err("symbolic links are not allowed in a package".into()),
        EntryType::Link => return Err("hard links are not allowed in a package".into()),
        EntryType::Char | EntryType::Block => {
            return Err("device files are not allowed in a package".into());
        }
        EntryType::Fifo => return Err("named pipes are not allowed in a package".into()),
        other => {
            return Err(format!(
                "unsupported tar entry type {:?}",
                other.as_byte() as char
            ));
        }
    };
    let path = std::str::from_utf8(raw).map_err(|_| "the path is not UTF-8".to_string())?;
    if path.len() > MAX_PATH_BYTES {
        return Err(format!("the path is longer than {MAX_PATH_BYTES} bytes"));
    }
    if path.starts_with('/') {
        return Err("absolute paths are not allowed".into());
    }
    if path.contains('\\') {
        return Err("backslashes are not allowed in paths".into());
    }
    if path.contains('\0') {
        return Err("NUL bytes are not allowed in paths".into());
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => continue,
            ".." => return Err("`..` is not allowed in paths".into()),
            p if p.len() > MAX_COMPONENT_BYTES => {
                return Err(format!(
                    "a path component is longer than {MAX_COMPONENT_BYTES} bytes"
                ));
            }
            p => parts.push(p),
        }
    }
    let Some((top, rest)) = parts.split_first() else {
        return Err("empty path".into());
    };
    if *top != name {
        return Err(format!(
            "outside the top folder: the package must hold a single folder named {name:?} (the file name without .contentexport), found {top:?}"
        ));
    }
    if rest.is_empty() {
        return match kind {
            EntryKind::Dir => Ok(None),
            EntryKind::File => Err(format!("{name:?} must be a folder, not a file")),
        };
    }
    Ok(Some((rest.join("/"), kind)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_checked() {
        let ok = check_entry(b"pkg/a/b.json", EntryType::Regular, "pkg").unwrap();
        assert_eq!(ok, Some(("a/b.json".into(), EntryKind::File)));
        assert_eq!(
            check_entry(b"./pkg/", EntryType::Directory, "pkg").unwrap(),
            None
        );
        for bad in [
            &b"/pkg/a"[..],
            b"pkg/../x",
            b"../pkg/a",
            b"other/a",
            b"pkg\\a",
            b"pkg",
        ] {
            assert!(
                check_entry(bad, EntryType::Regular, "pkg").is_err(),
                "{bad:?}"
            );
        }
        assert!(check_entry(b"pkg/l", EntryType::Symlink, "pkg").is_err());
        assert!(check_entry(b"pkg/l", EntryType::Link, "pkg").is_err());
        assert!(check_entry(b"pkg/l", EntryType::Char, "pkg").is_err());
    }

    #[test]
    fn small_files() {
        assert!(is_small_file("manifest.json"));
        assert!(is_small_file("abc/properties.json"));
        assert!(is_small_file("abc/data/layer_0_props.json"));
        assert!(!is_small_file("abc/data/structure.json"));
        assert!(!is_small_file("abc/resources/x.json"));
    }
}
