//! Everything [`crate::app::update::update`] accepts.

use std::time::Duration;

use super::jobs::JobId;
use super::log::LogLine;
use super::restore::{PackageContents, PackageFile, SnapshotInfo};
use super::state::Session;
use crate::engine::progress::JobEvent;
use crate::engine::tree::{Loaded, NodeId};
use crate::keymap::Key;

/// A message to the app.
#[derive(Debug, Clone)]
pub enum Msg {
    /// A key press.
    Key(Key),
    /// Pasted text (bracketed paste).
    Paste(String),
    /// The session clock advanced (drives elapsed times).
    Tick(Duration),
    /// A tree listing came back.
    Loaded {
        /// The container.
        node: NodeId,
        /// The generation it was asked with.
        generation: u64,
        /// What came back.
        result: Result<Loaded, String>,
    },
    /// The restore sources came back for the restore dialog.
    RestoreSources {
        /// The destination's snapshots (newest first), or why they could not be listed.
        snapshots: Result<Vec<SnapshotInfo>, String>,
        /// `.contentexport` files found on disk, newest first.
        packages: Vec<PackageFile>,
    },
    /// A package asked for with [`super::effect::Effect::ReadPackage`] was read.
    PackageRead {
        /// The path as asked.
        path: String,
        /// Its items, or why it cannot be used.
        result: Result<PackageContents, String>,
    },
    /// A job reported progress.
    Job {
        /// The job.
        job: JobId,
        /// The event.
        event: JobEvent,
    },
    /// A job ended: its summary or its error.
    JobEnded {
        /// The job.
        job: JobId,
        /// Summary or error.
        result: Result<String, String>,
    },
    /// A log line.
    Log(LogLine),
    /// Sign-in worked.
    SignedIn(Session),
    /// Sign-in failed; shown inline.
    SignInFailed(String),
    /// The OAuth authorize URL to show.
    OAuthUrl(String),
}
