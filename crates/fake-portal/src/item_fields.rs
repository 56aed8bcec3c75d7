//! The item parameters of `addItem`, `update` and `commit` applied to an [`Item`]: metadata
//! fields, data (`text`, `file`, `url`), thumbnail and formal metadata.

use super::ctx::Ctx;
use super::item_files::mime_for;
use super::model::{Item, ItemData};
use super::multipart::Part;
use super::write_auth::raw;
use serde_json::Value;
use std::collections::BTreeMap;

/// Item types whose data is JSON: `text` must parse or the call fails with `CONT_0057`.
const JSON_TYPES: &[&str] = &[
    "Web Map",
    "Web Scene",
    "Web Mapping Application",
    "Dashboard",
    "Feature Collection",
    "StoryMap",
    "Web Experience",
    "Hub Site Application",
    "Hub Page",
    "Operation View",
    "Application",
];

/// Why the parameters were refused: (code, messageCode, message).
pub type FieldError = (u16, Option<&'static str>, String);

fn list(v: &str) -> Vec<String> {
    if let Ok(Value::Array(a)) = serde_json::from_str::<Value>(v) {
        return a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect();
    }
    v.split(',')
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// `"x1,y1,x2,y2"` (or `[[x1,y1],[x2,y2]]`) as the stored `[[x1,y1],[x2,y2]]`.
fn extent(v: &str) -> Result<Vec<[f64; 2]>, FieldError> {
    let bad = || (400, None, format!("Invalid extent: {v}"));
    if let Ok(a) = serde_json::from_str::<Vec<[f64; 2]>>(v) {
        return Ok(a);
    }
    let n: Vec<f64> = v
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    match n.as_slice() {
        [a, b, c, d] => Ok(vec![[*a, *b], [*c, *d]]),
        _ => Err(bad()),
    }
}

/// Sets an optional text field: absent leaves it, empty clears it only with `clear`.
fn text_field(ctx: &Ctx, key: &str, clear: bool, slot: &mut Option<String>) {
    match raw(ctx, key) {
        Some("") if clear => *slot = None,
        Some("") | None => {}
        Some(v) => *slot = Some(v.to_string()),
    }
}

/// Applies every item parameter present in `ctx` and `files` to `it` (`clear` =
/// `clearEmptyFields=true`: empty values blank the field).
pub fn apply(
    it: &mut Item,
    ctx: &Ctx,
    files: &BTreeMap<String, Part>,
    clear: bool,
) -> Result<(), FieldError> {
    if let Some(t) = ctx.param("title") {
        it.title = t.to_string();
    }
    if let Some(t) = ctx.param("type") {
        it.item_type = t.to_string();
    }
    let lists: [(&str, &mut Vec<String>); 3] = [
        ("typeKeywords", &mut it.type_keywords),
        ("tags", &mut it.tags),
        ("categories", &mut it.categories),
    ];
    for (key, slot) in lists {
        match raw(ctx, key) {
            Some("") if clear => slot.clear(),
            Some("") | None => {}
            Some(v) => *slot = list(v),
        }
    }
    text_field(ctx, "snippet", clear, &mut it.snippet);
    text_field(ctx, "description", clear, &mut it.description);
    text_field(ctx, "accessInformation", clear, &mut it.access_information);
    text_field(ctx, "licenseInfo", clear, &mut it.license_info);
    text_field(ctx, "documentation", clear, &mut it.documentation);
    text_field(ctx, "culture", clear, &mut it.culture);
    text_field(ctx, "spatialReference", clear, &mut it.spatial_reference);
    text_field(ctx, "url", clear, &mut it.url);
    match raw(ctx, "extent") {
        Some("") if clear => it.extent.clear(),
        Some("") | None => {}
        Some(v) => it.extent = extent(v)?,
    }
    match raw(ctx, "properties") {
        Some("") if clear => it.properties = None,
        Some("") | None => {}
        Some(v) => {
            let p = serde_json::from_str::<Value>(v)
                .map_err(|e| (400, None, format!("Invalid JSON in 'properties': {e}")))?;
            it.properties = (!p.is_null()).then_some(p);
        }
    }
    if let Some(text) = raw(ctx, "text").filter(|t| !t.is_empty() && !files.contains_key("text")) {
        if JSON_TYPES.contains(&it.item_type.as_str())
            && serde_json::from_str::<Value>(text).is_err()
        {
            return Err((
                400,
                Some("CONT_0057"),
                "Unable to add or update item. Invalid JSON in 'text' parameter.".into(),
            ));
        }
        it.data = ItemData::Json(text.to_string());
        it.size = text.len() as i64;
    }
    if let Some(f) = files.get("file").or_else(|| files.get("text")) {
        let name = ctx
            .param("fileName")
            .or_else(|| ctx.param("filename"))
            .map(str::to_string)
            .or_else(|| f.file_name.clone())
            .unwrap_or_else(|| "data".into());
        it.data = ItemData::File {
            bytes: f.bytes.clone(),
            content_type: mime_for(&name),
            file_name: name.clone(),
        };
        it.name = Some(name);
        it.size = f.bytes.len() as i64;
    }
    if let Some(t) = files.get("thumbnail") {
        let name = t
            .file_name
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "thumbnail.png".into());
        it.thumbnail = Some(format!("thumbnail/{name}"));
        it.thumbnail_bytes = Some(t.bytes.clone());
    }
    if let Some(m) = files.get("metadata") {
        it.metadata = Some(String::from_utf8_lossy(&m.bytes).to_string());
    }
    Ok(())
}
