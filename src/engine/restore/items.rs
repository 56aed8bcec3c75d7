//! One portal item with every part: the metadata of issue point 3, the data (JSON text with
//! references remapped, or the file streamed; `addPart` for large files), thumbnail,
//! metadata.xml, every resource, and sharing. Relationships are added in a pass after all
//! items exist (see [`add_relationships`]).

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

use super::context::Ctx;
use super::plan::PlannedItem;
use super::rewrite::Rewriter;
use super::source::ItemArchive;
use crate::client::api::content_write::{ItemContent, ItemWrite, UploadFile};

/// typeKeywords the portal manages itself and may add on its own (`createService`, publish).
/// They are still sent back as the source had them: a hosted service must keep `Hosted
/// Service`, `Multilayer`, … for apps and the portal's own pages to treat it as one.
pub const SYSTEM_KEYWORDS: &[&str] = &[
    "Hosted Service",
    "View Service",
    "Multilayer",
    "Singlelayer",
    "Service",
    "Feature Service",
];

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn list(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `[[x1,y1],[x2,y2]]` → `"x1,y1,x2,y2"` (items read extents as arrays but write strings).
pub fn extent_param(v: &Value) -> Option<String> {
    let pts = v.as_array()?;
    if pts.len() != 2 {
        return None;
    }
    let mut nums = Vec::new();
    for p in pts {
        for c in p.as_array()? {
            nums.push(c.as_f64()?.to_string());
        }
    }
    (nums.len() == 4).then(|| nums.join(","))
}

/// The `addItem`/`update` metadata parameters of issue point 3, from `item.json`.
pub fn metadata_params(item: &Value, remap: &Rewriter, with_type: bool) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = Vec::new();
    if let Some(t) = text(item, "title") {
        p.push(("title".into(), t));
    }
    if with_type && let Some(t) = text(item, "type") {
        p.push(("type".into(), t));
    }
    // Every keyword of the source, in order; a comma inside a keyword cannot be sent in the
    // comma list, so such keywords go as a JSON array instead.
    let keywords = list(item, "typeKeywords");
    let joined = if keywords.iter().any(|k| k.contains(',')) {
        serde_json::to_string(&keywords).unwrap_or_default()
    } else {
        keywords.join(",")
    };
    p.push(("typeKeywords".into(), joined));
    p.push(("tags".into(), list(item, "tags").join(",")));
    for key in [
        "snippet",
        "description",
        "accessInformation",
        "licenseInfo",
        "culture",
        "documentation",
    ] {
        if let Some(v) = text(item, key) {
            p.push((key.into(), remap.rewrite_text(&v, "").text));
        }
    }
    if let Some(e) = item.get("extent").and_then(extent_param) {
        p.push(("extent".into(), e));
    }
    if let Some(sr) = text(item, "spatialReference") {
        p.push(("spatialReference".into(), sr));
    }
    if let Some(props) = item.get("properties").filter(|v| !v.is_null()) {
        p.push(("properties".into(), remap.rewrite(&props.to_string()).text));
    }
    let categories = list(item, "categories");
    if !categories.is_empty() {
        p.push(("categories".into(), categories.join(",")));
    }
    p
}

/// The thumbnail and metadata files of an archive, extracted to the spool.
pub fn side_files(
    archive: &mut ItemArchive,
    spool: &Path,
) -> Result<(Option<UploadFile>, Option<UploadFile>), String> {
    let thumbnail = match archive.names_under("thumbnail/").first() {
        Some(name) => {
            let (path, _) = archive.extract(name, spool)?;
            Some(UploadFile {
                path,
                file_name: name
                    .rsplit('/')
                    .next()
                    .unwrap_or("thumbnail.png")
                    .to_string(),
            })
        }
        None => None,
    };
    let metadata = if archive.has("metadata/metadata.xml") {
        let (path, _) = archive.extract("metadata/metadata.xml", spool)?;
        Some(UploadFile {
            path,
            file_name: "metadata.xml".into(),
        })
    } else {
        None
    };
    Ok((thumbnail, metadata))
}

