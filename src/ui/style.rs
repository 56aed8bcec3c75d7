//! Colours and styles: the 16 ANSI colours only (fine on 256-colour terminals over SSH, no
//! truecolor, no Nerd Font).

use ratatui::style::{Color, Modifier, Style};

/// Pane border when focused.
pub fn focused_border() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

/// Pane border otherwise.
pub fn border() -> Style {
    Style::new().fg(Color::DarkGray)
}

/// The cursor row.
pub fn cursor(focused: bool) -> Style {
    if focused {
        Style::new().bg(Color::Blue).fg(Color::White)
    } else {
        Style::new().add_modifier(Modifier::REVERSED)
    }
}

/// Marked items.
pub fn marked() -> Style {
    Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD)
}

/// Secondary text.
pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

/// Errors and failures.
pub fn error() -> Style {
    Style::new().fg(Color::Red)
}

/// Success.
pub fn ok() -> Style {
    Style::new().fg(Color::Green)
}

/// Keys in help texts.
pub fn key() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}

/// Title bar.
pub fn title_bar() -> Style {
    Style::new().bg(Color::Blue).fg(Color::White)
}
