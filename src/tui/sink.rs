//! The TUI's [`ProgressSink`]: ordered events (item outcomes, totals) go through the app
//! channel; latest-value updates (bytes, features of an item) are coalesced so a fast job can
//! never flood the loop.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{Notify, mpsc};

use crate::app::jobs::JobId;
use crate::app::msg::Msg;
use crate::engine::progress::{JobEvent, ProgressSink};

/// Latest progress per (job, item), drained by the loop.
#[derive(Default)]
pub struct Coalescer {
    latest: Mutex<HashMap<(JobId, String), JobEvent>>,
    /// Woken when something new is waiting.
    pub notify: Notify,
}

impl Coalescer {
    /// Takes what is waiting, as messages.
    pub fn drain(&self) -> Vec<Msg> {
        let map = match self.latest.lock() {
            Ok(mut m) => std::mem::take(&mut *m),
            Err(_) => return Vec::new(),
        };
        map.into_iter()
            .map(|((job, _), event)| Msg::Job { job, event })
            .collect()
    }
}

/// Forwards one job's events to the loop.
pub struct ChannelSink {
    job: JobId,
    tx: mpsc::UnboundedSender<Msg>,
    coalescer: Arc<Coalescer>,
}

impl ChannelSink {
    /// A sink for `job`.
    pub fn new(job: JobId, tx: mpsc::UnboundedSender<Msg>, coalescer: Arc<Coalescer>) -> Self {
        ChannelSink { job, tx, coalescer }
    }
}

impl ProgressSink for ChannelSink {
    fn event(&self, event: JobEvent) {
        match &event {
            JobEvent::ItemProgress { id, .. } => {
                if let Ok(mut m) = self.coalescer.latest.lock() {
                    m.insert((self.job, id.clone()), event);
                }
                self.coalescer.notify.notify_one();
            }
            JobEvent::Listing { .. } => {
                if let Ok(mut m) = self.coalescer.latest.lock() {
                    m.insert((self.job, String::new()), event);
                }
                self.coalescer.notify.notify_one();
            }
            _ => {
                let _ = self.tx.send(Msg::Job {
                    job: self.job,
                    event,
                });
            }
        }
    }
}