/// The item's data as content to send, with references remapped.
async fn content(
    ctx: &Ctx<'_>,
    archive: &mut ItemArchive,
    item: &Value,
    remap: &Rewriter,
    notes: &mut Vec<String>,
) -> Result<ItemContent, String> {
    if archive.has("data.json") {
        let bytes = archive.read("data.json")?;
        let text = String::from_utf8(bytes).map_err(|_| "data.json is not UTF-8".to_string())?;
        let mut text = remap.rewrite(&text).text;
        if serde_json::from_str::<Value>(&text).is_err()
            && let Some(fixed) = super::rewrite::escape_raw_controls(&text)
            && serde_json::from_str::<Value>(&fixed).is_ok()
        {
            notes.push(
                "raw control characters in the JSON data were escaped (the portal refuses them)"
                    .into(),
            );
            text = fixed;
        }
        return Ok(ItemContent::Text(text));
    }
    if let Some(name) = archive.names_under("data/").first().cloned() {
        let (path, _) = archive.extract(&name, &ctx.spool)?;
        let file_name = text(item, "name")
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| name.trim_start_matches("data/").to_string());
        return Ok(ItemContent::File { path, file_name });
    }
    if let Some(url) = text(item, "url").filter(|u| !u.is_empty()) {
        return Ok(ItemContent::Url(remap.rewrite_text(&url, "").text));
    }
    Ok(ItemContent::None)
}

/// Creates (or, with `update`, overwrites) a non-service item; returns the target id.
pub async fn restore_item(
    ctx: &Ctx<'_>,
    planned: &PlannedItem,
    update: Option<&str>,
    notes: &mut Vec<String>,
) -> Result<String, String> {
    let mut archive = ItemArchive::open(&planned.archive)?;
    let item = archive.json("item.json")?.unwrap_or(Value::Null);
    let remap = ctx.remap();
    let (thumbnail, metadata) = side_files(&mut archive, &ctx.spool)?;
    let mut data = content(ctx, &mut archive, &item, &remap, notes).await?;
    let mut params = metadata_params(&item, &remap, update.is_none());
    // A URL is sent as `url` by content(); other items keep their URL as a parameter.
    let own_url = text(&item, "url").filter(|u| !u.is_empty());
    let old_id = planned.old_id.to_ascii_lowercase();
    let self_referencing = own_url
        .as_deref()
        .is_some_and(|u| u.to_ascii_lowercase().contains(&old_id));
    // An app's data often names the app itself (`appId`, a share URL): that id exists only
    // once the item is created, so the data is sent again then.
    let self_referencing_data = match &data {
        ItemContent::Text(t) if !remap.ids.contains_key(&old_id) => {
            t.to_ascii_lowercase().contains(&old_id)
        }
        _ => false,
    };
    if !matches!(data, ItemContent::Url(_))
        && let Some(u) = own_url.as_ref().filter(|_| !self_referencing)
    {
        params.push(("url".into(), remap.rewrite_text(u, "").text));
    }
    let owner = planned.target_owner.as_str();
    let id = match update {
        Some(target) => {
            let write = ItemWrite {
                params,
                thumbnail,
                metadata,
            };
            ctx.client
                .update_item(owner, target, &write, &data)
                .await
                .map_err(|e| format!("update: {e}"))?;
            target.to_string()
        }
        None => {
            let large = match &data {
                ItemContent::File { path, file_name } => std::fs::metadata(path)
                    .ok()
                    .filter(|m| m.len() > ctx.options.large_file)
                    .map(|_| (path.clone(), file_name.clone())),
                _ => None,
            };
            if let Some((_, file_name)) = &large {
                data = ItemContent::Multipart {
                    file_name: file_name.clone(),
                };
            }
            if ctx.options.preserve_ids {
                params.push(("itemIdToCreate".into(), planned.old_id.clone()));
            }
            let folder = ctx
                .folder_id(owner, planned.target_folder.as_deref())
                .await?;
            let write = ItemWrite {
                params,
                thumbnail,
                metadata: None,
            };
            let added = ctx
                .paced(|| ctx.client.add_item(owner, folder.as_deref(), &write, &data))
                .await
                .map_err(|e| format!("addItem: {e}"))?;
            ctx.created(planned, &added.id, None);
            if let Some((path, _)) = large {
                upload_parts(ctx, owner, &added.id, &path, &item).await?;
            }
            if let Some(m) = metadata {
                let w = ItemWrite {
                    metadata: Some(m),
                    ..ItemWrite::default()
                };
                ctx.client
                    .update_item(owner, &added.id, &w, &ItemContent::None)
                    .await
                    .map_err(|e| format!("metadata: {e}"))?;
            }
            added.id
        }
    };
    // From here on the item's own id is known: its url, data and resources name the new one.
    let mut remap = remap;
    remap.add_id(&planned.old_id, &id);
    let own_data = match &data {
        ItemContent::Text(t) if self_referencing_data => Some(remap.rewrite(t).text),
        _ => None,
    };
    if self_referencing || own_data.is_some() {
        let params = match own_url.filter(|_| self_referencing) {
            Some(u) => vec![("url".into(), remap.rewrite_text(&u, "").text)],
            None => Vec::new(),
        };
        let w = ItemWrite {
            params,
            ..ItemWrite::default()
        };
        let content = own_data.map(ItemContent::Text).unwrap_or(ItemContent::None);
        ctx.client
            .update_item(owner, &id, &w, &content)
            .await
            .map_err(|e| format!("the item's own id in its url and data: {e}"))?;
    }
    resources(
        ctx,
        &mut archive,
        owner,
        &id,
        &remap,
        update.is_some(),
        notes,
    )
    .await?;
    sharing(ctx, &mut archive, owner, &id, notes).await?;
    Ok(id)
}

