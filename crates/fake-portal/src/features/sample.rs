//! Names and item ids of the sample hosted feature services, plus the builders that fill them.
//!
//! Other parts of the fake portal (items, search, sharing) use these constants to create the
//! matching portal items, so the `serviceItemId` each service reports lines up with its item.

/// Hosted feature service: hydrant points (layer 0), water mains (layer 2), inspections table (5).
pub const HYDRANTS: &str = "Hydrants";
/// Portal item id of [`HYDRANTS`].
pub const HYDRANTS_ITEM_ID: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

/// Hosted view on `Hydrants` layer 0, filtered by `Status = 'Active'`.
pub const HYDRANTS_VIEW: &str = "Hydrants_view";
/// Portal item id of [`HYDRANTS_VIEW`].
pub const HYDRANTS_VIEW_ITEM_ID: &str = "b2c3d4e5f60718293a4b5c6d7e8f90a1";

/// Survey123-style hosted feature service: one point layer with photo attachments.
pub const FIELD_INSPECTIONS: &str = "Field_Inspections";
/// Portal item id of [`FIELD_INSPECTIONS`].
pub const FIELD_INSPECTIONS_ITEM_ID: &str = "c3d4e5f60718293a4b5c6d7e8f90a1b2";

/// Hosted polygon service whose layer has `supportsPagination: false`.
pub const PARCELS_NO_PAGING: &str = "Parcels_NoPaging";
/// Portal item id of [`PARCELS_NO_PAGING`].
pub const PARCELS_NO_PAGING_ITEM_ID: &str = "d4e5f60718293a4b5c6d7e8f90a1b2c3";

/// Public polyline service on a non-federated ArcGIS Server (anonymous access works).
pub const PUBLIC_TRAILS: &str = "Public_Trails";
/// Portal item id of [`PUBLIC_TRAILS`] (the item registered in the org that points at it).
pub const PUBLIC_TRAILS_ITEM_ID: &str = "e5f60718293a4b5c6d7e8f90a1b2c3d4";

/// Benchmark service (only when `FakeConfig::large_layer_features > 0`): one point layer whose
/// rows are generated on demand from the object id; owned by the admin.
pub const BIG_LAYER: &str = "Big_Layer";
/// Portal item id of [`BIG_LAYER`].
pub const BIG_LAYER_ITEM_ID: &str = "f60718293a4b5c6d7e8f90a1b2c3d4e5";
