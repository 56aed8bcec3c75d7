//! Progress reporting from engine jobs to whatever front end runs them.

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
