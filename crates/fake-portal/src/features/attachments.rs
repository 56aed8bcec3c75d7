//! Attachment endpoints: `queryAttachments`, per-feature `attachments` lists, and downloads.

use std::collections::HashSet;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::http::{Params, error_body, not_supported, unable};
use super::model::{Attachment, Feature, Layer, Service};
use super::query::parse_ids;
use super::store::rows;
use super::where_clause;

/// `{GUID}` in upper case, so `globalIds` match with or without braces.
fn norm_guid(s: &str) -> String {
    s.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_ascii_uppercase()
}

fn parent_gid(layer: &Layer, f: &Feature) -> Value {
    layer
        .global_id_field
        .as_ref()
        .and_then(|g| f.attrs.get(g).cloned())
        .unwrap_or(Value::Null)
}

fn info(a: &Attachment, parent: Option<&Value>, url: Option<String>) -> Value {
    let mut m = Map::new();
    m.insert("id".into(), a.id.into());
    m.insert("globalId".into(), a.global_id.clone().into());
    if let Some(p) = parent {
        m.insert("parentGlobalId".into(), p.clone());
    }
    m.insert("name".into(), a.name.clone().into());
    m.insert("contentType".into(), a.content_type.clone().into());
    m.insert("size".into(), a.data.len().into());
    m.insert("keywords".into(), a.keywords.clone().into());
    m.insert("exifInfo".into(), Value::Null);
    if let Some(u) = url {
        m.insert("url".into(), u.into());
    }
    Value::Object(m)
}

/// `{layer}/queryAttachments`. `layer_url` is the absolute URL of the layer (for `returnUrl`).
pub(crate) fn query_attachments(
    services: &[Service],
    layer: &Layer,
    params: &Params,
    layer_url: &str,
) -> Result<Value, Value> {
    if !layer.has_attachments {
        return Err(not_supported());
    }
    let r = rows(services, layer)
        .map_err(|e| error_body(500, "Unable to complete operation.", &[&e]))?;
    let ids = params.get("objectids").map(parse_ids).transpose()?;
    let gids: Option<HashSet<String>> = params.get("globalids").map(|s| {
        s.split(',')
            .map(norm_guid)
            .filter(|g| !g.is_empty())
            .collect()
    });
    let def = params.get("definitionexpression");
    if ids.is_none() && gids.is_none() && def.is_none() {
        return Err(unable(
            "'objectIds', 'globalIds', or 'definitionExpression' must be specified.",
        ));
    }
    let filter = match def {
        Some(d) => where_clause::parse(d, layer)
            .map_err(|e| unable(&format!("Invalid definitionExpression: {e}")))?,
        None => None,
    };
    let ids: Option<HashSet<i64>> = ids.map(|v| v.into_iter().collect());
    let types: Option<Vec<String>> = params.get("attachmenttypes").map(|s| {
        s.split(',')
            .map(|t| t.trim().to_ascii_lowercase())
            .collect()
    });
    let keywords: Option<Vec<String>> = params.get("keywords").map(|s| {
        s.split(',')
            .map(|t| t.trim().to_ascii_lowercase())
            .collect()
    });
    let with_url = params.flag("returnurl") == Some(true);

    let mut groups = Vec::new();
    for f in &r.features {
        if ids.as_ref().is_some_and(|s| !s.contains(&f.oid)) {
            continue;
        }
        let gid = parent_gid(layer, f);
        if let Some(g) = &gids {
            let hit = gid.as_str().is_some_and(|v| g.contains(&norm_guid(v)));
            if !hit {
                continue;
            }
        }
        if filter
            .as_ref()
            .is_some_and(|e| !where_clause::eval(e, &f.attrs))
        {
            continue;
        }
        let infos: Vec<Value> = r
            .attachments
            .iter()
            .filter(|a| a.parent_oid == f.oid)
            .filter(|a| {
                types
                    .as_ref()
                    .is_none_or(|t| t.iter().any(|t| type_matches(t, &a.content_type)))
            })
            .filter(|a| {
                keywords
                    .as_ref()
                    .is_none_or(|k| k.contains(&a.keywords.to_ascii_lowercase()))
            })
            .map(|a| {
                let url = with_url.then(|| format!("{layer_url}/{}/attachments/{}", f.oid, a.id));
                info(a, None, url)
            })
            .collect();
        if !infos.is_empty() {
            groups.push(
                json!({"parentObjectId": f.oid, "parentGlobalId": gid, "attachmentInfos": infos}),
            );
        }
    }
    let mut fields = vec![layer.field(&layer.object_id_field).map(|f| f.to_json())];
    if let Some(g) = &layer.global_id_field {
        fields.push(layer.field(g).map(|f| f.to_json()));
    }
    let fields: Vec<Value> = fields.into_iter().flatten().collect();
    Ok(json!({"fields": fields, "attachmentGroups": groups}))
}

/// `attachmentTypes` accepts full types (`image/jpeg`) or families (`image`, `image/*`).
fn type_matches(wanted: &str, actual: &str) -> bool {
    let actual = actual.to_ascii_lowercase();
    let family = wanted.trim_end_matches("/*");
    actual == wanted || actual.split('/').next() == Some(family)
}

fn feature_in<'a>(
    services: &'a [Service],
    layer: &'a Layer,
    oid: i64,
) -> Result<(super::store::Rows<'a>, &'a Feature), Value> {
    let r = rows(services, layer)
        .map_err(|e| error_body(500, "Unable to complete operation.", &[&e]))?;
    let f = r
        .features
        .iter()
        .copied()
        .find(|f| f.oid == oid)
        .ok_or_else(|| {
            error_body(
                404,
                "Feature not found.",
                &[&format!("Object id {oid} does not exist.")],
            )
        })?;
    Ok((r, f))
}

/// `{layer}/{oid}/attachments`.
pub(crate) fn list(services: &[Service], layer: &Layer, oid: i64) -> Result<Value, Value> {
    if !layer.has_attachments {
        return Err(not_supported());
    }
    let (r, f) = feature_in(services, layer, oid)?;
    let gid = parent_gid(layer, f);
    let infos: Vec<Value> = r
        .attachments
        .iter()
        .filter(|a| a.parent_oid == oid)
        .map(|a| info(a, Some(&gid), None))
        .collect();
    Ok(json!({"attachmentInfos": infos}))
}

/// `{layer}/{oid}/attachments/{aid}`: the bytes, with the stored content type.
pub(crate) fn download(
    services: &[Service],
    layer: &Layer,
    oid: i64,
    aid: i64,
) -> Result<Response, Value> {
    if !layer.has_attachments {
        return Err(not_supported());
    }
    let (r, _) = feature_in(services, layer, oid)?;
    let a = r
        .attachments
        .iter()
        .find(|a| a.parent_oid == oid && a.id == aid)
        .ok_or_else(|| {
            error_body(
                404,
                "Attachment not found.",
                &[&format!("Attachment {aid} does not exist.")],
            )
        })?;
    let ctype = HeaderValue::from_str(&a.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disp = HeaderValue::from_str(&format!("inline;filename={}", a.name))
        .unwrap_or(HeaderValue::from_static("inline"));
    Ok((
        [
            (header::CONTENT_TYPE, ctype),
            (header::CONTENT_DISPOSITION, disp),
        ],
        a.data.clone(),
    )
        .into_response())
}
