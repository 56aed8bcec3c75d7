//! The UI-agnostic engine: listing a selection, scanning to an inventory. It reports only
//! through a [`progress::ProgressSink`], so the TUI and cron runs share it.

pub mod archive;
pub mod backup;
pub mod drill;
pub mod error;
pub mod inventory;
pub mod package;
pub mod progress;
pub mod restore;
pub mod scan;
pub mod selection;
pub mod storage;
pub mod tree;
