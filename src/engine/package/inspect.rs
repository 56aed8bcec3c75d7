//! The inspection report of a `.contentexport`: per item what the package carries, and what its
//! manifest names but the package lacks.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::gml;
use super::reader::{self, PackageError, PackageListing, ReadLimits};

/// What an item's `data/` folder holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DataKind {
    /// No `data/` files.
    None,
    /// `data/structure.json` (a JSON item).
    Structure,
    /// One file (a file item).
    File {
        /// The file's name.
        name: String,
    },
    /// A hosted service: `flc_props.json` plus the exported data, when present.
    ServiceExport {
        /// The export file names (empty: definition only).
        exports: Vec<String>,
        /// `data_item_type` from properties.json (e.g. "File Geodatabase").
        data_item_type: Option<String>,
    },
    /// A view: `view_props.json` and `layer_<n>_props.json` files.
    View {
        /// How many `layer_<n>_props.json` files.
        layers: usize,
    },
    /// Several files that fit none of the above.
    Files {
        /// Their names.
        names: Vec<String>,
    },
}

impl DataKind {
    /// A short human description.
    pub fn describe(&self) -> String {
        match self {
            DataKind::None => "none".into(),
            DataKind::Structure => "structure.json".into(),
            DataKind::File { name } => format!("file {name}"),
            DataKind::ServiceExport {
                exports,
                data_item_type,
            } => {
                let what = data_item_type.as_deref().unwrap_or("export");
                if exports.is_empty() {
                    "service definition only (flc_props.json, no export)".into()
                } else {
                    format!(
                        "service export ({what}: {}) + flc_props.json",
                        exports.join(", ")
                    )
                }
            }
            DataKind::View { layers } => format!("view props ({layers} layer props)"),
            DataKind::Files { names } => format!("files {}", names.join(", ")),
        }
    }
}

/// One item of the package.
#[derive(Debug, Clone, Serialize)]
pub struct ItemReport {
    /// Item id.
    pub id: String,
    /// Title from the manifest.
    pub title: String,
    /// Item type from the manifest.
    #[serde(rename = "type")]
    pub item_type: String,
    /// The portal it came from (manifest `source`).
    pub source: String,
    /// `created` from the manifest, as given.
    pub created: Value,
    /// Item ids it depends on (graph.gml edges from it).
    pub dependencies: Vec<String>,
    /// Whether its folder is in the package.
    pub present: bool,
    /// Whether `properties.json` is present.
    pub properties: bool,
    /// `origin_item_type` from properties.json.
    pub origin_item_type: Option<String>,
    /// What `data/` holds.
    pub data: DataKind,
    /// Entries of `resources/resources.json`.
    pub resources: usize,
    /// Resource files present (besides resources.json).
    pub resource_files: usize,
    /// The thumbnail file under `files/`, if any.
    pub thumbnail: Option<String>,
    /// Whether `files/` holds metadata XML.
    pub metadata: bool,
    /// Whether `relationships.json` is present.
    pub relationships: bool,
}

/// Something the manifest names that the package lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    /// Item id.
    pub id: String,
    /// Its title from the manifest.
    pub title: String,
    /// What is missing (e.g. "item folder", "properties.json", "resource images/a.png").
    pub part: String,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct PackageReport {
    /// The package name (top folder).
    pub package: String,
    /// True when nothing the manifest names is missing.
    pub complete: bool,
    /// Items in manifest order.
    pub items: Vec<ItemReport>,
    /// What the manifest names but the package lacks.
    pub missing: Vec<Missing>,
    /// Other oddities that do not make the package incomplete.
    pub warnings: Vec<String>,
}

/// Errors of the report beyond reading: a missing or unreadable manifest or graph.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    /// Reading the package failed or was refused.
    #[error(transparent)]
    Read(#[from] PackageError),
    /// `manifest.json` is missing or not the expected JSON.
    #[error("{package}/manifest.json: {detail}")]
    Manifest {
        /// Package name.
        package: String,
        /// What is wrong.
        detail: String,
    },
    /// `graph.gml` could not be parsed.
    #[error("{package}/{source}")]
    Graph {
        /// Package name.
        package: String,
        /// The parse error.
        source: gml::GmlError,
    },
}

/// Reads the package at `path` (writing nothing) and builds its report.
pub fn inspect(path: &Path, limits: &ReadLimits) -> Result<PackageReport, InspectError> {
    let listing = reader::scan(path, limits)?;
    report(&listing)
}

