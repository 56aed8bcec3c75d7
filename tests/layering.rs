//! The layering of the crate as a table (see docs/architecture.md, "Layers"): which module may
//! name which. Every `crate::…` and `super::…` path in `src/` (code, `use` lines and doc links)
//! is resolved to its unit — a top-level module, or a part of `engine` — and an import that the
//! table does not allow is an upward arrow and fails the test, naming the file and line.
//! Terminal crates stay out of the core layers, and the fake portal's own crate
//! (`crates/fake-portal`) stays below the product.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Allowed imports: unit → units it may name. A unit always may name itself. `engine::*` on the
/// right means every part of the engine. Lower layers come first.
const ALLOWED: &[(&str, &[&str])] = &[
    ("safe_text", &[]),
    ("keymap", &[]),
    ("client", &[]),
    ("fake", &[]),
    ("config", &["client", "keymap"]),
    // The engine, bottom up. It never names config, the TUI or the CLI: callers pass paths in.
    ("engine::progress", &[]),
    ("engine::storage", &[]),
    ("engine::tree", &[]),
    (
        "engine::inventory",
        &["engine::storage", "client", "safe_text"],
    ),
    ("engine::selection", &["engine::progress", "client"]),
    (
        "engine::scan",
        &[
            "engine::inventory",
            "engine::progress",
            "engine::selection",
            "engine::storage",
            "client",
            "safe_text",
        ],
    ),
    (
        "engine::archive",
        &["engine::storage", "engine::progress", "client", "safe_text"],
    ),
    (
        "engine::backup",
        &[
            "engine::archive",
            "engine::storage",
            "engine::selection",
            "engine::scan",
            "engine::progress",
            "engine::inventory",
            "client",
            "safe_text",
        ],
    ),
    (
        "engine::restore",
        &[
            "engine::archive",
            "engine::storage",
            "engine::selection",
            "engine::progress",
            "client",
            "safe_text",
        ],
    ),
    (
        "engine::package",
        &[
            "engine::archive",
            "engine::restore",
            "engine::storage",
            "engine::selection",
            "engine::progress",
            "client",
            "safe_text",
        ],
    ),
    // The drill restores into the in-process empty fake org: the one engine part that names it.
    (
        "engine::drill",
        &[
            "engine::restore",
            "engine::backup",
            "engine::archive",
            "engine::storage",
            "engine::selection",
            "engine::progress",
            "client",
            "fake",
            "safe_text",
        ],
    ),
    // One error type over every area's own enum: it sits above the areas it wraps.
    (
        "engine::error",
        &[
            "engine::archive",
            "engine::backup",
            "engine::restore",
            "engine::package",
            "engine::drill",
            "engine::jobs",
            "client",
        ],
    ),
    // The job layer runs the areas' jobs and sums them up for both fronts.
    (
        "engine::jobs",
        &[
            "engine::archive",
            "engine::scan",
            "engine::inventory",
            "engine::selection",
            "engine::progress",
            "client",
        ],
    ),
    ("engine", &["engine::*", "client", "safe_text"]),
    // The TUI's pure core, its drawing, its runtime; then the headless commands.
    (
        "app",
        &["engine::*", "config", "keymap", "client", "safe_text"],
    ),
    ("ui", &["app", "engine::*", "keymap", "config", "safe_text"]),
    (
        "tui",
        &[
            "app",
            "ui",
            "engine::*",
            "config",
            "keymap",
            "client",
            "safe_text",
        ],
    ),
    (
        "cli",
        &[
            "app",
            "tui",
            "ui",
            "engine::*",
            "config",
            "keymap",
            "client",
            "fake",
            "safe_text",
        ],
    ),
];

/// Macros exported at the crate root, and the module that defines them.
const ROOT_MACROS: &[(&str, &str)] = &[
    ("safe_println", "safe_text"),
    ("safe_eprintln", "safe_text"),
];

/// The module path of a source file under `src/` (`engine/restore/mod.rs` → engine::restore).
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let file = parts.pop().expect("a file name");
    let stem = file.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" && stem != "main" {
        parts.push(stem.to_string());
    }
    parts
}

/// The unit of a module path: the top-level module, or `engine::<part>`; None for the crate root.
fn unit_of(path: &[String]) -> Option<String> {
    match path {
        [] => None,
        [first] if first == "engine" => Some("engine".into()),
        [first, second, ..] if first == "engine" => Some(format!("engine::{second}")),
        [first, ..] => Some(first.clone()),
    }
}

