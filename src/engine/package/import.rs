//! Staging a `.contentexport` package as a snapshot of our own archive format
//! (`docs/contentexport.md`, "Reading"), so the restore engine restores it unchanged.
//!
//! The package is checked and extracted by the safe reader into a scratch folder under the
//! staging root (streamed: memory does not grow with file size), each item is converted into an
//! item archive ([`item`]), the manifest is written last and the snapshot renamed from
//! `.partial`, then the scratch folder is removed. The staging destination is keyed by the
//! package's sha256, and a complete staged snapshot of the same package is reused.
//!
//! [`stage_with_cancel`] stops between tar entries, every few MB of a long copy and between
//! items once asked; it then removes the scratch folder and the `.partial` snapshot, so nothing
//! is left that looks staged.

mod item;

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::gml;
use super::reader::{self, CANCEL_CHECK_BYTES, Cancel, PackageError, ReadLimits};
use crate::engine::archive::destination::Destination;
use crate::engine::archive::manifest::{
    ChangeMarkers, FORMAT, Manifest, ManifestItem, Outcome, VERSION,
};
use crate::engine::archive::writer::hex;
use crate::engine::storage::local::sync_dir;

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

/// The `options.source` value of staged manifests.
const SOURCE: &str = "contentexport";

/// Checks that `package` names a package file a restore can read (it exists, is a file, and is
/// named `NAME.contentexport`); the error names the file and the fix.
pub fn check_package_path(package: &Path) -> Result<(), String> {
    let shown = package.display();
    let meta = match std::fs::metadata(package) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(format!(
                "{shown}: no such file; pass the path of a .contentexport package (from Esri's export or `agol-tui export-package`)"
            ));
        }
        Err(e) => return Err(format!("cannot read {shown}: {e}")),
    };
    if meta.is_dir() {
        return Err(format!(
            "{shown} is a folder, not a package file; pass the .contentexport file itself (an extracted package NAME/ is packed again with `tar czf NAME.contentexport NAME`)"
        ));
    }
    let ext_ok = package
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e == super::write::EXTENSION);
    if !ext_ok {
        return Err(format!(
            "{shown}: not a .contentexport package; a package file is named NAME.contentexport with a top folder NAME inside (rename it back if it was renamed)"
        ));
    }
    Ok(())
}

/// Checks `package` with the safe reader and converts it into a snapshot under
/// `staging_root` (blocking; run it on a blocking thread).
pub fn stage(package: &Path, staging_root: &Path, limits: &ReadLimits) -> Result<Staged, String> {
    stage_with_cancel(package, staging_root, limits, reader::never())
}

/// The error of a cancelled staging: it names the package and says nothing was staged.
pub fn cancelled_error(package: &Path) -> String {
    format!(
        "staging {} cancelled: nothing was staged",
        package.display()
    )
}

