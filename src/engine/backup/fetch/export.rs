//! Server-side export (`--export FORMAT`): start the export as the signed-in user, poll the job,
//! download the temp item's data into `export/<file>`, and always delete the temp item
//! (`permanentDelete=true`). Temp items carry the [`EXPORT_TAG`] tag and title prefix so
//! [`sweep_export_leftovers`] can remove what an interrupted run left behind.

use std::time::{Duration, Instant};

use serde_json::Value;

use super::download::{Expect, download};
use super::parts::item_url;
use super::{Ctx, Fetched};
use crate::client::api::portal::path_segment;
use crate::client::models::Item;
use crate::client::request::Call;
use crate::client::{Client, Error, Result};
use crate::engine::archive::names::safe_name;
use crate::engine::archive::writer::ItemArchiveWriter;

/// Tag (and title prefix) of the temporary export items agol-tui creates.
pub const EXPORT_TAG: &str = "agol-tui-export-temp";

fn user_url(client: &Client, me: &str, tail: &str) -> String {
    client
        .portal()
        .sharing(&format!("content/users/{}/{tail}", path_segment(me)))
}

/// Deletes one of the caller's items for good.
async fn delete_item(client: &Client, me: &str, id: &str) -> Result<()> {
    let url = user_url(client, me, &format!("items/{}/delete", path_segment(id)));
    let _: Value = client
        .json(Call::post(url).param("permanentDelete", "true"))
        .await?;
    Ok(())
}

/// Deletes the temp item if the export future is dropped before it cleaned up itself.
struct TempItemGuard {
    client: Client,
    me: String,
    id: Option<String>,
}

impl TempItemGuard {
    /// Deletes the item now (on every path that reaches it).
    async fn delete(mut self) -> Result<()> {
        match self.id.take() {
            Some(id) => delete_item(&self.client, &self.me, &id).await,
            None => Ok(()),
        }
    }
}

impl Drop for TempItemGuard {
    fn drop(&mut self) {
        if let Some(id) = self.id.take()
            && let Ok(rt) = tokio::runtime::Handle::try_current()
        {
            let (client, me) = (self.client.clone(), self.me.clone());
            rt.spawn(async move {
                if let Err(e) = delete_item(&client, &me, &id).await {
                    tracing::warn!(id = %id, error = %e, "temporary export item not deleted; a later run sweeps it");
                }
            });
        }
    }
}

/// True for a permission refusal (403 in any form).
fn is_refusal(e: &Error) -> bool {
    e.is_forbidden() || matches!(e, Error::Api { message_code: Some(c), .. } if c == "GWM_0003")
}

/// Exports a hosted feature service item into `export/<file>`.
pub(crate) async fn export_item(
    ctx: &Ctx<'_>,
    item: &Item,
    capabilities: Option<&str>,
    format: &str,
    archive: &mut ItemArchiveWriter,
    out: &mut Fetched,
) -> Result<()> {
    let Some(capabilities) = capabilities else {
        out.notes
            .push("export skipped: only feature services are exported".into());
        return Ok(());
    };
    let client = ctx.client;
    let user = client.community_self().await?;
    let me = user.username.clone();
    let extract = capabilities
        .split(',')
        .any(|c| c.trim().eq_ignore_ascii_case("Extract"));
    if item.owner != me && !user.is_org_admin() && !extract {
        out.notes.push(format!(
            "export skipped: {me} does not own this item and the service does not allow others to export (no Extract capability)"
        ));
        return Ok(());
    }
    let title = format!(
        "{EXPORT_TAG} {} {} {:08x}",
        item.id,
        chrono::Utc::now().timestamp_millis(),
        rand::random::<u32>()
    );
    let started: Value = match client
        .json(
            Call::post(user_url(client, &me, "export"))
                .param("itemId", &item.id)
                .param("exportFormat", format)
                .param("title", &title)
                .param("tags", EXPORT_TAG),
        )
        .await
    {
        Ok(v) => v,
        Err(e) if is_refusal(&e) => {
            out.notes.push(format!("export skipped: {e}"));
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let export_id = started
        .get("exportItemId")
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| Error::Decode {
            url: user_url(client, &me, "export"),
            json_path: "exportItemId".into(),
            message: "the export answer names no item".into(),
        })?;
    let guard = TempItemGuard {
        client: client.clone(),
        me: me.clone(),
        id: Some(export_id.clone()),
    };
    let job = started
        .get("jobId")
        .and_then(Value::as_str)
        .map(str::to_string);
    let result = run(ctx, &me, &export_id, job.as_deref(), archive).await;
    let deleted = guard.delete().await;
    result?;
    if let Err(e) = deleted {
        out.notes.push(format!(
            "temporary export item {export_id} not deleted ({e}); a later run sweeps it"
        ));
    }
    Ok(())
}

/// Polls the job, then downloads the export item's data.
async fn run(
    ctx: &Ctx<'_>,
    me: &str,
    export_id: &str,
    job: Option<&str>,
    archive: &mut ItemArchiveWriter,
) -> Result<()> {
    let client = ctx.client;
    let status_url = user_url(
        client,
        me,
        &format!("items/{}/status", path_segment(export_id)),
    );
    let deadline = Instant::now() + ctx.options.export_timeout;
    let mut wait = Duration::from_millis(250);
    loop {
        let call = Call::get(&status_url)
            .param_opt("jobId", job)
            .param("jobType", "export");
        let status: Value = client.json(call).await?;
        match status.get("status").and_then(Value::as_str).unwrap_or("") {
            "completed" => break,
            "failed" => {
                return Err(Error::Unsuccessful {
                    url: status_url,
                    body: format!(
                        "export failed: {}",
                        status
                            .get("statusMessage")
                            .map(Value::to_string)
                            .unwrap_or_default()
                    ),
                });
            }
            _ => {}
        }
        if Instant::now() + wait > deadline {
            return Err(Error::Unsuccessful {
                url: status_url,
                body: format!(
                    "export did not finish within {} s",
                    ctx.options.export_timeout.as_secs()
                ),
            });
        }
        tokio::time::sleep(wait).await;
        wait = (wait * 2).min(Duration::from_secs(15));
    }
    let record = client.item(export_id).await?;
    let name = record
        .item
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| format!("{}.zip", record.item.title));
    let spooled = download(
        client,
        Call::get(item_url(client, export_id, "data")).raw(),
        &ctx.options.spool_dir,
        Expect::default(),
        &ctx.tracker,
    )
    .await?;
    spooled.store(archive, &format!("export/{}", safe_name(&name)))?;
    Ok(())
}

/// Deletes the caller's leftover temporary export items (tagged [`EXPORT_TAG`] or titled with
/// it); returns how many were deleted.
pub async fn sweep_export_leftovers(client: &Client, me: &str) -> Result<usize> {
    let q = format!("owner:{me} AND (tags:\"{EXPORT_TAG}\" OR title:\"{EXPORT_TAG}\")");
    let found = client.search(&q).await?;
    let mut deleted = 0;
    for item in found {
        let ours = item.owner == me
            && (item.tags.iter().any(|t| t == EXPORT_TAG) || item.title.starts_with(EXPORT_TAG));
        if !ours {
            continue;
        }
        delete_item(client, me, &item.id).await?;
        deleted += 1;
    }
    Ok(deleted)
}
