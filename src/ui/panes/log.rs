//! The log pane: live tracing events, newest at the bottom, scrollable, filtered by level.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::block;
use crate::app::log::Level;
use crate::app::state::{Pane, State};
use crate::ui::{format, style};

/// Draws the log.
pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let focused = state.focus == Pane::Log;
    let log = &state.log;
    let mut title = format!(" Log · {} and above ", log.level.name());
    if log.scroll > 0 {
        title.push_str(&format!("· ↑{} ", log.scroll));
    }
    let b = block(title, focused);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let h = inner.height as usize;
    let w = inner.width as usize;
    let mut lines: Vec<Line> = log
        .visible()
        .rev()
        .skip(log.scroll)
        .take(h)
        .map(|l| {
            let st = match l.level {
                Level::Error => style::error(),
                Level::Warn => Style::new().fg(ratatui::style::Color::Yellow),
                Level::Info => Style::new(),
                Level::Debug => style::dim(),
            };
            let head = format!("{} {:<5} ", l.time, l.level.name());
            let msg = format::fit(&l.message, w.saturating_sub(head.len()));
            Line::from(vec![
                Span::styled(head, style::dim()),
                Span::styled(msg, st),
            ])
        })
        .collect();
    lines.reverse();
    frame.render_widget(Paragraph::new(lines), inner);
}
