//! agol-tui: scan, back up, verify and restore ArcGIS Online and ArcGIS Enterprise content.
//!
//! The library is layered (see `docs/architecture.md`; `tests/layering.rs` holds the allowed
//! imports): [`client`] talks to the portal over HTTP, [`engine`] does the work (scan, backup,
//! restore, packages, drill) and reports through a progress sink, [`fake`] is an in-memory portal
//! served over real HTTP for tests and the demo, [`config`] holds profiles and paths, [`keymap`]
//! the key bindings, [`app`] and [`ui`] the TUI's pure core and drawing, [`tui`] its runtime, and
//! [`cli`] the headless subcommands.

pub mod app;
pub mod cli;
pub mod client;
pub mod config;
pub mod engine;
/// The built-in fake portal (the `fake` feature, on by default).
#[cfg(feature = "fake")]
pub use fake_portal as fake;
pub mod keymap;
pub mod safe_text;
pub mod tui;
pub mod ui;
