//! Frame build + render time with a 10,000-item folder unfolded: only the visible rows are
//! built, so a frame costs the same as for ten items. Prints the figure (bench/tui_frame.sh
//! runs it in release); the assertion is loose so debug builds on busy machines pass.

mod ui_fixtures;

use std::time::{Duration, Instant};

use agol_tui::app::msg::Msg;
use agol_tui::app::update::update;
use agol_tui::keymap::KeyCode;
use agol_tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ui_fixtures::*;

#[test]
fn frame_time_with_a_10000_item_folder() {
    let mut s = browsing();
    // Move to "Big" (row 6) and unfold it with 10,000 items.
    s.tree_cursor.index = 6;
    let e = update(&mut s, code(KeyCode::Right));
    answer(&mut s, e, 10_000);
    assert!(s.tree.rows().len() > 10_000);
    // Mark everything visible, then scroll through the middle of the folder.
    send(&mut s, [key('a')]);
    let mut term = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let frames = 300;
    let mut worst = Duration::ZERO;
    let started = Instant::now();
    for i in 0..frames {
        let msg: Msg = if i % 2 == 0 {
            code(KeyCode::PageDown)
        } else {
            code(KeyCode::Down)
        };
        let t = Instant::now();
        update(&mut s, msg);
        term.draw(|f| ui::render(&s, f)).unwrap();
        worst = worst.max(t.elapsed());
    }
    let mean = started.elapsed() / frames;
    println!(
        "frame (key + update + build + render, 120x40, 10,000-item folder, all marked): mean {:.3} ms, worst {:.3} ms",
        mean.as_secs_f64() * 1000.0,
        worst.as_secs_f64() * 1000.0
    );
    let limit = if cfg!(debug_assertions) { 100.0 } else { 5.0 };
    assert!(mean.as_secs_f64() * 1000.0 < limit, "mean frame {mean:?}");
}
