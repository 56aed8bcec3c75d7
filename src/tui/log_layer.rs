//! A tracing layer that feeds the log pane while the TUI runs (nothing goes to stderr then).

use std::fmt::Write as _;
use std::sync::Mutex;

use tokio::sync::mpsc::UnboundedSender;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::Context;

use crate::app::log::{Level, LogLine};
use crate::app::msg::Msg;

static SENDER: Mutex<Option<UnboundedSender<Msg>>> = Mutex::new(None);

/// Sends log lines to this channel from now on (`None` stops).
pub fn connect(tx: Option<UnboundedSender<Msg>>) {
    if let Ok(mut s) = SENDER.lock() {
        *s = tx;
    }
}

/// The layer; install it with `cli::logging::init_tui`.
pub struct PaneLayer;

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, "{value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0.push_str(value);
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }
}

impl<S: Subscriber> Layer<S> for PaneLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let Ok(guard) = SENDER.lock() else { return };
        let Some(tx) = guard.as_ref() else { return };
        let level = match *event.metadata().level() {
            tracing::Level::ERROR => Level::Error,
            tracing::Level::WARN => Level::Warn,
            tracing::Level::INFO => Level::Info,
            _ => Level::Debug,
        };
        let mut f = Fields(String::new());
        event.record(&mut f);
        let _ = tx.send(Msg::Log(LogLine {
            level,
            time: chrono::Local::now().format("%H:%M:%S").to_string(),
            message: f.0.trim().to_string(),
        }));
    }
}
