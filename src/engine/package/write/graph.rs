//! The dependency edges of a package: an item depends on every other item of the package whose
//! id appears in its JSON (`data.json`, JSON resources, a view's `sources.json`) or whose service
//! URL it names (web maps → feature services by layer URL, views → their source service).
//!
//! Only the references are kept per item (id tokens and URLs), never the JSON itself, so memory
//! stays small for any number of items.

use std::collections::{BTreeSet, HashMap};

use crate::engine::restore::plan::service_root;
use crate::engine::restore::rewrite::Rewriter;

/// What the graph needs to know of one item.
#[derive(Debug, Clone, Default)]
pub struct ItemRefs {
    /// The item id (lowercase).
    pub id: String,
    /// Its service URL without a layer id, when it has one (comparable form, see [`comparable`]).
    pub service_url: Option<String>,
    /// Id-shaped tokens in its JSON (lowercase).
    pub ids: BTreeSet<String>,
    /// URLs in its JSON (comparable form).
    pub urls: BTreeSet<String>,
}

impl ItemRefs {
    /// References of item `id` with service URL `url`; add JSON texts with [`ItemRefs::scan`].
    pub fn new(id: &str, url: Option<&str>) -> ItemRefs {
        ItemRefs {
            id: id.to_ascii_lowercase(),
            service_url: url.map(service_root).and_then(|u| comparable(&u)),
            ..ItemRefs::default()
        }
    }

    /// Records the references of one JSON text (not UTF-8: nothing).
    pub fn scan(&mut self, bytes: &[u8]) {
        let Some(found) = Rewriter::default().rewrite_bytes(bytes) else {
            return;
        };
        self.ids.extend(found.unknown_ids);
        self.urls.extend(urls_in(&found.text));
    }
}

/// A URL made comparable: lowercase, no scheme, no query, no trailing slash (`//host/path`).
pub fn comparable(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase().replace("\\/", "/");
    let rest = lower
        .strip_prefix("https:")
        .or_else(|| lower.strip_prefix("http:"))?;
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let rest = rest.trim_end_matches('/');
    (rest.starts_with("//") && rest.len() > 2).then(|| rest.to_string())
}

/// Every http(s) URL in `text` (plain or JSON-escaped), in comparable form.
fn urls_in(text: &str) -> BTreeSet<String> {
    let lower = text.to_ascii_lowercase();
    let mut out = BTreeSet::new();
    for (at, _) in lower.match_indices("http") {
        let tail = &lower[at..];
        let end = tail
            .find(|c: char| c == '"' || c == '\'' || c.is_whitespace() || matches!(c, '<' | '>'))
            .unwrap_or(tail.len());
        if let Some(url) = comparable(&tail[..end]) {
            out.insert(url);
        }
    }
    out
}

/// True when `url` is the service `root` or one of its layers.
fn under(url: &str, root: &str) -> bool {
    url == root || url.strip_prefix(root).is_some_and(|r| r.starts_with('/'))
}

/// For each item (by index), the indices of the items it depends on, sorted, without itself.
pub fn dependencies(items: &[ItemRefs]) -> Vec<Vec<usize>> {
    let by_id: HashMap<&str, usize> = items
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    items
        .iter()
        .enumerate()
        .map(|(me, item)| {
            let mut deps: BTreeSet<usize> = item
                .ids
                .iter()
                .filter_map(|id| by_id.get(id.as_str()).copied())
                .collect();
            for (j, other) in items.iter().enumerate() {
                if let Some(root) = &other.service_url
                    && item.service_url.as_ref() != Some(root)
                    && item.urls.iter().any(|u| under(u, root))
                {
                    deps.insert(j);
                }
            }
            deps.remove(&me);
            deps.into_iter().collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, url: Option<&str>, text: &str) -> ItemRefs {
        let mut r = ItemRefs::new(id, url);
        r.scan(text.as_bytes());
        r
    }

    #[test]
    fn ids_and_urls_make_edges_inside_the_package_only() {
        let svc = "a".repeat(32);
        let view = "b".repeat(32);
        let map = "c".repeat(32);
        let app = "d".repeat(32);
        let other = "e".repeat(32);
        let items = vec![
            item(
                &svc,
                Some("https://s.example/arcgis/rest/services/Hyd/FeatureServer"),
                "",
            ),
            item(
                &view,
                Some("https://s.example/arcgis/rest/services/Hyd_view/FeatureServer/"),
                r#"{"services":[{"url":"https:\/\/s.example\/arcgis\/rest\/services\/Hyd\/FeatureServer"}]}"#,
            ),
            item(
                &map,
                None,
                r#"{"operationalLayers":[{"url":"HTTP://S.example/arcgis/rest/services/Hyd_view/FeatureServer/0?x=1"}]}"#,
            ),
            item(
                &app,
                None,
                &format!(r#"{{"values":{{"webmap":"{map}","x":"{other}"}}}}"#),
            ),
        ];
        let deps = dependencies(&items);
        assert_eq!(deps, vec![vec![], vec![0], vec![1], vec![2]]);
    }
}
