//! Esri's `.contentexport` packages (`../shared/arcgis-rest.md` §13): a safe streaming reader,
//! the GML dependency graph and the inspection report. Restore and write are later slices.

pub mod gml;
pub mod inspect;
pub mod reader;
