//! Terminal set-up and restore. Restore runs on normal exit (guard drop), on error and from a
//! panic hook, so the shell is never left in raw mode or the alternate screen.

use std::io::{Stdout, stdout};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// The terminal type the TUI draws on.
pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Restores the terminal when dropped.
pub struct TerminalGuard {
    /// The terminal.
    pub terminal: Term,
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
        let _ = self.terminal.show_cursor();
    }
}

/// Raw mode, alternate screen, bracketed paste; installs the panic hook.
pub fn init() -> std::io::Result<TerminalGuard> {
    install_panic_hook();
    enable_raw_mode()?;
    let mut out = stdout();
    if let Err(e) = execute!(out, EnterAlternateScreen, EnableBracketedPaste) {
        restore();
        return Err(e);
    }
    let terminal = Terminal::new(CrosstermBackend::new(out))?;
    Ok(TerminalGuard { terminal })
}

/// Leaves the alternate screen and raw mode (idempotent).
pub fn restore() {
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}
