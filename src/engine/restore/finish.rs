//! The last step per restored item, after every write (data, resources, sharing,
//! relationships): its `contentStatus` (`setContentStatus`) and its delete protection
//! (`protect`). Protection comes last so that it never blocks the restore itself; a rerun that
//! must remove a half-made copy unprotects it first (see `run::clean_leftover`).

use serde_json::Value;

use super::context::Ctx;
use super::source::ItemArchive;

/// The content status values `setContentStatus` takes.
const STATUSES: &[&str] = &["org_authoritative", "public_authoritative", "deprecated"];

/// Gives item `new_id` of `owner` the archived item's `contentStatus` and `protected`. Returns
/// notes (a status the signed-in user may not set); other failures are errors.
pub async fn finish_item(
    ctx: &Ctx<'_>,
    archive: &std::path::Path,
    owner: &str,
    new_id: &str,
) -> Result<Vec<String>, String> {
    let mut archive = ItemArchive::open(archive)?;
    let item = archive.json("item.json")?.unwrap_or(Value::Null);
    let mut notes = Vec::new();
    let status = item
        .get("contentStatus")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty());
    let mut auto_protected = false;
    if let Some(status) = status {
        if !STATUSES.contains(&status) {
            notes.push(format!(
                "contentStatus {:?} is not one setContentStatus takes; not restored",
                status
                    .chars()
                    .filter(|c| !c.is_control())
                    .collect::<String>()
            ));
        } else {
            match ctx.client.set_content_status(new_id, Some(status)).await {
                Ok(()) => auto_protected = status.ends_with("_authoritative"),
                Err(e) if e.is_forbidden() => notes.push(format!(
                    "contentStatus {status} not restored: setting it needs an org admin ({e})"
                )),
                Err(e) => return Err(format!("setContentStatus {status}: {e}")),
            }
        }
    }
    let protected = item.get("protected").and_then(Value::as_bool);
    match protected {
        Some(true) => ctx
            .client
            .set_protected(owner, new_id, true)
            .await
            .map_err(|e| format!("protect: {e}"))?,
        // Authoritative items are protected by the portal; the source had it off.
        Some(false) if auto_protected => ctx
            .client
            .set_protected(owner, new_id, false)
            .await
            .map_err(|e| format!("unprotect: {e}"))?,
        _ => {}
    }
    Ok(notes)
}
