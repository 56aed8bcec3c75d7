//! In-memory model of hosted feature services: services, layers, fields, features, attachments.

use bytes::Bytes;
use serde_json::{Map, Value};

/// Spatial reference every sample service uses (Web Mercator).
pub(crate) fn web_mercator() -> Value {
    serde_json::json!({"wkid": 102100, "latestWkid": 3857})
}

/// Esri field types used by the sample data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FieldType {
    Oid,
    GlobalId,
    String,
    Integer,
    Double,
    Date,
    Guid,
}

impl FieldType {
    /// The `esriFieldType*` name.
    pub(crate) fn esri(self) -> &'static str {
        match self {
            FieldType::Oid => "esriFieldTypeOID",
            FieldType::GlobalId => "esriFieldTypeGlobalID",
            FieldType::String => "esriFieldTypeString",
            FieldType::Integer => "esriFieldTypeInteger",
            FieldType::Double => "esriFieldTypeDouble",
            FieldType::Date => "esriFieldTypeDate",
            FieldType::Guid => "esriFieldTypeGUID",
        }
    }

    /// The `sqlType` the REST API reports alongside.
    pub(crate) fn sql(self) -> &'static str {
        match self {
            FieldType::Oid | FieldType::Integer => "sqlTypeInteger",
            FieldType::GlobalId | FieldType::Guid => "sqlTypeGUID",
            FieldType::String => "sqlTypeNVarchar",
            FieldType::Double => "sqlTypeDouble",
            FieldType::Date => "sqlTypeTimestamp2",
        }
    }
}

/// One attribute field of a layer or table.
#[derive(Clone, Debug)]
pub(crate) struct Field {
    pub name: String,
    pub ftype: FieldType,
    pub alias: String,
    pub length: Option<u32>,
    pub nullable: bool,
    /// A coded-value domain as REST JSON, if any.
    pub domain: Option<Value>,
    /// The field JSON exactly as given to `addToDefinition` (served verbatim), if any.
    pub raw: Option<Value>,
}

impl Field {
    /// A field whose alias equals its name.
    pub(crate) fn new(name: &str, ftype: FieldType) -> Field {
        let length = match ftype {
            FieldType::String => Some(256),
            FieldType::GlobalId | FieldType::Guid => Some(38),
            FieldType::Date => Some(8),
            _ => None,
        };
        let nullable = !matches!(ftype, FieldType::Oid | FieldType::GlobalId);
        Field {
            name: name.into(),
            ftype,
            alias: name.into(),
            length,
            nullable,
            domain: None,
            raw: None,
        }
    }

    /// Sets a coded-value domain from `(code, name)` pairs.
    pub(crate) fn coded(mut self, domain_name: &str, values: &[&str]) -> Field {
        let coded: Vec<Value> = values
            .iter()
            .map(|v| serde_json::json!({"name": v, "code": v}))
            .collect();
        self.domain = Some(serde_json::json!({
            "type": "codedValue", "name": domain_name, "description": "",
            "codedValues": coded, "mergePolicy": "esriMPTDefaultValue",
            "splitPolicy": "esriSPTDefaultValue"
        }));
        self
    }

    /// Sets the string length.
    pub(crate) fn len(mut self, length: u32) -> Field {
        self.length = Some(length);
        self
    }

    /// The field as it appears in a layer definition's `fields` array.
    pub(crate) fn to_json(&self) -> Value {
        if let Some(raw) = &self.raw {
            return raw.clone();
        }
        let mut m = Map::new();
        m.insert("name".into(), self.name.clone().into());
        m.insert("type".into(), self.ftype.esri().into());
        m.insert("alias".into(), self.alias.clone().into());
        m.insert("sqlType".into(), self.ftype.sql().into());
        if let Some(l) = self.length {
            m.insert("length".into(), l.into());
        }
        m.insert("nullable".into(), self.nullable.into());
        let editable = !matches!(self.ftype, FieldType::Oid | FieldType::GlobalId);
        m.insert("editable".into(), editable.into());
        m.insert("domain".into(), self.domain.clone().unwrap_or(Value::Null));
        m.insert("defaultValue".into(), Value::Null);
        Value::Object(m)
    }
}

/// Geometry type of a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum GeomType {
    Point,
    Polyline,
    Polygon,
}

impl GeomType {
    /// The `esriGeometry*` name.
    pub(crate) fn esri(self) -> &'static str {
        match self {
            GeomType::Point => "esriGeometryPoint",
            GeomType::Polyline => "esriGeometryPolyline",
            GeomType::Polygon => "esriGeometryPolygon",
        }
    }
}

