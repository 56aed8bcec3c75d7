//! The fake ArcGIS portal: an in-memory org served over real loopback HTTP(S).
pub mod features;
