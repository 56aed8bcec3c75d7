//! One backup run: list the selection, compare each item with the previous snapshot (and with
//! what a killed run finished), fetch what changed into archives, link what did not, and write
//! the snapshot — manifest last, directory renamed into place at the very end.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use super::fetch::{self, FetchOptions, ItemProgress};
use crate::client::Client;
use crate::client::api::items::ItemRecord;
use crate::client::models::{Item, User};
use crate::engine::archive::damage::DamageRecord;
use crate::engine::archive::destination::Destination;
use crate::engine::archive::hash_cache::HashCache;
use crate::engine::archive::inside::open_archive;
use crate::engine::archive::journal::{self, Journal};
use crate::engine::archive::manifest::{
    ChangeMarkers, FORMAT, Manifest, ManifestItem, Outcome, VERSION,
};
use crate::engine::archive::names::item_archive_path;
use crate::engine::archive::writer::ItemArchiveWriter;
use crate::engine::inventory::{self, InventoryRow, iso8601};
use crate::engine::progress::{JobEvent, ProgressSink};
use crate::engine::scan::base_row;
use crate::engine::selection::{FolderTitles, Listed, Selection, list_keeping_missing};
use crate::engine::storage::local::{blocking, create_dir_private, link_or_copy, sync_dir};

/// How a backup runs.
#[derive(Debug, Clone)]
pub struct BackupOptions {
    /// The destination directory.
    pub dest: PathBuf,
    /// Items processed in parallel.
    pub workers: usize,
    /// Download everything, even unchanged items.
    pub full: bool,
    /// Add what the selection depends on (a web map's layers, an app's map, ...).
    pub with_dependencies: bool,
    /// Also write GeoJSON copies of layers.
    pub geojson: bool,
    /// Fetch thumbnails.
    pub thumbnails: bool,
    /// Fetch attachments.
    pub attachments: bool,
    /// Server-side export format.
    pub export: Option<String>,
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct BackupReport {
    /// The snapshot id.
    pub snapshot: String,
    /// Its directory.
    pub dir: PathBuf,
    /// The manifest as written.
    pub manifest: Manifest,
}

impl BackupReport {
    /// Items that failed: (id, title, reason).
    pub fn failures(&self) -> Vec<(String, String, String)> {
        self.manifest
            .items
            .iter()
            .filter(|i| i.outcome == Outcome::Failed)
            .map(|i| {
                (
                    i.id.clone(),
                    i.title.clone(),
                    i.reason.clone().unwrap_or_default(),
                )
            })
            .collect()
    }
}

/// Where an unchanged archive can be taken from: an item of an earlier snapshot (or of a killed
/// run's journal) and the directory its `archive` path is relative to. Both are untrusted.
struct Reusable {
    item: ManifestItem,
    dir: PathBuf,
}

/// Runs a backup. Errors are run-level (destination, listing); item failures are recorded in
/// the manifest and the run goes on.
pub async fn run_backup(
    client: &Client,
    me: &User,
    selection: &Selection,
    options: &BackupOptions,
    sink: &dyn ProgressSink,
    cancel: &CancellationToken,
) -> Result<BackupReport, String> {
    run_backup_with(client, me, selection, options, false, sink, cancel).await
}

/// [`run_backup`], where `export_hosted_only` limits the server-side export to hosted feature
/// services (not views): what `backup --format contentexport` asks for.
pub async fn run_backup_with(
    client: &Client,
    me: &User,
    selection: &Selection,
    options: &BackupOptions,
    export_hosted_only: bool,
    sink: &dyn ProgressSink,
    cancel: &CancellationToken,
) -> Result<BackupReport, String> {
    let started = chrono::Utc::now();
    let dest = Destination::open_or_create(&options.dest)?;
    let _lock = dest.lock()?;

    let (mut listed, missing) = list_keeping_missing(client, me, selection, sink)
        .await
        .map_err(|e| e.to_string())?;
    if options.with_dependencies {
        add_dependencies(client, me, &mut listed, sink).await;
    }
    sink.event(JobEvent::Started {
        total: (listed.len() + missing.len()) as u64,
    });

    let previous = reusable_from_previous(&dest);
    let hash_cache = HashCache::load(dest.root());
    let damage = DamageRecord::load(dest.root());
    let partials = dest.partials();
    let resumable = reusable_from_partials(&partials);
    let (snapshot, work_dir) = dest.new_snapshot(started);
    create_dir_private(&work_dir)
        .map_err(|e| format!("cannot create {}: {e}", work_dir.display()))?;
    let journal = Arc::new(Journal::open(&work_dir.join("log.jsonl")).map_err(|e| e.to_string())?);
    journal.event("run_started", serde_json::json!({"snapshot": snapshot, "items": listed.len(), "portal": client.portal().root(), "user": me.username}));

    let spool_dir = work_dir.join(".spool");
    create_dir_private(&spool_dir).map_err(|e| e.to_string())?;
    let fetch_options = FetchOptions {
        geojson: options.geojson,
        thumbnails: options.thumbnails,
        attachments: options.attachments,
        export: options.export.clone(),
        export_hosted_only,
        ..FetchOptions::new(spool_dir.clone())
    };
    if options.export.is_some() {
        match fetch::sweep_export_leftovers(client, &me.username).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                removed = n,
                "swept temporary export items left by an earlier run"
            ),
            Err(e) => tracing::warn!(error = %e, "cannot sweep temporary export items"),
        }
    }

    let results: Vec<(ManifestItem, InventoryRow)> = futures::stream::iter(listed)
        .map(|l| {
            let ctx = ItemContext {
                client,
                work_dir: &work_dir,
                previous: &previous,
                resumable: &resumable,
                fetch_options: &fetch_options,
                full: options.full,
                sink,
                journal: &journal,
                hash_cache: &hash_cache,
                damage: &damage,
            };
            async move {
                if cancel.is_cancelled() {
                    return None;
                }
                Some(ctx.process(&l).await)
            }
        })
        .buffer_unordered(options.workers.max(1))
        .filter_map(|r| async move { r })
        .collect()
        .await;

    if cancel.is_cancelled() {
        journal.event("run_cancelled", serde_json::json!({}));
        return Err(format!(
            "cancelled; the finished items stay in {} and the next run reuses them",
            work_dir.display()
        ));
    }

    let _ = std::fs::remove_dir_all(&spool_dir);
    let (mut items, mut rows): (Vec<_>, Vec<_>) = results.into_iter().unzip();
    for id in missing {
        let entry = gone_item(&id);
        tracing::warn!(item = %id, "a selected item is no longer on the portal");
        sink.event(JobEvent::ItemFailed {
            id: id.clone(),
            reason: entry.reason.clone().unwrap_or_default(),
        });
        journal.item(&entry);
        items.push(entry);
    }
    items.sort_by(|a, b| {
        (&a.owner, &a.folder, &a.title, &a.id).cmp(&(&b.owner, &b.folder, &b.title, &b.id))
    });
    rows.sort_by(|a, b| {
        (&a.owner, &a.folder, &a.title, &a.id).cmp(&(&b.owner, &b.folder, &b.title, &b.id))
    });
    inventory::write(&work_dir.join("inventory.csv"), &rows).map_err(|e| e.to_string())?;
    // Make every archive's directory entry durable before the manifest says they exist.
    let dirs: std::collections::BTreeSet<PathBuf> = items
        .iter()
        .filter_map(|i| i.archive.as_ref())
        .filter_map(|rel| work_dir.join(rel).parent().map(Path::to_path_buf))
        .collect();
    journal.sync();
    tokio::task::spawn_blocking(move || {
        for d in dirs {
            let _ = sync_dir(&d);
        }
    })
    .await
    .map_err(|e| e.to_string())?;

    let mut manifest = Manifest {
        format: FORMAT.into(),
        version: VERSION,
        tool_version: env!("CARGO_PKG_VERSION").into(),
        snapshot: snapshot.clone(),
        started: started.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        finished: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        portal: client.portal().root().to_string(),
        user: me.username.clone(),
        selection: serde_json::to_value(selection_json(selection)).unwrap_or_default(),
        options: serde_json::json!({
            "full": options.full, "with_dependencies": options.with_dependencies, "geojson": options.geojson,
            "thumbnails": options.thumbnails, "attachments": options.attachments, "export": options.export,
            "export_hosted_only": export_hosted_only,
        }),
        items,
        totals: Default::default(),
    };
    manifest.compute_totals();
    if let Err(e) = hash_cache.save() {
        tracing::warn!(error = %e, "cannot write the hash cache; the next run hashes every reused archive");
    }
    let refetched: Vec<String> = manifest
        .items
        .iter()
        .filter(|i| i.outcome == Outcome::Ok && !i.reused)
        .map(|i| i.id.clone())
        .collect();
    if let Err(e) = DamageRecord::forget(dest.root(), &refetched) {
        tracing::warn!(error = %e, "cannot update the damage record");
    }
    journal.event(
        "run_finished",
        serde_json::to_value(&manifest.totals).unwrap_or_default(),
    );
    manifest
        .write(&work_dir.join("manifest.json"))
        .map_err(|e| format!("cannot write the manifest: {e}"))?;
    let final_dir = dest.final_dir(&snapshot);
    std::fs::rename(&work_dir, &final_dir)
        .map_err(|e| format!("cannot finish the snapshot: {e}"))?;
    let _ = sync_dir(final_dir.parent().unwrap_or(Path::new(".")));
    for old in partials {
        let _ = std::fs::remove_dir_all(old);
    }
    sink.event(JobEvent::Finished {
        ok: manifest.totals.ok,
        failed: manifest.totals.failed,
    });
    Ok(BackupReport {
        snapshot,
        dir: final_dir,
        manifest,
    })
}

