//! Scan: list a selection and build the inventory. Details (full record, sharing groups) are
//! fetched only for items new or changed since the index of an earlier scan.

use std::collections::HashMap;

use futures::StreamExt;

use crate::client::models::User;
use crate::client::{Client, Result};

use super::inventory::{InventoryRow, iso8601};
use super::progress::{JobEvent, ProgressSink};
use super::selection::{Listed, Selection, list};

/// How a scan runs.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Items fetched in parallel (at least 1).
    pub workers: usize,
    /// Rows of an earlier scan, by item id; unchanged items reuse them.
    pub index: HashMap<String, InventoryRow>,
}

/// What a scan produced.
#[derive(Debug, Default)]
pub struct ScanReport {
    /// One row per item, ordered by owner, folder, title.
    pub rows: Vec<InventoryRow>,
    /// Items whose details were fetched.
    pub fetched: usize,
    /// Items reused from the index.
    pub reused: usize,
    /// Items whose details failed: (id, reason). Their rows hold the listing data only.
    pub failed: Vec<(String, String)>,
}

/// Lists the selection and builds the inventory.
pub async fn scan(
    client: &Client,
    me: &User,
    selection: &Selection,
    options: &ScanOptions,
    sink: &dyn ProgressSink,
) -> Result<ScanReport> {
    let listed = list(client, me, selection, sink).await?;
    sink.event(JobEvent::Started {
        total: listed.len() as u64,
    });
    let mut report = ScanReport::default();
    let workers = options.workers.max(1);

    let results: Vec<(InventoryRow, Outcome)> = futures::stream::iter(listed)
        .map(|l| async move {
            let base = base_row(client, &l);
            if let Some(prev) = options.index.get(&base.id)
                && prev.modified == base.modified
            {
                return (
                    InventoryRow {
                        protected: prev.protected.clone(),
                        groups: prev.groups.clone(),
                        ..base
                    },
                    Outcome::Reused,
                );
            }
            match details(client, &base.id).await {
                Ok((protected, groups)) => (
                    InventoryRow {
                        protected,
                        groups,
                        ..base
                    },
                    Outcome::Fetched,
                ),
                Err(e) => (base, Outcome::Failed(e.to_string())),
            }
        })
        .buffer_unordered(workers)
        .inspect(|(row, outcome)| match outcome {
            Outcome::Failed(reason) => sink.event(JobEvent::ItemFailed {
                id: row.id.clone(),
                reason: reason.clone(),
            }),
            other => sink.event(JobEvent::ItemDone {
                id: row.id.clone(),
                reused: matches!(other, Outcome::Reused),
            }),
        })
        .collect()
        .await;

    for (row, outcome) in results {
        match outcome {
            Outcome::Reused => report.reused += 1,
            Outcome::Fetched => report.fetched += 1,
            Outcome::Failed(reason) => report.failed.push((row.id.clone(), reason)),
        }
        report.rows.push(row);
    }
    report.rows.sort_by(|a, b| {
        (
            a.owner.to_lowercase(),
            a.folder.to_lowercase(),
            a.title.to_lowercase(),
            &a.id,
        )
            .cmp(&(
                b.owner.to_lowercase(),
                b.folder.to_lowercase(),
                b.title.to_lowercase(),
                &b.id,
            ))
    });
    sink.event(JobEvent::Finished {
        ok: (report.fetched + report.reused) as u64,
        failed: report.failed.len() as u64,
    });
    Ok(report)
}

enum Outcome {
    Fetched,
    Reused,
    Failed(String),
}

/// The inventory row of a listed item, without the detail columns (`Protected`, `Groups`).
pub(crate) fn base_row(client: &Client, l: &Listed) -> InventoryRow {
    let item = &l.item;
    InventoryRow {
        title: item.title.clone(),
        id: item.id.clone(),
        item_type: item.item_type.clone(),
        owner: item.owner.clone(),
        folder: l.folder.clone().unwrap_or_default(),
        created: iso8601(item.created),
        modified: iso8601(item.modified),
        size: item.size,
        access: item.access.clone(),
        tags: item.tags.join("|"),
        content_status: item.content_status.clone().unwrap_or_default(),
        url: item.url.clone().unwrap_or_default(),
        item_page_url: client.portal().item_page_url(&item.id),
        protected: String::new(),
        groups: String::new(),
    }
}

async fn details(client: &Client, id: &str) -> Result<(String, String)> {
    let record = client.item(id).await?;
    let groups = client.item_groups(id).await?;
    let mut titles: Vec<String> = groups.all().into_iter().map(|g| g.title.clone()).collect();
    titles.sort();
    Ok((
        record.item.protected.unwrap_or(false).to_string(),
        titles.join("|"),
    ))
}
