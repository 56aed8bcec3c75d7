//! Configuration: profiles, paths.
