//! The view: `render(&State, &mut Frame)`. Reads state and draws; never changes what the app
//! knows (the only view state is each list's scroll offset) and never starts work.

pub mod format;
pub mod layout;
pub mod panes;
pub mod style;
pub mod widgets;

use ratatui::Frame;

use crate::app::state::{Screen, State};

/// Draws the whole screen.
pub fn render(state: &State, frame: &mut Frame) {
    let area = frame.area();
    match &state.screen {
        Screen::SignIn(form) => panes::signin::render(form, frame, area),
        Screen::Main => {
            let l = layout::compute(state, area);
            widgets::title_bar::render(state, frame, l.title);
            panes::tree::render(state, frame, l.tree);
            if let Some(sel) = l.selection {
                panes::selection::render(state, frame, sel);
            }
            panes::jobs::render(state, frame, l.jobs);
            if let Some(log) = l.log {
                panes::log::render(state, frame, log);
            }
            widgets::help_bar::render(state, frame, l.status);
            if let Some(p) = &state.popup {
                widgets::popup::render(state, p, frame, area);
            }
        }
    }
    inert_cells(frame.buffer_mut());
}

/// Removes what a terminal would act on (ESC, other controls, bidi overrides) from every cell
/// drawn: titles, names and server messages are untrusted and reach the screen only this way.
pub fn inert_cells(buffer: &mut ratatui::buffer::Buffer) {
    for cell in buffer.content.iter_mut() {
        if let std::borrow::Cow::Owned(clean) = crate::safe_text::strip(cell.symbol()) {
            cell.set_symbol(if clean.is_empty() { " " } else { &clean });
        }
    }
}
