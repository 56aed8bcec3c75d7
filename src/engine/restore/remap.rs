//! Rewriting references to restored items: old item ids → new ids, old service URLs → new
//! service URLs (layer sub-URLs like `/FeatureServer/3` keep their tail).
//!
//! The rewrite works on the JSON **text**, not on a parsed tree, so everything that is not a
//! reference stays byte for byte as backed up (key order, spacing, numbers). It covers web maps
//! (`operationalLayers`/`tables`/`baseMap` `itemId` and `url`), apps (`values.webmap`,
//! `map.itemId`), dashboards, story maps, forms and JSON resources alike, because a reference is
//! recognised by its shape (a 32-hex id token, or a service URL prefix), wherever it sits.

use std::collections::{BTreeMap, BTreeSet};

/// The id and URL remap table of a restore.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Remap {
    /// Old item id → new item id (lowercase hex).
    pub ids: BTreeMap<String, String>,
    /// Old service URL (no trailing slash) → new service URL.
    pub urls: BTreeMap<String, String>,
}

/// What one rewrite changed and what it left alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rewritten {
    /// The rewritten text.
    pub text: String,
    /// Id tokens replaced.
    pub ids_replaced: usize,
    /// URL prefixes replaced.
    pub urls_replaced: usize,
    /// Id-shaped tokens that are not in the table (references to items not restored).
    pub unknown_ids: BTreeSet<String>,
}

impl Remap {
    /// Adds an id mapping.
    pub fn add_id(&mut self, old: &str, new: &str) {
        self.ids
            .insert(old.to_ascii_lowercase(), new.to_ascii_lowercase());
    }

    /// Adds a service URL mapping (trailing slashes dropped).
    pub fn add_url(&mut self, old: &str, new: &str) {
        let old = old.trim_end_matches('/');
        let new = new.trim_end_matches('/');
        if !old.is_empty() && old != new {
            self.urls.insert(old.to_string(), new.to_string());
        }
    }

    /// Rewrites every known id and service URL in `text`.
    pub fn rewrite(&self, text: &str) -> Rewritten {
        let (after_urls, urls_replaced) = self.rewrite_urls(text);
        let (text, ids_replaced, unknown_ids) = self.rewrite_ids(&after_urls);
        Rewritten {
            text,
            ids_replaced,
            urls_replaced,
            unknown_ids,
        }
    }

    /// Rewrites bytes when they are UTF-8 text; other bytes come back unchanged.
    pub fn rewrite_bytes(&self, bytes: &[u8]) -> Option<Rewritten> {
        std::str::from_utf8(bytes).ok().map(|t| self.rewrite(t))
    }

