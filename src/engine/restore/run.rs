//! One restore run: plan, then execute item by item in dependency order. Each item has its
//! own outcome; nothing already restored is rolled back because another item failed. The
//! journal records every new id at once, so a rerun continues without duplicates.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::context::{Ctx, Tuning};
use super::features::{overwrite_service, restore_service};
use super::finish::finish_item;
use super::items::{add_relationships, restore_item};
use super::journal::{Entry, RestoreJournal, Stage, journal_path};
use super::plan::{Action, Kind, PlanInput, PlannedItem, RestorePlan, plan};
use crate::client::Client;
use crate::client::models::User;
use crate::engine::archive::destination::Destination;
use crate::engine::archive::manifest::Outcome;
use crate::engine::progress::{JobEvent, ProgressSink};

/// How a restore runs.
#[derive(Debug, Clone, Default)]
pub struct RestoreOptions {
    /// What to restore and where.
    pub input: PlanInput,
    /// Only plan; change nothing.
    pub dry_run: bool,
    /// Sizes, batches, pacing, `--preserve-ids`.
    pub tuning: Tuning,
}

/// One item's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct ItemOutcome {
    /// Id in the snapshot.
    pub old_id: String,
    /// Title.
    pub title: String,
    /// Type.
    #[serde(rename = "type")]
    pub item_type: String,
    /// Ok, failed or skipped.
    pub outcome: Outcome,
    /// The target id, when there is one.
    pub new_id: Option<String>,
    /// Why it failed or was skipped.
    pub reason: Option<String>,
    /// Non-fatal notes (unmatched groups, relationships left out, ...).
    pub notes: Vec<String>,
    /// Layer id → (features in the snapshot, features in the target).
    pub feature_counts: BTreeMap<String, (u64, u64)>,
    /// Layer id → attachments re-attached.
    pub attachments: BTreeMap<String, u64>,
}

/// What a run did.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreReport {
    /// The plan it followed.
    pub plan: RestorePlan,
    /// Per item, in plan order (empty for a dry run).
    pub outcomes: Vec<ItemOutcome>,
    /// The journal file.
    pub journal: PathBuf,
}

impl RestoreReport {
    /// Items that failed.
    pub fn failed(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.outcome == Outcome::Failed)
            .count()
    }
}

