//! The `[keymap]` table: action name → list of keys, over the built-in defaults. Keys are
//! written like `"j"`, `"G"`, `"space"`, `"enter"`, `"pagedown"`, `"ctrl-r"`, `"alt-x"`,
//! `"shift-tab"`/`"backtab"`, `"f1"`. Terminal-agnostic: the TUI turns its events into [`Key`].

use std::collections::BTreeMap;
use std::fmt;

pub mod action;

use action::Action;

/// A key without modifiers' terminal encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCode {
    /// A printable character (case matters: `G` is shift-g).
    Char(char),
    /// Enter.
    Enter,
    /// Escape.
    Esc,
    /// Tab.
    Tab,
    /// Shift-Tab.
    BackTab,
    /// Backspace.
    Backspace,
    /// Delete.
    Delete,
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Arrow left.
    Left,
    /// Arrow right.
    Right,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Home.
    Home,
    /// End.
    End,
    /// Function key.
    F(u8),
}

/// A key with its modifiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Control held.
    pub ctrl: bool,
    /// Alt held.
    pub alt: bool,
}

impl Key {
    /// A key without modifiers.
    pub fn plain(code: KeyCode) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }

    /// A character key.
    pub fn char(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }

    /// Control + character.
    pub fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    /// Parses the config syntax.
    pub fn parse(text: &str) -> Result<Key, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut shift = false;
        let mut rest = text;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.len() > 1 && (lower.starts_with("ctrl-") || lower.starts_with("ctrl+")) {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.len() > 1 && (lower.starts_with("alt-") || lower.starts_with("alt+")) {
                alt = true;
                rest = &rest[4..];
            } else if rest.len() > 1 && (lower.starts_with("shift-") || lower.starts_with("shift+"))
            {
                shift = true;
                rest = &rest[6..];
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if !c.is_control() => {
                if shift {
                    KeyCode::Char(c.to_ascii_uppercase())
                } else if ctrl {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            _ => match rest.to_ascii_lowercase().as_str() {
                "space" => KeyCode::Char(' '),
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" if shift => KeyCode::BackTab,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" => KeyCode::PageDown,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                f if f.len() >= 2
                    && f.starts_with('f')
                    && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
                {
                    KeyCode::F(f[1..].parse().unwrap_or(1))
                }
                _ => {
                    return Err(format!(
                        "`{text}` is not a key; write a character (\"j\", \"G\", \"/\"), a name (space, enter, esc, tab, backtab, backspace, delete, up, down, left, right, pageup, pagedown, home, end, f1..f12), optionally with ctrl-, alt- or shift-"
                    ));
                }
            },
        };
        Ok(Key { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("S-Tab"),
            KeyCode::Backspace => f.write_str("Bksp"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::F(n) => write!(f, "F{n}"),
        }
    }
}

/// The active key bindings.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    bindings: BTreeMap<Action, Vec<Key>>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = Action::ALL
            .iter()
            .map(|a| {
                let keys = a
                    .default_keys()
                    .iter()
                    .map(|k| Key::parse(k).expect("default keys parse"))
                    .collect();
                (*a, keys)
            })
            .collect();
        Keymap { bindings }
    }
}

impl Keymap {
    /// The defaults overridden by the config's `[keymap]` table; each message names the key
    /// (`keymap.<action>`) and the fix.
    pub fn from_table(table: &BTreeMap<String, toml::Value>) -> Result<Keymap, String> {
        let mut map = Keymap::default();
        for (name, value) in table {
            let action = Action::from_name(name).ok_or_else(|| {
                let known: Vec<&str> = Action::ALL.iter().map(|a| a.name()).collect();
                format!(
                    "key `keymap.{name}` is not an action; use one of: {}",
                    known.join(", ")
                )
            })?;
            let list: Vec<&str> = match value {
                toml::Value::String(s) => vec![s.as_str()],
                toml::Value::Array(a) => a
                    .iter()
                    .map(|v| {
                        v.as_str().ok_or_else(|| {
                            format!("key `keymap.{name}` must list keys as strings, e.g. {name} = [\"j\", \"down\"]")
                        })
                    })
                    .collect::<Result<_, _>>()?,
                _ => {
                    return Err(format!(
                        "key `keymap.{name}` must be a key or a list of keys, e.g. {name} = [\"j\", \"down\"]"
                    ));
                }
            };
            let keys = list
                .iter()
                .map(|k| Key::parse(k).map_err(|e| format!("key `keymap.{name}`: {e}")))
                .collect::<Result<Vec<_>, _>>()?;
            map.bindings.insert(action, keys);
        }
        if map.keys(Action::Quit).is_empty() {
            return Err(
                "key `keymap.quit` is empty: quit must keep at least one key, e.g. quit = [\"q\"]"
                    .into(),
            );
        }
        let mut seen: BTreeMap<Key, Action> = BTreeMap::new();
        for (action, keys) in &map.bindings {
            for k in keys {
                if let Some(other) = seen.insert(*k, *action)
                    && other != *action
                {
                    let (a, b) = if table.contains_key(action.name()) {
                        (*action, other)
                    } else {
                        (other, *action)
                    };
                    return Err(format!(
                        "key `keymap.{}`: `{k}` is also bound to `{}`; give one of them another key (also set keymap.{} to move its default)",
                        a.name(),
                        b.name(),
                        b.name()
                    ));
                }
            }
        }
        Ok(map)
    }

    /// The action bound to a key.
    pub fn action(&self, key: Key) -> Option<Action> {
        self.bindings
            .iter()
            .find(|(_, keys)| keys.contains(&key))
            .map(|(a, _)| *a)
    }

    /// The keys of an action.
    pub fn keys(&self, action: Action) -> &[Key] {
        self.bindings.get(&action).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The keys of an action for display, e.g. `↑/k`.
    pub fn label(&self, action: Action) -> String {
        let keys: Vec<String> = self.keys(action).iter().map(Key::to_string).collect();
        if keys.is_empty() {
            "(unbound)".into()
        } else {
            keys.join("/")
        }
    }

    /// The first key of an action for display, or `-`.
    pub fn first(&self, action: Action) -> String {
        self.keys(action)
            .first()
            .map(Key::to_string)
            .unwrap_or_else(|| "-".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> BTreeMap<String, toml::Value> {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn overrides_and_errors() {
        let m = Keymap::from_table(&table("backup = [\"B\", \"ctrl-b\"]")).unwrap();
        assert_eq!(m.action(Key::char('B')), Some(Action::Backup));
        assert_eq!(m.action(Key::ctrl('b')), Some(Action::Backup));
        assert_eq!(m.action(Key::char('b')), None);
        assert_eq!(m.action(Key::char('j')), Some(Action::Down));
        let e = Keymap::from_table(&table("bakup = [\"b\"]")).unwrap_err();
        assert!(e.contains("keymap.bakup") && e.contains("backup"), "{e}");
        let e = Keymap::from_table(&table("backup = [\"ctrl-\"]")).unwrap_err();
        assert!(e.contains("is not a key"), "{e}");
        let e = Keymap::from_table(&table("backup = [\"j\"]")).unwrap_err();
        assert!(e.contains("also bound to `down`"), "{e}");
        let e = Keymap::from_table(&table("quit = []")).unwrap_err();
        assert!(e.contains("keymap.quit"), "{e}");
        assert_eq!(Key::parse("shift-tab").unwrap().code, KeyCode::BackTab);
        assert_eq!(Key::parse("F5").unwrap().code, KeyCode::F(5));
    }
}
