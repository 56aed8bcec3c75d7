//! Untrusted text (item titles, names, resource names, server messages) made safe for a
//! terminal, and CSV cells made safe for spreadsheets. Every CLI line and TUI string that can
//! hold portal or archive text goes through [`term`].

use std::borrow::Cow;

/// True for characters a terminal would act on rather than show: C0 and C1 controls (ESC, CR,
/// BEL, backspace, CSI …), DEL, and the bidirectional overrides, embeddings and isolates that
/// reorder what is shown (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069).
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every control character (newline and tab too) and bidi control written as a visible
/// `\u{…}` escape, so it prints as one inert line. Borrowed when nothing needed escaping.
pub fn term(s: &str) -> Cow<'_, str> {
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if unsafe_char(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` without the characters [`term`] escapes, for fixed-width places (a TUI cell) where an
/// escape sequence would not fit. Borrowed when nothing needed removing.
pub fn strip(s: &str) -> Cow<'_, str> {
    if !s.chars().any(unsafe_char) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().filter(|c| !unsafe_char(*c)).collect())
}

/// [`term`] line by line: a multi-line message keeps its line breaks, nothing else.
pub fn term_block(s: &str) -> String {
    s.split('\n').map(term).collect::<Vec<_>>().join("\n")
}

/// `"s"` with [`term`] applied, for naming a thing inside a message.
pub fn quoted(s: &str) -> String {
    format!("\"{}\"", term(s))
}

/// A CSV cell a spreadsheet will not run as a formula: a cell starting with `=`, `+`, `-`, `@`,
/// tab or carriage return gets a leading `'`.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// `println!` with [`term_block`] applied to the formatted text.
#[macro_export]
macro_rules! safe_println {
    ($($t:tt)*) => { println!("{}", $crate::safe_text::term_block(&format!($($t)*))) };
}

/// `eprintln!` with [`term_block`] applied to the formatted text.
#[macro_export]
macro_rules! safe_eprintln {
    ($($t:tt)*) => { eprintln!("{}", $crate::safe_text::term_block(&format!($($t)*))) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi_and_keeps_text() {
        assert_eq!(term("Hydrants"), "Hydrants");
        assert_eq!(term("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(
            term("x\u{202E}y\r\n\u{9b}"),
            "x\\u{202e}y\\u{d}\\u{a}\\u{9b}"
        );
        assert_eq!(term("Straße 東京"), "Straße 東京");
        assert_eq!(term_block("a\u{7}\nb"), "a\\u{7}\nb");
        assert!(!term("\u{1b}]0;pwn\u{7}").contains('\u{1b}'));
    }

    #[test]
    fn formula_cells_are_prefixed() {
        for s in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(csv_cell(s), format!("'{s}"));
        }
        assert_eq!(csv_cell("Hydrants"), "Hydrants");
        assert_eq!(csv_cell(""), "");
    }
}
