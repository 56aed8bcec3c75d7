//! Writing one of our snapshots as a `.contentexport` package (`docs/contentexport.md`,
//! "Writing"; layout in `docs/contentexport.md`).
//!
//! The package is a gzip tar streamed to a temporary name next to `out`, fsynced and renamed:
//! under its final name a package is always complete. Item archives are read twice: once for
//! the small parts (item.json, JSON that references other items) that the manifest and the
//! dependency graph need, once to stream every part into the tar.

mod graph;
mod item;
mod tarball;

use std::path::{Path, PathBuf};

use serde_json::{Map, Value, json};

use self::graph::ItemRefs;
use self::item::{ItemSource, Relations, write_item};
use self::tarball::PackageTar;
use super::gml_write::write_gml;
use crate::engine::archive::destination::Destination;
use crate::engine::archive::manifest::{Manifest, Outcome};
use crate::engine::storage::local::{commit, temp_path};

pub use self::item::{AGOL_DIR, valid_id};

/// The file extension a package must carry.
pub const EXTENSION: &str = "contentexport";

/// An item of the snapshot that is not in the package, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// Item id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Why it was left out (its failure in the snapshot, or why it could not be written).
    pub reason: String,
}

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
    /// Items of the snapshot not in the package (failed or skipped in the snapshot, or unfit).
    pub left_out: Vec<LeftOut>,
}

/// Checks `out` and returns the package name (its file stem).
pub fn package_name_for(out: &Path) -> Result<String, String> {
    let ext_ok = out
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e == EXTENSION);
    let stem = out
        .file_stem()
        .and_then(|s| s.to_str())
        .filter(|s| !s.is_empty() && !s.starts_with('.'));
    match (ext_ok, stem) {
        (true, Some(stem)) => Ok(stem.to_string()),
        _ => Err(format!(
            "{}: a package file must be named NAME.{EXTENSION} (Esri's importer needs the extension, and the name becomes the package's top folder)",
            out.display()
        )),
    }
}

/// Writes snapshot `snapshot` (latest when `None`) of the destination `dest` to `out`, which
/// must end in `.contentexport` (blocking; run it on a blocking thread).
pub fn write_package(
    dest: &Path,
    snapshot: Option<&str>,
    out: &Path,
) -> Result<WrittenPackage, String> {
    let name = package_name_for(out)?;
    let destination = Destination::open_existing(dest)?;
    let snap = destination.snapshot(snapshot)?;
    let manifest = snap.manifest()?;
    let export_format = manifest
        .options
        .get("export")
        .and_then(Value::as_str)
        .map(str::to_string);

    let (mut sources, left_out) = open_items(&snap.dir, &manifest);
    let refs: Vec<ItemRefs> = sources
        .iter_mut()
        .map(|(_, s)| std::mem::take(&mut s.refs))
        .collect();
    let deps = graph::dependencies(&refs);

    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let tmp = temp_path(out);
    let result = (|| -> Result<(), String> {
        let file = crate::engine::storage::local::create_private(&tmp)
            .map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
        let mut tar = PackageTar::new(file, &name).map_err(|e| e.to_string())?;
        let mut items = Map::new();
        for (m, s) in &sources {
            items.insert(
                s.id.clone(),
                json!({"title": m.title, "type": m.item_type, "created": s.created(),
                       "source": manifest.portal}),
            );
        }
        let body =
            serde_json::to_vec_pretty(&json!({ "items": items })).map_err(|e| e.to_string())?;
        tar.bytes("manifest.json", &body)
            .map_err(|e| e.to_string())?;
        let labels: Vec<String> = sources.iter().map(|(_, s)| s.id.clone()).collect();
        let edges: Vec<(usize, usize)> = deps
            .iter()
            .enumerate()
            .flat_map(|(i, d)| d.iter().map(move |j| (i, *j)))
            .collect();
        tar.bytes("graph.gml", write_gml(&labels, &edges).as_bytes())
            .map_err(|e| e.to_string())?;
        let mut required_by: Vec<Vec<String>> = vec![Vec::new(); labels.len()];
        for (s, t) in &edges {
            required_by[*t].push(labels[*s].clone());
        }
        for (i, (m, src)) in sources.iter_mut().enumerate() {
            let relations = Relations {
                requires: deps[i].iter().map(|j| labels[*j].clone()).collect(),
                required_by: std::mem::take(&mut required_by[i]),
            };
            write_item(
                &mut tar,
                src,
                &relations,
                export_format.as_deref(),
                m.folder.as_deref(),
            )?;
        }
        tar.finish()
            .map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
        commit(&tmp, out).map_err(|e| format!("cannot rename to {}: {e}", out.display()))
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    Ok(WrittenPackage {
        path: out.to_path_buf(),
        snapshot: snap.id,
        items: sources.len(),
        bytes,
        left_out,
    })
}

/// Opens the archive of every item that is `ok` in the manifest; the others are left out.
fn open_items<'m>(
    dir: &Path,
    manifest: &'m Manifest,
) -> (
    Vec<(
        &'m crate::engine::archive::manifest::ManifestItem,
        ItemSource,
    )>,
    Vec<LeftOut>,
) {
    let mut sources = Vec::new();
    let mut left_out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for m in &manifest.items {
        let leave = |reason: String| LeftOut {
            id: m.id.clone(),
            title: m.title.clone(),
            reason,
        };
        let archive = match (&m.outcome, &m.archive) {
            (Outcome::Ok, Some(a)) => a,
            (Outcome::Ok, None) => {
                left_out.push(leave("no archive in the snapshot".into()));
                continue;
            }
            (outcome, _) => {
                let what = if *outcome == Outcome::Failed {
                    "failed"
                } else {
                    "skipped"
                };
                let why = m.reason.clone().unwrap_or_default();
                left_out.push(leave(format!("{what} in the snapshot: {why}")));
                continue;
            }
        };
        if !seen.insert(m.id.to_ascii_lowercase()) {
            left_out.push(leave("listed twice in the snapshot".into()));
            continue;
        }
        match ItemSource::open(&m.id, &dir.join(archive)) {
            Ok(s) => sources.push((m, s)),
            Err(e) => left_out.push(leave(e)),
        }
    }
    (sources, left_out)
}
