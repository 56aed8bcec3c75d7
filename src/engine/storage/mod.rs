//! Where archives live. Local filesystem first: every file is written to a temporary name in
//! the same directory, fsynced, then renamed, so a crash never leaves a partial file under its
//! final name.

pub mod local;