/// Plans and (unless `dry_run`) restores. Errors are run-level (destination, snapshot,
/// target unreachable); item failures are outcomes.
pub async fn run_restore(
    target: &Client,
    me: &User,
    options: &RestoreOptions,
    sink: &dyn ProgressSink,
    cancel: &CancellationToken,
) -> Result<RestoreReport, String> {
    let dest = Destination::open_existing(&options.input.dest)?;
    let journal_file = journal_path(dest.root(), target.portal().root());
    if options.tuning.preserve_ids {
        let portal = target.portal_self().await.map_err(|e| e.to_string())?;
        if !portal.is_portal {
            return Err("--preserve-ids needs ArcGIS Enterprise 10.8.1 or later: ArcGIS Online cannot create items with chosen ids (itemIdToCreate), so every restored item gets a new id and references are remapped instead".into());
        }
    }
    if options.dry_run {
        let prior = RestoreJournal::read_only(&journal_file);
        let plan = plan(target, me, &options.input, &prior).await?;
        return Ok(RestoreReport {
            plan,
            outcomes: Vec::new(),
            journal: journal_file,
        });
    }
    let _lock = dest.lock()?;
    let journal = RestoreJournal::open(&journal_file).map_err(|e| {
        format!(
            "cannot open the restore journal {}: {e}",
            journal_file.display()
        )
    })?;
    let prior = RestoreJournal::read_only(&journal_file);
    let plan = plan(target, me, &options.input, &prior).await?;
    let spool = dest.root().join(".restore-spool");
    std::fs::create_dir_all(&spool)
        .map_err(|e| format!("cannot create {}: {e}", spool.display()))?;
    let ctx = Ctx::new(
        target,
        &options.tuning,
        spool.clone(),
        &journal,
        plan.remap.clone(),
    );
    let manifest = dest.snapshot(Some(&plan.snapshot))?.manifest()?;
    let counts: BTreeMap<&str, &BTreeMap<String, u64>> = manifest
        .items
        .iter()
        .map(|i| (i.id.as_str(), &i.feature_counts))
        .collect();

    sink.event(JobEvent::Started {
        total: (plan.items.len() + plan.unreadable.len()) as u64,
    });
    let mut outcomes = Vec::new();
    for planned in &plan.items {
        if cancel.is_cancelled() {
            break;
        }
        sink.event(JobEvent::ItemStarted {
            id: planned.old_id.clone(),
            title: planned.title.clone(),
        });
        let empty = BTreeMap::new();
        let expected = counts
            .get(planned.old_id.as_str())
            .copied()
            .unwrap_or(&empty);
        let out = restore_one(&ctx, planned, &plan.items, expected, sink).await;
        match out.outcome {
            Outcome::Failed => sink.event(JobEvent::ItemFailed {
                id: out.old_id.clone(),
                reason: out.reason.clone().unwrap_or_default(),
            }),
            Outcome::Skipped => sink.event(JobEvent::ItemSkipped {
                id: out.old_id.clone(),
                reason: out
                    .reason
                    .clone()
                    .unwrap_or_else(|| "left as it is".to_string()),
            }),
            Outcome::Ok => sink.event(JobEvent::ItemDone {
                id: out.old_id.clone(),
                reused: false,
            }),
        }
        if out.outcome == Outcome::Ok
            && let Some(new_id) = &out.new_id
        {
            ctx.journal.record(done_entry(&ctx, planned, new_id));
        }
        outcomes.push(out);
    }
    // Items whose archive cannot be read fail on their own, after the others.
    for u in &plan.unreadable {
        if cancel.is_cancelled() {
            break;
        }
        sink.event(JobEvent::ItemFailed {
            id: u.id.clone(),
            reason: u.reason.clone(),
        });
        outcomes.push(ItemOutcome {
            old_id: u.id.clone(),
            title: u.title.clone(),
            item_type: u.item_type.clone(),
            outcome: Outcome::Failed,
            new_id: None,
            reason: Some(format!("the item archive cannot be read: {}", u.reason)),
            notes: Vec::new(),
            feature_counts: BTreeMap::new(),
            attachments: BTreeMap::new(),
        });
    }
    // Relationships once every item exists; items an earlier run finished (journal) take part
    // too, because their partners may only exist now (a duplicate is only a note).
    for (planned, out) in plan.items.iter().zip(outcomes.iter_mut()) {
        let from_journal = planned.action == Action::Skip
            && planned
                .journal
                .as_ref()
                .is_some_and(|j| j.stage == Stage::Done);
        if !(out.outcome == Outcome::Ok && planned.action != Action::Skip || from_journal) {
            continue;
        }
        let Some(new_id) = out.new_id.clone() else {
            continue;
        };
        match add_relationships(&ctx, planned, &new_id).await {
            Ok(notes) => out.notes.extend(notes),
            Err(e) if from_journal => out.notes.push(e),
            Err(e) => fail_late(out, e, sink),
        }
    }
    // Content status and delete protection last of all, so protection never blocks a write.
    for (planned, out) in plan.items.iter().zip(outcomes.iter_mut()) {
        if out.outcome != Outcome::Ok || planned.action == Action::Skip {
            continue;
        }
        let Some(new_id) = out.new_id.clone() else {
            continue;
        };
        match finish_item(&ctx, &planned.archive, &planned.target_owner, &new_id).await {
            Ok(notes) => out.notes.extend(notes),
            Err(e) => fail_late(out, e, sink),
        }
    }
    let _ = std::fs::remove_dir_all(&spool);
    let ok = outcomes
        .iter()
        .filter(|o| o.outcome != Outcome::Failed)
        .count() as u64;
    let failed = outcomes.len() as u64 - ok;
    if cancel.is_cancelled() {
        sink.event(JobEvent::Cancelled);
    }
    sink.event(JobEvent::Finished { ok, failed });
    if cancel.is_cancelled() {
        return Err(format!(
            "cancelled after {} of {} items; run the same command again to continue (journal {})",
            outcomes.len(),
            plan.items.len(),
            journal_file.display()
        ));
    }
    let mut plan = plan;
    plan.remap = ctx.remap();
    Ok(RestoreReport {
        plan,
        outcomes,
        journal: journal_file,
    })
}