struct ItemContext<'a> {
    client: &'a Client,
    work_dir: &'a Path,
    previous: &'a HashMap<String, Reusable>,
    resumable: &'a HashMap<String, Reusable>,
    fetch_options: &'a FetchOptions,
    full: bool,
    sink: &'a dyn ProgressSink,
    journal: &'a Journal,
    hash_cache: &'a HashCache,
    damage: &'a DamageRecord,
}

impl ItemContext<'_> {
    async fn process(&self, l: &Listed) -> (ManifestItem, InventoryRow) {
        let item = &l.item;
        self.sink.event(JobEvent::ItemStarted {
            id: item.id.clone(),
            title: item.title.clone(),
        });
        let mut entry = ManifestItem {
            id: item.id.clone(),
            title: item.title.clone(),
            item_type: item.item_type.clone(),
            owner: item.owner.clone(),
            folder: l.folder.clone(),
            modified: item.modified,
            markers: ChangeMarkers {
                item_modified: item.modified,
                ..Default::default()
            },
            outcome: Outcome::Failed,
            reason: None,
            archive: None,
            size: 0,
            sha256: None,
            reused: false,
            parts: Vec::new(),
            feature_counts: BTreeMap::new(),
            attachment_counts: BTreeMap::new(),
            notes: Vec::new(),
        };
        let mut row = base_row(self.client, l);
        match self.archive_item(l, &mut entry, &mut row).await {
            Ok(()) => {
                entry.outcome = Outcome::Ok;
                self.sink.event(JobEvent::ItemDone {
                    id: entry.id.clone(),
                    reused: entry.reused,
                });
            }
            Err(reason) => {
                entry.outcome = Outcome::Failed;
                entry.reason = Some(reason.clone());
                entry.archive = None;
                tracing::warn!(item = %entry.id, title = %entry.title, %reason, "item failed");
                self.sink.event(JobEvent::ItemFailed {
                    id: entry.id.clone(),
                    reason,
                });
            }
        }
        self.journal.item(&entry);
        (entry, row)
    }

    async fn archive_item(
        &self,
        l: &Listed,
        entry: &mut ManifestItem,
        row: &mut InventoryRow,
    ) -> Result<(), String> {
        let client = self.client;
        let record: ItemRecord = client.item(&l.item.id).await.map_err(|e| e.to_string())?;
        let item = &record.item;
        entry.modified = item.modified;
        entry.title = item.title.clone();
        *row = InventoryRow {
            modified: iso8601(item.modified),
            protected: item.protected.unwrap_or(false).to_string(),
            ..row.clone()
        };
        if let Ok(groups) = client.item_groups(&item.id).await {
            let mut titles: Vec<String> =
                groups.all().into_iter().map(|g| g.title.clone()).collect();
            titles.sort();
            row.groups = titles.join("|");
        }
        entry.markers = fetch::change_markers(client, item)
            .await
            .map_err(|e| e.to_string())?;
        let rel = item_archive_path(&item.owner, l.folder.as_deref(), &item.title, &item.id);
        let target = self.work_dir.join(&rel);
        entry.archive = Some(rel.clone());

        let mut refetch_notes = Vec::new();
        if !self.full {
            for (source, from_previous) in [
                (self.resumable.get(&item.id), false),
                (self.previous.get(&item.id), true),
            ] {
                let Some(source) = source else { continue };
                if !entry.markers.unchanged_since(&source.item.markers)
                    || lacks_wanted_export(self.fetch_options, item, &source.item)
                {
                    continue;
                }
                let path = match self.verified_source(source) {
                    Ok(path) => path,
                    Err(why) => {
                        let note = format!("fetched again: the earlier archive {why}");
                        tracing::warn!(item = %item.id, title = %item.title, "{note}");
                        refetch_notes.push(note);
                        continue;
                    }
                };
                link_or_copy(&path, &target)
                    .map_err(|e| format!("cannot link the unchanged archive: {e}"))?;
                if let Some(sha) = &source.item.sha256 {
                    self.hash_cache.record(&target, sha);
                }
                let keep = (entry.modified, entry.title.clone(), entry.folder.clone());
                *entry = ManifestItem {
                    archive: Some(rel.clone()),
                    reused: if from_previous {
                        true
                    } else {
                        source.item.reused
                    },
                    ..source.item.clone()
                };
                (entry.modified, entry.title, entry.folder) = keep;
                return Ok(());
            }
        }

        let mut writer =
            ItemArchiveWriter::create(&target).map_err(|e| format!("cannot create {rel}: {e}"))?;
        let sink = self.sink;
        let id = item.id.clone();
        let last = std::sync::Mutex::new(Instant::now() - Duration::from_secs(1));
        let progress = move |p: ItemProgress| {
            if let Ok(mut t) = last.lock()
                && t.elapsed() >= Duration::from_millis(100)
            {
                *t = Instant::now();
                sink.event(JobEvent::ItemProgress {
                    id: id.clone(),
                    bytes: p.bytes,
                    bytes_total: p.bytes_total,
                    features: p.features,
                    features_total: p.features_total,
                });
            }
        };
        let fetched =
            fetch::fetch_item(client, &record, &mut writer, self.fetch_options, &progress)
                .await
                .map_err(|e| e.to_string())?;
        let descriptor = serde_json::json!({
            "format": FORMAT, "version": VERSION,
            "item": {"id": item.id, "type": item.item_type, "title": item.title, "owner": item.owner, "folder": l.folder},
            "data": {"kind": fetched.data_kind},
            "feature_counts": fetched.feature_counts,
            "attachment_counts": fetched.attachment_counts,
            "notes": fetched.notes,
        });
        let info = writer
            .finish(descriptor)
            .map_err(|e| format!("cannot write {rel}: {e}"))?;
        self.hash_cache.record(&target, &info.sha256);
        entry.size = info.size;
        entry.sha256 = Some(info.sha256);
        entry.parts = info.parts.into_iter().map(|p| p.name).collect();
        entry.feature_counts = fetched.feature_counts;
        entry.attachment_counts = fetched.attachment_counts;
        entry.notes = fetched.notes;
        entry.notes.extend(refetch_notes);
        entry.reused = false;
        Ok(())
    }

    /// The path of `source`'s archive when it may be linked: not recorded damaged by `verify`,
    /// a regular file inside its snapshot, and hashing to the recorded sha256 (from the hash
    /// cache when the file is untouched since). Otherwise why not.
    fn verified_source(&self, source: &Reusable) -> Result<PathBuf, String> {
        let item = &source.item;
        let sha = item.sha256.as_deref().ok_or("has no recorded SHA-256")?;
        if let Some(problem) = self.damage.problem(&item.id, Some(sha)) {
            return Err(format!("failed verify ({problem})"));
        }
        let rel = item.archive.as_deref().ok_or("is not named")?;
        let (mut file, path) = open_archive(&source.dir, rel)?;
        blocking(|| self.hash_cache.check(&mut file, item.size, sha))
            .map_err(|e| format!("{rel} cannot be reused: {e}"))?;
        Ok(path)
    }
}

