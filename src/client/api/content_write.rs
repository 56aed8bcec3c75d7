//! The Sharing API write side: folders, addItem, update,
//! multipart `addPart`/`commit`, resources, relationships, sharing, delete, `publish` of an
//! uploaded file with its job status, and the admin `updateDefinition` of a layer.
//!
//! Every call here is a POST that is never retried except after a 429 (see
//! [`crate::client::request`]).

use std::path::PathBuf;

use bytes::Bytes;
use serde::Deserialize;
use serde_json::Value;

use super::portal::path_segment;
use crate::client::Client;
use crate::client::error::{Error, Result};
use crate::client::request::Call;

/// A folder as `createFolder` returns it.
#[derive(Debug, Clone, Deserialize)]
pub struct CreatedFolder {
    /// Folder id.
    pub id: String,
    /// Folder title.
    pub title: String,
}

/// What an item's data is made of when it is added or updated.
#[derive(Debug, Clone)]
pub enum ItemContent {
    /// No data (metadata only).
    None,
    /// JSON or text data (`text`).
    Text(String),
    /// A file streamed as the multipart `file` part.
    File {
        /// Path on disk.
        path: PathBuf,
        /// File name sent to the portal.
        file_name: String,
    },
    /// The item will receive its file in parts (`multipart=true` + `filename`).
    Multipart {
        /// File name of the final file.
        file_name: String,
    },
    /// URL items (services, web links).
    Url(String),
}

/// A file sent as one multipart part.
#[derive(Debug, Clone)]
pub struct UploadFile {
    /// Path on disk.
    pub path: PathBuf,
    /// File name sent to the portal.
    pub file_name: String,
}

/// `addItem` / `update` arguments besides the content.
#[derive(Debug, Clone, Default)]
pub struct ItemWrite {
    /// Metadata parameters (`title`, `type`, `tags`, `extent` as a string, ...).
    pub params: Vec<(String, String)>,
    /// The thumbnail file, if any.
    pub thumbnail: Option<UploadFile>,
    /// The formal metadata file (`metadata.xml`), if any.
    pub metadata: Option<UploadFile>,
}

/// The answer of `addItem`.
#[derive(Debug, Clone, Deserialize)]
pub struct AddedItem {
    /// The new item id.
    pub id: String,
    /// Folder id, when the portal says.
    #[serde(default)]
    pub folder: Option<String>,
}

/// What `publish` started: the first entry of `services`.
#[derive(Debug, Clone)]
pub struct PublishedService {
    /// The new service item id (`serviceItemId`).
    pub service_item_id: String,
    /// The service URL (`serviceurl`, else `encodedServiceURL`).
    pub service_url: String,
    /// The publish job id (`jobId`), polled on the service item's `/status`.
    pub job_id: Option<String>,
}

fn user_path(user: &str, folder: Option<&str>) -> String {
    match folder {
        Some(f) if !f.is_empty() && f != "/" => {
            format!("content/users/{}/{}", path_segment(user), path_segment(f))
        }
        _ => format!("content/users/{}", path_segment(user)),
    }
}

fn mime_for(file_name: &str) -> &'static str {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "xml" => "application/xml",
        "csv" => "text/csv",
        "txt" => "text/plain",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "geojson" => "application/geo+json",
        _ => "application/octet-stream",
    }
}

/// The MIME type used for a file name (by extension; `application/octet-stream` otherwise).
pub fn mime_type(file_name: &str) -> &'static str {
    mime_for(file_name)
}

/// True when a `{"success": false}` body says the write did not happen.
fn check_success(url: &str, v: &Value) -> Result<()> {
    if v.get("success").and_then(Value::as_bool) == Some(false) {
        return Err(Error::Unsuccessful {
            url: url.to_string(),
            body: v.to_string(),
        });
    }
    Ok(())
}

fn with_item_write(mut call: Call, w: &ItemWrite, content: &ItemContent) -> Call {
    for (k, v) in &w.params {
        call = call.param(k, v);
    }
    call = match content {
        ItemContent::None => call,
        ItemContent::Text(t) => call.param("text", t),
        ItemContent::Url(u) => call.param("url", u),
        ItemContent::File { path, file_name } => call.param("filename", file_name).part_file(
            "file",
            path,
            file_name,
            mime_for(file_name),
        ),
        ItemContent::Multipart { file_name } => {
            call.param("multipart", "true").param("filename", file_name)
        }
    };
    if let Some(t) = &w.thumbnail {
        call = call.part_file("thumbnail", &t.path, &t.file_name, mime_for(&t.file_name));
    }
    if let Some(m) = &w.metadata {
        call = call.part_file("metadata", &m.path, &m.file_name, "application/xml");
    }
    call
}

impl Client {
    /// `createFolder`: a new folder for `user`.
    pub async fn create_folder(&self, user: &str, title: &str) -> Result<CreatedFolder> {
        let url = self
            .portal()
            .sharing(&format!("{}/createFolder", user_path(user, None)));
        let v: Value = self
            .json(
                Call::post(&url)
                    .param("title", title)
                    .param("folderName", title),
            )
            .await?;
        check_success(&url, &v)?;
        let folder = v.get("folder").cloned().ok_or_else(|| Error::Decode {
            url: url.clone(),
            json_path: "folder".into(),
            message: "createFolder returned no folder".into(),
        })?;
        crate::client::json::from_value(&url, folder)
    }

