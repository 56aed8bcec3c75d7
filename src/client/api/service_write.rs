//! Hosted feature service writes: `isServiceNameAvailable`,
//! `createService`, the admin `addToDefinition`, `applyEdits` adds, `addAttachment`.

use std::path::PathBuf;

use serde_json::Value;

use super::portal::path_segment;
use crate::client::Client;
use crate::client::error::{Error, Result};
use crate::client::request::Call;

/// What `createService` created.
#[derive(Debug, Clone)]
pub struct CreatedService {
    /// The new item id (`itemId` == `serviceItemId`).
    pub item_id: String,
    /// The service URL (`serviceurl`, else `encodedServiceURL`).
    pub service_url: String,
    /// The service name the portal used.
    pub name: String,
}

/// One result of an add (`addResults[i]`).
#[derive(Debug, Clone)]
pub struct AddResult {
    /// The new object id (`-1` or absent on failure).
    pub object_id: Option<i64>,
    /// The GlobalID the feature got, when the service reports one.
    pub global_id: Option<String>,
    /// `success`.
    pub success: bool,
    /// The error description on failure.
    pub error: Option<String>,
}

/// The admin URL of a hosted service: `/rest/services` → `/rest/admin/services`.
pub fn admin_service_url(service_url: &str) -> String {
    let trimmed = service_url.trim_end_matches('/');
    if trimmed.contains("/rest/admin/services") {
        return trimmed.to_string();
    }
    trimmed.replacen("/rest/services", "/rest/admin/services", 1)
}

fn check_success(url: &str, v: &Value) -> Result<()> {
    if v.get("success").and_then(Value::as_bool) == Some(false) {
        return Err(Error::Unsuccessful {
            url: url.to_string(),
            body: v.to_string(),
        });
    }
    Ok(())
}

impl Client {
    /// `portals/self/isServiceNameAvailable` for a `Feature Service` name.
    pub async fn is_service_name_available(&self, name: &str) -> Result<bool> {
        let url = self.portal().sharing("portals/self/isServiceNameAvailable");
        let v: Value = self
            .json(
                Call::get(&url)
                    .param("name", name)
                    .param("type", "Feature Service"),
            )
            .await?;
        Ok(v.get("available").and_then(Value::as_bool).unwrap_or(false))
    }

    /// `createService` (an empty hosted feature service, or a view with `is_view`) in `user`'s
    /// `folder` (id). `extra` adds parameters such as `itemIdToCreate`.
    pub async fn create_service(
        &self,
        user: &str,
        folder: Option<&str>,
        create_parameters: &Value,
        is_view: bool,
        extra: &[(String, String)],
    ) -> Result<CreatedService> {
        let base = match folder {
            Some(f) if !f.is_empty() => {
                format!("content/users/{}/{}", path_segment(user), path_segment(f))
            }
            _ => format!("content/users/{}", path_segment(user)),
        };
        let url = self.portal().sharing(&format!("{base}/createService"));
        let mut call = Call::post(&url)
            .param("createParameters", create_parameters.to_string())
            .param("outputType", "featureService");
        if is_view {
            call = call.param("isView", "true");
        }
        for (k, v) in extra {
            call = call.param(k, v);
        }
        let v: Value = self.json(call).await?;
        check_success(&url, &v)?;
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let item_id = text("itemId")
            .or_else(|| text("serviceItemId"))
            .ok_or_else(|| Error::Decode {
                url: url.clone(),
                json_path: "itemId".into(),
                message: "createService returned no item id".into(),
            })?;
        let service_url = text("serviceurl")
            .or_else(|| text("serviceUrl"))
            .or_else(|| text("encodedServiceURL"))
            .ok_or_else(|| Error::Decode {
                url: url.clone(),
                json_path: "serviceurl".into(),
                message: "createService returned no service URL".into(),
            })?;
        Ok(CreatedService {
            item_id,
            service_url,
            name: text("name").unwrap_or_default(),
        })
    }

