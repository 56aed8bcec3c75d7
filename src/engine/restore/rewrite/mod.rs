//! The one reference rewrite of a restore: every string of item data, JSON resources, the item
//! `url`, `properties` and the text fields goes through the same pass, whatever the item type:
//!
//! 1. old service URLs → new ones (layer sub-URLs such as `/FeatureServer/3` keep their tail),
//! 2. the source portal's roots → the target's (`https://org.maps.arcgis.com`, `www.arcgis.com`
//!    when the snapshot was taken through it, Enterprise web adaptor paths such as
//!    `https://host/portal`; `http`, `https` and `//` forms),
//! 3. old item ids → new ids anywhere in a string (`?id=`, `/stories/<id>`, `#<id>`, `appId`,
//!    `itemId`, `webmap`, `portalItem`, …).
//!
//! URL and root forms are also matched percent-encoded (`https%3A%2F%2F…`). A JSON text is
//! walked string by string ([`scan`]); only strings that change are re-encoded, so every other
//! byte stays as backed up, and the JSON pointer of each rewritten string is recorded. What
//! still names the source org afterwards (an item of the snapshot that is not restored, a source
//! host or service URL with no counterpart) is reported in [`Rewritten::unmapped`].

pub mod scan;
#[cfg(test)]
mod tests;

pub use scan::escape_raw_controls;

use std::collections::{BTreeMap, BTreeSet};

/// The rewrite table of a restore.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rewriter {
    /// Old item id → new item id (lowercase hex).
    pub ids: BTreeMap<String, String>,
    /// Old service URL (no trailing slash) → new service URL.
    pub urls: BTreeMap<String, String>,
    /// Old portal root without scheme (`host[:port][/path]`, lowercase) → new root URL.
    pub hosts: BTreeMap<String, String>,
    /// Ids of the snapshot's items: one left in a string is a reference to the source org.
    source_ids: BTreeSet<String>,
    /// Scheme-less, lowercase prefixes that name the source org (roots, hosted service bases).
    source_marks: BTreeSet<String>,
}

/// What one rewrite changed and what it could not map.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rewritten {
    /// The rewritten text.
    pub text: String,
    /// JSON pointers of the strings rewritten (`""` for a plain text; keys end in ` (key)`).
    pub paths: Vec<String>,
    /// Id-shaped tokens left as they are (not in the table).
    pub unknown_ids: BTreeSet<String>,
    /// Old ids found and mapped.
    pub mapped_ids: BTreeSet<String>,
    /// References to the source org left as they are, each as `pointer: what`.
    pub unmapped: Vec<String>,
}

impl Rewritten {
    /// True when the text differs from the input.
    pub fn changed(&self, input: &str) -> bool {
        self.text != input
    }
}

/// One string after the pass.
struct StrOut {
    text: String,
    hits: usize,
    unknown: BTreeSet<String>,
    mapped: BTreeSet<String>,
    unmapped: Vec<String>,
}

impl Rewriter {
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

    /// Maps the source portal root `old` (a URL) to the target root `new`; nothing when they
    /// name the same place. The old root also becomes a mark of the source org.
    pub fn add_host(&mut self, old: &str, new: &str) {
        let (Some(o), Some(n)) = (schemeless(old), schemeless(new)) else {
            return;
        };
        if o != n {
            self.hosts
                .insert(o.clone(), new.trim_end_matches('/').to_string());
            self.source_marks.insert(o);
        }
    }

    /// Records an item id of the snapshot (for the report of references left unmapped).
    pub fn add_source_item(&mut self, id: &str) {
        self.source_ids.insert(id.to_ascii_lowercase());
    }

    /// Records a URL prefix that names the source org (e.g. its hosted services base).
    pub fn add_source_mark(&mut self, url: &str) {
        if let Some(m) = schemeless(url) {
            self.source_marks.insert(m);
        }
    }

    /// The new URL of the service `url` (or of one of its layers), when that service is mapped.
    pub fn map_service_url(&self, url: &str) -> Option<String> {
        let (text, hits) = replace_prefixes(url, &self.url_pairs());
        (hits > 0).then_some(text)
    }

    /// Rewrites `text`: string by string when it is JSON, as one plain string otherwise.
    pub fn rewrite(&self, text: &str) -> Rewritten {
        match scan::strings(text) {
            Some(strings) => self.rewrite_json(text, &strings),
            None => self.rewrite_text(text, ""),
        }
    }

    /// Rewrites bytes when they are UTF-8 text.
    pub fn rewrite_bytes(&self, bytes: &[u8]) -> Option<Rewritten> {
        std::str::from_utf8(bytes).ok().map(|t| self.rewrite(t))
    }

    /// Rewrites one plain string; `path` names it in the result.
    pub fn rewrite_text(&self, text: &str, path: &str) -> Rewritten {
        let out = self.rewrite_str(text);
        Rewritten {
            paths: if out.hits > 0 {
                vec![path.to_string()]
            } else {
                Vec::new()
            },
            unmapped: out
                .unmapped
                .into_iter()
                .map(|u| format!("{path}: {u}"))
                .collect(),
            text: out.text,
            unknown_ids: out.unknown,
            mapped_ids: out.mapped,
        }
    }