/// Uploads a large file in parts (`addPart`, 1-based), commits and waits for the portal.
pub(super) async fn upload_parts(
    ctx: &Ctx<'_>,
    owner: &str,
    id: &str,
    path: &Path,
    item: &Value,
) -> Result<(), String> {
    use tokio::io::AsyncReadExt;
    let mut file = tokio::fs::File::open(path)
        .await
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let part_size = ctx.options.part_size.max(1) as usize;
    let mut part = 1u32;
    loop {
        let mut buf = Vec::with_capacity(part_size);
        let mut limited = (&mut file).take(part_size as u64);
        limited
            .read_to_end(&mut buf)
            .await
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if buf.is_empty() {
            break;
        }
        ctx.client
            .add_part(owner, id, part, Bytes::from(buf))
            .await
            .map_err(|e| format!("addPart {part}: {e}"))?;
        part += 1;
    }
    let params: Vec<(String, String)> =
        [("type", text(item, "type")), ("title", text(item, "title"))]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
            .collect();
    ctx.client
        .commit_item(owner, id, &params)
        .await
        .map_err(|e| format!("commit: {e}"))?;
    for _ in 0..600 {
        let status = ctx
            .client
            .item_status(owner, id, None)
            .await
            .map_err(|e| format!("status: {e}"))?;
        match status.get("status").and_then(Value::as_str) {
            Some("completed") | None => return Ok(()),
            Some("failed") => {
                return Err(format!(
                    "the portal failed to assemble the upload: {status}"
                ));
            }
            _ => tokio::time::sleep(Duration::from_millis(500)).await,
        }
    }
    Err("the portal did not finish assembling the uploaded parts".into())
}

/// The archive entry that lists each resource's full portal path and access (see
/// `docs/archive-format.md`); archives written before it existed have none.
pub const RESOURCES_INDEX: &str = "resources.json";