/// The `Done` line: the service URL is the one this run's create recorded (journal `Created`),
/// else the one an earlier run recorded for an item updated in place; never one read at plan
/// time for a copy that was removed and made again.
/// An item that failed after it was reported done (relationships, protection): its result
/// changes, and the fronts are told so their counts stay true.
fn fail_late(out: &mut ItemOutcome, reason: String, sink: &dyn ProgressSink) {
    sink.event(JobEvent::ItemFailed {
        id: out.old_id.clone(),
        reason: reason.clone(),
    });
    out.outcome = Outcome::Failed;
    out.reason = Some(reason);
}

fn done_entry(ctx: &Ctx<'_>, planned: &PlannedItem, new_id: &str) -> Entry {
    let service_url = ctx
        .journal
        .get(&planned.old_id)
        .filter(|e| e.new.as_deref() == Some(new_id))
        .and_then(|e| e.service_url)
        .or_else(|| {
            planned
                .journal
                .as_ref()
                .filter(|j| j.new.as_deref() == Some(new_id))
                .and_then(|j| j.service_url.clone())
        });
    Entry {
        old: planned.old_id.clone(),
        new: Some(new_id.to_string()),
        stage: Stage::Done,
        owner: planned.target_owner.clone(),
        title: planned.title.clone(),
        item_type: planned.item_type.clone(),
        service_url,
        service_name: None,
        time: 0,
    }
}

async fn restore_one(
    ctx: &Ctx<'_>,
    planned: &PlannedItem,
    others: &[PlannedItem],
    expected: &BTreeMap<String, u64>,
    sink: &dyn ProgressSink,
) -> ItemOutcome {
    let mut out = ItemOutcome {
        old_id: planned.old_id.clone(),
        title: planned.title.clone(),
        item_type: planned.item_type.clone(),
        outcome: Outcome::Ok,
        new_id: planned.new_id.clone(),
        reason: None,
        notes: planned.owner_note.iter().cloned().collect(),
        feature_counts: BTreeMap::new(),
        attachments: BTreeMap::new(),
    };
    let result = match &planned.action {
        Action::Skip => {
            out.outcome = Outcome::Skipped;
            out.reason = Some(planned.reason.clone());
            return out;
        }
        Action::Update { target } => match planned.kind {
            Kind::HostedService | Kind::HostedView => {
                overwrite_service(ctx, planned, target, expected, sink, &mut out.notes)
                    .await
                    .map(|o| {
                        out.feature_counts = o.counts;
                        out.attachments = o.attachments;
                        target.clone()
                    })
            }
            _ => restore_item(ctx, planned, Some(target), &mut out.notes).await,
        },
        Action::Create => match clean_leftover(ctx, planned).await {
            Err(e) => Err(e),
            Ok(removed) => {
                let repicked;
                let planned = if removed && planned.service_name.is_some() {
                    repicked = with_freed_name(ctx, planned, others).await;
                    &repicked
                } else {
                    planned
                };
                ctx.journal.record(Entry {
                    old: planned.old_id.clone(),
                    new: None,
                    stage: Stage::Creating,
                    owner: planned.target_owner.clone(),
                    title: planned.title.clone(),
                    item_type: planned.item_type.clone(),
                    service_url: None,
                    service_name: planned.service_name.clone(),
                    time: 0,
                });
                match planned.kind {
                    Kind::HostedService | Kind::HostedView => {
                        restore_service(ctx, planned, expected, sink, &mut out.notes)
                            .await
                            .map(|(id, o)| {
                                out.feature_counts = o.counts;
                                out.attachments = o.attachments;
                                id
                            })
                    }
                    _ => restore_item(ctx, planned, None, &mut out.notes).await,
                }
            }
        },
    };
    match result {
        Ok(id) => {
            ctx.map(&planned.old_id, &id, None);
            out.new_id = Some(id);
        }
        Err(e) => {
            tracing::warn!(item = %planned.old_id, title = %planned.title, reason = %e, "restore failed");
            out.outcome = Outcome::Failed;
            out.reason = Some(e);
            if out.new_id.is_none() {
                out.new_id = ctx.journal.get(&planned.old_id).and_then(|e| e.new);
            }
        }
    }
    out
}