/// A feature's geometry in Web Mercator.
#[derive(Clone, Debug)]
pub(crate) enum Geometry {
    Point(f64, f64),
    Polyline(Vec<Vec<[f64; 2]>>),
    Polygon(Vec<Vec<[f64; 2]>>),
}

impl Geometry {
    /// Every vertex, for extents.
    pub(crate) fn vertices(&self) -> Vec<[f64; 2]> {
        match self {
            Geometry::Point(x, y) => vec![[*x, *y]],
            Geometry::Polyline(p) | Geometry::Polygon(p) => p.iter().flatten().copied().collect(),
        }
    }
}

/// One row of a layer or table. The object id lives in `attrs` too.
#[derive(Clone, Debug)]
pub(crate) struct Feature {
    pub oid: i64,
    pub attrs: Map<String, Value>,
    pub geometry: Option<Geometry>,
}

/// One attachment of a feature.
#[derive(Clone, Debug)]
pub(crate) struct Attachment {
    pub id: i64,
    pub parent_oid: i64,
    pub global_id: String,
    pub name: String,
    pub content_type: String,
    pub keywords: String,
    pub data: Bytes,
}

/// Where a view layer reads its rows from.
#[derive(Clone, Debug)]
pub(crate) struct ViewSource {
    pub service: String,
    pub layer_id: i64,
    pub definition_query: String,
}

/// Layer editing dates (epoch ms).
#[derive(Clone, Copy, Debug)]
pub(crate) struct EditDates {
    pub data: i64,
    pub schema: i64,
}

impl EditDates {
    /// `lastEditDate`: the later of data and schema changes.
    pub(crate) fn last(&self) -> i64 {
        self.data.max(self.schema)
    }
}

/// A feature layer (with geometry) or a table.
#[derive(Clone, Debug)]
pub(crate) struct Layer {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub geometry_type: Option<GeomType>,
    pub fields: Vec<Field>,
    pub object_id_field: String,
    pub global_id_field: Option<String>,
    pub display_field: String,
    pub max_record_count: usize,
    pub supports_pagination: bool,
    pub has_attachments: bool,
    /// Relationship entries as layer-definition JSON.
    pub relationships: Vec<Value>,
    /// Editing dates; `None` means the layer reports no `editingInfo`.
    pub edit_dates: Option<EditDates>,
    /// Rows, ascending by object id. Empty for view layers.
    pub features: Vec<Feature>,
    pub attachments: Vec<Attachment>,
    pub view_source: Option<ViewSource>,
    /// Rows generated on demand from the object id (benchmark layer); `features` stays empty.
    pub lazy: Option<super::lazy::LazyRows>,
    /// Definition keys given to `addToDefinition` (drawingInfo, types, templates, indexes, …),
    /// served over the generated ones.
    pub definition: Map<String, Value>,
    /// Highest object id ever assigned (object ids are never reused).
    pub oid_seq: i64,
}

impl Layer {
    /// A layer with geometry, `false` for a table.
    pub(crate) fn is_feature_layer(&self) -> bool {
        self.geometry_type.is_some()
    }

    /// The next object id to assign (never reused after deletes). Features are only added
    /// through here once a layer is built, so the rows are scanned once, not on every add.
    pub(crate) fn next_oid(&mut self) -> i64 {
        if self.oid_seq == 0 {
            self.oid_seq = self.features.iter().map(|f| f.oid).max().unwrap_or(0);
        }
        self.oid_seq += 1;
        self.oid_seq
    }

    /// Looks up a field by name, case-insensitively.
    pub(crate) fn field(&self, name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
    }
}

/// One hosted feature service.
#[derive(Clone, Debug)]
pub(crate) struct Service {
    pub name: String,
    pub item_id: String,
    pub description: String,
    /// Anonymous access allowed (tokens are then ignored).
    pub public: bool,
    pub max_record_count: usize,
    pub capabilities: String,
    /// Layers and tables, in id order.
    pub layers: Vec<Layer>,
    /// Service keys given in `createParameters` (spatialReference, extents, editorTrackingInfo,
    /// …), served over the generated ones.
    pub overlay: Map<String, Value>,
}

impl Service {
    /// A layer or table by id.
    pub(crate) fn layer(&self, id: i64) -> Option<&Layer> {
        self.layers.iter().find(|l| l.id == id)
    }

    /// A layer or table by id, for changes.
    pub(crate) fn layer_mut(&mut self, id: i64) -> Option<&mut Layer> {
        self.layers.iter_mut().find(|l| l.id == id)
    }

    /// True when every layer reads from another service.
    pub(crate) fn is_view(&self) -> bool {
        !self.layers.is_empty() && self.layers.iter().all(|l| l.view_source.is_some())
    }
}
