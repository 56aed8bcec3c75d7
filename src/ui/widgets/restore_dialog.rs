//! The restore dialog: the snapshot list, then items, target and options. View only.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::popup::{boxed, keys_line};
use crate::app::restore::{RestoreDialog, RestoreField, RestoreStep, SnapshotInfo};
use crate::app::state::State;
use crate::engine::restore::plan::OnConflict;
use crate::ui::{format, style};

/// Dialog width (fits 80 columns).
const WIDTH: u16 = 70;

/// Draws the dialog for its current step.
pub fn render(state: &State, dialog: &RestoreDialog, frame: &mut Frame, area: Rect) {
    let dest = state.settings.destination.display().to_string();
    let lines = match dialog.step {
        RestoreStep::Loading => vec![
            Line::raw(format!("Reading the snapshots in {dest} …")),
            Line::raw(""),
            keys_line(&[("Esc/n", "cancel")]),
        ],
        RestoreStep::Snapshot => snapshot_step(dialog, &dest, area),
        RestoreStep::Options => options_step(state, dialog),
    };
    let step = match dialog.step {
        RestoreStep::Loading | RestoreStep::Snapshot => "1/2 snapshot",
        RestoreStep::Options => "2/2 items, target, options",
    };
    boxed(frame, area, &format!(" Restore · {step} "), lines, WIDTH);
}

fn snapshot_line(s: &SnapshotInfo) -> String {
    let failed = if s.failed > 0 {
        format!(", {} failed", s.failed)
    } else {
        String::new()
    };
    format!("{}  {} items{failed}", s.id, s.items)
}

fn items_text(dialog: &RestoreDialog) -> String {
    let n = dialog.ids().len();
    if dialog.all_items() {
        format!("all {n} items of the snapshot (nothing marked)")
    } else {
        let missing = dialog.marked_missing();
        if missing > 0 {
            format!("{n} marked items ({missing} marked not in this snapshot)")
        } else {
            format!("{n} marked items")
        }
    }
}

fn snapshot_step(dialog: &RestoreDialog, dest: &str, area: Rect) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        Span::styled("Snapshots in ", style::dim()),
        Span::raw(dest.to_string()),
        Span::styled(", newest first", style::dim()),
    ])];
    // Room for the list: the screen minus borders, the text lines and a margin.
    let rows = (area.height as usize).saturating_sub(10).clamp(3, 10);
    let len = dialog.snapshots.len();
    let off = dialog
        .cursor
        .saturating_sub(rows - 1)
        .min(len.saturating_sub(rows));
    for (i, s) in dialog.snapshots.iter().enumerate().skip(off).take(rows) {
        let chosen = i == dialog.cursor;
        let text = format!("{} {}", if chosen { "›" } else { " " }, snapshot_line(s));
        let st = if chosen {
            style::cursor(true)
        } else {
            Style::new()
        };
        lines.push(Line::styled(format::fit(&text, WIDTH as usize - 2), st));
    }
    if len > rows {
        lines.push(Line::styled(
            format!("  {} snapshots in all", len),
            style::dim(),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("Items  ", style::dim()),
        Span::raw(items_text(dialog)),
    ]));
    lines.push(Line::raw(""));
    lines.push(keys_line(&[
        ("↑/↓", "choose"),
        ("Enter/y", "next"),
        ("Esc/n", "cancel"),
    ]));
    lines
}

fn options_step(state: &State, dialog: &RestoreDialog) -> Vec<Line<'static>> {
    let snap = dialog.chosen().map(snapshot_line).unwrap_or_default();
    let portal = state
        .session
        .as_ref()
        .map(|s| s.portal.clone())
        .unwrap_or_default();
    let same = dialog
        .chosen()
        .is_some_and(|s| s.portal.trim_end_matches('/') == portal.trim_end_matches('/'));
    let org = if same {
        "same org, original owners and folders"
    } else {
        "signed-in portal; the snapshot came from another one"
    };
    let label = |t: &str| Span::styled(format!("{t:<10}"), style::dim());
    let mut lines = vec![
        Line::from(vec![label("Snapshot"), Span::raw(snap)]),
        Line::from(vec![label("Items"), Span::raw(items_text(dialog))]),
        Line::from(vec![label("Target"), Span::raw(portal)]),
        Line::from(vec![label(""), Span::styled(org, style::dim())]),
        Line::raw(""),
    ];
    let choice = |on: bool, text: &str| {
        if on {
            Span::styled(format!("[{text}]"), style::marked())
        } else {
            Span::styled(format!(" {text} "), style::dim())
        }
    };
    let row = |field: RestoreField, name: &str, spans: Vec<Span<'static>>, hint: &str| {
        let at = dialog.field == field;
        let mut v = vec![Span::styled(
            format!("{} {name:<12}", if at { "›" } else { " " }),
            if at {
                style::cursor(true)
            } else {
                Style::new()
            },
        )];
        v.extend(spans);
        v.push(Span::styled(format!("  {hint}"), style::dim()));
        Line::from(v)
    };
    let c = dialog.on_conflict;
    lines.push(row(
        RestoreField::OnConflict,
        "On conflict",
        vec![
            choice(c == OnConflict::Skip, "skip"),
            Span::raw(" "),
            choice(c == OnConflict::Copy, "copy"),
        ],
        match c {
            OnConflict::Copy => "existing items get a new copy",
            _ => "items that still exist are left alone",
        },
    ));
    lines.push(row(
        RestoreField::DryRun,
        "Dry run",
        vec![
            choice(!dialog.dry_run, "no"),
            Span::raw(" "),
            choice(dialog.dry_run, "yes"),
        ],
        if dialog.dry_run {
            "plan only, nothing is written"
        } else {
            "items are written to the target"
        },
    ));
    lines.push(Line::raw(""));
    if dialog.ids().is_empty() {
        lines.push(Line::styled(
            "None of the marked items is in this snapshot: Backspace to choose another.",
            style::error(),
        ));
    }
    lines.push(keys_line(&[
        ("↑/↓", "option"),
        ("Space/←/→", "change"),
        ("Enter/y", if dialog.dry_run { "plan" } else { "restore" }),
    ]));
    lines.push(keys_line(&[("Backspace", "back"), ("Esc/n", "cancel")]));
    lines
}
