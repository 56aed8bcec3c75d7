//! Where each pane goes for a terminal size: side by side when wide, stacked when narrow (80×24
//! over SSH), with the selection pane folded into the tree's title until it has focus.

use ratatui::layout::{Constraint, Direction, Layout, Rect};

use crate::app::state::{Pane, State};

/// The pane rectangles.
#[derive(Debug, Clone, Copy)]
pub struct Areas {
    /// Title bar.
    pub title: Rect,
    /// Content tree.
    pub tree: Rect,
    /// Selection (absent when folded into the tree title).
    pub selection: Option<Rect>,
    /// Jobs.
    pub jobs: Rect,
    /// Log (absent on very short terminals).
    pub log: Option<Rect>,
    /// Status/help bar.
    pub status: Rect,
}

/// Computes the layout.
pub fn compute(state: &State, area: Rect) -> Areas {
    let [title, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);
    let wide = area.width >= 110;
    let log_h = if area.height >= 36 {
        9
    } else if area.height >= 20 {
        5
    } else {
        0
    };
    let [main, log] = Layout::vertical([Constraint::Min(3), Constraint::Length(log_h)]).areas(body);
    let log = (log_h > 0).then_some(log);
    if wide {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                .areas(main);
        let [sel, jobs] = Layout::default()
            .direction(Direction::Vertical)
            .constraints([Constraint::Percentage(35), Constraint::Percentage(65)])
            .areas(right);
        Areas {
            title,
            tree: left,
            selection: Some(sel),
            jobs,
            log,
            status,
        }
    } else {
        let jobs_h = if state.focus == Pane::Jobs {
            main.height / 2 + 2
        } else {
            jobs_height(state).min(main.height / 2)
        };
        let [top, jobs] =
            Layout::vertical([Constraint::Min(3), Constraint::Length(jobs_h)]).areas(main);
        let (tree, selection) = if state.focus == Pane::Selection {
            let [t, s] = Layout::vertical([Constraint::Percentage(40), Constraint::Percentage(60)])
                .areas(top);
            (t, Some(s))
        } else {
            (top, None)
        };
        Areas {
            title,
            tree,
            selection,
            jobs,
            log,
            status,
        }
    }
}

fn jobs_height(state: &State) -> u16 {
    let lines: usize = state
        .jobs
        .iter()
        .map(|j| {
            1 + j.running.len().min(3) + usize::from(j.failed() > 0) * (j.failed() as usize).min(2)
        })
        .sum();
    (lines.max(1) + 2).min(12) as u16
}