/// [`stage`], asking `cancel` while hashing and extracting (between tar entries and every
/// [`CANCEL_CHECK_BYTES`] of a file) and converting (between items and archive entries). Once
/// it answers true, the scratch folder and the `.partial` snapshot are removed and
/// [`cancelled_error`] returned (a complete staged snapshot found first is still returned).
pub fn stage_with_cancel(
    package: &Path,
    staging_root: &Path,
    limits: &ReadLimits,
    cancel: &dyn Cancel,
) -> Result<Staged, String> {
    check_package_path(package)?;
    if cancel.is_cancelled() {
        return Err(cancelled_error(package));
    }
    let name = reader::package_name(package).map_err(|e| e.to_string())?;
    let sha256 = hash_package(package, cancel)?;
    let key = &sha256[..16];
    let dest_root = staging_root.join(key);
    if let Some(staged) = reusable(&dest_root, &sha256)? {
        return Ok(staged);
    }
    crate::engine::storage::local::create_dir_private(staging_root)
        .map_err(|e| format!("cannot create {}: {e}", staging_root.display()))?;
    // Verify and extract first: a refused package leaves no staging destination behind.
    remove_stale_scratch(staging_root);
    let scratch = staging_root.join(format!(".extract-{key}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir(&scratch)
        .map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let result = reader::extract_with_cancel(package, &scratch, limits, cancel)
        .map_err(|e| {
            if let PackageError::Cancelled { .. } = e {
                return cancelled_error(package);
            }
            // Most reader errors start with the package path already.
            let shown = package.display().to_string();
            let e = e.to_string();
            if e.starts_with(&shown) {
                e
            } else {
                format!("{shown}: {e}")
            }
        })
        .and_then(|root| convert(&root, &dest_root, &name, &sha256, package, cancel));
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// The package's sha256 (hex), asking `cancel` every [`CANCEL_CHECK_BYTES`].
fn hash_package(package: &Path, cancel: &dyn Cancel) -> Result<String, String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let err = |e: std::io::Error| format!("cannot read {}: {e}", package.display());
    let mut file = std::fs::File::open(package).map_err(err)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut since_check = 0u64;
    loop {
        if since_check >= CANCEL_CHECK_BYTES {
            since_check = 0;
            if cancel.is_cancelled() {
                return Err(cancelled_error(package));
            }
        }
        let n = file.read(&mut buf).map_err(err)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        since_check += n as u64;
    }
    Ok(hex(&hasher.finalize()))
}

/// Removes scratch folders (`.extract-<key>-<pid>`) of staging runs whose process is gone
/// (killed mid-extraction). Only where the process table can be asked (`/proc`).
fn remove_stale_scratch(staging_root: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    for e in std::fs::read_dir(staging_root)
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = e.file_name().to_string_lossy().to_string();
        let Some(pid) = name
            .strip_prefix(".extract-")
            .and_then(|r| r.rsplit_once('-'))
            .and_then(|(_, pid)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// A complete staged snapshot of the package with this sha256, if there is one.
fn reusable(dest_root: &Path, sha256: &str) -> Result<Option<Staged>, String> {
    if !dest_root.join("agol-tui-destination.json").is_file() {
        return Ok(None);
    }
    let dest = Destination::open_existing(dest_root)?;
    for snap in dest.snapshots().into_iter().rev() {
        let Ok(m) = snap.manifest() else { continue };
        if m.options.get("package_sha256").and_then(Value::as_str) == Some(sha256) {
            return Ok(Some(Staged {
                dest: dest_root.to_path_buf(),
                snapshot: snap.id,
                items: m.items.len(),
                reused: true,
            }));
        }
    }
    Ok(None)
}

/// The default cap of a package JSON file that is parsed whole (4 MiB).
const TREE_JSON_CAP: u64 = 4 * 1024 * 1024;

/// Reads a JSON file of the extracted package, naming it in errors: parsed as it is read (the
/// text is never held whole), and refused past [`TREE_JSON_CAP`], or past the restore's entry
/// cap ([`max_entry_bytes`](crate::engine::restore::source::max_entry_bytes)) when its knob is set.
fn read_json(path: &Path, what: &str) -> Result<Value, String> {
    use crate::engine::restore::source::{ENV_MAX_ENTRY_BYTES, max_entry_bytes};
    use std::io::Read;
    // Parsed into a tree, JSON of tiny objects costs ~30 times its size: these files (item
    // properties, layer definitions, resource and relationship indexes) get a smaller cap unless
    // the knob says otherwise, so one hostile file stays far below 200 MB of memory.
    let cap = if std::env::var_os(ENV_MAX_ENTRY_BYTES).is_some() {
        max_entry_bytes()
    } else {
        TREE_JSON_CAP
    };
    let file = std::fs::File::open(path).map_err(|e| format!("{what}: cannot read: {e}"))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let too_big = || {
        format!(
            "{what}: larger than the {cap} bytes a JSON file may have (it is read into memory); if the package is genuine, raise {ENV_MAX_ENTRY_BYTES}"
        )
    };
    if len > cap {
        return Err(too_big());
    }
    let mut reader = std::io::BufReader::new(file).take(cap + 1);
    let v = serde_json::from_reader(&mut reader);
    if reader.limit() == 0 {
        return Err(too_big());
    }
    v.map_err(|e| format!("{what}: not valid JSON: {e}"))
}

/// Converts the extracted package at `root` into a new snapshot of `dest_root`.
fn convert(
    root: &Path,
    dest_root: &Path,
    name: &str,
    sha256: &str,
    package: &Path,
    cancel: &dyn Cancel,
) -> Result<Staged, String> {
    let manifest = read_json(
        &root.join("manifest.json"),
        &format!("{name}/manifest.json"),
    )?;
    let listed = manifest
        .get("items")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{name}/manifest.json: no `items` object"))?
        .clone();
    if listed.is_empty() {
        return Err(format!(
            "{}: the package lists no items ({name}/manifest.json `items` is empty); nothing to restore",
            package.display()
        ));
    }
    let graph = match std::fs::read_to_string(root.join("graph.gml")) {
        Ok(text) => Some(gml::parse(&text).map_err(|e| format!("{name}/graph.gml: {e}"))?),
        Err(_) => None,
    };
    let portal = listed
        .values()
        .find_map(|v| v.get("source").and_then(Value::as_str))
        .unwrap_or("")
        .trim_end_matches('/')
        .to_string();

    if cancel.is_cancelled() {
        return Err(cancelled_error(package));
    }
    let dest = Destination::open_or_create(dest_root)?;
    let _lock = dest.lock()?;
    // Another process may have finished staging the same package meanwhile.
    if let Some(staged) = reusable(dest_root, sha256)? {
        return Ok(staged);
    }
    for old in dest.partials() {
        let _ = std::fs::remove_dir_all(old);
    }
    let now = chrono::Utc::now();
    let (snapshot, partial) = dest.new_snapshot(now);
    crate::engine::storage::local::create_dir_private(&partial)
        .map_err(|e| format!("cannot create {}: {e}", partial.display()))?;
    let result = convert_items(
        &listed,
        &item::Package {
            root,
            name,
            graph,
            cancel,
        },
        &partial,
        package,
    )
    .and_then(|(items, dirs)| {
        if cancel.is_cancelled() {
            return Err(cancelled_error(package));
        }
        for dir in &dirs {
            sync_dir(dir).map_err(|e| format!("cannot sync {}: {e}", dir.display()))?;
        }
        Ok(items)
    });
    let items = match result {
        Ok(items) => items,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&partial);
            return Err(e);
        }
    };
    let stamp = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut manifest = Manifest {
        format: FORMAT.into(),
        version: VERSION,
        tool_version: env!("CARGO_PKG_VERSION").into(),
        snapshot: snapshot.clone(),
        started: stamp.clone(),
        finished: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        portal,
        user: String::new(),
        selection: json!({"all": true}),
        options: json!({
            "source": SOURCE,
            "package": package.file_name().map(|f| f.to_string_lossy().to_string()),
            "package_name": name,
            "package_sha256": sha256,
        }),
        items,
        totals: Default::default(),
    };
    manifest.compute_totals();
    let count = manifest.items.len();
    manifest
        .write(&partial.join("manifest.json"))
        .map_err(|e| format!("cannot write the staged manifest: {e}"))?;
    let fin = dest.final_dir(&snapshot);
    std::fs::rename(&partial, &fin)
        .map_err(|e| format!("cannot rename {}: {e}", partial.display()))?;
    if let Some(parent) = fin.parent() {
        let _ = sync_dir(parent);
    }
    Ok(Staged {
        dest: dest_root.to_path_buf(),
        snapshot,
        items: count,
        reused: false,
    })
}

/// The staged manifest's items, converting each listed item with `ctx` into `partial`, and the
/// folders written to; the cancelled error once `ctx.cancel` answers true.
fn convert_items(
    listed: &serde_json::Map<String, Value>,
    ctx: &item::Package,
    partial: &Path,
    package: &Path,
) -> Result<(Vec<ManifestItem>, std::collections::BTreeSet<PathBuf>), String> {
    let name = ctx.name;
    let mut items = Vec::new();
    let mut dirs = std::collections::BTreeSet::new();
    for (id, entry) in listed {
        if ctx.cancel.is_cancelled() {
            return Err(cancelled_error(package));
        }
        let title = entry.get("title").and_then(Value::as_str).unwrap_or(id);
        let item_type = entry.get("type").and_then(Value::as_str).unwrap_or("");
        let mut m = ManifestItem {
            id: id.clone(),
            title: title.to_string(),
            item_type: item_type.to_string(),
            owner: String::new(),
            folder: None,
            modified: 0,
            markers: ChangeMarkers::default(),
            outcome: Outcome::Failed,
            reason: None,
            archive: None,
            size: 0,
            sha256: None,
            reused: false,
            parts: Vec::new(),
            feature_counts: Default::default(),
            attachment_counts: Default::default(),
            notes: Vec::new(),
        };
        // Ids name folders: one that is a path (`..`, absolute) must not reach outside the
        // extracted package.
        if !super::write::valid_id(id) {
            m.reason = Some(format!(
                "not a valid item id {id:?} in {name}/manifest.json: item ids are letters and digits; left out"
            ));
            items.push(m);
            continue;
        }
        if !ctx.root.join(id).is_dir() {
            m.reason = Some(format!(
                "not in the package: the manifest lists it but {name}/{id}/ is missing (Esri's export drops items it could not export)"
            ));
            items.push(m);
            continue;
        }
        match ctx.convert(id, partial) {
            Ok(done) => {
                m.title = done.title;
                m.item_type = done.item_type;
                m.owner = done.owner;
                m.folder = done.folder;
                m.modified = done.modified;
                m.markers.item_modified = done.modified;
                m.outcome = Outcome::Ok;
                m.size = done.info.size;
                m.sha256 = Some(done.info.sha256);
                m.parts = done.info.parts.into_iter().map(|p| p.name).collect();
                m.feature_counts = done.feature_counts;
                m.notes = done.notes;
                if let Some(dir) = done.info.path.parent() {
                    dirs.insert(dir.to_path_buf());
                }
                m.archive = Some(done.rel);
            }
            Err(_) if ctx.cancel.is_cancelled() => return Err(cancelled_error(package)),
            Err(e) => m.reason = Some(e),
        }
        items.push(m);
    }
    Ok((items, dirs))
}