fn str_field(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// Builds the report from a scanned listing.
pub fn report(listing: &PackageListing) -> Result<PackageReport, InspectError> {
    let package = listing.name.clone();
    let manifest_err = |detail: String| InspectError::Manifest {
        package: package.clone(),
        detail,
    };
    let raw = listing
        .small_files
        .get("manifest.json")
        .ok_or_else(|| manifest_err("missing; not a .contentexport package".into()))?;
    let manifest: Value =
        serde_json::from_slice(raw).map_err(|e| manifest_err(format!("not JSON: {e}")))?;
    let items = manifest
        .get("items")
        .and_then(Value::as_object)
        .ok_or_else(|| manifest_err("no `items` object".into()))?;

    let mut warnings = Vec::new();
    let graph = match listing.small_files.get("graph.gml") {
        None => {
            warnings.push("graph.gml is missing: no dependencies known".to_string());
            gml::Graph::default()
        }
        Some(bytes) => {
            let text = String::from_utf8_lossy(bytes);
            let g = gml::parse(&text).map_err(|source| InspectError::Graph {
                package: package.clone(),
                source,
            })?;
            for (s, t) in g.dangling_edges() {
                warnings.push(format!("graph.gml: edge {s} -> {t} names an unknown node"));
            }
            g
        }
    };

    let mut reports = Vec::new();
    let mut missing = Vec::new();
    for (id, entry) in items {
        let title = str_field(entry, "title");
        let mut miss = |part: String| {
            missing.push(Missing {
                id: id.clone(),
                title: title.clone(),
                part,
            })
        };
        let present = listing
            .entries
            .iter()
            .any(|e| e.path == *id || e.path.starts_with(&format!("{id}/")));
        if !present {
            miss("item folder".into());
        }
        let props_path = format!("{id}/properties.json");
        let props: Option<Value> = match listing.small_files.get(&props_path) {
            None => {
                if present {
                    miss("properties.json".into());
                }
                None
            }
            Some(b) => match serde_json::from_slice(b) {
                Ok(v) => Some(v),
                Err(e) => {
                    miss(format!("properties.json (not JSON: {e})"));
                    None
                }
            },
        };
        let origin_item_type = props
            .as_ref()
            .and_then(|p| p.get("origin_item_type"))
            .and_then(Value::as_str)
            .map(str::to_string);
        let data_item_type = props
            .as_ref()
            .and_then(|p| p.get("data_item_type"))
            .and_then(Value::as_str)
            .map(str::to_string);

        let data_dir = format!("{id}/data");
        let data_files: Vec<String> = listing
            .files_under(&data_dir)
            .map(|e| e.path[data_dir.len() + 1..].to_string())
            .collect();
        let data = classify_data(&data_files, data_item_type);

        let res_dir = format!("{id}/resources");
        let res_files: BTreeSet<String> = listing
            .files_under(&res_dir)
            .map(|e| e.path[res_dir.len() + 1..].to_string())
            .filter(|p| p != "resources.json")
            .collect();
        let mut resources = 0;
        if let Some(b) = listing
            .small_files
            .get(&format!("{res_dir}/resources.json"))
        {
            match serde_json::from_slice::<Value>(b) {
                Ok(Value::Object(map)) => {
                    resources = map.len();
                    for key in map.keys() {
                        let base = key.rsplit('/').next().unwrap_or(key);
                        if !res_files.contains(base) && !res_files.contains(key.as_str()) {
                            miss(format!("resource {key}"));
                        }
                    }
                }
                Ok(Value::Array(a)) => resources = a.len(),
                Ok(_) => warnings.push(format!("{id}: resources.json is not an object")),
                Err(e) => warnings.push(format!("{id}: resources.json is not JSON: {e}")),
            }
        }

        let files_dir = format!("{id}/files");
        let files: Vec<String> = listing
            .files_under(&files_dir)
            .map(|e| e.path[files_dir.len() + 1..].to_string())
            .collect();
        let thumb_name = props
            .as_ref()
            .and_then(|p| p.get("thumbnail"))
            .and_then(Value::as_str)
            .and_then(|t| t.rsplit('/').next())
            .map(str::to_string);
        let thumbnail = files
            .iter()
            .find(|f| Some(f.as_str()) == thumb_name.as_deref())
            .or_else(|| {
                files.iter().find(|f| {
                    let l = f.to_ascii_lowercase();
                    [".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"]
                        .iter()
                        .any(|x| l.ends_with(x))
                })
            })
            .cloned();
        let metadata = files
            .iter()
            .any(|f| f.to_ascii_lowercase().ends_with(".xml"));

        reports.push(ItemReport {
            id: id.clone(),
            title,
            item_type: str_field(entry, "type"),
            source: str_field(entry, "source"),
            created: entry.get("created").cloned().unwrap_or(Value::Null),
            dependencies: graph.dependencies_of(id),
            present,
            properties: props.is_some(),
            origin_item_type,
            data,
            resources,
            resource_files: res_files.len(),
            thumbnail,
            metadata,
            relationships: listing.has_file(&format!("{id}/relationships.json")),
        });
    }

    for dep in reports.iter().flat_map(|r| r.dependencies.iter()) {
        if !items.contains_key(dep) {
            let w = format!("graph.gml: dependency {dep} is not in the package");
            if !warnings.contains(&w) {
                warnings.push(w);
            }
        }
    }
    let extra: BTreeSet<&str> = listing
        .entries
        .iter()
        .filter_map(|e| e.path.split_once('/').map(|(top, _)| top))
        .filter(|top| !items.contains_key(*top))
        .collect();
    for top in extra {
        warnings.push(format!("folder {top}/ is not named in the manifest"));
    }

    Ok(PackageReport {
        package,
        complete: missing.is_empty(),
        items: reports,
        missing,
        warnings,
    })
}

fn classify_data(files: &[String], data_item_type: Option<String>) -> DataKind {
    let top: Vec<&String> = files.iter().filter(|f| !f.contains('/')).collect();
    if files.is_empty() {
        DataKind::None
    } else if top.iter().any(|f| *f == "flc_props.json") {
        DataKind::ServiceExport {
            exports: files
                .iter()
                .filter(|f| *f != "flc_props.json")
                .cloned()
                .collect(),
            data_item_type,
        }
    } else if top.iter().any(|f| *f == "view_props.json") {
        DataKind::View {
            layers: top
                .iter()
                .filter(|f| f.starts_with("layer_") && f.ends_with("_props.json"))
                .count(),
        }
    } else if files.len() == 1 && files[0] == "structure.json" {
        DataKind::Structure
    } else if files.len() == 1 {
        DataKind::File {
            name: files[0].clone(),
        }
    } else {
        DataKind::Files {
            names: files.to_vec(),
        }
    }
}
