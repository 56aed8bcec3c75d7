//! The jobs pane: each job with state, elapsed time and counts; a gauge per item in flight;
//! failed items with reasons; finished jobs stay with their summary until cleared.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::block;
use crate::app::jobs::{Job, JobState};
use crate::app::state::{Pane, State};
use crate::ui::{format, style};

/// Items in flight shown per job.
const MAX_RUNNING: usize = 4;
/// Failures shown per job.
const MAX_FAILURES: usize = 3;

/// Draws the jobs.
pub fn render(state: &State, frame: &mut Frame, area: Rect) {
    let focused = state.focus == Pane::Jobs;
    let active = state.active_jobs();
    let title = if active > 0 {
        format!(" Jobs · {active} running ")
    } else {
        format!(" Jobs · {} ", state.jobs.len())
    };
    let b = block(title, focused);
    let inner = b.inner(area);
    frame.render_widget(b, area);
    if state.jobs.is_empty() {
        frame.render_widget(
            Paragraph::new(Line::styled(
                "No jobs yet. Mark items, then b backs them up, s scans to CSV, v verifies.",
                style::dim(),
            )),
            inner,
        );
        return;
    }
    let w = inner.width as usize;
    let mut lines: Vec<Line> = Vec::new();
    let mut cursor_line = 0;
    for (i, job) in state.jobs.iter().enumerate() {
        let selected = i == state.jobs_cursor.index;
        if selected {
            cursor_line = lines.len();
        }
        lines.push(header(state, job, w, selected, focused));
        let shown = job.running.len().min(MAX_RUNNING);
        for item in job.running.iter().take(shown) {
            lines.push(item_gauge(item, w));
        }
        if job.running.len() > shown {
            lines.push(Line::styled(
                format!("    … {} more in flight", job.running.len() - shown),
                style::dim(),
            ));
        }
        let failures = job.failures();
        let fshown = failures.len().min(MAX_FAILURES);
        for f in failures.iter().take(fshown) {
            let text = format!("    ✗ {}: {}", f.title, f.reason);
            lines.push(Line::styled(format::fit(&text, w), style::error()));
        }
        if failures.len() > fshown {
            lines.push(Line::styled(
                format!(
                    "    … {} more failed (see the log)",
                    failures.len() - fshown
                ),
                style::error(),
            ));
        }
        if let (Some(s), false) = (&job.summary, job.is_active()) {
            lines.push(Line::styled(
                format::fit(&format!("    {s}"), w),
                style::dim(),
            ));
        }
        if let JobState::Failed(e) = &job.state {
            lines.push(Line::styled(
                format::fit(&format!("    {e}"), w),
                style::error(),
            ));
        }
    }
    // Keep the selected job's header in view; otherwise follow the newest.
    let h = inner.height as usize;
    let scroll = if lines.len() <= h {
        0
    } else if cursor_line + h > lines.len() {
        lines.len() - h
    } else {
        cursor_line
    };
    frame.render_widget(Paragraph::new(lines).scroll((scroll as u16, 0)), inner);
}

fn header(state: &State, job: &Job, w: usize, selected: bool, focused: bool) -> Line<'static> {
    let (word, st) = match &job.state {
        JobState::Queued => ("queued".to_string(), style::dim()),
        JobState::Listing { found } => (format!("listing {found}"), style::key()),
        JobState::Running => ("running".to_string(), style::key()),
        JobState::Cancelling => ("cancelling".to_string(), style::error()),
        JobState::Done if job.failed() > 0 => ("done, with failures".to_string(), style::error()),
        JobState::Done => ("done".to_string(), style::ok()),
        JobState::Cancelled => ("cancelled".to_string(), style::error()),
        JobState::Failed(_) => ("failed".to_string(), style::error()),
    };
    let counts = match job.total {
        Some(t) => {
            let mut c = format!("{}/{t}", job.tally.ended());
            // A backup or scan reuses unchanged items; a restore skips items already there.
            if job.reused() > 0 {
                c.push_str(&format!(" ({} unchanged)", job.reused()));
            }
            if job.skipped() > 0 {
                c.push_str(&format!(" ({} skipped)", job.skipped()));
            }
            if job.failed() > 0 {
                c.push_str(&format!(" {} failed", job.failed()));
            }
            c
        }
        None => String::new(),
    };
    let gauge = if job.is_active() && job.total.is_some() {
        format!(
            " {} {:>3}%",
            format::bar(job.ratio(), 10),
            (job.ratio() * 100.0) as u32
        )
    } else {
        String::new()
    };
    let head = format!(
        "{}#{} {} ",
        if selected { "›" } else { " " },
        job.id.0,
        job.kind.name()
    );
    let tail = format!(
        " {counts}{gauge} {} ",
        format::elapsed(job.elapsed(state.now))
    );
    let used = head.chars().count() + word.chars().count() + tail.chars().count();
    let label = format::fit(&job.label, w.saturating_sub(used));
    let base = if selected && focused {
        style::cursor(true)
    } else {
        Style::new()
    };
    Line::from(vec![
        Span::styled(head, base),
        Span::styled(word, if selected && focused { base } else { st }),
        Span::styled(tail, base),
        Span::styled(
            label,
            if selected && focused {
                base
            } else {
                style::dim()
            },
        ),
    ])
}

fn item_gauge(item: &crate::app::jobs::RunningItem, w: usize) -> Line<'static> {
    let amount = match (item.features_total, item.bytes_total) {
        (Some(t), _) => format!("{}/{} features", item.features, t),
        (_, Some(t)) => format!("{} / {}", format::size(item.bytes), format::size(t)),
        _ if item.features > 0 => format!("{} features", item.features),
        _ => format::size(item.bytes),
    };
    let (bar, pct) = match item.ratio() {
        Some(r) => (format::bar(r, 12), format!("{:>3}%", (r * 100.0) as u32)),
        None => ("░".repeat(12), "  …".to_string()),
    };
    let head = format!("    {bar} {pct} ");
    let tail = format!(" {amount}");
    let title_w = w.saturating_sub(head.chars().count() + tail.chars().count());
    Line::from(vec![
        Span::styled(head, style::key()),
        Span::raw(format::fit(&item.title, title_w)),
        Span::styled(tail, style::dim()),
    ])
}
