//! A small SQL-92 `where` subset: comparisons, `[NOT] IN`, `[NOT] LIKE`, `[NOT] BETWEEN`,
//! `IS [NOT] NULL`, `AND`/`OR`/`NOT`, `UPPER()`/`LOWER()`, `DATE '…'`/`TIMESTAMP '…'` literals.
//!
//! Field names are resolved case-insensitively against the layer's fields when parsing, so an
//! unknown field is a parse error (as on a real server). Literal-only comparisons such as `1=1`
//! are allowed.

use serde_json::{Map, Value};
use std::cmp::Ordering;

use super::model::Layer;

/// A parsed where clause.
#[derive(Clone, Debug)]
pub(crate) enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Cmp(Operand, CmpOp, Operand),
    In(Operand, Vec<Operand>, bool),
    Like(Operand, String, bool),
    IsNull(Operand, bool),
}

/// A value in an expression: a field or a literal.
#[derive(Clone, Debug)]
pub(crate) enum Operand {
    Field(String),
    Num(f64),
    Str(String),
    /// `UPPER(field)` (true) or `LOWER(field)` (false).
    Case(String, bool),
}

/// Comparison operators.
#[derive(Clone, Copy, Debug)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Num(f64),
    Str(String),
    Op(&'static str),
    LParen,
    RParen,
    Comma,
}

fn lex(s: &str) -> Result<Vec<Tok>, String> {
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '(' {
            out.push(Tok::LParen);
            i += 1;
        } else if ch == ')' {
            out.push(Tok::RParen);
            i += 1;
        } else if ch == ',' {
            out.push(Tok::Comma);
            i += 1;
        } else if ch == '\'' {
            let mut v = String::new();
            i += 1;
            loop {
                match c.get(i) {
                    None => return Err("unterminated string literal".into()),
                    Some('\'') if c.get(i + 1) == Some(&'\'') => {
                        v.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(x) => {
                        v.push(*x);
                        i += 1;
                    }
                }
            }
            out.push(Tok::Str(v));
        } else if ch.is_ascii_digit() || ch == '.' || (ch == '-' && starts_number(&c, i, &out)) {
            let start = i;
            i += 1;
            while i < c.len() && (c[i].is_ascii_digit() || c[i] == '.') {
                i += 1;
            }
            let text: String = c[start..i].iter().collect();
            out.push(Tok::Num(
                text.parse().map_err(|_| format!("bad number {text}"))?,
            ));
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(c[start..i].iter().collect()));
        } else {
            let two: String = c[i..(i + 2).min(c.len())].iter().collect();
            let op = match two.as_str() {
                "<>" => Some("<>"),
                "!=" => Some("<>"),
                ">=" => Some(">="),
                "<=" => Some("<="),
                _ => None,
            };
            if let Some(op) = op {
                out.push(Tok::Op(op));
                i += 2;
            } else {
                let op = match ch {
                    '=' => "=",
                    '>' => ">",
                    '<' => "<",
                    _ => return Err(format!("unexpected character '{ch}'")),
                };
                out.push(Tok::Op(op));
                i += 1;
            }
        }
    }
    Ok(out)
}

/// A '-' starts a number when the previous token cannot end an operand.
fn starts_number(c: &[char], i: usize, out: &[Tok]) -> bool {
    c.get(i + 1).is_some_and(|d| d.is_ascii_digit())
        && !matches!(
            out.last(),
            Some(Tok::Ident(_) | Tok::Num(_) | Tok::Str(_) | Tok::RParen)
        )
}

struct Parser<'a> {
    toks: Vec<Tok>,
    pos: usize,
    layer: &'a Layer,
}

