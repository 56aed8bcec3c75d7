//! The restore dialog: the source list (snapshots, package files, "Open a package file…"), the
//! package path input, then items, target and options. View only.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::popup::{boxed, keys_line};
use crate::app::restore::{
    PackageContents, PackageFile, RestoreDialog, RestoreField, RestoreStep, SnapshotInfo, SourceRow,
};
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
        RestoreStep::OpenPath => path_step(dialog),
        RestoreStep::Inspecting { .. } => vec![
            Line::raw(format::fit(
                &format!(
                    "Reading {} …",
                    dialog.inspecting.as_deref().unwrap_or("the package")
                ),
                WIDTH as usize - 2,
            )),
            Line::raw(""),
            keys_line(&[("Esc/n", "cancel")]),
        ],
        RestoreStep::Options => options_step(state, dialog, area),
    };
    let step = match dialog.step {
        RestoreStep::Loading | RestoreStep::Snapshot => "1/2 source",
        RestoreStep::OpenPath | RestoreStep::Inspecting { .. } => "1/2 package file",
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

fn package_line(p: &PackageFile) -> String {
    let size = format::size(p.bytes);
    let date = format::date(p.modified);
    format!("{:<34} {size:>9}  {date}", format::fit(&p.name(), 34))
}

fn items_text(dialog: &RestoreDialog) -> String {
    let n = dialog.ids().len();
    let of = if dialog.package.is_some() {
        "package"
    } else {
        "snapshot"
    };
    if dialog.all_items() {
        format!("all {n} items of the {of} (nothing marked)")
    } else {
        let missing = dialog.marked_missing();
        if missing > 0 {
            format!("{n} marked items ({missing} marked not in this {of})")
        } else {
            format!("{n} marked items")
        }
    }
}

fn snapshot_step(dialog: &RestoreDialog, dest: &str, area: Rect) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        Span::styled("Snapshots in ", style::dim()),
        Span::raw(dest.to_string()),
        Span::styled(" and packages, newest first", style::dim()),
    ])];
    if let Some(e) = &dialog.snapshots_error {
        lines.push(Line::styled(
            format::fit(&format!("No snapshots: {e}"), WIDTH as usize - 2),
            style::error(),
        ));
    } else if dialog.snapshots.is_empty() {
        lines.push(Line::styled(
            "No snapshots here yet.".to_string(),
            style::dim(),
        ));
    }
    // Room for the list: the screen minus borders, the text lines and a margin.
    let rows = (area.height as usize).saturating_sub(11).clamp(3, 10);
    let len = dialog.rows();
    let off = dialog
        .cursor
        .saturating_sub(rows - 1)
        .min(len.saturating_sub(rows));
    for i in (0..len).skip(off).take(rows) {
        let chosen = i == dialog.cursor;
        let (kind, text) = match dialog.row(i) {
            SourceRow::Snapshot(j) => ("snapshot", snapshot_line(&dialog.snapshots[j])),
            SourceRow::Package(j) => ("package ", package_line(&dialog.packages[j])),
            SourceRow::OpenFile => ("", "Open a package file…".to_string()),
        };
        let text = format!("{} {kind:<9}{text}", if chosen { "›" } else { " " });
        let st = if chosen {
            style::cursor(true)
        } else {
            Style::new()
        };
        lines.push(Line::styled(format::fit(&text, WIDTH as usize - 2), st));
    }
    if len > rows {
        lines.push(Line::styled(
            format!(
                "  {} snapshots, {} packages in all",
                dialog.snapshots.len(),
                dialog.packages.len()
            ),
            style::dim(),
        ));
    }
    if let Some(e) = &dialog.error {
        lines.push(Line::styled(
            format::fit(e, WIDTH as usize - 2),
            style::error(),
        ));
    }
    lines.push(Line::raw(""));
    let items = match dialog.row(dialog.cursor) {
        SourceRow::Snapshot(_) => items_text(dialog),
        SourceRow::Package(_) => "listed from the package on Enter".to_string(),
        SourceRow::OpenFile => "type the path of a .contentexport file on Enter".to_string(),
    };
    lines.push(Line::from(vec![
        Span::styled("Items  ", style::dim()),
        Span::raw(items),
    ]));
    lines.push(Line::raw(""));
    lines.push(keys_line(&[
        ("↑/↓", "choose"),
        ("Enter/y", "next"),
        ("Esc/n", "cancel"),
    ]));
    lines
}