fn ident_at(text: &str, at: usize) -> &str {
    let rest = &text[at..];
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// Every module path a source text names through `crate::` or `super::`, with its line.
/// A grouped root import (`crate::{a, b}`) is reported as an error: write one path per module.
fn named_paths(module: &[String], text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut out = Vec::new();
    let mut module = module.to_vec();
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        // An inline `mod tests {` (always last in a file here) deepens the module for `super::`.
        if let Some(name) = inline_mod(line) {
            module.push(name.to_string());
        }
        let mut at = 0;
        while let Some(found) = next_path_start(line, at) {
            let (start, is_crate) = found;
            let preceded_by_ident = line[..start]
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
            at = start + 7; // both "crate::" and "super::" are 7 bytes
            if preceded_by_ident {
                continue;
            }
            let mut resolved: Vec<String> = if is_crate {
                Vec::new()
            } else {
                let mut base = module.to_vec();
                base.pop();
                base
            };
            let mut pos = at;
            if !is_crate {
                while line[pos..].starts_with("super::") {
                    resolved.pop();
                    pos += 7;
                }
            }
            if line[pos..].starts_with('{') {
                if is_crate {
                    return Err(format!(
                        "line {line_no}: grouped `crate::{{…}}` import; write one path per module"
                    ));
                }
                // `super::{a, b}`: the names are siblings within the same parent unit.
                out.push((line_no, resolved.clone()));
                continue;
            }
            let first = ident_at(line, pos);
            if first.is_empty() {
                out.push((line_no, resolved));
                continue;
            }
            resolved.push(first.to_string());
            let after = pos + first.len();
            if line[after..].starts_with("::") {
                let second = ident_at(line, after + 2);
                if !second.is_empty() {
                    resolved.push(second.to_string());
                }
            }
            out.push((line_no, resolved));
        }
    }
    Ok(out)
}

fn inline_mod(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let t = t
        .strip_prefix("pub(crate) ")
        .or_else(|| t.strip_prefix("pub "))
        .unwrap_or(t);
    let name = t.strip_prefix("mod ")?.strip_suffix(" {")?;
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_')
        .then_some(name)
}

fn next_path_start(line: &str, from: usize) -> Option<(usize, bool)> {
    let c = line[from..].find("crate::").map(|i| (from + i, true));
    let s = line[from..].find("super::").map(|i| (from + i, false));
    match (c, s) {
        (Some(a), Some(b)) => Some(if a.0 < b.0 { a } else { b }),
        (a, b) => a.or(b),
    }
}

fn allowed_table() -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    ALLOWED
        .iter()
        .map(|(unit, deps)| (*unit, deps.iter().copied().collect()))
        .collect()
}

fn is_allowed(table: &BTreeMap<&str, BTreeSet<&str>>, from: &str, to: &str) -> Option<bool> {
    let deps = table.get(from)?;
    if from == to || deps.contains(to) {
        return Some(true);
    }
    Some(to.starts_with("engine") && deps.contains("engine::*"))
}

/// Every import in `sources` (path relative to `src/`, text) that the table does not allow.
fn violations(sources: &[(PathBuf, String)]) -> Vec<String> {
    let table = allowed_table();
    let macros: BTreeMap<&str, &str> = ROOT_MACROS.iter().copied().collect();
    let mut found = Vec::new();
    for (rel, text) in sources {
        let module = module_path(rel);
        let Some(from) = unit_of(&module) else {
            continue; // lib.rs / main.rs declare the modules
        };
        let paths = match named_paths(&module, text) {
            Ok(p) => p,
            Err(e) => {
                found.push(format!("{}: {e}", rel.display()));
                continue;
            }
        };
        for (line, path) in paths {
            let to = match path.first().map(String::as_str) {
                Some(root) if macros.contains_key(root) => macros[root].to_string(),
                _ => match unit_of(&path) {
                    Some(u) => u,
                    None => continue,
                },
            };
            match is_allowed(&table, &from, &to) {
                Some(true) => {}
                Some(false) => found.push(format!(
                    "src/{}:{line}: {from} names {to} ({}), which the table in tests/layering.rs does not allow",
                    rel.display(),
                    path.join("::")
                )),
                None => found.push(format!(
                    "src/{}: unit {from} is not in the table of tests/layering.rs; add its row",
                    rel.display()
                )),
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn crate_sources() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            (f.strip_prefix(&root).unwrap().to_path_buf(), text)
        })
        .collect()
}

#[test]
fn every_import_follows_the_table() {
    let sources = crate_sources();
    assert!(sources.len() > 100, "read the sources");
    let found = violations(&sources);
    assert!(found.is_empty(), "upward imports:\n{}", found.join("\n"));
}

#[test]
fn an_added_upward_import_fails() {
    let mut sources = crate_sources();
    sources.push((
        PathBuf::from("engine/restore/sneaky.rs"),
        "use crate::config::paths::data_dir;\n".into(),
    ));
    sources.push((
        PathBuf::from("client/sneaky.rs"),
        "fn f() { super::super::tui::run(); }\n".into(),
    ));
    sources.push((
        PathBuf::from("engine/archive/sneaky.rs"),
        "use super::super::restore::plan;\n".into(),
    ));
    let found = violations(&sources);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found
            .iter()
            .any(|v| v.contains("engine::archive names engine::restore"))
    );
    assert!(
        found
            .iter()
            .any(|v| v.contains("engine::restore names config"))
    );
    assert!(found.iter().any(|v| v.contains("client names tui")));
}

