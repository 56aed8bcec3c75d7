//! Progress for headless runs: a bar on a terminal, periodic plain lines otherwise (cron logs).

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::engine::progress::{JobEvent, ProgressSink, Tally};

/// How often plain progress lines are printed when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

/// Prints job progress on stderr.
pub struct CliSink {
    job: &'static str,
    bar: Option<ProgressBar>,
    plain: Mutex<PlainState>,
}

#[derive(Default)]
struct PlainState {
    tally: Tally,
    last: Option<Instant>,
}

impl CliSink {
    /// A sink for a job named `job` (e.g. `scan`).
    pub fn new(job: &'static str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            bar.enable_steady_tick(Duration::from_millis(120));
            bar.set_message(format!("{job}: listing"));
            bar
        });
        CliSink {
            job,
            bar,
            plain: Mutex::new(PlainState::default()),
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn plain_line(&self, state: &mut PlainState, force: bool) {
        let due = state.last.is_none_or(|t| t.elapsed() >= PLAIN_EVERY);
        if force || due {
            state.last = Some(Instant::now());
            let t = &state.tally;
            match t.total {
                None => crate::safe_eprintln!("{}: listing, {} items found", self.job, t.found),
                Some(total) => crate::safe_eprintln!(
                    "{}: {}/{} items ({} failed)",
                    self.job,
                    t.ended(),
                    total,
                    t.failed()
                ),
            }
        }
    }
}

impl ProgressSink for CliSink {
    fn event(&self, event: JobEvent) {
        let Ok(mut s) = self.plain.lock() else { return };
        let before = s.tally.ended();
        s.tally.apply(&event);
        let newly_ended = s.tally.ended() - before;
        match &self.bar {
            Some(bar) => match event {
                JobEvent::Listing { found } => {
                    bar.set_message(format!("{}: listing, {found} items found", self.job))
                }
                JobEvent::Started { total } => {
                    bar.set_length(total);
                    bar.set_style(
                        ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} {elapsed}")
                            .unwrap_or_else(|_| ProgressStyle::default_bar())
                            .progress_chars("=> "),
                    );
                    bar.set_message(self.job.to_string());
                }
                JobEvent::Cancelled => {
                    bar.set_message(format!("{}: cancelling", self.job));
                }
                JobEvent::ItemDone { .. }
                | JobEvent::ItemFailed { .. }
                | JobEvent::ItemSkipped { .. }
                | JobEvent::Finished { .. }
                | JobEvent::ItemStarted { .. }
                | JobEvent::ItemProgress { .. } => bar.inc(newly_ended),
            },
            None => {
                if matches!(
                    event,
                    JobEvent::ItemStarted { .. } | JobEvent::ItemProgress { .. }
                ) {
                    return;
                }
                let force = matches!(
                    event,
                    JobEvent::Started { .. } | JobEvent::Finished { .. } | JobEvent::Cancelled
                );
                self.plain_line(&mut s, force);
            }
        }
    }
}
