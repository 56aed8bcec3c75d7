//! The dependency edges of a package: an item depends on every other item of the package whose
//! id appears in its JSON (`data.json`, JSON resources, a view's `sources.json`) or whose service
//! URL it names (web maps → feature services by layer URL, views → their source service).

use crate::engine::restore::plan::service_root;
use crate::engine::restore::remap::Remap;

/// What the graph needs to know of one item.
#[derive(Debug, Clone, Default)]
pub struct ItemRefs {
    /// The item id (lowercase).
    pub id: String,
    /// Its service URL without a layer id, when it has one.
    pub service_url: Option<String>,
    /// JSON texts that may reference other items.
    pub texts: Vec<Vec<u8>>,
}

/// A URL made comparable: lowercase, no scheme, no trailing slash (`//host/path`).
fn comparable(url: &str) -> Option<String> {
    let root = service_root(url).to_ascii_lowercase();
    let rest = root
        .strip_prefix("https:")
        .or_else(|| root.strip_prefix("http:"))?;
    let rest = rest.trim_end_matches('/');
    (rest.starts_with("//") && rest.len() > 2).then(|| rest.to_string())
}

/// True when `text` (lowercase) names `url` (comparable form) followed by a path boundary, in
/// plain or JSON-escaped (`\/`) form.
fn names_url(text: &str, url: &str) -> bool {
    let escaped = url.replace('/', "\\/");
    [url, escaped.as_str()].iter().any(|needle| {
        text.match_indices(needle).any(|(at, _)| {
            text.as_bytes()
                .get(at + needle.len())
                .is_none_or(|c| !(c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.')))
        })
    })
}

/// For each item (by index), the indices of the items it depends on, sorted, without itself.
pub fn dependencies(items: &[ItemRefs]) -> Vec<Vec<usize>> {
    let urls: Vec<Option<String>> = items
        .iter()
        .map(|i| i.service_url.as_deref().and_then(comparable))
        .collect();
    let remap = Remap::default();
    items
        .iter()
        .enumerate()
        .map(|(me, item)| {
            let mut deps = std::collections::BTreeSet::new();
            for bytes in &item.texts {
                let Some(found) = remap.rewrite_bytes(bytes) else {
                    continue;
                };
                for id in &found.unknown_ids {
                    if let Some(j) = items.iter().position(|o| o.id == *id) {
                        deps.insert(j);
                    }
                }
                let lower = found.text.to_ascii_lowercase();
                for (j, url) in urls.iter().enumerate() {
                    if let Some(url) = url
                        && urls[me].as_ref() != Some(url)
                        && names_url(&lower, url)
                    {
                        deps.insert(j);
                    }
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
        ItemRefs {
            id: id.into(),
            service_url: url.map(str::to_string),
            texts: if text.is_empty() {
                vec![]
            } else {
                vec![text.as_bytes().to_vec()]
            },
        }
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
                Some("https://s.example/arcgis/rest/services/Hyd_view/FeatureServer"),
                r#"{"services":[{"url":"https:\/\/s.example\/arcgis\/rest\/services\/Hyd\/FeatureServer"}]}"#,
            ),
            item(
                &map,
                None,
                r#"{"operationalLayers":[{"url":"HTTP://S.example/arcgis/rest/services/Hyd_view/FeatureServer/0"}]}"#,
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
