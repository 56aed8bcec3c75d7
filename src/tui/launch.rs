//! Opens the terminal, runs the loop, restores the terminal: the one entry point the CLI uses.

use super::executor::{Connection, Executor, SignInTarget};
use super::log_layer;
use super::runtime::{Channels, dispatch, run};
use super::terminal;
use crate::app::msg::Msg;
use crate::app::state::State;

/// Runs the TUI from `state`. With a connection the tree starts loading at once (`session`
/// is the signed-in message to apply first); without, the sign-in screen is shown.
pub async fn launch(
    state: State,
    conn: Option<Connection>,
    first: Option<Msg>,
    target: SignInTarget,
) -> std::io::Result<State> {
    let ch = Channels::new();
    log_layer::connect(Some(ch.tx.clone()));
    let workers = state.settings.workers;
    let mut executor = Executor::new(ch.tx.clone(), ch.coalescer.clone(), conn, target, workers);
    let mut state = state;
    if let Some(msg) = first {
        dispatch(&mut state, &mut executor, msg);
    }
    let mut guard = terminal::init()?;
    let result = run(&mut guard.terminal, state, executor, ch.rx, ch.coalescer).await;
    drop(guard);
    log_layer::connect(None);
    result
}