    /// The admin `addToDefinition` on a hosted service: `{"layers":[…],"tables":[…]}`.
    pub async fn add_to_definition(&self, service_url: &str, definition: &Value) -> Result<Value> {
        let url = format!("{}/addToDefinition", admin_service_url(service_url));
        let v: Value = self
            .json(Call::post(&url).param("addToDefinition", definition.to_string()))
            .await?;
        check_success(&url, &v)?;
        Ok(v)
    }

    /// `{layer}/applyEdits` with `adds` only; `use_global_ids` keeps the features' GlobalIDs.
    /// Returns one result per feature, in order.
    pub async fn add_features(
        &self,
        layer_url: &str,
        features: &[Value],
        use_global_ids: bool,
    ) -> Result<Vec<AddResult>> {
        let url = format!("{}/applyEdits", layer_url.trim_end_matches('/'));
        let v: Value = self
            .json(
                Call::post(&url)
                    .param("adds", Value::Array(features.to_vec()).to_string())
                    .param("useGlobalIds", use_global_ids)
                    .param("rollbackOnFailure", "false"),
            )
            .await?;
        let results = v
            .get("addResults")
            .and_then(Value::as_array)
            .ok_or_else(|| Error::Decode {
                url: url.clone(),
                json_path: "addResults".into(),
                message: "applyEdits returned no addResults".into(),
            })?;
        Ok(results
            .iter()
            .map(|r| AddResult {
                object_id: r
                    .get("objectId")
                    .and_then(Value::as_i64)
                    .filter(|o| *o >= 0),
                global_id: r
                    .get("globalId")
                    .and_then(Value::as_str)
                    .map(str::to_string),
                success: r.get("success").and_then(Value::as_bool) == Some(true),
                error: r.get("error").map(|e| {
                    e.get("description")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                        .unwrap_or_else(|| e.to_string())
                }),
            })
            .collect())
    }

    /// `{layer}/{oid}/addAttachment` (multipart `attachment`); returns the attachment id.
    pub async fn add_attachment(
        &self,
        layer_url: &str,
        object_id: i64,
        path: PathBuf,
        file_name: &str,
        content_type: &str,
    ) -> Result<i64> {
        let url = format!(
            "{}/{object_id}/addAttachment",
            layer_url.trim_end_matches('/')
        );
        let v: Value = self
            .json(Call::post(&url).part_file("attachment", path, file_name, content_type))
            .await?;
        let r = v.get("addAttachmentResult").ok_or_else(|| Error::Decode {
            url: url.clone(),
            json_path: "addAttachmentResult".into(),
            message: "addAttachment returned no result".into(),
        })?;
        if r.get("success").and_then(Value::as_bool) != Some(true) {
            return Err(Error::Unsuccessful {
                url,
                body: v.to_string(),
            });
        }
        Ok(r.get("objectId").and_then(Value::as_i64).unwrap_or(-1))
    }

    /// `{layer}/query?returnCountOnly=true`: the layer's feature count.
    pub async fn feature_count(&self, layer_url: &str) -> Result<u64> {
        let url = format!("{}/query", layer_url.trim_end_matches('/'));
        let v: Value = self
            .json(
                Call::get(&url)
                    .param("where", "1=1")
                    .param("returnCountOnly", "true"),
            )
            .await?;
        Ok(v.get("count").and_then(Value::as_u64).unwrap_or(0))
    }

    /// `{layer}/deleteFeatures?where=1=1`: empties a layer (overwrite after staging).
    pub async fn truncate_layer(&self, layer_url: &str) -> Result<()> {
        let url = format!("{}/deleteFeatures", layer_url.trim_end_matches('/'));
        let v: Value = self.json(Call::post(&url).param("where", "1=1")).await?;
        check_success(&url, &v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_urls_put_admin_after_rest() {
        assert_eq!(
            admin_service_url("https://s.arcgis.com/Ab/arcgis/rest/services/H/FeatureServer/"),
            "https://s.arcgis.com/Ab/arcgis/rest/admin/services/H/FeatureServer"
        );
        assert_eq!(
            admin_service_url("https://h/server/rest/admin/services/H/FeatureServer"),
            "https://h/server/rest/admin/services/H/FeatureServer"
        );
    }
}