/// The planned service name once an earlier run's half-made copy is gone: the first of
/// `base`, `base_1`, ... that no other planned item takes and the target says is free, so a
/// rerun ends with the name an uninterrupted restore would have chosen (the plan had to avoid
/// the name the orphan still held).
async fn with_freed_name(
    ctx: &Ctx<'_>,
    planned: &PlannedItem,
    others: &[PlannedItem],
) -> PlannedItem {
    let mut out = planned.clone();
    let base = planned
        .old_service_url
        .as_deref()
        .and_then(super::plan::service_name_of)
        .unwrap_or_else(|| {
            planned
                .title
                .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        });
    let taken: std::collections::BTreeSet<String> = others
        .iter()
        .filter(|o| o.old_id != planned.old_id)
        .filter_map(|o| o.service_name.as_ref())
        .map(|n| n.to_ascii_lowercase())
        .collect();
    for n in 0..100 {
        let candidate = if n == 0 {
            base.clone()
        } else {
            format!("{base}_{n}")
        };
        if taken.contains(&candidate.to_ascii_lowercase()) {
            continue;
        }
        if planned.service_name.as_deref() == Some(candidate.as_str()) {
            break;
        }
        match ctx.client.is_service_name_available(&candidate).await {
            Ok(true) => {
                out.service_name = Some(candidate);
                break;
            }
            Ok(false) => continue,
            Err(_) => break,
        }
    }
    out
}

/// Removes what an interrupted run left of this item: the half-made copy the journal knows,
/// or (when the run died before the new id was written down) items the same owner created
/// after the journal's `Creating` line with the item's title and type, or (hosted services,
/// which createService titles by name) with the service name it was being created as.
/// True when there was an earlier attempt to clean up after.
async fn clean_leftover(ctx: &Ctx<'_>, planned: &PlannedItem) -> Result<bool, String> {
    let Some(prior) = &planned.journal else {
        return Ok(false);
    };
    if prior.stage == Stage::Done {
        return Ok(false);
    }
    let mut doomed: Vec<String> = prior.new.iter().cloned().collect();
    if prior.stage == Stage::Creating {
        let mut titles = vec![prior.title.clone()];
        titles.extend(
            prior
                .service_name
                .iter()
                .filter(|n| **n != prior.title)
                .cloned(),
        );
        for title in titles {
            let q = format!(
                "owner:{} AND title:\"{}\"",
                prior.owner,
                title.replace('"', " ")
            );
            if let Ok(found) = ctx.client.search(&q).await {
                for i in found {
                    if i.title == title
                        && i.item_type == prior.item_type
                        && i.created >= prior.time - 5_000
                        && !doomed.contains(&i.id)
                    {
                        doomed.push(i.id);
                    }
                }
            }
        }
    }
    for id in doomed {
        // A copy that got as far as `protect` cannot be deleted until it is unprotected.
        if let Err(e) = ctx.client.set_protected(&prior.owner, &id, false).await
            && !e.is_missing_item()
        {
            tracing::warn!(item = %id, error = %e, "cannot unprotect a half-restored copy");
        }
        match ctx.client.delete_item(&prior.owner, &id, true).await {
            Ok(()) => {
                tracing::info!(item = %id, "removed a half-restored copy left by an earlier run")
            }
            Err(e) if e.is_missing_item() => {}
            Err(e) => {
                return Err(format!(
                    "an earlier run left a half-restored copy {id} that cannot be removed ({e}); delete it and run again"
                ));
            }
        }
    }
    ctx.journal.forget(&planned.old_id);
    Ok(true)
}