/// The manifest entry of a selected item the portal no longer has (deleted after it was
/// marked): a failed item, so the job goes on with the others.
fn gone_item(id: &str) -> ManifestItem {
    ManifestItem {
        id: id.to_string(),
        title: String::new(),
        item_type: String::new(),
        owner: String::new(),
        folder: None,
        modified: 0,
        markers: ChangeMarkers::default(),
        outcome: Outcome::Failed,
        reason: Some(
            "no longer on the portal (deleted since it was selected, or you cannot see it)".into(),
        ),
        archive: None,
        size: 0,
        sha256: None,
        reused: false,
        parts: Vec::new(),
        feature_counts: BTreeMap::new(),
        attachment_counts: BTreeMap::new(),
        notes: Vec::new(),
    }
}

/// True when the run asks for an export of `item` that the earlier archive neither holds nor
/// was refused: such an archive is fetched again rather than linked.
fn lacks_wanted_export(options: &FetchOptions, item: &Item, earlier: &ManifestItem) -> bool {
    fetch::export_wanted(options, item)
        && !earlier.parts.iter().any(|p| p.starts_with("export/"))
        && !earlier
            .notes
            .iter()
            .any(|n| n.starts_with("export skipped"))
}

fn reusable_from_previous(dest: &Destination) -> HashMap<String, Reusable> {
    let Some(latest) = dest.snapshots().into_iter().last() else {
        return HashMap::new();
    };
    let Ok(manifest) = latest.manifest() else {
        tracing::warn!(snapshot = %latest.id, "the latest snapshot's manifest is unreadable; everything is fetched again");
        return HashMap::new();
    };
    manifest
        .items
        .into_iter()
        .filter(|i| i.outcome == Outcome::Ok)
        .filter(|i| i.archive.is_some())
        .map(|i| {
            (
                i.id.clone(),
                Reusable {
                    item: i,
                    dir: latest.dir.clone(),
                },
            )
        })
        .collect()
}

