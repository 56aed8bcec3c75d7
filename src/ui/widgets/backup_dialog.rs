//! The backup confirm dialog behind `b`: items, destination, options and the format choice.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::popup::{boxed, keys_line};
use crate::app::backup::BackupFormat;
use crate::app::state::State;
use crate::ui::{format, style};

/// Dialog width (fits 80 columns).
const WIDTH: u16 = 66;

/// Draws the dialog.
pub fn render(
    state: &State,
    items: usize,
    bytes: u64,
    chosen: BackupFormat,
    frame: &mut Frame,
    area: Rect,
) {
    let s = &state.settings;
    let label = |t: &str| Span::styled(format!("{t:<13}"), style::dim());
    let mut lines = vec![
        Line::from(vec![
            Span::raw("Back up "),
            Span::styled(format!("{items} items"), style::marked()),
            Span::raw(format!(" ({})", format::size(bytes))),
        ]),
        Line::raw(""),
        Line::from(vec![
            label("Destination"),
            Span::raw(format::fit(
                &s.destination.display().to_string(),
                WIDTH as usize - 15,
            )),
        ]),
        Line::from(vec![
            label("Options"),
            Span::raw(format!(
                "incremental, {} workers, thumbnails, attachments",
                s.workers
            )),
        ]),
    ];
    for (i, f) in BackupFormat::ALL.iter().enumerate() {
        let on = *f == chosen;
        let st = if on {
            style::cursor(true)
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            label(if i == 0 { "Format" } else { "" }),
            Span::styled(
                format!("{} {}", if on { "(●)" } else { "( )" }, f.label()),
                st,
            ),
        ]));
    }
    let hint: &[&str] = match chosen {
        BackupFormat::Archive => &["the snapshot only; restore it with r"],
        BackupFormat::Package => &[
            "hosted layers also exported as File Geodatabase,",
            "then written to packages/<snapshot>.contentexport",
        ],
    };
    for h in hint {
        lines.push(Line::from(vec![
            label(""),
            Span::styled(format::fit(h, WIDTH as usize - 15), style::dim()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(keys_line(&[
        ("Enter/y", "start"),
        ("←/→/Tab", "format"),
        ("Esc/n", "cancel"),
    ]));
    boxed(frame, area, " Back up ", lines, WIDTH);
}
