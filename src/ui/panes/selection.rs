//! The selection pane: the marked items with their count and total size.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::block;
use crate::app::state::{Pane, State};
use crate::keymap::action::Action;
use crate::ui::{format, style};

/// Draws the selection.
pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let focused = state.focus == Pane::Selection;
    let tree = &state.tree;
    let marked = tree.marked();
    let title = format!(
        " Selection · {} items, {} ",
        marked.len(),
        format::size(tree.marked_size())
    );
    let b = block(title, focused);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if marked.is_empty() {
        let hint = Line::from(vec![
            Span::styled("Nothing marked. ", style::dim()),
            Span::styled(state.keymap.first(Action::ToggleMark), style::key()),
            Span::styled(" marks an item, folder or user.", style::dim()),
        ]);
        frame.render_widget(Paragraph::new(hint), inner);
        return;
    }
    let h = inner.height as usize;
    let off = state.selection_cursor.visible_offset(h, marked.len());
    let w = inner.width as usize;
    let lines: Vec<Line> = marked
        .iter()
        .enumerate()
        .skip(off)
        .take(h)
        .filter_map(|(i, n)| {
            let info = tree.node(*n).item()?;
            let right = format!(" {:>9}", format::size(info.size));
            let owner = format!(" {}", info.owner);
            let lw = w.saturating_sub(right.len() + owner.len() + 2);
            let st = if i == state.selection_cursor.index && focused {
                style::cursor(true)
            } else {
                style::marked()
            };
            Some(Line::from(vec![
                Span::styled(format!("● {}", format::fit(&info.title, lw)), st),
                Span::styled(owner, style::dim()),
                Span::styled(right, style::dim()),
            ]))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