fn reusable_from_partials(partials: &[PathBuf]) -> HashMap<String, Reusable> {
    let mut out = HashMap::new();
    for dir in partials {
        for item in journal::read_items(&dir.join("log.jsonl")) {
            if item.outcome != Outcome::Ok {
                continue;
            }
            if item.archive.is_none() {
                continue;
            }
            out.insert(
                item.id.clone(),
                Reusable {
                    item,
                    dir: dir.clone(),
                },
            );
        }
    }
    out
}

async fn add_dependencies(
    client: &Client,
    me: &User,
    listed: &mut Vec<Listed>,
    sink: &dyn ProgressSink,
) {
    let mut known: HashSet<String> = listed.iter().map(|l| l.item.id.clone()).collect();
    let mut queue: Vec<String> = known.iter().cloned().collect();
    let mut folders = FolderTitles::default();
    while let Some(id) = queue.pop() {
        let Ok(record) = client.item(&id).await else {
            continue;
        };
        let deps = match fetch::dependencies(client, &record).await {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(item = %id, error = %e, "cannot read the item's dependencies");
                continue;
            }
        };
        for dep in deps {
            if !known.insert(dep.clone()) {
                continue;
            }
            match client.item(&dep).await {
                Ok(r) => {
                    let folder = folders.title(client, me, &r.item).await;
                    listed.push(Listed {
                        item: r.item,
                        folder,
                    });
                    sink.event(JobEvent::Listing {
                        found: listed.len() as u64,
                    });
                    queue.push(dep);
                }
                Err(e) => {
                    tracing::warn!(item = %dep, error = %e, "a dependency cannot be read; it is left out")
                }
            }
        }
    }
}

fn selection_json(s: &Selection) -> serde_json::Value {
    serde_json::json!({
        "all": s.all, "ids": s.ids, "owners": s.owners, "folder": s.folder, "types": s.types, "tags": s.tags,
        "query": s.query, "authoritative": s.authoritative, "exclude_types": s.exclude_types,
        "exclude_tags": s.exclude_tags,
    })
}