    /// Replaces service URL prefixes (longest first; case-insensitive scheme/host match is not
    /// attempted: URLs are written back the way the portal gave them). A prefix matches only
    /// when the next character ends the URL path segment (`/`, `?`, `#`, `"`, end, ...), so
    /// `…/Hydrants/FeatureServer` never rewrites `…/Hydrants2/FeatureServer`. JSON's escaped
    /// form (`https:\/\/…`) is handled too.
    fn rewrite_urls(&self, text: &str) -> (String, usize) {
        if self.urls.is_empty() {
            return (text.to_string(), 0);
        }
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (old, new) in &self.urls {
            pairs.push((old.clone(), new.clone()));
            let (eo, en) = (old.replace('/', "\\/"), new.replace('/', "\\/"));
            if eo != *old {
                pairs.push((eo, en));
            }
        }
        pairs.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        let mut out = String::with_capacity(text.len());
        let mut count = 0;
        let mut i = 0;
        let bytes = text.as_bytes();
        'outer: while i < bytes.len() {
            for (old, new) in &pairs {
                if bytes[i..].starts_with(old.as_bytes()) {
                    let next = bytes.get(i + old.len()).copied();
                    let boundary = next.is_none_or(|c| {
                        !(c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.')
                    });
                    if boundary {
                        out.push_str(new);
                        i += old.len();
                        count += 1;
                        continue 'outer;
                    }
                }
            }
            let ch = text[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
        (out, count)
    }

    /// Replaces 32-hex id tokens found in the table; lists the others.
    fn rewrite_ids(&self, text: &str) -> (String, usize, BTreeSet<String>) {
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut unknown = BTreeSet::new();
        let mut count = 0;
        let mut last = 0;
        let mut i = 0;
        while i < bytes.len() {
            if !bytes[i].is_ascii_hexdigit() || (i > 0 && is_word(bytes[i - 1])) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_hexdigit() {
                j += 1;
            }
            let boundary_after = j == bytes.len() || !is_word(bytes[j]);
            if j - i == 32 && boundary_after {
                let token = &text[i..j];
                let key = token.to_ascii_lowercase();
                match self.ids.get(&key) {
                    Some(new) => {
                        out.push_str(&text[last..i]);
                        out.push_str(new);
                        last = j;
                        count += 1;
                    }
                    None if looks_like_item_id(token) => {
                        unknown.insert(key);
                    }
                    None => {}
                }
            }
            i = j.max(i + 1);
        }
        out.push_str(&text[last..]);
        (out, count, unknown)
    }
}

/// Escapes raw control characters inside JSON strings (`\t` → `\\t`, U+0001 → `\\u0001`),
/// which strict portals refuse (CONT_0057) although they once served them. Everything else,
/// whitespace between tokens included, stays as it is. Returns `None` when nothing changed.
pub fn escape_raw_controls(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 8);
    let (mut in_string, mut escaped, mut changed) = (false, false, false);
    for ch in text.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == '"' {
                in_string = false;
            } else if (ch as u32) < 0x20 {
                changed = true;
                match ch {
                    '\t' => out.push_str("\\t"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    c => out.push_str(&format!("\\u{:04x}", c as u32)),
                }
                continue;
            }
        } else if ch == '"' {
            in_string = true;
        }
        out.push(ch);
    }
    changed.then_some(out)
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Item ids are 32 lowercase hex characters; uppercase tokens are hashes or GUID parts.
fn looks_like_item_id(token: &str) -> bool {
    token.len() == 32
        && token
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD_MAP: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const NEW_MAP: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    const OLD_FS: &str = "11111111111111111111111111111111";
    const NEW_FS: &str = "22222222222222222222222222222222";
    const OLD_URL: &str = "https://a.example/arcgis/rest/services/Hydrants/FeatureServer";
    const NEW_URL: &str = "https://b.example/arcgis/rest/services/Hydrants_1/FeatureServer";

    fn table() -> Remap {
        let mut r = Remap::default();
        r.add_id(OLD_MAP, NEW_MAP);
        r.add_id(OLD_FS, NEW_FS);
        r.add_url(OLD_URL, NEW_URL);
        r
    }

    #[test]
    fn web_map_layers_tables_and_basemap_are_rewritten_byte_for_byte_elsewhere() {
        let text = format!(
            r#"{{"operationalLayers":[{{"id":"x","itemId":"{OLD_FS}","url":"{OLD_URL}/3","title":"H"}}],
  "tables":[{{"itemId":"{OLD_FS}", "url":"{OLD_URL}/5"}}],
  "baseMap":{{"baseMapLayers":[{{"itemId":"{OLD_FS}","url":"{OLD_URL}"}}]}}, "n": 1.50}}"#
        );
        let out = table().rewrite(&text);
        let expected = text.replace(OLD_FS, NEW_FS).replace(OLD_URL, NEW_URL);
        assert_eq!(out.text, expected);
        assert_eq!(out.ids_replaced, 3);
        assert_eq!(out.urls_replaced, 3);
        assert!(out.text.contains(&format!("{NEW_URL}/3")));
        assert!(!out.text.contains("a.example"));
    }

    #[test]
    fn apps_dashboards_and_escaped_urls() {
        let text = format!(
            r#"{{"values":{{"webmap":"{OLD_MAP}"}},"map":{{"itemId":"{OLD_MAP}"}},"u":"https:\/\/a.example\/arcgis\/rest\/services\/Hydrants\/FeatureServer\/0","link":"https://x/apps/view?appid={OLD_MAP}&x=1"}}"#
        );
        let out = table().rewrite(&text);
        assert!(!out.text.contains(OLD_MAP), "{}", out.text);
        assert!(
            out.text.contains(r"Hydrants_1\/FeatureServer\/0"),
            "{}",
            out.text
        );
        assert_eq!(out.ids_replaced, 3);
    }

    #[test]
    fn similar_names_and_unknown_ids_stay() {
        let other = "cccccccccccccccccccccccccccccccc";
        let text = format!(
            r#"{{"a":"{OLD_URL}2/0","b":"https://a.example/arcgis/rest/services/Hydrants/FeatureServerX","c":"{other}","d":"x{OLD_MAP}","e":"{OLD_MAP}0","g":"{{3F2504E0-4F89-11D3-9A0C-0305E82C3301}}"}}"#
        );
        let out = table().rewrite(&text);
        assert_eq!(out.text, text);
        assert_eq!(out.ids_replaced + out.urls_replaced, 0);
        assert_eq!(out.unknown_ids.iter().collect::<Vec<_>>(), vec![other]);
    }

    #[test]
    fn raw_control_characters_in_strings_are_escaped_only_there() {
        let text = "{\"a\":\"x\ty\u{1}\",\n\t\"b\":\"q\\\"\\t\"}";
        let fixed = escape_raw_controls(text).unwrap();
        assert_eq!(fixed, "{\"a\":\"x\\ty\\u0001\",\n\t\"b\":\"q\\\"\\t\"}");
        assert!(serde_json::from_str::<serde_json::Value>(&fixed).is_ok());
        assert_eq!(escape_raw_controls("{\"a\": 1}\n"), None);
    }

    #[test]
    fn uppercase_ids_are_matched_and_written_lowercase() {
        let out = table().rewrite(&format!("\"{}\"", OLD_MAP.to_uppercase()));
        assert_eq!(out.text, format!("\"{NEW_MAP}\""));
    }
}
