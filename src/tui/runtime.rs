//! The event loop: terminal input, worker messages and coalesced progress go into `update`;
//! the screen is drawn only when something changed, at most every [`FRAME`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream};
use futures::StreamExt;
use tokio::sync::mpsc;

use super::executor::Executor;
use super::keys::from_crossterm;
use super::sink::Coalescer;
use super::terminal::Term;
use crate::app::msg::Msg;
use crate::app::state::State;
use crate::app::update::update;
use crate::ui::render;

/// Shortest time between two frames (~30 per second).
pub const FRAME: Duration = Duration::from_millis(33);

/// Channels shared by the loop and the workers.
pub struct Channels {
    /// Workers send here.
    pub tx: mpsc::UnboundedSender<Msg>,
    /// The loop reads here.
    pub rx: mpsc::UnboundedReceiver<Msg>,
    /// Coalesced progress.
    pub coalescer: Arc<Coalescer>,
}

impl Channels {
    /// New channels.
    pub fn new() -> Channels {
        let (tx, rx) = mpsc::unbounded_channel();
        Channels {
            tx,
            rx,
            coalescer: Arc::new(Coalescer::default()),
        }
    }
}

impl Default for Channels {
    fn default() -> Self {
        Channels::new()
    }
}

/// Feeds one message through `update` and runs the effects.
pub fn dispatch(state: &mut State, executor: &mut Executor, msg: Msg) {
    for effect in update(state, msg) {
        executor.run(effect);
    }
}

/// Runs until the app quits. Returns the final state.
pub async fn run(
    terminal: &mut Term,
    mut state: State,
    mut executor: Executor,
    mut rx: mpsc::UnboundedReceiver<Msg>,
    coalescer: Arc<Coalescer>,
) -> std::io::Result<State> {
    let started = Instant::now();
    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;
    loop {
        if dirty && last_draw.elapsed() >= FRAME {
            terminal.draw(|f| render(&state, f))?;
            last_draw = Instant::now();
            dirty = false;
        }
        if state.quit {
            break;
        }
        let deadline = tokio::time::Instant::from_std(last_draw + FRAME);
        tokio::select! {
            biased;
            ev = events.next() => {
                match ev {
                    Some(Ok(Event::Key(k))) => {
                        if let Some(key) = from_crossterm(k) {
                            dispatch(&mut state, &mut executor, Msg::Key(key));
                            dirty = true;
                        }
                    }
                    Some(Ok(Event::Paste(text))) => {
                        dispatch(&mut state, &mut executor, Msg::Paste(text));
                        dirty = true;
                    }
                    Some(Ok(Event::Resize(_, _))) => {
                        terminal.autoresize()?;
                        dirty = true;
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err(e),
                    None => break,
                }
            }
            msg = rx.recv() => {
                let Some(msg) = msg else { break };
                dispatch(&mut state, &mut executor, msg);
                // Drain what else is waiting before drawing (bounded, so keys stay responsive).
                for _ in 0..512 {
                    match rx.try_recv() {
                        Ok(m) => dispatch(&mut state, &mut executor, m),
                        Err(_) => break,
                    }
                }
                dirty = true;
            }
            _ = coalescer.notify.notified() => {
                for m in coalescer.drain() {
                    dispatch(&mut state, &mut executor, m);
                }
                dirty = true;
            }
            _ = tick.tick() => {
                dispatch(&mut state, &mut executor, Msg::Tick(started.elapsed()));
                if state.active_jobs() > 0 {
                    dirty = true;
                }
            }
            _ = tokio::time::sleep_until(deadline), if dirty => {}
        }
    }
    Ok(state)
}
