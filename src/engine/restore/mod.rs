//! Restore: a snapshot's items back into the same or another portal (issue 5).
//!
//! [`plan`] turns snapshot + target into an ordered plan (create / update / skip with reasons,
//! owners, folders, service names, the remap table); [`run`] executes it item by item
//! ([`items`] for portal items, [`features`] for hosted feature layers), rewriting references
//! with [`remap`] and recording every new id in the [`journal`].

pub mod context;
pub mod features;
pub mod finish;
pub mod items;
pub mod journal;
pub mod owners;
pub mod plan;
pub mod publish;
pub mod rewrite;
pub mod run;
pub mod source;
