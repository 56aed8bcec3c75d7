//! Hosted feature services of the fake portal: in-memory FeatureServer endpoints served by axum.

pub mod sample;
