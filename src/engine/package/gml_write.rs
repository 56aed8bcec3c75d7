//! Writes the dependency graph of a package as networkx-style GML (`graph.gml`): one node per
//! item (`id N`, `label "<item id>"`, `node "node_<item id>_item"`), one edge per dependency, from
//! the dependant (`source`) to its dependency (`target`). [`super::gml::parse`] reads it back.

use std::fmt::Write;

/// Quotes a GML string the way networkx does: `"`, `&` and every non-ASCII or control character
/// become HTML character references (`&#34;`).
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '&' || !(' '..='~').contains(&c) {
            let _ = write!(out, "&#{};", c as u32);
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

/// The GML text of a directed graph whose nodes are `labels` (node id = index) and whose edges
/// are `(source index, target index)` pairs. Edges naming an index past the nodes are dropped.
pub fn write_gml(labels: &[String], edges: &[(usize, usize)]) -> String {
    let mut out = String::from("graph [\n  directed 1\n");
    for (i, label) in labels.iter().enumerate() {
        let _ = write!(
            out,
            "  node [\n    id {i}\n    label {}\n    node {}\n  ]\n",
            quote(label),
            quote(&format!("node_{label}_item"))
        );
    }
    for (s, t) in edges {
        if *s < labels.len() && *t < labels.len() {
            let _ = write!(out, "  edge [\n    source {s}\n    target {t}\n  ]\n");
        }
    }
    out.push_str("]\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::package::gml;

    #[test]
    fn networkx_layout_and_round_trip() {
        let labels = vec!["aaa".to_string(), "bbb".to_string(), "q\"é&".to_string()];
        let text = write_gml(&labels, &[(0, 1), (2, 0), (0, 9)]);
        assert!(text.starts_with(
            "graph [\n  directed 1\n  node [\n    id 0\n    label \"aaa\"\n    node \"node_aaa_item\"\n  ]\n"
        ));
        assert!(text.contains("  edge [\n    source 0\n    target 1\n  ]\n"));
        assert!(text.contains("label \"q&#34;&#233;&#38;\""));
        let g = gml::parse(&text).unwrap();
        assert!(g.directed);
        assert_eq!(g.nodes.len(), 3);
        assert_eq!(g.nodes[2].label, "q\"é&");
        assert_eq!(g.edges, vec![(0, 1), (2, 0)]);
        assert_eq!(g.dependencies_of("aaa"), vec!["bbb".to_string()]);
    }
}
