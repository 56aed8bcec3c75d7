//! Progress reporting from engine jobs to whatever front end runs them, and the one [`Tally`]
//! every front folds those events into.

use std::collections::HashMap;

/// What a job reports as it runs.
#[derive(Debug, Clone, PartialEq)]
pub enum JobEvent {
    /// Listing found more items so far.
    Listing {
        /// Items found so far.
        found: u64,
    },
    /// The work list is known.
    Started {
        /// Items to process.
        total: u64,
    },
    /// Work on one item began.
    ItemStarted {
        /// Item id.
        id: String,
        /// Item title.
        title: String,
    },
    /// Bytes or features of one item advanced (throttled by the engine).
    ItemProgress {
        /// Item id.
        id: String,
        /// Bytes downloaded so far.
        bytes: u64,
        /// Bytes expected, when known.
        bytes_total: Option<u64>,
        /// Features written so far.
        features: u64,
        /// Features expected, when known.
        features_total: Option<u64>,
    },
    /// One item finished.
    ItemDone {
        /// Item id.
        id: String,
        /// True when nothing had to be fetched (unchanged since the last run).
        reused: bool,
    },
    /// One item failed; the job goes on.
    ItemFailed {
        /// Item id.
        id: String,
        /// Why.
        reason: String,
    },
    /// One item was left alone on purpose (e.g. a restore plan's skip); the job goes on.
    ItemSkipped {
        /// Item id.
        id: String,
        /// Why.
        reason: String,
    },
    /// Cancel was asked: items in flight finish, nothing new starts.
    Cancelled,
    /// The job ended.
    Finished {
        /// Items done.
        ok: u64,
        /// Items failed.
        failed: u64,
    },
}

/// Receives job events; must be cheap and never block.
pub trait ProgressSink: Send + Sync {
    /// Handles one event.
    fn event(&self, event: JobEvent);
}

/// Ignores every event.
pub struct NullSink;

impl ProgressSink for NullSink {
    fn event(&self, _event: JobEvent) {}
}

/// Collects events in memory (tests).
#[derive(Default)]
pub struct RecordingSink(pub std::sync::Mutex<Vec<JobEvent>>);

impl ProgressSink for RecordingSink {
    fn event(&self, event: JobEvent) {
        if let Ok(mut v) = self.0.lock() {
            v.push(event);
        }
    }
}

/// How one item of a job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemResult {
    /// Its content was fetched (or written) in this run.
    Fetched,
    /// Unchanged since an earlier run: reused, nothing fetched.
    Reused,
    /// Left alone on purpose.
    Skipped {
        /// Why.
        reason: String,
    },
    /// It failed; the job went on.
    Failed {
        /// Why.
        reason: String,
    },
}

/// A job's progress folded from its events: what the CLI prints and the TUI draws. Items are
/// counted by id, so an item reported twice (a retry, a late duplicate event) counts once,
/// with its latest result.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// Items found while listing.
    pub found: u64,
    /// Items to process, once known.
    pub total: Option<u64>,
    /// Cancel was asked.
    pub cancelled: bool,
    /// The job reported its end.
    pub finished: bool,
    results: Vec<(String, ItemResult)>,
    index: HashMap<String, usize>,
}

impl Tally {
    /// Folds one event in.
    pub fn apply(&mut self, event: &JobEvent) {
        match event {
            JobEvent::Listing { found } => self.found = self.found.max(*found),
            JobEvent::Started { total } => self.total = Some(*total),
            JobEvent::ItemStarted { .. } | JobEvent::ItemProgress { .. } => {}
            JobEvent::ItemDone { id, reused } => {
                let result = if *reused {
                    ItemResult::Reused
                } else {
                    ItemResult::Fetched
                };
                self.record(id, result);
            }
            JobEvent::ItemSkipped { id, reason } => self.record(
                id,
                ItemResult::Skipped {
                    reason: reason.clone(),
                },
            ),
            JobEvent::ItemFailed { id, reason } => self.record(
                id,
                ItemResult::Failed {
                    reason: reason.clone(),
                },
            ),
            JobEvent::Cancelled => self.cancelled = true,
            JobEvent::Finished { .. } => self.finished = true,
        }
    }

