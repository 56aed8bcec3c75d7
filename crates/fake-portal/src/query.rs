//! The search `q` language: `field:value`, `field:"quoted"`, `field:[a TO b]`, AND/OR/NOT,
//! parentheses, implicit AND, bare words.

/// The value side of a term.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text; `quoted` when written in double quotes.
    Text { text: String, quoted: bool },
    /// Inclusive numeric range; `None` = open (`*`).
    Range(Option<i64>, Option<i64>),
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Matches everything (empty query or `*`).
    All,
    /// One term; `field` is lower-cased, `None` for a bare word.
    Term {
        field: Option<String>,
        value: Value,
    },
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
}

/// Something search can match terms against.
pub trait Doc {
    /// Whether this document matches one term.
    fn matches(&self, field: Option<&str>, value: &Value) -> bool;
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    And,
    Or,
    Not,
    Term(Option<String>, Value),
}

fn parse_range(s: &str) -> Value {
    let inner = s.trim_matches(|c| matches!(c, '[' | ']' | '{' | '}'));
    let mut parts = inner.split_whitespace();
    let a = parts.next().unwrap_or("*");
    let _to = parts.next();
    let b = parts.next().unwrap_or("*");
    let num = |x: &str| x.trim().parse::<i64>().ok();
    Value::Range(num(a), num(b))
}

fn lex(q: &str) -> Vec<Tok> {
    let chars: Vec<char> = q.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '(' || c == ')' {
            out.push(if c == '(' { Tok::Open } else { Tok::Close });
            i += 1;
            continue;
        }
        if c == '-' && i + 1 < chars.len() && !chars[i + 1].is_whitespace() {
            out.push(Tok::Not);
            i += 1;
            continue;
        }
        if c == '"' {
            let end = chars[i + 1..]
                .iter()
                .position(|&x| x == '"')
                .map_or(chars.len(), |p| i + 1 + p);
            let text: String = chars[i + 1..end].iter().collect();
            out.push(Tok::Term(None, Value::Text { text, quoted: true }));
            i = end + 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && !chars[i].is_whitespace()
            && chars[i] != '('
            && chars[i] != ')'
            && chars[i] != ':'
        {
            i += 1;
        }
        let word: String = chars[start..i].iter().collect();
        if i < chars.len() && chars[i] == ':' {
            i += 1;
            let field = Some(word.to_ascii_lowercase());
            if i < chars.len() && chars[i] == '"' {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&x| x == '"')
                    .map_or(chars.len(), |p| i + 1 + p);
                let text: String = chars[i + 1..end].iter().collect();
                out.push(Tok::Term(field, Value::Text { text, quoted: true }));
                i = end + 1;
            } else if i < chars.len() && (chars[i] == '[' || chars[i] == '{') {
                let end = chars[i..]
                    .iter()
                    .position(|&x| x == ']' || x == '}')
                    .map_or(chars.len(), |p| i + p);
                let raw: String = chars[i..end.min(chars.len())].iter().collect();
                out.push(Tok::Term(field, parse_range(&raw)));
                i = end + 1;
            } else {
                let vs = i;
                while i < chars.len() && !chars[i].is_whitespace() && chars[i] != ')' {
                    i += 1;
                }
                let text: String = chars[vs..i].iter().collect();
                out.push(Tok::Term(
                    field,
                    Value::Text {
                        text,
                        quoted: false,
                    },
                ));
            }
            continue;
        }
        out.push(match word.as_str() {
            "AND" | "&&" => Tok::And,
            "OR" | "||" => Tok::Or,
            "NOT" => Tok::Not,
            _ => Tok::Term(
                None,
                Value::Text {
                    text: word,
                    quoted: false,
                },
            ),
        });
    }
    out
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn or(&mut self) -> Expr {
        let mut left = self.and();
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            let right = self.and();
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        left
    }
    fn and(&mut self) -> Expr {
        let mut left = self.unary();
        loop {
            match self.peek() {
                None | Some(Tok::Or) | Some(Tok::Close) => return left,
                Some(Tok::And) => self.pos += 1,
                _ => {}
            }
            if matches!(self.peek(), None | Some(Tok::Close) | Some(Tok::Or)) {
                return left;
            }
            let right = self.unary();
            left = Expr::And(Box::new(left), Box::new(right));
        }
    }
    fn unary(&mut self) -> Expr {
        if self.peek() == Some(&Tok::Not) {
            self.pos += 1;
            return Expr::Not(Box::new(self.unary()));
        }
        self.primary()
    }
    fn primary(&mut self) -> Expr {
        match self.toks.get(self.pos).cloned() {
            Some(Tok::Open) => {
                self.pos += 1;
                let e = self.or();
                if self.peek() == Some(&Tok::Close) {
                    self.pos += 1;
                }
                e
            }
            Some(Tok::Term(None, Value::Text { text, .. })) if text == "*" => {
                self.pos += 1;
                Expr::All
            }
            Some(Tok::Term(field, value)) => {
                self.pos += 1;
                Expr::Term { field, value }
            }
            Some(_) => {
                self.pos += 1;
                Expr::All
            }
            None => Expr::All,
        }
    }
}

/// Parse a `q` string (lenient: never fails).
pub fn parse(q: &str) -> Expr {
    let toks = lex(q);
    if toks.is_empty() {
        return Expr::All;
    }
    let mut p = Parser { toks, pos: 0 };
    let mut e = p.or();
    while p.pos < p.toks.len() {
        p.pos += 1;
        let more = p.or();
        e = Expr::And(Box::new(e), Box::new(more));
    }
    e
}

/// Evaluate `e` against `doc`.
pub fn eval(e: &Expr, doc: &dyn Doc) -> bool {
    match e {
        Expr::All => true,
        Expr::Term { field, value } => doc.matches(field.as_deref(), value),
        Expr::And(a, b) => eval(a, doc) && eval(b, doc),
        Expr::Or(a, b) => eval(a, doc) || eval(b, doc),
        Expr::Not(a) => !eval(a, doc),
    }
}

/// Helpers for `Doc` implementations.
pub mod m {
    use super::Value;

    /// The text of a value (empty for ranges).
    pub fn text(v: &Value) -> String {
        match v {
            Value::Text { text, .. } => text.clone(),
            Value::Range(..) => String::new(),
        }
    }

    /// Exact, case-insensitive.
    pub fn eq(hay: &str, v: &Value) -> bool {
        hay.eq_ignore_ascii_case(&text(v))
    }

    /// Every word of the value occurs in `hay` (case-insensitive); `*` suffix allowed.
    pub fn contains(hay: &str, v: &Value) -> bool {
        let hay = hay.to_lowercase();
        let t = text(v).to_lowercase();
        t.split_whitespace()
            .all(|w| hay.contains(w.trim_end_matches('*')))
    }

    /// Numeric range check.
    pub fn in_range(x: i64, v: &Value) -> bool {
        match v {
            Value::Range(a, b) => a.is_none_or(|a| x >= a) && b.is_none_or(|b| x <= b),
            Value::Text { text, .. } => text.trim().parse::<i64>().is_ok_and(|n| n == x),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fields_ranges_and_booleans() {
        let e = parse(
            r#"owner:jdoe AND (type:"Web Map" OR type:CSV) NOT tags:old created:[0000001249084800000 TO 1249548000000]"#,
        );
        let s = format!("{e:?}");
        assert!(
            s.contains("Range(Some(1249084800000), Some(1249548000000))"),
            "{s}"
        );
        assert!(s.contains("Not"), "{s}");
        assert_eq!(parse(""), Expr::All);
    }
}
