//! The bottom line: a notice when there is one, otherwise the main keys from the active keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::state::State;
use crate::keymap::action::Action;
use crate::ui::style;

/// The actions in the bar, most needed first (the rest are in the help popup).
const BAR: &[Action] = &[
    Action::Help,
    Action::Quit,
    Action::ToggleMark,
    Action::Backup,
    Action::FilterText,
    Action::FocusNext,
    Action::CancelJob,
    Action::Scan,
    Action::Restore,
    Action::Verify,
];

/// Draws the help bar.
pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    if let Some(n) = &state.notice {
        frame.render_widget(
            Paragraph::new(Line::styled(format!(" {n}"), style::key())),
            area,
        );
        return;
    }
    frame.render_widget(Paragraph::new(help_line(state, area.width as usize)), area);
}

/// The key hints that fit in `width` columns.
pub fn help_line(state: &State, width: usize) -> Line<'static> {
    let mut spans = Vec::new();
    let mut used = 0;
    for a in BAR {
        let key = state.keymap.first(*a);
        let desc = short(*a);
        let w = key.chars().count() + desc.len() + 3;
        if used + w > width {
            break;
        }
        used += w;
        spans.push(Span::raw(" "));
        spans.push(Span::styled(key, style::key()));
        spans.push(Span::styled(format!(" {desc} "), style::dim()));
    }
    Line::from(spans)
}

fn short(a: Action) -> &'static str {
    match a {
        Action::ToggleMark => "mark",
        Action::Backup => "backup",
        Action::FilterText => "filter",
        Action::FocusNext => "pane",
        Action::Help => "help",
        Action::Quit => "quit",
        Action::Scan => "scan",
        Action::Restore => "restore",
        Action::Verify => "verify",
        Action::CancelJob => "cancel",
        other => other.describe(),
    }
}
