//! Backup: plan what to fetch against the previous snapshot, fetch items into archives, write
//! the snapshot. `fetch/` knows how to get every part of an item; `run` orchestrates.

pub mod fetch;
pub mod run;
