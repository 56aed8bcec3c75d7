//! The content tree pane. Only the rows that fit are built, so a folder of 10,000 items costs
//! the same to draw as one of ten.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::block;
use crate::app::state::{Pane, State};
use crate::engine::tree::{Children, NodeKind, Row};
use crate::ui::{format, style};

/// Draws the tree.
pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let focused = state.focus == Pane::Tree;
    let tree = &state.tree;
    let mut title = vec![Span::raw(" Content ")];
    let marked = tree.marked_count();
    if marked > 0 {
        title.push(Span::styled(
            format!("· {marked} marked, {} ", format::size(tree.marked_size())),
            style::marked(),
        ));
    }
    let f = tree.filter();
    if !f.is_empty() {
        let mut parts = Vec::new();
        if !f.text.is_empty() {
            parts.push(format!("\"{}\"", f.text));
        }
        if !f.types.is_empty() {
            parts.push(f.types.iter().cloned().collect::<Vec<_>>().join(", "));
        }
        title.push(Span::styled(
            format!("· filter {} ", parts.join(" + ")),
            style::key(),
        ));
    }
    let b = block(Line::from(title), focused);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    let rows = tree.rows();
    let h = inner.height as usize;
    if focused {
        state.page.set(h.saturating_sub(1).max(1));
    }
    let off = state.tree_cursor.visible_offset(h, rows.len());
    let end = (off + h).min(rows.len());
    let lines: Vec<Line> = rows[off..end]
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let is_cursor = off + i == state.tree_cursor.index;
            row_line(state, *row, inner.width as usize, is_cursor, focused)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

fn row_line(
    state: &State,
    row: Row,
    width: usize,
    is_cursor: bool,
    focused: bool,
) -> Line<'static> {
    let tree = &state.tree;
    let node = tree.node(row.node);
    let indent = "  ".repeat(row.depth as usize);
    let (icon, mark, right, mut st) = match &node.kind {
        NodeKind::Item(info) => {
            let mark = if node.marked { "●" } else { "○" };
            let w = width.saturating_sub(indent.len() + 4);
            let right = if w >= 60 {
                format!(
                    " {} {:>9} {}",
                    format::fit(&info.item_type, 20),
                    format::size(info.size),
                    format::date(info.modified)
                )
            } else if w >= 40 {
                format!(
                    " {} {:>9}",
                    format::fit(&info.item_type, 16),
                    format::size(info.size)
                )
            } else {
                String::new()
            };
            let st = if node.marked {
                style::marked()
            } else {
                Style::new()
            };
            (" ", mark, right, st)
        }
        _ => {
            let icon = match (&node.children, node.expanded) {
                (Children::Loading { .. }, _) => "…",
                (Children::Failed(_), _) => "!",
                (_, true) => "▾",
                (_, false) => "▸",
            };
            let (m, total) = tree.mark_counts(row.node);
            let pending = tree.mark_pending(row.node);
            let mark = if pending || (m > 0 && m == total) {
                "●"
            } else if m > 0 {
                "◐"
            } else {
                " "
            };
            let right = match &node.children {
                Children::Loading { .. } => " loading…".to_string(),
                Children::Failed(e) => format!(" failed: {e}"),
                Children::Loaded(_) if m > 0 => format!(" {m}/{total} marked"),
                Children::Loaded(k) if matches!(node.kind, NodeKind::Folder { .. }) => {
                    format!(" {} items", k.len())
                }
                _ => String::new(),
            };
            let st = if m > 0 || pending {
                style::marked()
            } else {
                Style::new().add_modifier(ratatui::style::Modifier::BOLD)
            };
            (icon, mark, right, st)
        }
    };
    let prefix = format!("{indent}{icon}{mark} ");
    let right_w = unicode_width::UnicodeWidthStr::width(right.as_str());
    let label_w = width.saturating_sub(prefix.chars().count() + right_w);
    let label = format::fit(node.label(), label_w);
    if is_cursor {
        st = style::cursor(focused);
    }
    let right_style = if is_cursor {
        st
    } else if matches!(node.children, Children::Failed(_)) {
        style::error()
    } else {
        style::dim()
    };
    Line::from(vec![
        Span::styled(prefix, st),
        Span::styled(label, st),
        Span::styled(right, right_style),
    ])
}
