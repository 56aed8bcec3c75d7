//! Safe names for archive paths: nothing a title holds can escape or break the layout.

/// The longest a name part may be, in bytes.
pub const MAX_NAME_BYTES: usize = 80;

const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Makes one path component safe: no separators, no control characters, no `.`/`..`, no
/// Windows reserved names, at most [`MAX_NAME_BYTES`] bytes; unicode letters are kept.
pub fn safe_name(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut last_space = false;
    for c in raw.chars() {
        let c = match c {
            '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|' => '_',
            c if c.is_control() => ' ',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        if c == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        out.push(c);
    }
    let trimmed = out.trim_matches(|c: char| c == ' ' || c == '.');
    let mut name = if trimmed.is_empty() {
        "_".to_string()
    } else {
        trimmed.to_string()
    };
    let stem = name
        .split('.')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_uppercase();
    if RESERVED.contains(&stem.as_str()) {
        name.insert(0, '_');
    }
    truncate_bytes(&name, MAX_NAME_BYTES)
}

fn truncate_bytes(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].trim_end_matches([' ', '.']).to_string()
}

/// The archive path of an item inside a snapshot: `items/<owner>/<folder>/<title>__<id>.zip`.
pub fn item_archive_path(owner: &str, folder: Option<&str>, title: &str, id: &str) -> String {
    format!(
        "items/{}/{}/{}__{}.zip",
        safe_name(owner),
        folder.map(safe_name).unwrap_or_else(|| "_root".to_string()),
        safe_name(title),
        safe_name(id)
    )
}

/// Makes a relative path from the portal (e.g. a resource name `images/logo.png`) safe to use as
/// a zip entry under a prefix: each component made safe, never absolute, never `..`.
pub fn safe_entry_path(raw: &str) -> String {
    let parts: Vec<String> = raw
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .map(safe_name)
        .collect();
    if parts.is_empty() {
        "_".to_string()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_titles_become_safe_and_distinct() {
        let id_a = "a".repeat(32);
        let id_b = "b".repeat(32);
        let cases = [
            "../../etc/passwd",
            "CON",
            "con.txt",
            "a/b\\c",
            "..",
            ".",
            "",
            "tab\there\nnewline\u{7}bell",
            "   spaced   out   ",
            "Zählerstände – 水道メーター 💧",
        ];
        for title in cases {
            let p = item_archive_path("owner", Some("fold/er"), title, &id_a);
            let parts: Vec<&str> = p.split('/').collect();
            assert_eq!(parts.len(), 4, "{title:?} -> {p}");
            assert!(
                parts
                    .iter()
                    .all(|c| !c.is_empty() && *c != ".." && *c != "."),
                "{p}"
            );
            assert!(!p.contains('\\') && !p.chars().any(char::is_control), "{p}");
            assert!(p.ends_with(&format!("__{id_a}.zip")));
        }
        assert_eq!(safe_name("CON"), "_CON");
        assert_eq!(safe_name("con.txt"), "_con.txt");
        assert_eq!(
            safe_name("Zählerstände – 水道メーター 💧"),
            "Zählerstände – 水道メーター 💧"
        );
        let long = "é".repeat(300);
        let cut = safe_name(&long);
        assert!(cut.len() <= MAX_NAME_BYTES && cut.chars().all(|c| c == 'é'));
        assert_ne!(
            item_archive_path("o", None, "Same", &id_a),
            item_archive_path("o", None, "Same", &id_b)
        );
        assert_eq!(
            item_archive_path("o", None, "t", &id_a),
            format!("items/o/_root/t__{id_a}.zip")
        );
    }

    #[test]
    fn entry_paths_never_escape() {
        assert_eq!(safe_entry_path("images/logo.png"), "images/logo.png");
        assert_eq!(safe_entry_path("../../x/../y"), "x/y");
        assert_eq!(safe_entry_path("/abs/path"), "abs/path");
        assert_eq!(safe_entry_path(".."), "_");
        assert_eq!(safe_entry_path("a\\b"), "a/b");
    }
}
