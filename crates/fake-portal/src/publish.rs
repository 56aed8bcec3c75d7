//! `POST /content/users/{user}[/{folderId}]/publish`: a hosted feature service from a File
//! Geodatabase item. Only FGDBs the fake exported itself can be published (their zip carries
//! the service, see `features::fgdb`). The answer comes at once; `/status?jobId=` then reports
//! `processing` once and `completed` afterwards, like an export job.

use super::add_item::{blank_item, id_to_create};
use super::create_service::valid_name;
use super::ctx::Ctx;
use super::ids::secret;
use super::model::{ItemData, Relationship};
use super::respond;
use super::state::Shared;
use super::write_auth::{acting_for, folder_of};
use crate::features::fgdb_payload;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::Response;
use serde_json::{Map, Value, json};
use std::sync::Arc;

/// Keywords of a hosted feature service item.
const KEYWORDS: &[&str] = &[
    "ArcGIS Server",
    "Data",
    "Feature Access",
    "Feature Service",
    "Service",
    "Hosted Service",
];

/// `{"services":[{"success":false,"error":{…}}]}`: how publish reports a failure.
fn failed(ctx: &Ctx, message: &str) -> Response {
    respond::json(
        ctx,
        &json!({"services": [{"success": false,
                "error": {"code": 400, "message": message, "details": []}}]}),
    )
}

fn publish(s: &Shared, ctx: &Ctx, user: &str, folder: Option<&str>) -> Response {
    if let Err(r) = acting_for(s, ctx, user) {
        return r;
    }
    let folder = match folder_of(s, ctx, user, folder) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let Some(src_id) = ctx.param("itemId").map(str::to_string) else {
        return respond::error(ctx, 400, None, "'itemId' must be specified.", &[]);
    };
    let file_type = ctx.param("fileType").unwrap_or("");
    if !file_type.eq_ignore_ascii_case("fileGeodatabase") {
        let d = format!("fileType '{file_type}': the fake publishes only 'fileGeodatabase'.");
        return respond::error(ctx, 400, None, "Unable to publish item.", &[&d]);
    }
    if ctx
        .param("outputType")
        .is_some_and(|t| !t.eq_ignore_ascii_case("featureService"))
    {
        return respond::error(ctx, 400, None, "Unsupported outputType.", &[]);
    }
    let params: Map<String, Value> = match ctx.param("publishParameters").map(serde_json::from_str)
    {
        Some(Ok(Value::Object(m))) => m,
        _ => {
            let d = "'publishParameters' must be a JSON object.";
            return respond::error(ctx, 400, None, "Unable to publish item.", &[d]);
        }
    };
    let (bytes, src_title, src_tags, src_snippet, src_desc, src_size) = {
        let org = s.org();
        let Some(src) = org.item(&src_id).filter(|it| it.owner == user) else {
            return respond::item_missing(ctx);
        };
        if src.item_type != "File Geodatabase" {
            return failed(ctx, "Item is not a File Geodatabase.");
        }
        let ItemData::File { bytes, .. } = &src.data else {
            return failed(
                ctx,
                "The File Geodatabase item has no file (upload not committed?).",
            );
        };
        (
            bytes.clone(),
            src.title.clone(),
            src.tags.clone(),
            src.snippet.clone(),
            src.description.clone(),
            src.size,
        )
    };
    let Some(name) = params
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return failed(ctx, "'name' must be specified in publishParameters.");
    };
    if !valid_name(&name) {
        return failed(ctx, &format!("Invalid service name '{name}'."));
    }
    if s.hosted.has_service(&name) {
        let org_id = s.org().id.clone();
        return failed(
            ctx,
            &format!("Service name '{name}' already exists for '{org_id}'"),
        );
    }
    let payload = match fgdb_payload(&bytes) {
        Ok(p) => p,
        Err(e) => return failed(ctx, &e),
    };
    let id = match id_to_create(s, ctx) {
        Ok(id) => id,
        Err(r) => return r,
    };
    if let Err(e) = s.hosted.publish_payload(&name, &id, &payload, &params) {
        return failed(ctx, &format!("Unable to publish '{name}': {e}"));
    }
    let url = format!("{}/{name}/FeatureServer", s.hosted_services_url());
    let mut it = blank_item(id.clone(), user, folder);
    it.title = src_title;
    it.tags = src_tags;
    it.snippet = src_snippet;
    it.description = src_desc;
    it.name = Some(name.clone());
    it.item_type = "Feature Service".into();
    it.type_keywords = KEYWORDS.iter().map(|k| k.to_string()).collect();
    it.url = Some(url.clone());
    it.size = -1;
    let job_id = format!("{}::{}", secret(32), s.org().id);
    {
        let mut org = s.org_mut();
        org.items.push(it);
        org.relationships.push(Relationship {
            rel_type: "Service2Data".into(),
            origin: id.clone(),
            dest: src_id,
        });
        org.reindex();
    }
    s.jobs.lock().expect("jobs lock").insert(job_id.clone(), 0);
    respond::json(
        ctx,
        &json!({"services": [{"type": "Feature Service", "serviceurl": url, "size": src_size,
                "jobId": job_id, "serviceItemId": id, "encodedServiceURL": url}]}),
    )
}

/// `POST /content/users/{user}/publish` (`itemId`, `fileType=fileGeodatabase`,
/// `publishParameters` with `name`, `outputType=featureService`, `itemIdToCreate` on
/// Enterprise) → `{"services":[{type, serviceurl, size, jobId, serviceItemId,
/// encodedServiceURL}]}`; a failure is `{"services":[{"success":false,"error":{…}}]}`.
pub async fn publish_root(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path(user): Path<String>,
) -> Response {
    publish(&s, &ctx, &user, None)
}

/// `POST /content/users/{user}/{folderId}/publish`.
pub async fn publish_in_folder(
    State(s): State<Arc<Shared>>,
    Extension(ctx): Extension<Arc<Ctx>>,
    Path((user, folder)): Path<(String, String)>,
) -> Response {
    publish(&s, &ctx, &user, Some(&folder))
}
