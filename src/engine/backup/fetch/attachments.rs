//! Attachments of a layer: infos via `queryAttachments` in object id batches (or per feature
//! when the layer cannot), each file spooled and length-checked into
//! `layers/<id>/attachments/<parentOid>/<attachmentId>-<safe name>`, indexed in
//! `layers/<id>/attachments.json`.

use serde_json::{Value, json};

use super::download::{Expect, download, is_html_name};
use super::features::LayerQuery;
use super::{Ctx, local_io};
use crate::client::Result;
use crate::client::request::Call;
use crate::engine::archive::names::safe_name;
use crate::engine::archive::writer::ItemArchiveWriter;

/// Object ids per `queryAttachments` request.
const BATCH: usize = 100;

/// One attachment to download.
struct Info {
    parent_oid: i64,
    parent_gid: Value,
    info: Value,
}

/// True when the layer answers `queryAttachments`.
fn supports_query_attachments(def: &Value) -> bool {
    def.get("supportsQueryAttachments").and_then(Value::as_bool) == Some(true)
        || def
            .pointer("/advancedQueryCapabilities/supportsQueryAttachments")
            .and_then(Value::as_bool)
            == Some(true)
}

async fn infos(ctx: &Ctx<'_>, layer: &LayerQuery<'_>, oids: &[i64]) -> Result<Vec<Info>> {
    let mut out = Vec::new();
    if supports_query_attachments(layer.def) {
        for chunk in oids.chunks(BATCH) {
            let list = chunk
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let body: Value = ctx
                .client
                .json(
                    Call::post_read(format!("{}/queryAttachments", layer.url))
                        .param("objectIds", list),
                )
                .await?;
            for group in body
                .get("attachmentGroups")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let Some(parent) = group.get("parentObjectId").and_then(Value::as_i64) else {
                    continue;
                };
                let gid = group.get("parentGlobalId").cloned().unwrap_or(Value::Null);
                for info in group
                    .get("attachmentInfos")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    out.push(Info {
                        parent_oid: parent,
                        parent_gid: gid.clone(),
                        info: info.clone(),
                    });
                }
            }
        }
    } else {
        for oid in oids {
            let body: Value = ctx
                .client
                .json(Call::get(format!("{}/{oid}/attachments", layer.url)))
                .await?;
            for info in body
                .get("attachmentInfos")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.push(Info {
                    parent_oid: *oid,
                    parent_gid: info.get("parentGlobalId").cloned().unwrap_or(Value::Null),
                    info: info.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// Downloads every attachment of the features `oids`; returns how many were stored.
pub(crate) async fn fetch(
    ctx: &Ctx<'_>,
    layer: &LayerQuery<'_>,
    oids: &[i64],
    archive: &mut ItemArchiveWriter,
) -> Result<u64> {
    let list = infos(ctx, layer, oids).await?;
    let total: u64 = list
        .iter()
        .filter_map(|a| a.info.get("size").and_then(Value::as_u64))
        .sum();
    ctx.tracker.expect_bytes(total);
    let mut index = Vec::with_capacity(list.len());
    for a in &list {
        let Some(aid) = a.info.get("id").and_then(Value::as_i64) else {
            continue;
        };
        let name = a.info.get("name").and_then(Value::as_str).unwrap_or("");
        let size = a.info.get("size").and_then(Value::as_u64);
        let url = format!("{}/{}/attachments/{aid}", layer.url, a.parent_oid);
        let spooled = download(
            ctx.client,
            Call::get(url).raw(),
            &ctx.options.spool_dir,
            Expect {
                size,
                json: false,
                html_ok: is_html_name(name)
                    || a.info
                        .get("contentType")
                        .and_then(Value::as_str)
                        .is_some_and(|ct| ct.to_ascii_lowercase().contains("html")),
                declared: None,
            },
            &ctx.tracker,
        )
        .await?;
        let entry = format!(
            "layers/{}/attachments/{}/{aid}-{}",
            layer.id,
            a.parent_oid,
            safe_name(if name.is_empty() { "attachment" } else { name })
        );
        spooled.store(archive, &entry)?;
        index.push(json!({
            "parentObjectId": a.parent_oid,
            "parentGlobalId": a.parent_gid,
            "id": aid,
            "globalId": a.info.get("globalId").cloned().unwrap_or(Value::Null),
            "name": name,
            "contentType": a.info.get("contentType").cloned().unwrap_or(Value::Null),
            "size": spooled.len,
            "keywords": a.info.get("keywords").cloned().unwrap_or(Value::Null),
            "entry": entry,
        }));
    }
    let name = format!("layers/{}/attachments.json", layer.id);
    let bytes = serde_json::to_vec_pretty(&index).unwrap_or_default();
    archive
        .add_bytes(&name, &bytes)
        .map_err(|e| local_io(&name, e))?;
    Ok(index.len() as u64)
}
