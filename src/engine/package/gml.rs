//! A small parser for the networkx GML a `.contentexport` carries as `graph.gml`: nodes with an
//! integer `id` and a `label` (the item id), edges from `source` (the dependant) to `target` (its
//! dependency). Unknown keys are skipped; nesting and size are bounded.

use std::collections::BTreeMap;

/// Deepest list nesting accepted.
const MAX_DEPTH: usize = 32;

/// A node of the graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GmlNode {
    /// The GML node id.
    pub id: i64,
    /// The label (an item id in a package); the id as text when absent.
    pub label: String,
}

/// A parsed dependency graph.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Graph {
    /// Whether the graph says `directed 1`.
    pub directed: bool,
    /// Nodes in file order.
    pub nodes: Vec<GmlNode>,
    /// Edges as (source id, target id), in file order.
    pub edges: Vec<(i64, i64)>,
}

impl Graph {
    /// The labels of the nodes `label` points to (its dependencies), sorted and deduplicated.
    /// Edges naming an unknown node id are skipped.
    pub fn dependencies_of(&self, label: &str) -> Vec<String> {
        let by_id: BTreeMap<i64, &str> = self
            .nodes
            .iter()
            .map(|n| (n.id, n.label.as_str()))
            .collect();
        let mut out: Vec<String> = self
            .edges
            .iter()
            .filter(|(s, _)| by_id.get(s) == Some(&label))
            .filter_map(|(_, t)| by_id.get(t).map(|l| l.to_string()))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Edges whose source or target is not a node id.
    pub fn dangling_edges(&self) -> Vec<(i64, i64)> {
        let ids: std::collections::BTreeSet<i64> = self.nodes.iter().map(|n| n.id).collect();
        self.edges
            .iter()
            .filter(|(s, t)| !ids.contains(s) || !ids.contains(t))
            .copied()
            .collect()
    }
}

/// A GML parse error, with the line it happened on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("graph.gml line {line}: {message}")]
pub struct GmlError {
    /// 1-based line number.
    pub line: usize,
    /// What was wrong.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Key(String),
    Int(i64),
    Real,
    Str(String),
    Open,
    Close,
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Int(i64),
    Real,
    Str(String),
    List(Vec<(String, Value)>),
}

fn tokenize(text: &str) -> Result<Vec<(Token, usize)>, GmlError> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut chars = text.chars().peekable();
    let err = |line, message: &str| GmlError {
        line,
        message: message.to_string(),
    };
    while let Some(&c) = chars.peek() {
        match c {
            '\n' => {
                line += 1;
                chars.next();
            }
            c if c.is_whitespace() => {
                chars.next();
            }
            '#' => {
                while chars.peek().is_some_and(|c| *c != '\n') {
                    chars.next();
                }
            }
            '[' => {
                chars.next();
                out.push((Token::Open, line));
            }
            ']' => {
                chars.next();
                out.push((Token::Close, line));
            }
            '"' => {
                chars.next();
                let start = line;
                let mut s = String::new();
                loop {
                    match chars.next() {
                        None => return Err(err(start, "unterminated string")),
                        Some('"') => break,
                        Some(ch) => {
                            if ch == '\n' {
                                line += 1;
                            }
                            s.push(ch);
                        }
                    }
                }
                out.push((Token::Str(unescape(&s)), start));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut s = String::new();
                while let Some(&ch) = chars.peek() {
                    if ch.is_ascii_alphanumeric() || ch == '_' {
                        s.push(ch);
                        chars.next();
                    } else {
                        break;
                    }
                }
                out.push((Token::Key(s), line));
            }
            c if c.is_ascii_digit() || c == '-' || c == '+' || c == '.' => {
                let mut s = String::new();
                while let Some(&ch) = chars.peek() {
                    if ch.is_ascii_alphanumeric() || matches!(ch, '-' | '+' | '.') {
                        s.push(ch);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if let Ok(n) = s.parse::<i64>() {
                    out.push((Token::Int(n), line));
                } else if s.parse::<f64>().is_ok() {
                    out.push((Token::Real, line));
                } else {
                    return Err(err(line, &format!("bad number {s:?}")));
                }
            }
            other => return Err(err(line, &format!("unexpected character {other:?}"))),
        }
    }
    Ok(out)
}

/// Decodes the HTML character references networkx writes (`&#34;`, `&#x26;`, `&amp;`, …).
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let decoded = rest.find(';').filter(|end| *end <= 12).and_then(|end| {
            let body = &rest[1..end];
            let ch = if let Some(hex) = body.strip_prefix("#x").or(body.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
            } else if let Some(dec) = body.strip_prefix('#') {
                dec.parse::<u32>().ok().and_then(char::from_u32)
            } else {
                match body {
                    "amp" => Some('&'),
                    "quot" => Some('"'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "apos" => Some('\''),
                    _ => None,
                }
            };
            ch.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn parse_list(
    tokens: &[(Token, usize)],
    pos: &mut usize,
    depth: usize,
    closed: bool,
) -> Result<Vec<(String, Value)>, GmlError> {
    if depth > MAX_DEPTH {
        let line = tokens.get(*pos).map_or(0, |t| t.1);
        return Err(GmlError {
            line,
            message: format!("nested deeper than {MAX_DEPTH} levels"),
        });
    }
    let mut out = Vec::new();
    loop {
        let Some((tok, line)) = tokens.get(*pos) else {
            if closed {
                let line = tokens.last().map_or(1, |t| t.1);
                return Err(GmlError {
                    line,
                    message: "missing `]`".into(),
                });
            }
            return Ok(out);
        };
        *pos += 1;
        let key = match tok {
            Token::Close if closed => return Ok(out),
            Token::Key(k) => k.clone(),
            other => {
                return Err(GmlError {
                    line: *line,
                    message: format!("expected a key, found {other:?}"),
                });
            }
        };
        let Some((tok, line)) = tokens.get(*pos) else {
            return Err(GmlError {
                line: *line,
                message: format!("key {key:?} has no value"),
            });
        };
        *pos += 1;
        let value = match tok {
            Token::Int(n) => Value::Int(*n),
            Token::Real => Value::Real,
            Token::Str(s) => Value::Str(s.clone()),
            Token::Open => Value::List(parse_list(tokens, pos, depth + 1, true)?),
            other => {
                return Err(GmlError {
                    line: *line,
                    message: format!("key {key:?}: unexpected {other:?}"),
                });
            }
        };
        out.push((key, value));
    }
}

/// Parses networkx GML text into a [`Graph`].
pub fn parse(text: &str) -> Result<Graph, GmlError> {
    let tokens = tokenize(text)?;
    let mut pos = 0;
    let top = parse_list(&tokens, &mut pos, 0, false)?;
    let graph = top
        .into_iter()
        .find_map(|(k, v)| match (k.as_str(), v) {
            ("graph", Value::List(l)) => Some(l),
            _ => None,
        })
        .ok_or(GmlError {
            line: 1,
            message: "no `graph [ … ]` block".into(),
        })?;
    let mut out = Graph::default();
    for (key, value) in graph {
        match (key.as_str(), value) {
            ("directed", Value::Int(n)) => out.directed = n != 0,
            ("node", Value::List(attrs)) => {
                let id = int_attr(&attrs, "id").ok_or(GmlError {
                    line: 0,
                    message: "a node has no integer `id`".into(),
                })?;
                let label = attrs
                    .iter()
                    .find_map(|(k, v)| match (k.as_str(), v) {
                        ("label", Value::Str(s)) => Some(s.clone()),
                        ("label", Value::Int(n)) => Some(n.to_string()),
                        _ => None,
                    })
                    .unwrap_or_else(|| id.to_string());
                out.nodes.push(GmlNode { id, label });
            }
            ("edge", Value::List(attrs)) => {
                let (Some(s), Some(t)) = (int_attr(&attrs, "source"), int_attr(&attrs, "target"))
                else {
                    return Err(GmlError {
                        line: 0,
                        message: "an edge lacks an integer `source` or `target`".into(),
                    });
                };
                out.edges.push((s, t));
            }
            _ => {}
        }
    }
    Ok(out)
}

fn int_attr(attrs: &[(String, Value)], key: &str) -> Option<i64> {
    attrs.iter().find_map(|(k, v)| match v {
        Value::Int(n) if k == key => Some(*n),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"graph [
  directed 1
  node [
    id 0
    label "map1"
  ]
  node [
    id 1
    label "svc&#34;1"
    weight 1.5
    extra [ a 1 ]
  ]
  edge [
    source 0
    target 1
  ]
]
"#;

    #[test]
    fn parses_networkx_output() {
        let g = parse(SAMPLE).unwrap();
        assert!(g.directed);
        assert_eq!(g.nodes.len(), 2);
        assert_eq!(g.nodes[1].label, "svc\"1");
        assert_eq!(g.dependencies_of("map1"), vec!["svc\"1".to_string()]);
        assert!(g.dependencies_of("svc\"1").is_empty());
        assert!(g.dangling_edges().is_empty());
    }

    #[test]
    fn errors_name_the_line() {
        let e = parse("graph [\n node [ id 0 \n").unwrap_err();
        assert!(e.message.contains("missing"), "{e}");
        assert!(parse("graph [ node [ label \"x ] ]").is_err());
        assert!(parse("nothing 1").is_err());
        let deep = "graph [ ".to_string() + &"a [ ".repeat(40) + &"] ".repeat(41);
        assert!(parse(&deep).unwrap_err().message.contains("deeper"));
    }
}