impl Parser<'_> {
    fn peek_kw(&self, kw: &str) -> bool {
        matches!(self.toks.get(self.pos), Some(Tok::Ident(s)) if s.eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        let hit = self.peek_kw(kw);
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut left = self.and()?;
        while self.eat_kw("OR") {
            left = Expr::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        while self.eat_kw("AND") {
            left = Expr::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat_kw("NOT") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.toks.get(self.pos) == Some(&Tok::LParen) {
            self.pos += 1;
            let e = self.or()?;
            if self.next() != Some(Tok::RParen) {
                return Err("missing ')'".into());
            }
            return Ok(e);
        }
        self.predicate()
    }

    fn field_name(&self, name: &str) -> Result<String, String> {
        match self.layer.field(name) {
            Some(f) => Ok(f.name.clone()),
            None => Err(format!("Invalid field: {name}")),
        }
    }

    fn operand(&mut self) -> Result<Operand, String> {
        match self.next() {
            Some(Tok::Num(n)) => Ok(Operand::Num(n)),
            Some(Tok::Str(s)) => Ok(Operand::Str(s)),
            Some(Tok::Ident(kw))
                if (kw.eq_ignore_ascii_case("DATE") || kw.eq_ignore_ascii_case("TIMESTAMP"))
                    && matches!(self.toks.get(self.pos), Some(Tok::Str(_))) =>
            {
                let Some(Tok::Str(text)) = self.next() else {
                    unreachable!()
                };
                date_literal(&text).map(|ms| Operand::Num(ms as f64))
            }
            Some(Tok::Ident(func))
                if (func.eq_ignore_ascii_case("UPPER") || func.eq_ignore_ascii_case("LOWER"))
                    && self.toks.get(self.pos) == Some(&Tok::LParen) =>
            {
                self.pos += 1;
                let Some(Tok::Ident(name)) = self.next() else {
                    return Err(format!("{func}() takes a field name"));
                };
                let field = self.field_name(&name)?;
                if self.next() != Some(Tok::RParen) {
                    return Err(format!("missing ')' after {func}("));
                }
                Ok(Operand::Case(field, func.eq_ignore_ascii_case("UPPER")))
            }
            Some(Tok::Ident(name)) => self.field_name(&name).map(Operand::Field),
            other => Err(format!("expected a value, found {other:?}")),
        }
    }

    fn predicate(&mut self) -> Result<Expr, String> {
        let left = self.operand()?;
        if self.eat_kw("IS") {
            let negated = self.eat_kw("NOT");
            if !self.eat_kw("NULL") {
                return Err("expected NULL".into());
            }
            return Ok(Expr::IsNull(left, negated));
        }
        let negated = self.eat_kw("NOT");
        if self.eat_kw("BETWEEN") {
            let low = self.operand()?;
            if !self.eat_kw("AND") {
                return Err("BETWEEN needs AND".into());
            }
            let high = self.operand()?;
            let e = Expr::And(
                Box::new(Expr::Cmp(left.clone(), CmpOp::Ge, low)),
                Box::new(Expr::Cmp(left, CmpOp::Le, high)),
            );
            return Ok(if negated { Expr::Not(Box::new(e)) } else { e });
        }
        if self.eat_kw("IN") {
            if self.next() != Some(Tok::LParen) {
                return Err("expected '(' after IN".into());
            }
            let mut list = vec![self.operand()?];
            loop {
                match self.next() {
                    Some(Tok::Comma) => list.push(self.operand()?),
                    Some(Tok::RParen) => break,
                    _ => return Err("expected ',' or ')' in IN list".into()),
                }
            }
            return Ok(Expr::In(left, list, negated));
        }
        if self.eat_kw("LIKE") {
            return match self.next() {
                Some(Tok::Str(p)) => Ok(Expr::Like(left, p, negated)),
                _ => Err("LIKE needs a string pattern".into()),
            };
        }
        if negated {
            return Err("NOT must precede IN or LIKE here".into());
        }
        let op = match self.next() {
            Some(Tok::Op("=")) => CmpOp::Eq,
            Some(Tok::Op("<>")) => CmpOp::Ne,
            Some(Tok::Op(">")) => CmpOp::Gt,
            Some(Tok::Op("<")) => CmpOp::Lt,
            Some(Tok::Op(">=")) => CmpOp::Ge,
            Some(Tok::Op("<=")) => CmpOp::Le,
            other => return Err(format!("expected a comparison operator, found {other:?}")),
        };
        Ok(Expr::Cmp(left, op, self.operand()?))
    }
}

/// Parses `where` for `layer`; an empty clause means every row.
pub(crate) fn parse(clause: &str, layer: &Layer) -> Result<Option<Expr>, String> {
    if clause.trim().is_empty() {
        return Ok(None);
    }
    let mut p = Parser {
        toks: lex(clause)?,
        pos: 0,
        layer,
    };
    let e = p.or()?;
    if p.pos < p.toks.len() {
        return Err(format!("unexpected token {:?}", p.toks[p.pos]));
    }
    Ok(Some(e))
}

fn value<'a>(op: &'a Operand, attrs: &'a Map<String, Value>) -> Value {
    match op {
        Operand::Field(f) => attrs.get(f).cloned().unwrap_or(Value::Null),
        Operand::Num(n) => serde_json::json!(n),
        Operand::Str(s) => Value::String(s.clone()),
        Operand::Case(f, upper) => match attrs.get(f) {
            Some(Value::String(s)) if *upper => Value::String(s.to_uppercase()),
            Some(Value::String(s)) => Value::String(s.to_lowercase()),
            other => other.cloned().unwrap_or(Value::Null),
        },
    }
}

/// `DATE 'yyyy-mm-dd'` or `TIMESTAMP 'yyyy-mm-dd hh:mi:ss'` (UTC) as epoch milliseconds.
fn date_literal(text: &str) -> Result<i64, String> {
    use chrono::{NaiveDate, NaiveDateTime};
    let t = text.trim();
    let parsed = NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f")
        .or_else(|_| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S"))
        .or_else(|_| {
            NaiveDate::parse_from_str(t, "%Y-%m-%d").map(|d| d.and_time(Default::default()))
        })
        .map_err(|_| format!("invalid date literal '{t}'"))?;
    Ok(parsed.and_utc().timestamp_millis())
}

fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Number(x), Value::String(y)) | (Value::String(y), Value::Number(x)) => {
            let y: f64 = y.trim().parse().ok()?;
            let o = x.as_f64()?.partial_cmp(&y)?;
            Some(if matches!(a, Value::Number(_)) {
                o
            } else {
                o.reverse()
            })
        }
        _ => None,
    }
}

