//! Owns the terminal: set-up and restore (exit, Ctrl-C, panic), the event loop that feeds
//! input and worker messages to `update` and draws at most ~30 times a second, and the
//! executor that runs effects as tokio tasks.

pub mod executor;
pub mod keys;
pub mod launch;
pub mod log_layer;
pub mod package_job;
pub mod restore_job;
pub mod runtime;
pub mod sink;
pub mod terminal;
