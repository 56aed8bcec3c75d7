//! Attachment writes on one feature: `addAttachment` and `deleteAttachments`.

use bytes::Bytes;
use serde_json::{Value, json};

use super::edits::content_type;
use super::http::{Params, error_body, not_supported};
use super::model::{Attachment, Layer};
use super::query::parse_ids;
use super::write::{failed, new_guid, ok};

/// `{layer}/{oid}/addAttachment` (multipart `attachment`, optional `keywords`) →
/// `{"addAttachmentResult":{"objectId":<attachment id>,"globalId","success":true}}`.
pub(crate) fn add(
    layer: &mut Layer,
    oid: i64,
    params: &Params,
    file: Option<(String, Option<String>, Bytes)>,
) -> Result<Value, Value> {
    if !layer.has_attachments || layer.view_source.is_some() {
        return Err(not_supported());
    }
    let (name, ctype, data) = file.ok_or_else(|| {
        error_body(
            400,
            "Unable to add attachment.",
            &["'attachment' must be specified."],
        )
    })?;
    let Some(parent) = layer.features.iter().find(|f| f.oid == oid) else {
        return Err(error_body(
            404,
            "Object is missing.",
            &[&format!("Object id {oid} does not exist.")],
        ));
    };
    let _ = parent;
    let id = layer.attachments.iter().map(|a| a.id).max().unwrap_or(0) + 1;
    let global_id = new_guid();
    let content_type = ctype
        .filter(|c| !c.is_empty() && c != "application/octet-stream")
        .unwrap_or_else(|| content_type(&name).to_string());
    layer.attachments.push(Attachment {
        id,
        parent_oid: oid,
        global_id: global_id.clone(),
        name,
        content_type,
        keywords: params.get("keywords").unwrap_or("").to_string(),
        data,
    });
    Ok(json!({"addAttachmentResult": {"objectId": id, "globalId": global_id, "success": true}}))
}

/// `{layer}/{oid}/deleteAttachments` (`attachmentIds`) →
/// `{"deleteAttachmentResults":[{"objectId","globalId","success"}]}`.
pub(crate) fn delete(layer: &mut Layer, oid: i64, params: &Params) -> Result<Value, Value> {
    if !layer.has_attachments || layer.view_source.is_some() {
        return Err(not_supported());
    }
    let ids = parse_ids(params.get("attachmentids").unwrap_or(""))?;
    let results: Vec<Value> = ids
        .iter()
        .map(|id| {
            match layer
                .attachments
                .iter()
                .position(|a| a.id == *id && a.parent_oid == oid)
            {
                Some(i) => {
                    let a = layer.attachments.remove(i);
                    ok(a.id, a.global_id.into())
                }
                None => failed(*id, Value::Null, (1019, "Attachment is missing.".into())),
            }
        })
        .collect();
    Ok(json!({"deleteAttachmentResults": results}))
}