fn like(text: &str, pattern: &str) -> bool {
    fn go(t: &[char], p: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some('%') => (0..=t.len()).any(|k| go(&t[k..], &p[1..])),
            Some('_') => !t.is_empty() && go(&t[1..], &p[1..]),
            Some(c) => t.first() == Some(c) && go(&t[1..], &p[1..]),
        }
    }
    let t: Vec<char> = text.chars().collect();
    let p: Vec<char> = pattern.chars().collect();
    go(&t, &p)
}

/// Evaluates `expr` on one row's attributes (SQL semantics: NULL compares false).
pub(crate) fn eval(expr: &Expr, attrs: &Map<String, Value>) -> bool {
    match expr {
        Expr::And(a, b) => eval(a, attrs) && eval(b, attrs),
        Expr::Or(a, b) => eval(a, attrs) || eval(b, attrs),
        Expr::Not(a) => !eval(a, attrs),
        Expr::Cmp(l, op, r) => {
            let Some(o) = compare(&value(l, attrs), &value(r, attrs)) else {
                return false;
            };
            match op {
                CmpOp::Eq => o == Ordering::Equal,
                CmpOp::Ne => o != Ordering::Equal,
                CmpOp::Gt => o == Ordering::Greater,
                CmpOp::Lt => o == Ordering::Less,
                CmpOp::Ge => o != Ordering::Less,
                CmpOp::Le => o != Ordering::Greater,
            }
        }
        Expr::In(l, list, negated) => {
            let v = value(l, attrs);
            if v.is_null() {
                return false;
            }
            let hit = list
                .iter()
                .any(|x| compare(&v, &value(x, attrs)) == Some(Ordering::Equal));
            hit != *negated
        }
        Expr::Like(l, pattern, negated) => match value(l, attrs) {
            Value::String(s) => like(&s, pattern) != *negated,
            _ => false,
        },
        Expr::IsNull(l, negated) => value(l, attrs).is_null() != *negated,
    }
}
