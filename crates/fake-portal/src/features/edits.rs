//! Test-side edits of hosted features: change an attribute or add an attachment, bumping the
//! layer's editing dates the way a real `applyEdits` / `addAttachment` does.

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde_json::Value;

use super::model::{Attachment, EditDates, FieldType, Layer, Service};
use super::store::ServiceStore;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn layer_mut<'a>(
    services: &'a mut [Service],
    service: &str,
    layer_id: i64,
) -> Result<&'a mut Layer, String> {
    let svc = services
        .iter_mut()
        .find(|s| s.name.eq_ignore_ascii_case(service))
        .ok_or_else(|| format!("no service {service}"))?;
    let layer = svc
        .layers
        .iter_mut()
        .find(|l| l.id == layer_id)
        .ok_or_else(|| format!("no layer {layer_id} in {service}"))?;
    if layer.view_source.is_some() {
        return Err(format!(
            "{service}/{layer_id} is a view; edit its source layer"
        ));
    }
    Ok(layer)
}

/// Sets the data edit date of `service/layer_id` and of every view layer reading from it to
/// now, strictly later than the layer's previous `lastEditDate`. Returns the new date.
pub(crate) fn bump(services: &mut [Service], service: &str, layer_id: i64) -> i64 {
    let mut date = now_ms();
    for s in services.iter() {
        for l in &s.layers {
            let feeds = l
                .view_source
                .as_ref()
                .is_some_and(|v| v.service.eq_ignore_ascii_case(service) && v.layer_id == layer_id);
            let is_it = s.name.eq_ignore_ascii_case(service) && l.id == layer_id;
            if let (true, Some(d)) = (feeds || is_it, l.edit_dates) {
                date = date.max(d.last() + 1);
            }
        }
    }
    for s in services.iter_mut() {
        let own = s.name.eq_ignore_ascii_case(service);
        for l in &mut s.layers {
            let feeds = l
                .view_source
                .as_ref()
                .is_some_and(|v| v.service.eq_ignore_ascii_case(service) && v.layer_id == layer_id);
            if feeds || (own && l.id == layer_id) {
                let schema = l.edit_dates.map_or(date, |d| d.schema);
                l.edit_dates = Some(EditDates { data: date, schema });
            }
        }
    }
    date
}

/// The new value of the first editable text field (or the first number, plus one).
fn edited_value(
    layer: &Layer,
    attrs: &serde_json::Map<String, Value>,
    date: i64,
) -> (String, Value) {
    let text = layer.fields.iter().find(|f| {
        f.ftype == FieldType::String && f.domain.is_none() && f.name != layer.display_field
    });
    let text = text.or_else(|| {
        layer
            .fields
            .iter()
            .find(|f| f.ftype == FieldType::String && f.domain.is_none())
    });
    if let Some(f) = text {
        let mut v = format!("edited {date}");
        v.truncate(f.length.unwrap_or(256) as usize);
        return (f.name.clone(), v.into());
    }
    let num = layer
        .fields
        .iter()
        .find(|f| matches!(f.ftype, FieldType::Integer | FieldType::Double));
    match num {
        Some(f) => {
            let old = attrs.get(&f.name).and_then(Value::as_f64).unwrap_or(0.0);
            let v: Value = if f.ftype == FieldType::Integer {
                (old as i64 + 1).into()
            } else {
                (old + 1.0).into()
            };
            (f.name.clone(), v)
        }
        None => (layer.object_id_field.clone(), Value::Null),
    }
}

impl ServiceStore {
    /// Changes one attribute of feature `object_id` in `service/layer_id` and sets the layer's
    /// (and its views') data edit date to now. Returns the new `lastEditDate` (epoch ms).
    pub fn edit_feature(
        &self,
        service: &str,
        layer_id: i64,
        object_id: i64,
    ) -> Result<i64, String> {
        let mut services = self.write();
        let layer = layer_mut(&mut services, service, layer_id)?;
        let date = now_ms().max(layer.edit_dates.map_or(0, |d| d.last() + 1));
        if let Some(lazy) = &layer.lazy {
            let f = lazy
                .feature(object_id)
                .ok_or_else(|| format!("no feature {object_id} in {service}/{layer_id}"))?;
            let (k, v) = edited_value(layer, &f.attrs, date);
            if let Some(lazy) = &mut layer.lazy {
                lazy.overrides.entry(object_id).or_default().insert(k, v);
            }
        } else {
            let idx = layer
                .features
                .iter()
                .position(|f| f.oid == object_id)
                .ok_or_else(|| format!("no feature {object_id} in {service}/{layer_id}"))?;
            let (k, v) = edited_value(layer, &layer.features[idx].attrs, date);
            layer.features[idx].attrs.insert(k, v);
        }
        Ok(bump(&mut services, service, layer_id))
    }

    /// Adds an attachment `name` with `data` to feature `object_id` and bumps the edit dates
    /// like [`ServiceStore::edit_feature`]. Returns the new attachment id.
    pub fn add_attachment(
        &self,
        service: &str,
        layer_id: i64,
        object_id: i64,
        name: &str,
        data: Bytes,
    ) -> Result<i64, String> {
        let mut services = self.write();
        let layer = layer_mut(&mut services, service, layer_id)?;
        if !layer.has_attachments {
            return Err(format!("{service}/{layer_id} has no attachments"));
        }
        if !layer.features.iter().any(|f| f.oid == object_id) {
            return Err(format!("no feature {object_id} in {service}/{layer_id}"));
        }
        let id = layer.attachments.iter().map(|a| a.id).max().unwrap_or(0) + 1;
        layer.attachments.push(Attachment {
            id,
            parent_oid: object_id,
            global_id: super::sample_data::guid(&format!("att:{service}:{layer_id}"), id),
            name: name.to_string(),
            content_type: content_type(name).to_string(),
            keywords: String::new(),
            data,
        });
        bump(&mut services, service, layer_id);
        Ok(id)
    }
}

/// The MIME type of an attachment file name.
pub(crate) fn content_type(name: &str) -> &'static str {
    match name
        .rsplit('.')
        .next()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("pdf") => "application/pdf",
        Some("txt") => "text/plain",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}
