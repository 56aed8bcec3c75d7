//! The UI-agnostic engine: listing a selection, scanning to an inventory, backup, verify,
//! restore. It reports only through a [`progress::ProgressSink`] and returns typed summaries
//! ([`jobs`]), so the TUI and cron runs share it.

pub mod archive;
pub mod backup;
/// The restore drill restores into the built-in fake org: only with the `fake` feature.
#[cfg(feature = "fake")]
pub mod drill;
pub mod error;
pub mod inventory;
pub mod jobs;
pub mod package;
pub mod progress;
pub mod restore;
pub mod scan;
pub mod selection;
pub mod storage;
pub mod tree;
