//! Esri's `.contentexport` packages (`docs/contentexport.md`): a
//! safe streaming reader, the GML dependency graph, the inspection report, staging a package as a
//! snapshot for the restore engine, and writing a snapshot as a package.

pub mod gml;
pub mod gml_write;
pub mod import;
pub mod inspect;
pub mod reader;
pub mod write;