/// Archive entry → (full resource path, access) from [`RESOURCES_INDEX`]. Entries it does not
/// list keep their entry path and `inherit`. Paths that would leave the item (`..`, absolute)
/// are ignored in favour of the entry path.
pub fn resource_index(
    archive: &mut ItemArchive,
) -> Result<BTreeMap<String, (String, String)>, String> {
    let Some(doc) = archive.json(RESOURCES_INDEX)? else {
        return Ok(BTreeMap::new());
    };
    let mut out = BTreeMap::new();
    for r in doc
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(entry) = r.get("entry").and_then(Value::as_str) else {
            continue;
        };
        let path = r
            .get("resource")
            .and_then(Value::as_str)
            .filter(|p| {
                !p.is_empty()
                    && !p.starts_with('/')
                    && !p.contains('\\')
                    && p.split('/').all(|s| !s.is_empty() && s != "." && s != "..")
                    && !p.chars().any(char::is_control)
            })
            .map(str::to_string)
            .unwrap_or_else(|| entry.trim_start_matches("resources/").to_string());
        let access = match r.get("access").and_then(Value::as_str) {
            Some("private") => "private",
            _ => "inherit",
        };
        out.insert(entry.to_string(), (path, access.to_string()));
    }
    Ok(out)
}

/// Every `resources/<path>` entry → `addResources` under its full original path (prefix = the
/// sub-folders) with its original `access`; JSON resources get their references remapped.
pub async fn resources(
    ctx: &Ctx<'_>,
    archive: &mut ItemArchive,
    owner: &str,
    id: &str,
    remap: &Rewriter,
    updating: bool,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let index = resource_index(archive)?;
    for name in archive.names_under("resources/") {
        let (rel, access) = match index.get(&name) {
            Some((path, access)) => (path.clone(), access.as_str()),
            // Once: `resources/resources/x.json` is the resource `resources/x.json`.
            None => (
                name.strip_prefix("resources/").unwrap_or(&name).to_string(),
                "inherit",
            ),
        };
        let rel = rel.as_str();
        let (prefix, file_name) = match rel.rsplit_once('/') {
            Some((p, f)) => (Some(p), f),
            None => (None, rel),
        };
        let (mut path, _) = archive.extract(&name, &ctx.spool)?;
        if file_name.ends_with(".json") {
            let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
            if let Some(out) = remap.rewrite_bytes(&bytes)
                && out.text.as_bytes() != bytes.as_slice()
            {
                path = path.with_extension("remapped.json");
                std::fs::write(&path, out.text).map_err(|e| e.to_string())?;
            }
        }
        let file = UploadFile {
            path,
            file_name: file_name.to_string(),
        };
        match ctx
            .client
            .add_resource(owner, id, &file, prefix, access)
            .await
        {
            Ok(()) => {}
            Err(e) if updating => notes.push(format!("resource {rel} not replaced: {e}")),
            Err(e) => return Err(format!("resource {rel}: {e}")),
        }
        let _ = std::fs::remove_file(&file.path);
    }
    Ok(())
}