    fn rewrite_json(&self, text: &str, strings: &[scan::JsonString]) -> Rewritten {
        let mut result = Rewritten::default();
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for s in strings {
            let r = self.rewrite_str(&s.value);
            let label = if s.is_key {
                format!("{} (key)", s.pointer)
            } else {
                s.pointer.clone()
            };
            result.unknown_ids.extend(r.unknown);
            result.mapped_ids.extend(r.mapped);
            result
                .unmapped
                .extend(r.unmapped.into_iter().map(|u| format!("{label}: {u}")));
            if r.hits > 0 {
                result.paths.push(label);
            }
            if r.text != s.value {
                out.push_str(&text[last..s.start]);
                out.push_str(&serde_json::to_string(&r.text).unwrap_or_default());
                last = s.end;
            }
        }
        out.push_str(&text[last..]);
        result.text = out;
        result
    }

    fn url_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        for (old, new) in &self.urls {
            pairs.push((old.clone(), new.clone()));
            pairs.push((percent(old), percent(new)));
        }
        pairs.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        pairs
    }

    fn host_pairs(&self) -> Vec<(String, String)> {
        let mut pairs = Vec::new();
        for (old, new) in &self.hosts {
            let new_rel = schemeless(new).unwrap_or_default();
            for scheme in ["https://", "http://"] {
                let o = format!("{scheme}{old}");
                pairs.push((percent(&o), percent(new)));
                pairs.push((o, new.clone()));
            }
            pairs.push((format!("//{old}"), format!("//{new_rel}")));
            pairs.push((
                percent(&format!("//{old}")),
                percent(&format!("//{new_rel}")),
            ));
        }
        pairs.sort_by_key(|p| std::cmp::Reverse(p.0.len()));
        pairs
    }

    fn rewrite_str(&self, s: &str) -> StrOut {
        let (after_urls, url_hits) = replace_prefixes(s, &self.url_pairs());
        let (after_hosts, host_hits) = replace_prefixes(&after_urls, &self.host_pairs());
        let (text, mapped, unknown) = self.rewrite_ids(&after_hosts);
        let id_hits = mapped.len();
        let mut unmapped = Vec::new();
        for id in &unknown {
            if self.source_ids.contains(id) {
                unmapped.push(format!(
                    "item {id} of the source org is not in this restore"
                ));
            }
        }
        let lower = text.to_ascii_lowercase();
        for mark in &self.source_marks {
            for form in [format!("//{mark}"), percent(&format!("//{mark}"))] {
                let form = form.to_ascii_lowercase();
                if let Some(at) = find_bounded(&lower, &form) {
                    unmapped.push(format!(
                        "still names the source org: {}",
                        excerpt(&text, at.saturating_sub(8))
                    ));
                    break;
                }
            }
        }
        StrOut {
            text,
            hits: url_hits + host_hits + id_hits,
            unknown,
            mapped,
            unmapped,
        }
    }

    /// Replaces 32-hex id tokens found in the table; returns the old ids replaced and the
    /// item-id-shaped others.
    fn rewrite_ids(&self, text: &str) -> (String, BTreeSet<String>, BTreeSet<String>) {
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut unknown = BTreeSet::new();
        let mut mapped = BTreeSet::new();
        let (mut last, mut i) = (0, 0);
        while i < bytes.len() {
            // A percent escape (`%3D` of `?id%3D<id>`) ends before the id that follows it.
            if i > 0
                && bytes[i - 1] == b'%'
                && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes[i].is_ascii_hexdigit()
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit)
            {
                i += 2;
            } else if !bytes[i].is_ascii_hexdigit() || (i > 0 && is_word(bytes[i - 1])) {
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
                        mapped.insert(key);
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
        (out, mapped, unknown)
    }
}

/// `https://Host:1/path/` → `host:1/path` (host lowercased, no trailing slash).
fn schemeless(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let rest = rest.trim_start_matches('/').trim_end_matches('/');
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty() {
        return None;
    }
    let host = host.to_ascii_lowercase();
    Some(if path.is_empty() {
        host
    } else {
        format!("{host}/{path}")
    })
}

/// The percent-encoded form of a URL prefix (`:` and `/` encoded, as in a query value).
fn percent(s: &str) -> String {
    s.replace(':', "%3A").replace('/', "%2F")
}

/// A byte that continues a host name, port or path segment (so a prefix does not end there).
fn continues(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b':')
}

/// The first occurrence of `needle` in `hay` that ends at a segment boundary.
fn find_bounded(hay: &str, needle: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = hay[from..].find(needle) {
        let at = from + at;
        let next = hay.as_bytes().get(at + needle.len()).copied();
        if next.is_none_or(|c| !continues(c)) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Replaces the prefixes of `pairs` (longest first, ASCII case-insensitive) where they end at
/// a segment boundary, so `…/Hydrants/FeatureServer` never rewrites `…/Hydrants2/FeatureServer`
/// and `host:1234` never rewrites `host:12345`.
fn replace_prefixes(text: &str, pairs: &[(String, String)]) -> (String, usize) {
    if pairs.is_empty() {
        return (text.to_string(), 0);
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut count, mut last, mut i) = (0, 0, 0);
    'outer: while i < bytes.len() {
        for (old, new) in pairs {
            let end = i + old.len();
            if end <= bytes.len()
                && bytes[i..end].eq_ignore_ascii_case(old.as_bytes())
                && bytes.get(end).is_none_or(|c| !continues(*c))
            {
                out.push_str(&text[last..i]);
                out.push_str(new);
                i = end;
                last = end;
                count += 1;
                continue 'outer;
            }
        }
        i += 1;
    }
    out.push_str(&text[last..]);
    (out, count)
}

/// At most 120 characters of `text` from byte `from` (on a character boundary).
fn excerpt(text: &str, from: usize) -> String {
    let mut start = from.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    text[start..].chars().take(120).collect()
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
