//! Popups: help (generated from the active keymap), confirmations, filters, messages.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::app::state::{Popup, State};
use crate::keymap::action::Action;
use crate::ui::panes::block;
use crate::ui::{format, style};

/// Draws a popup over the screen.
pub fn render(state: &State, popup: &Popup, frame: &mut Frame, area: Rect) {
    match popup {
        Popup::Help => help(state, frame, area),
        Popup::ConfirmBackup {
            items,
            bytes,
            format,
        } => super::backup_dialog::render(state, *items, *bytes, *format, frame, area),
        Popup::ConfirmQuit { running } => {
            let lines = vec![
                Line::raw(format!(
                    "{running} job(s) still running. Quit and cancel them?"
                )),
                Line::styled(
                    "Finished items are kept; a backup resumes on the next run.",
                    style::dim(),
                ),
                Line::raw(""),
                keys_line(&[("y/q", "quit"), ("Esc/n", "stay")]),
            ];
            boxed(frame, area, " Quit? ", lines, 64);
        }
        Popup::FilterText(input) => {
            let lines = vec![
                Line::from(vec![
                    Span::styled("/", style::key()),
                    Span::styled(format!("{}█", input.value()), style::marked()),
                ]),
                Line::raw(""),
                keys_line(&[("Enter", "keep"), ("Esc", "clear")]),
            ];
            boxed(frame, area, " Filter by title, type or id ", lines, 50);
        }
        Popup::FilterType {
            types,
            chosen,
            cursor,
        } => {
            let h = (area.height as usize).saturating_sub(8).max(3);
            let off = cursor.saturating_sub(h - 1);
            let mut lines: Vec<Line> = types
                .iter()
                .enumerate()
                .skip(off)
                .take(h)
                .map(|(i, t)| {
                    let mark = if chosen.contains(t) { "●" } else { "○" };
                    let st = if i == *cursor {
                        style::cursor(true)
                    } else if chosen.contains(t) {
                        style::marked()
                    } else {
                        ratatui::style::Style::new()
                    };
                    Line::styled(format!("{mark} {t}"), st)
                })
                .collect();
            lines.push(Line::raw(""));
            lines.push(keys_line(&[
                ("Space", "choose"),
                ("u", "none"),
                ("Enter", "apply"),
                ("Esc", "cancel"),
            ]));
            boxed(frame, area, " Filter by type ", lines, 50);
        }
        Popup::Restore(dialog) => super::restore_dialog::render(state, dialog, frame, area),
        Popup::Message { title, text } => {
            let lines = vec![
                Line::raw(text.clone()),
                Line::raw(""),
                keys_line(&[("any key", "close")]),
            ];
            boxed(frame, area, &format!(" {title} "), lines, 60);
        }
    }
}

/// A line of key hints.
pub(crate) fn keys_line(keys: &[(&str, &str)]) -> Line<'static> {
    let mut spans = Vec::new();
    for (k, d) in keys {
        spans.push(Span::styled(k.to_string(), style::key()));
        spans.push(Span::styled(format!(" {d}   "), style::dim()));
    }
    Line::from(spans)
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    let [_, mid, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(h),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [_, r, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(w),
        Constraint::Fill(1),
    ])
    .areas(mid);
    r
}

/// Lines in a bordered box centred in `area`, as tall as they wrap to.
pub(crate) fn boxed(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line<'static>>,
    width: u16,
) {
    let inner_w = width.saturating_sub(2).max(1) as usize;
    let height: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(inner_w).max(1))
        .sum::<usize>()
        + 2;
    let r = centered(area, width, height as u16);
    frame.render_widget(Clear, r);
    let b = block(title.to_string(), true);
    let inner = b.inner(r);
    frame.render_widget(b, r);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
}

fn help(state: &State, frame: &mut Frame, area: Rect) {
    let km = &state.keymap;
    let entries: Vec<(String, &str)> = Action::ALL
        .iter()
        .map(|a| (km.label(*a), a.describe()))
        .collect();
    let key_w = entries
        .iter()
        .map(|(k, _)| k.chars().count())
        .max()
        .unwrap_or(4)
        .min(16);
    let cell_w = key_w + 2 + 26;
    let cols = if area.width as usize >= cell_w * 2 + 4 {
        2
    } else {
        1
    };
    let rows = entries.len().div_ceil(cols);
    let mut lines = Vec::new();
    for r in 0..rows {
        let mut spans = Vec::new();
        for c in 0..cols {
            if let Some((k, d)) = entries.get(c * rows + r) {
                spans.push(Span::styled(format::fit(k, key_w), style::key()));
                spans.push(Span::raw(format!("  {}", format::fit(d, 26))));
            }
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "Keys come from the [keymap] table of the config (see config.example.toml). Any key closes.",
        style::dim(),
    ));
    let w = (cell_w * cols + 2) as u16;
    boxed(frame, area, " Help · keys ", lines, w.max(40));
}