#[test]
fn a_new_module_needs_its_row() {
    let sources = vec![(
        PathBuf::from("newlayer/mod.rs"),
        "use crate::client::X;\n".into(),
    )];
    let found = violations(&sources);
    assert_eq!(found.len(), 1);
    assert!(found[0].contains("not in the table"), "{found:?}");
}

#[test]
fn the_table_has_no_cycle() {
    let table = allowed_table();
    let units: Vec<&str> = table.keys().copied().collect();
    let expand = |deps: &BTreeSet<&'static str>| -> Vec<&'static str> {
        let mut out = Vec::new();
        for d in deps {
            if *d == "engine::*" {
                out.extend(units.iter().filter(|u| u.starts_with("engine")).copied());
            } else {
                out.push(*d);
            }
        }
        out
    };
    // Depth-first search from every unit; reaching the start again is a cycle.
    for start in &units {
        let mut stack: Vec<&str> = expand(&table[start]);
        let mut seen = BTreeSet::new();
        while let Some(u) = stack.pop() {
            if u == *start && !table[start].contains("engine::*") {
                panic!("the table has a cycle through {start}");
            }
            if u == *start {
                continue; // engine::* includes the unit itself
            }
            if seen.insert(u) {
                stack.extend(expand(&table[u]).into_iter().filter(|d| d != &u));
            }
        }
    }
}

#[test]
fn core_layers_do_not_import_terminal_crates() {
    let mut checked = 0;
    for (rel, text) in crate_sources() {
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        if !["client", "engine", "fake", "keymap", "config"].contains(&top.as_ref()) {
            continue;
        }
        for banned in ["ratatui", "crossterm", "tui_input", "tui-input"] {
            assert!(
                !text.contains(banned),
                "{} mentions {banned}",
                rel.display()
            );
        }
        checked += 1;
    }
    assert!(checked > 10);
}

/// The fake portal is its own crate (`crates/fake-portal`) below the product: the product
/// names it (behind the default `fake` feature), never the other way round, and it names no
/// terminal crate.
#[test]
fn the_fake_portal_crate_stays_below_the_product() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("crates/fake-portal");
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let deps: Vec<&str> = manifest
        .split("\n[")
        .filter(|section| {
            section.starts_with("dependencies]") || section.starts_with("dev-dependencies]")
        })
        .flat_map(|section| section.lines().skip(1))
        .filter_map(|line| line.split('=').next())
        .map(str::trim)
        .filter(|name| !name.is_empty() && !name.starts_with('#'))
        .collect();
    assert!(
        deps.contains(&"axum"),
        "read the dependency names: {deps:?}"
    );
    for banned in ["agol-tui", "agol_tui", "ratatui", "crossterm", "tui-input"] {
        assert!(
            !deps.contains(&banned),
            "the fake portal depends on {banned}"
        );
    }
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 20, "the fake's sources: {}", files.len());
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        assert!(
            !text.contains("agol_tui::"),
            "{} names the product",
            f.display()
        );
    }
}

#[test]
fn no_file_refers_to_the_shared_folder_outside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listed = std::process::Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root)
        .output()
        .expect("git ls-files");
    let needle = ["..", "/shared"].concat();
    let mut offenders = Vec::new();
    for name in String::from_utf8_lossy(&listed.stdout).split('\0') {
        let path = root.join(name);
        if name.is_empty() || !path.is_file() {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(&path)
            && text.contains(&needle)
        {
            offenders.push(name.to_string());
        }
    }
    assert!(offenders.is_empty(), "files naming {needle}: {offenders:?}");
}