fn path_step(dialog: &RestoreDialog) -> Vec<Line<'static>> {
    let width = WIDTH as usize - 5;
    let input = &dialog.path_input;
    let scroll = input.visual_scroll(width);
    let value: String = input.value().chars().skip(scroll).collect();
    let at = input.visual_cursor().saturating_sub(scroll);
    let before: String = value.chars().take(at).collect();
    let under: String = value
        .chars()
        .nth(at)
        .map(String::from)
        .unwrap_or(" ".into());
    let after: String = value.chars().skip(at + 1).collect();
    let mut lines = vec![
        Line::styled(
            "Path of a .contentexport file (~ is your home folder):",
            style::dim(),
        ),
        Line::from(vec![
            Span::styled("> ", style::key()),
            Span::raw(before),
            Span::styled(under, style::cursor(true)),
            Span::raw(after),
        ]),
    ];
    if let Some(e) = &dialog.error {
        lines.push(Line::styled(
            format::fit(e, WIDTH as usize - 2),
            style::error(),
        ));
    }
    lines.push(Line::raw(""));
    lines.push(keys_line(&[
        ("Enter", "read it"),
        ("Esc", "back to the list"),
        ("Ctrl-U", "clear"),
    ]));
    lines
}

/// The package's items, at most `rows` of them.
fn package_items(p: &PackageContents, rows: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let shown = if p.items.len() > rows {
        rows.saturating_sub(1)
    } else {
        rows
    };
    for i in p.items.iter().take(shown) {
        let text = format!(
            "{:<18} {}{}",
            format::fit(&i.item_type, 18),
            i.title,
            if i.present { "" } else { " (missing)" }
        );
        let st = if i.present {
            Style::new()
        } else {
            style::error()
        };
        lines.push(Line::from(vec![
            Span::raw(" ".repeat(10)),
            Span::styled(format::fit(&text, WIDTH as usize - 12), st),
        ]));
    }
    if p.items.len() > shown {
        lines.push(Line::styled(
            format!("{}… and {} more", " ".repeat(10), p.items.len() - shown),
            style::dim(),
        ));
    }
    lines
}

fn options_step(state: &State, dialog: &RestoreDialog, area: Rect) -> Vec<Line<'static>> {
    let portal = state
        .session
        .as_ref()
        .map(|s| s.portal.clone())
        .unwrap_or_default();
    let label = |t: &str| Span::styled(format!("{t:<10}"), style::dim());
    let mut lines = Vec::new();
    let org = if let Some(p) = &dialog.package {
        let name = p
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = format!("{name}  {}", format::size(p.bytes));
        lines.push(Line::from(vec![
            label("Package"),
            Span::raw(format::fit(&text, WIDTH as usize - 12)),
        ]));
        if let Some(dir) = p.path.parent() {
            lines.push(Line::from(vec![
                label(""),
                Span::styled(
                    format::fit(&format!("in {}", dir.display()), WIDTH as usize - 12),
                    style::dim(),
                ),
            ]));
        }
        lines.push(Line::from(vec![
            label("Items"),
            Span::raw(items_text(dialog)),
        ]));
        // Room for the item list at this height: the rest of the step takes 12 lines.
        let rows = (area.height as usize).saturating_sub(18).clamp(2, 8);
        lines.extend(package_items(p, rows));
        if p.missing > 0 {
            lines.push(Line::styled(
                format!(
                    "{}{} {} missing from the package (see the log)",
                    " ".repeat(10),
                    p.missing,
                    if p.missing == 1 { "part" } else { "parts" }
                ),
                style::error(),
            ));
        }
        "original owners, into their root folders"
    } else {
        let snap = dialog.chosen().map(snapshot_line).unwrap_or_default();
        lines.push(Line::from(vec![label("Snapshot"), Span::raw(snap)]));
        lines.push(Line::from(vec![
            label("Items"),
            Span::raw(items_text(dialog)),
        ]));
        let same = dialog
            .chosen()
            .is_some_and(|s| s.portal.trim_end_matches('/') == portal.trim_end_matches('/'));
        if same {
            "same org, original owners and folders"
        } else {
            "signed-in portal; the snapshot came from another one"
        }
    };
    lines.push(Line::from(vec![label("Target"), Span::raw(portal)]));
    lines.push(Line::from(vec![label(""), Span::styled(org, style::dim())]));
    lines.push(Line::raw(""));
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
            if dialog.package.is_some() {
                "None of the marked items is in this package: Backspace to choose another."
            } else {
                "None of the marked items is in this snapshot: Backspace to choose another."
            },
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
