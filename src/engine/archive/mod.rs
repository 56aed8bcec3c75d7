//! The backup archive format (docs/archive-format.md): destination, snapshots, item zips,
//! manifest, verify and prune.

pub mod damage;
pub mod destination;
pub mod error;
pub mod hash_cache;
pub mod inside;
pub mod journal;
pub mod manifest;
pub mod names;
pub mod prune;
pub mod verify;
pub mod writer;
