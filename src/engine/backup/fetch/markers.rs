//! Change markers: item `modified` plus each layer's and table's `editingInfo`, from definition
//! requests only (`{url}/layers`, else the root and one request per layer).

use std::collections::BTreeMap;

use serde_json::Value;

use super::features::{all_layers, root_layer_ids, service_url};
use super::is_feature_service;
use crate::client::models::Item;
use crate::client::request::Call;
use crate::client::{Client, Result};
use crate::engine::archive::manifest::{ChangeMarkers, LayerMarker};

/// The marker of one definition; `None` without `editingInfo`.
fn marker(def: &Value) -> Option<LayerMarker> {
    let info = def.get("editingInfo").filter(|v| v.is_object())?;
    let m = LayerMarker {
        last_edit: info.get("lastEditDate").and_then(Value::as_i64),
        data_last_edit: info.get("dataLastEditDate").and_then(Value::as_i64),
        schema_last_edit: info.get("schemaLastEditDate").and_then(Value::as_i64),
        fingerprint: None,
    };
    (m.last_edit.is_some() || m.data_last_edit.is_some()).then_some(m)
}

/// See [`super::change_markers`].
pub(crate) async fn change_markers(client: &Client, item: &Item) -> Result<ChangeMarkers> {
    let mut out = ChangeMarkers {
        item_modified: item.modified,
        layers: BTreeMap::new(),
        volatile: false,
    };
    if !is_feature_service(item) {
        return Ok(out);
    }
    let Some((url, only)) = service_url(item) else {
        return Ok(out);
    };
    let defs = match all_layers(client, &url).await {
        Ok(defs) => defs,
        Err(e) if e.is_auth() => return Err(e),
        Err(e) => {
            tracing::debug!(url = %url, error = %e, "no /layers; reading definitions one by one");
            let root: Value = client.json(Call::get(&url)).await?;
            let mut defs = Vec::new();
            for id in root_layer_ids(&root) {
                if only.is_some_and(|o| o != id) {
                    continue;
                }
                defs.push((id, client.json(Call::get(format!("{url}/{id}"))).await?));
            }
            defs
        }
    };
    let mut seen = false;
    for (id, def) in defs {
        if only.is_some_and(|o| o != id) {
            continue;
        }
        seen = true;
        match marker(&def) {
            Some(m) => {
                out.layers.insert(id.to_string(), m);
            }
            None => match fingerprint(client, &url, id).await {
                Ok(f) => {
                    out.layers.insert(
                        id.to_string(),
                        LayerMarker {
                            fingerprint: Some(f),
                            ..LayerMarker::default()
                        },
                    );
                }
                Err(e) if e.is_auth() => return Err(e),
                Err(e) => {
                    tracing::debug!(url = %url, layer = id, error = %e, "no edit dates and no object ids: always fetched");
                    out.volatile = true;
                }
            },
        }
    }
    if !seen {
        out.volatile = true;
    }
    Ok(out)
}

/// For a layer without `editingInfo`: its object ids (count and SHA-256 of the sorted list).
/// Ids only, never features; attribute-only edits on such layers are caught by `--full`.
async fn fingerprint(client: &Client, url: &str, id: i64) -> Result<String> {
    use sha2::Digest;
    let v: Value = client
        .json(
            Call::get(format!("{url}/{id}/query"))
                .param("where", "1=1")
                .param("returnIdsOnly", "true"),
        )
        .await?;
    let mut ids: Vec<i64> = v
        .get("objectIds")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    ids.sort_unstable();
    let mut hasher = sha2::Sha256::new();
    for i in &ids {
        hasher.update(i.to_le_bytes());
    }
    Ok(format!(
        "ids:{}:{}",
        ids.len(),
        crate::engine::archive::writer::hex(&hasher.finalize())
    ))
}
