//! The ArcGIS REST client.
