//! A small JSON scanner that finds every string literal of a JSON text (keys and values) with
//! its byte range, decoded value and JSON pointer, so a rewrite can replace single strings and
//! leave every other byte as it was. Raw control characters inside strings (which some portals
//! once stored) are accepted; nesting deeper than [`MAX_DEPTH`] is refused.

/// Deepest nesting the scanner follows (deeper texts are treated as plain text).
pub const MAX_DEPTH: usize = 256;

/// One string literal of a JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonString {
    /// Byte offset of the opening quote.
    pub start: usize,
    /// Byte offset just after the closing quote.
    pub end: usize,
    /// The decoded value.
    pub value: String,
    /// JSON pointer of the value (of the member, for a key).
    pub pointer: String,
    /// True when the literal is an object key.
    pub is_key: bool,
}

/// Every string literal of `text` in order, or `None` when `text` is not one JSON value.
pub fn strings(text: &str) -> Option<Vec<JsonString>> {
    let mut s = Scanner {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        path: Vec::new(),
        out: Vec::new(),
    };
    s.value(0)?;
    s.ws();
    (s.pos == s.bytes.len()).then_some(s.out)
}

/// Escapes one JSON pointer segment (`~` → `~0`, `/` → `~1`).
pub fn pointer_segment(seg: &str) -> String {
    seg.replace('~', "~0").replace('/', "~1")
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    path: Vec<String>,
    out: Vec<JsonString>,
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.pos += 1;
        }
    }

    fn pointer(&self) -> String {
        self.path
            .iter()
            .map(|p| format!("/{}", pointer_segment(p)))
            .collect()
    }

    fn value(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match *self.bytes.get(self.pos)? {
            b'{' => {
                self.pos += 1;
                self.ws();
                if self.bytes.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                    return Some(());
                }
                loop {
                    self.ws();
                    let start = self.pos;
                    let key = self.string()?;
                    self.path.push(key.clone());
                    let pointer = self.pointer();
                    self.out.push(JsonString {
                        start,
                        end: self.pos,
                        value: key,
                        pointer,
                        is_key: true,
                    });
                    self.ws();
                    if self.bytes.get(self.pos) != Some(&b':') {
                        return None;
                    }
                    self.pos += 1;
                    self.value(depth + 1)?;
                    self.path.pop();
                    self.ws();
                    match self.bytes.get(self.pos)? {
                        b',' => self.pos += 1,
                        b'}' => {
                            self.pos += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                }
            }
            b'[' => {
                self.pos += 1;
                self.ws();
                if self.bytes.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                    return Some(());
                }
                let mut index = 0usize;
                loop {
                    self.path.push(index.to_string());
                    self.value(depth + 1)?;
                    self.path.pop();
                    self.ws();
                    match self.bytes.get(self.pos)? {
                        b',' => self.pos += 1,
                        b']' => {
                            self.pos += 1;
                            return Some(());
                        }
                        _ => return None,
                    }
                    index += 1;
                }
            }
            b'"' => {
                let start = self.pos;
                let value = self.string()?;
                let pointer = self.pointer();
                self.out.push(JsonString {
                    start,
                    end: self.pos,
                    value,
                    pointer,
                    is_key: false,
                });
                Some(())
            }
            _ => {
                let start = self.pos;
                while self
                    .bytes
                    .get(self.pos)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.'))
                {
                    self.pos += 1;
                }
                let lit = &self.text[start..self.pos];
                let ok = matches!(lit, "true" | "false" | "null")
                    || (!lit.is_empty() && lit.parse::<f64>().is_ok());
                ok.then_some(())
            }
        }
    }

    /// A string literal at `pos` (which is a quote); leaves `pos` after the closing quote.
    fn string(&mut self) -> Option<String> {
        if self.bytes.get(self.pos) != Some(&b'"') {
            return None;
        }
        self.pos += 1;
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            let b = *self.bytes.get(self.pos)?;
            match b {
                b'"' => {
                    out.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    return Some(out);
                }
                b'\\' => {
                    out.push_str(&self.text[run..self.pos]);
                    let e = *self.bytes.get(self.pos + 1)?;
                    self.pos += 2;
                    match e {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                if self.bytes.get(self.pos) == Some(&b'\\')
                                    && self.bytes.get(self.pos + 1) == Some(&b'u')
                                {
                                    self.pos += 2;
                                    let lo = self.hex4()?;
                                    if !(0xDC00..0xE000).contains(&lo) {
                                        return None;
                                    }
                                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?
                                } else {
                                    '\u{FFFD}'
                                }
                            } else {
                                char::from_u32(hi).unwrap_or('\u{FFFD}')
                            };
                            out.push(c);
                        }
                        _ => return None,
                    }
                    run = self.pos;
                }
                _ => self.pos += 1,
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.text.get(self.pos..self.pos + 4)?;
        let v = u32::from_str_radix(h, 16).ok()?;
        self.pos += 4;
        Some(v)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_keys_and_escapes() {
        let t = r#"{"a":[1,"x\/y",{"b~/c":"\u00e9\ud83d\ude00"}], "n": null}"#;
        let s = strings(t).unwrap();
        let got: Vec<(&str, &str, bool)> = s
            .iter()
            .map(|j| (j.pointer.as_str(), j.value.as_str(), j.is_key))
            .collect();
        assert_eq!(
            got,
            vec![
                ("/a", "a", true),
                ("/a/1", "x/y", false),
                ("/a/2/b~0~1c", "b~/c", true),
                ("/a/2/b~0~1c", "é😀", false),
                ("/n", "n", true),
            ]
        );
        assert_eq!(&t[s[1].start..s[1].end], r#""x\/y""#);
    }

    #[test]
    fn raw_controls_are_read_and_broken_json_is_refused() {
        assert_eq!(strings("\"a\tb\"").unwrap()[0].value, "a\tb");
        for bad in ["{\"a\" 1}", "[1,]", "{\"a\":tru}", "\"abc", "1 2", ""] {
            assert!(strings(bad).is_none(), "{bad}");
        }
        let deep = "[".repeat(MAX_DEPTH + 2) + &"]".repeat(MAX_DEPTH + 2);
        assert!(strings(&deep).is_none());
    }

    #[test]
    fn raw_control_characters_in_strings_are_escaped_only_there() {
        let text = "{\"a\":\"x\ty\u{1}\",\n\t\"b\":\"q\\\"\\t\"}";
        let fixed = escape_raw_controls(text).unwrap();
        assert_eq!(fixed, "{\"a\":\"x\\ty\\u0001\",\n\t\"b\":\"q\\\"\\t\"}");
        assert!(serde_json::from_str::<serde_json::Value>(&fixed).is_ok());
        assert_eq!(escape_raw_controls("{\"a\": 1}\n"), None);
    }
}
