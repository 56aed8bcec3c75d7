//! design.md §1: client/, engine/ and fake/ never import terminal crates.

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn core_layers_do_not_import_terminal_crates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut checked = 0;
    for layer in ["client", "engine", "fake"] {
        let mut files = Vec::new();
        rust_files(&root.join(layer), &mut files);
        assert!(!files.is_empty(), "{layer} has sources");
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            for banned in ["ratatui", "crossterm", "tui_input", "tui-input"] {
                assert!(!text.contains(banned), "{} mentions {banned}", f.display());
            }
            checked += 1;
        }
    }
    assert!(checked > 10);
}