    fn record(&mut self, id: &str, result: ItemResult) {
        match self.index.get(id) {
            Some(&at) => self.results[at].1 = result,
            None => {
                self.index.insert(id.to_string(), self.results.len());
                self.results.push((id.to_string(), result));
            }
        }
    }

    /// The result of one item, once it ended.
    pub fn result(&self, id: &str) -> Option<&ItemResult> {
        self.index.get(id).map(|&at| &self.results[at].1)
    }

    /// Every ended item with its result, in the order they ended.
    pub fn results(&self) -> impl Iterator<Item = (&str, &ItemResult)> {
        self.results.iter().map(|(id, r)| (id.as_str(), r))
    }

    /// Failed items with their reasons, in the order they failed.
    pub fn failures(&self) -> impl Iterator<Item = (&str, &str)> {
        self.results.iter().filter_map(|(id, r)| match r {
            ItemResult::Failed { reason } => Some((id.as_str(), reason.as_str())),
            _ => None,
        })
    }

    fn count(&self, f: impl Fn(&ItemResult) -> bool) -> u64 {
        self.results.iter().filter(|(_, r)| f(r)).count() as u64
    }

    /// Items fetched in this run.
    pub fn fetched(&self) -> u64 {
        self.count(|r| *r == ItemResult::Fetched)
    }

    /// Items reused unchanged.
    pub fn reused(&self) -> u64 {
        self.count(|r| *r == ItemResult::Reused)
    }

    /// Items done: fetched or reused.
    pub fn ok(&self) -> u64 {
        self.fetched() + self.reused()
    }

    /// Items skipped.
    pub fn skipped(&self) -> u64 {
        self.count(|r| matches!(r, ItemResult::Skipped { .. }))
    }

    /// Items failed.
    pub fn failed(&self) -> u64 {
        self.count(|r| matches!(r, ItemResult::Failed { .. }))
    }

    /// Items that ended, whatever the result.
    pub fn ended(&self) -> u64 {
        self.results.len() as u64
    }
}

/// Folds every event into a [`Tally`] and passes it on: a job runner wraps the front's sink in
/// this, so the summary it returns counts exactly what the front was shown.
pub struct TallySink<'a> {
    inner: &'a dyn ProgressSink,
    tally: std::sync::Mutex<Tally>,
}

impl<'a> TallySink<'a> {
    /// Wraps `inner`.
    pub fn new(inner: &'a dyn ProgressSink) -> Self {
        TallySink {
            inner,
            tally: std::sync::Mutex::new(Tally::default()),
        }
    }

    /// The tally so far.
    pub fn tally(&self) -> Tally {
        self.tally.lock().map(|t| t.clone()).unwrap_or_default()
    }
}

impl ProgressSink for TallySink<'_> {
    fn event(&self, event: JobEvent) {
        if let Ok(mut t) = self.tally.lock() {
            t.apply(&event);
        }
        self.inner.event(event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failed(id: &str, reason: &str) -> JobEvent {
        JobEvent::ItemFailed {
            id: id.into(),
            reason: reason.into(),
        }
    }

    #[test]
    fn an_item_reported_twice_counts_once_with_its_latest_result() {
        let mut t = Tally::default();
        for e in [
            JobEvent::Started { total: 3 },
            JobEvent::ItemDone {
                id: "a".into(),
                reused: true,
            },
            failed("b", "HTTP 500"),
            failed("b", "HTTP 500"),
            JobEvent::ItemSkipped {
                id: "c".into(),
                reason: "exists".into(),
            },
            JobEvent::Cancelled,
            JobEvent::Finished { ok: 1, failed: 2 },
        ] {
            t.apply(&e);
        }
        assert_eq!(
            (
                t.ok(),
                t.reused(),
                t.fetched(),
                t.skipped(),
                t.failed(),
                t.ended()
            ),
            (1, 1, 0, 1, 1, 3)
        );
        assert!(t.cancelled && t.finished);
        assert_eq!(t.failures().collect::<Vec<_>>(), [("b", "HTTP 500")]);
        assert_eq!(
            t.result("c"),
            Some(&ItemResult::Skipped {
                reason: "exists".into()
            })
        );
        // A retry that succeeded replaces the failure.
        t.apply(&JobEvent::ItemDone {
            id: "b".into(),
            reused: false,
        });
        assert_eq!((t.failed(), t.fetched(), t.ended()), (0, 1, 3));
    }
}
