//! agol-tui: scan, back up, verify and restore ArcGIS Online and ArcGIS Enterprise content.
//!
//! The library is layered (see `../shared/design.md`): [`client`] talks to the portal over HTTP,
//! [`engine`] does the work (scan, backup, restore) and reports through a progress sink,
//! [`fake`] is an in-memory portal served over real HTTP for tests and the demo, [`config`]
//! holds profiles and paths, and [`cli`] implements the headless subcommands.

pub mod app;
pub mod cli;
pub mod client;
pub mod config;
pub mod engine;
pub mod fake;
pub mod safe_text;
pub mod tui;
pub mod ui;