/// `sharing.json` → `share`: the access level, and groups matched by title in the target.
pub async fn sharing(
    ctx: &Ctx<'_>,
    archive: &mut ItemArchive,
    owner: &str,
    id: &str,
    notes: &mut Vec<String>,
) -> Result<(), String> {
    let Some(doc) = archive.json("sharing.json")? else {
        return Ok(());
    };
    let access = doc
        .get("access")
        .and_then(Value::as_str)
        .unwrap_or("private");
    let (everyone, org) = match access {
        "public" => (true, true),
        "org" | "account" => (false, true),
        _ => (false, false),
    };
    let groups_by_title = ctx.groups().await?;
    let mut ids = Vec::new();
    for g in doc
        .get("groups")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let title = g.get("title").and_then(Value::as_str).unwrap_or("");
        match groups_by_title.get(title) {
            Some(gid) => ids.push(gid.clone()),
            None => notes.push(format!(
                "group \"{title}\" does not exist in the target; not shared with it"
            )),
        }
    }
    if !everyone && !org && ids.is_empty() {
        return Ok(());
    }
    let not_shared = ctx
        .client
        .share_item(owner, id, everyone, org, &ids)
        .await
        .map_err(|e| format!("share: {e}"))?;
    if !not_shared.is_empty() {
        let titles: BTreeMap<&String, &String> =
            groups_by_title.iter().map(|(t, i)| (i, t)).collect();
        let names: Vec<String> = not_shared
            .iter()
            .map(|g| {
                titles
                    .get(g)
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| g.clone())
            })
            .collect();
        return Err(format!("not shared with: {}", names.join(", ")));
    }
    Ok(())
}

/// `relationships.json` forward entries → `addRelationship` when both ends were restored.
/// Returns notes for the ones left out.
pub async fn add_relationships(
    ctx: &Ctx<'_>,
    planned: &PlannedItem,
    new_id: &str,
) -> Result<Vec<String>, String> {
    let mut archive = ItemArchive::open(&planned.archive)?;
    let Some(doc) = archive.json("relationships.json")? else {
        return Ok(Vec::new());
    };
    let remap = ctx.remap();
    let mut notes = Vec::new();
    let Some(forward) = doc.get("forward").and_then(Value::as_object) else {
        return Ok(notes);
    };
    for (rel_type, ids) in forward {
        for dest in ids
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            match remap.ids.get(dest) {
                Some(new_dest) => ctx
                    .client
                    .add_relationship(&planned.target_owner, new_id, new_dest, rel_type)
                    .await
                    .map_err(|e| format!("relationship {rel_type} → {dest}: {e}"))?,
                // Not restored, but still in the target (a same-org restore): link to it.
                None if ctx.client.item(dest).await.is_ok() => ctx
                    .client
                    .add_relationship(&planned.target_owner, new_id, dest, rel_type)
                    .await
                    .map_err(|e| format!("relationship {rel_type} → {dest}: {e}"))?,
                None => notes.push(format!(
                    "relationship {rel_type} → {dest} not re-created: {dest} is neither restored nor in the target"
                )),
            }
        }
    }
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extents_are_written_as_strings() {
        let v: Value = serde_json::json!([[-122.5, 37.5], [-122.0, 38.0]]);
        assert_eq!(extent_param(&v).as_deref(), Some("-122.5,37.5,-122,38"));
        assert_eq!(extent_param(&serde_json::json!([])), None);
    }

    #[test]
    fn metadata_params_cover_point_3_and_leave_system_keywords() {
        let item = serde_json::json!({
            "title": "T", "type": "Web Map", "typeKeywords": ["Web Map", "Hosted Service", "Offline"],
            "tags": ["a", "b"], "snippet": "s", "description": "d", "accessInformation": "ai",
            "licenseInfo": "li", "extent": [[1, 2], [3, 4]], "spatialReference": "102100",
            "culture": "en-us", "properties": {"k": 1}, "categories": ["/Categories/X"],
            "documentation": "doc"
        });
        let p: BTreeMap<String, String> = metadata_params(&item, &Rewriter::default(), true)
            .into_iter()
            .collect();
        assert_eq!(
            p["typeKeywords"], "Web Map,Hosted Service,Offline",
            "every source keyword goes back, the portal's own ones included"
        );
        assert_eq!(p["tags"], "a,b");
        assert_eq!(p["extent"], "1,2,3,4");
        assert_eq!(p["properties"], "{\"k\":1}");
        for k in [
            "title",
            "type",
            "snippet",
            "description",
            "accessInformation",
            "licenseInfo",
            "spatialReference",
            "culture",
            "categories",
            "documentation",
        ] {
            assert!(p.contains_key(k), "{k}");
        }
    }
}
