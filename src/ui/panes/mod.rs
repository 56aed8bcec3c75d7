//! One module per pane.

pub mod jobs;
pub mod log;
pub mod selection;
pub mod signin;
pub mod tree;

use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Borders};

use super::style;

/// A pane's frame, highlighted when focused.
pub fn block<'a>(title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
    Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Plain)
        .border_style(if focused {
            style::focused_border()
        } else {
            style::border()
        })
        .title(title)
}
