//! The top line: org, who is signed in, where.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::state::State;
use crate::ui::{format, style};

/// Draws the title bar.
pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let text = match &state.session {
        Some(s) => format!(
            " agol-tui · {} · {} ({}) · {}",
            s.org_name, s.username, s.role, s.portal
        ),
        None => " agol-tui".to_string(),
    };
    frame.render_widget(
        Paragraph::new(Line::raw(format::fit(&text, area.width as usize)))
            .style(style::title_bar()),
        area,
    );
}
