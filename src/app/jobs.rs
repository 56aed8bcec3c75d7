//! Jobs as the UI sees them: each folds its engine [`JobEvent`]s into counts, the items in
//! flight with their progress, and the failures with reasons.

use std::collections::HashMap;
use std::time::Duration;

use crate::engine::progress::{JobEvent, Tally};

/// A job's number, unique in a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub u64);

pub use crate::engine::jobs::JobKind;

/// Where a job is.
#[derive(Debug, Clone, PartialEq)]
pub enum JobState {
    /// Spawned, nothing reported yet.
    Queued,
    /// Finding the items.
    Listing {
        /// Found so far.
        found: u64,
    },
    /// Working through the items.
    Running,
    /// Cancel asked; finishing what is in flight.
    Cancelling,
    /// Ended; the summary says how.
    Done,
    /// Ended by cancel; what finished is kept.
    Cancelled,
    /// The job itself failed (not just some items).
    Failed(String),
}

/// An item in flight.
#[derive(Debug, Clone, PartialEq)]
pub struct RunningItem {
    /// Item id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Bytes so far.
    pub bytes: u64,
    /// Bytes expected.
    pub bytes_total: Option<u64>,
    /// Features so far.
    pub features: u64,
    /// Features expected.
    pub features_total: Option<u64>,
}

impl RunningItem {
    /// Progress 0..=1 when a total is known (features first, then bytes); never 1 while running.
    pub fn ratio(&self) -> Option<f64> {
        let r = match (self.features_total, self.bytes_total) {
            (Some(t), _) if t > 0 => self.features as f64 / t as f64,
            (_, Some(t)) if t > 0 => self.bytes as f64 / t as f64,
            _ => return None,
        };
        Some(r.clamp(0.0, 0.99))
    }
}

/// An item that failed, with the reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// Item id.
    pub id: String,
    /// Title (the id when unknown).
    pub title: String,
    /// Why.
    pub reason: String,
}

/// One job row.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// Its number.
    pub id: JobId,
    /// What it does.
    pub kind: JobKind,
    /// What it works on, e.g. "12 items → /var/backups/agol".
    pub label: String,
    /// Where it is.
    pub state: JobState,
    /// When it started (session clock).
    pub started: Duration,
    /// When it ended.
    pub ended: Option<Duration>,
    /// Items to process, once known.
    pub total: Option<u64>,
    /// Every item's result, folded from the events (the same tally the CLI prints).
    pub tally: Tally,
    /// Items in flight, in start order.
    pub running: Vec<RunningItem>,
    /// How it ended, for people.
    pub summary: Option<String>,
    titles: HashMap<String, String>,
}

impl Job {
    /// A queued job.
    pub fn new(id: JobId, kind: JobKind, label: String, now: Duration) -> Job {
        Job {
            id,
            kind,
            label,
            state: JobState::Queued,
            started: now,
            ended: None,
            total: None,
            tally: Tally::default(),
            running: Vec::new(),
            summary: None,
            titles: HashMap::new(),
        }
    }

    /// Items done (fetched or reused).
    pub fn ok(&self) -> u64 {
        self.tally.ok()
    }

    /// Of those, unchanged and reused.
    pub fn reused(&self) -> u64 {
        self.tally.reused()
    }

    /// Items skipped on purpose.
    pub fn skipped(&self) -> u64 {
        self.tally.skipped()
    }

    /// Items failed.
    pub fn failed(&self) -> u64 {
        self.tally.failed()
    }

    /// Failed items with their titles, in the order they failed.
    pub fn failures(&self) -> Vec<Failure> {
        self.tally
            .failures()
            .map(|(id, reason)| Failure {
                id: id.to_string(),
                title: self
                    .titles
                    .get(id)
                    .cloned()
                    .unwrap_or_else(|| id.to_string()),
                reason: reason.to_string(),
            })
            .collect()
    }

    /// True until it ended.
    pub fn is_active(&self) -> bool {
        matches!(
            self.state,
            JobState::Queued | JobState::Listing { .. } | JobState::Running | JobState::Cancelling
        )
    }

    /// Time spent so far (or in all, once ended).
    pub fn elapsed(&self, now: Duration) -> Duration {
        self.ended.unwrap_or(now).saturating_sub(self.started)
    }

    /// Share of items processed, < 1 until the job ended.
    pub fn ratio(&self) -> f64 {
        match self.total {
            Some(0) => {
                if self.is_active() {
                    0.0
                } else {
                    1.0
                }
            }
            Some(t) => {
                let r = self.tally.ended() as f64 / t as f64;
                if self.is_active() {
                    r.min(0.99)
                } else {
                    r.min(1.0)
                }
            }
            None => 0.0,
        }
    }

    /// Folds one engine event in.
    pub fn apply(&mut self, event: JobEvent) {
        self.tally.apply(&event);
        match event {
            JobEvent::Listing { found } => {
                // Coalesced: may arrive after Started; only a job still listing takes it.
                if matches!(self.state, JobState::Queued | JobState::Listing { .. }) {
                    self.state = JobState::Listing { found };
                }
            }
            JobEvent::Started { total } => {
                self.total = Some(total);
                if self.state != JobState::Cancelling {
                    self.state = JobState::Running;
                }
            }
            JobEvent::ItemStarted { id, title } => {
                self.titles.insert(id.clone(), title.clone());
                self.running.retain(|r| r.id != id);
                self.running.push(RunningItem {
                    id,
                    title,
                    bytes: 0,
                    bytes_total: None,
                    features: 0,
                    features_total: None,
                });
            }
            JobEvent::ItemProgress {
                id,
                bytes,
                bytes_total,
                features,
                features_total,
            } => {
                // Progress for an item that already ended is stale (coalesced updates).
                if let Some(r) = self.running.iter_mut().find(|r| r.id == id) {
                    r.bytes = bytes;
                    r.bytes_total = bytes_total;
                    r.features = features;
                    r.features_total = features_total;
                }
            }
            JobEvent::ItemDone { id, .. }
            | JobEvent::ItemFailed { id, .. }
            | JobEvent::ItemSkipped { id, .. } => {
                self.running.retain(|r| r.id != id);
            }
            JobEvent::Cancelled => {
                if self.is_active() {
                    self.state = JobState::Cancelling;
                }
            }
            JobEvent::Finished { .. } => self.running.clear(),
        }
    }

    /// Records how the job ended.
    pub fn end(&mut self, result: Result<String, String>, now: Duration) {
        self.ended = Some(now);
        self.running.clear();
        self.state = match result {
            Ok(summary) => {
                self.summary = Some(summary);
                if self.state == JobState::Cancelling {
                    JobState::Cancelled
                } else {
                    JobState::Done
                }
            }
            Err(e) => {
                if self.state == JobState::Cancelling {
                    self.summary = Some(format!("cancelled: {e}"));
                    JobState::Cancelled
                } else {
                    JobState::Failed(e)
                }
            }
        };
    }
}