    /// `addItem` into `user`'s `folder` (id; `None` = root).
    pub async fn add_item(
        &self,
        user: &str,
        folder: Option<&str>,
        write: &ItemWrite,
        content: &ItemContent,
    ) -> Result<AddedItem> {
        let url = self
            .portal()
            .sharing(&format!("{}/addItem", user_path(user, folder)));
        let call = with_item_write(Call::post(&url), write, content);
        let v: Value = self.json(call).await?;
        check_success(&url, &v)?;
        crate::client::json::from_value(&url, v)
    }

    /// `items/{id}/update`: metadata, data, thumbnail or metadata file of an existing item.
    pub async fn update_item(
        &self,
        owner: &str,
        id: &str,
        write: &ItemWrite,
        content: &ItemContent,
    ) -> Result<()> {
        let url = self.portal().sharing(&format!(
            "{}/items/{}/update",
            user_path(owner, None),
            path_segment(id)
        ));
        let call = with_item_write(Call::post(&url), write, content);
        let v: Value = self.json(call).await?;
        check_success(&url, &v)
    }

    /// `items/{id}/addPart?partNum=N`: one part (1-based) of a multipart upload.
    pub async fn add_part(&self, owner: &str, id: &str, part_num: u32, bytes: Bytes) -> Result<()> {
        let url = self.portal().sharing(&format!(
            "{}/items/{}/addPart",
            user_path(owner, None),
            path_segment(id)
        ));
        let size = bytes.len();
        let call = Call::post(&url)
            .param("partNum", part_num)
            .param("size", size)
            .part_bytes(
                "file",
                bytes,
                &format!("part{part_num}"),
                "application/octet-stream",
            );
        let v: Value = self.json(call).await?;
        check_success(&url, &v)
    }

    /// `items/{id}/commit`: finishes a multipart upload (asynchronous on the portal).
    pub async fn commit_item(
        &self,
        owner: &str,
        id: &str,
        params: &[(String, String)],
    ) -> Result<()> {
        let url = self.portal().sharing(&format!(
            "{}/items/{}/commit",
            user_path(owner, None),
            path_segment(id)
        ));
        let mut call = Call::post(&url);
        for (k, v) in params {
            call = call.param(k, v);
        }
        let v: Value = self.json(call).await?;
        check_success(&url, &v)
    }

    /// `items/{id}/status`: an item's job status (`completed`, `processing`, `failed`, ...).
    pub async fn item_status(
        &self,
        owner: &str,
        id: &str,
        job_type: Option<&str>,
    ) -> Result<Value> {
        let url = self.portal().sharing(&format!(
            "{}/items/{}/status",
            user_path(owner, None),
            path_segment(id)
        ));
        self.json(Call::get(&url).param_opt("jobType", job_type))
            .await
    }

    /// `items/{id}/addResources`: one resource file under `prefix` (`None` = top level) with
    /// `access` `inherit` (readable by whoever can read the item) or `private` (owner and
    /// admins only); anything else is sent as `inherit`.
    pub async fn add_resource(
        &self,
        owner: &str,
        id: &str,
        file: &UploadFile,
        prefix: Option<&str>,
        access: &str,
    ) -> Result<()> {
        let access = if access == "private" {
            "private"
        } else {
            "inherit"
        };
        let url = self.portal().sharing(&format!(
            "{}/items/{}/addResources",
            user_path(owner, None),
            path_segment(id)
        ));
        let call = Call::post(&url)
            .param("fileName", &file.file_name)
            .param_opt("resourcesPrefix", prefix.filter(|p| !p.is_empty()))
            .param("access", access)
            .part_file(
                "file",
                &file.path,
                &file.file_name,
                mime_for(&file.file_name),
            );
        let v: Value = self.json(call).await?;
        check_success(&url, &v)
    }

    /// `addRelationship` between two items of `user`.
    pub async fn add_relationship(
        &self,
        user: &str,
        origin: &str,
        destination: &str,
        relationship_type: &str,
    ) -> Result<()> {
        let url = self
            .portal()
            .sharing(&format!("{}/addRelationship", user_path(user, None)));
        let v: Value = self
            .json(
                Call::post(&url)
                    .param("originItemId", origin)
                    .param("destinationItemId", destination)
                    .param("relationshipType", relationship_type),
            )
            .await?;
        check_success(&url, &v)
    }

    /// `items/{id}/share` as the owner (or an admin). Public sharing sends `everyone=true` and
    /// `account=true` (never `org=true` with it). Returns the groups it was **not** shared with.
    pub async fn share_item(
        &self,
        owner: &str,
        id: &str,
        everyone: bool,
        org: bool,
        groups: &[String],
    ) -> Result<Vec<String>> {
        let url = self.portal().sharing(&format!(
            "{}/items/{}/share",
            user_path(owner, None),
            path_segment(id)
        ));
        let mut call = Call::post(&url)
            .param("everyone", everyone)
            .param("groups", groups.join(","))
            .param("confirmItemControl", "true");
        call = if everyone {
            call.param("account", "true")
        } else {
            call.param("org", org)
        };
        let v: Value = self.json(call).await?;
        check_success(&url, &v)?;
        Ok(v.get("notSharedWith")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|g| g.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// `items/{id}/protect` (or `unprotect`): delete protection on or off.
    pub async fn set_protected(&self, owner: &str, id: &str, protected: bool) -> Result<()> {
        let op = if protected { "protect" } else { "unprotect" };
        let url = self.portal().sharing(&format!(
            "{}/items/{}/{op}",
            user_path(owner, None),
            path_segment(id)
        ));
        let v: Value = self.json(Call::post(&url)).await?;
        check_success(&url, &v)
    }

    /// `content/items/{id}/setContentStatus`: `org_authoritative`, `public_authoritative` or
    /// `deprecated`; `None` clears the status (`clearEmptyFields=true`). Needs the owner or an
    /// admin with `portal:admin:updateItems`; authoritative items become protected.
    pub async fn set_content_status(&self, id: &str, status: Option<&str>) -> Result<()> {
        let url = self.portal().sharing(&format!(
            "content/items/{}/setContentStatus",
            path_segment(id)
        ));
        let v: Value = self
            .json(
                Call::post(&url)
                    .param("status", status.unwrap_or(""))
                    .param("clearEmptyFields", status.is_none()),
            )
            .await?;
        check_success(&url, &v)
    }

    /// `items/{id}/delete` (`permanentDelete=true` where the recycle bin is on).
    pub async fn delete_item(&self, owner: &str, id: &str, permanent: bool) -> Result<()> {
        let url = self.portal().sharing(&format!(
            "{}/items/{}/delete",
            user_path(owner, None),
            path_segment(id)
        ));
        let mut call = Call::post(&url);
        if permanent {
            call = call.param("permanentDelete", "true");
        }
        let v: Value = self.json(call).await?;
        check_success(&url, &v)
    }

    /// `publish`: turns the uploaded file item `item_id` into a hosted feature service named by
    /// `publish_parameters` (`{"name": …}`), in `user`'s `folder` (id; `None` = root).
    /// `item_id_to_create` asks ArcGIS Enterprise 10.8.1+ for that id (`itemIdToCreate`).
    pub async fn publish_item(
        &self,
        user: &str,
        folder: Option<&str>,
        item_id: &str,
        file_type: &str,
        publish_parameters: &Value,
        item_id_to_create: Option<&str>,
    ) -> Result<PublishedService> {
        let url = self
            .portal()
            .sharing(&format!("{}/publish", user_path(user, folder)));
        let mut call = Call::post(&url)
            .param("itemId", item_id)
            .param("filetype", file_type)
            .param("publishParameters", publish_parameters.to_string())
            .param("outputType", "featureService");
        if let Some(id) = item_id_to_create {
            call = call.param("itemIdToCreate", id);
        }
        let v: Value = self.json(call).await?;
        check_success(&url, &v)?;
        let service = v
            .get("services")
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .cloned()
            .unwrap_or(Value::Null);
        if let Some(err) = service.get("error") {
            return Err(Error::Unsuccessful {
                url: url.clone(),
                body: err.to_string(),
            });
        }
        let text = |k: &str| service.get(k).and_then(Value::as_str).map(str::to_string);
        let missing = |k: &str| Error::Decode {
            url: url.clone(),
            json_path: format!("services[0].{k}"),
            message: format!("publish returned no {k}"),
        };
        Ok(PublishedService {
            service_item_id: text("serviceItemId").ok_or_else(|| missing("serviceItemId"))?,
            service_url: text("serviceurl")
                .or_else(|| text("encodedServiceURL"))
                .ok_or_else(|| missing("serviceurl"))?,
            job_id: text("jobId"),
        })
    }

    /// `items/{id}/status?jobId=…&jobType=…`: the state of a job on an item (`completed`,
    /// `processing`, `failed` with `statusMessage`).
    pub async fn job_status(
        &self,
        owner: &str,
        id: &str,
        job_id: Option<&str>,
        job_type: &str,
    ) -> Result<Value> {
        let url = self.portal().sharing(&format!(
            "{}/items/{}/status",
            user_path(owner, None),
            path_segment(id)
        ));
        self.json(
            Call::get(&url)
                .param_opt("jobId", job_id)
                .param("jobType", job_type),
        )
        .await
    }

    /// The admin `updateDefinition` of one layer (`…/rest/admin/services/…/FeatureServer/{id}`).
    pub async fn update_layer_definition(&self, layer_url: &str, definition: &Value) -> Result<()> {
        let url = format!(
            "{}/updateDefinition",
            super::service_write::admin_service_url(layer_url)
        );
        let v: Value = self
            .json(Call::post(&url).param("updateDefinition", definition.to_string()))
            .await?;
        check_success(&url, &v)
    }
}
