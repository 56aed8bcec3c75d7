//! What every restore step shares: the target client, options, the growing remap table, the
//! journal, folder and group look-ups, and the pacing of adds after 403 bursts.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::journal::{Entry, RestoreJournal, Stage};
use super::plan::PlannedItem;
use super::rewrite::Rewriter;
use crate::client::{Client, Error};

/// Tuning of a restore run (sizes, batches, pacing).
#[derive(Debug, Clone)]
pub struct Tuning {
    /// Files larger than this go up in parts (`addPart`).
    pub large_file: u64,
    /// Bytes per part (at least 5 MB on real portals, except the last).
    pub part_size: u64,
    /// Features per `applyEdits` request.
    pub feature_batch: usize,
    /// First wait after an add was refused with 403 (doubles per refusal).
    pub pace: Duration,
    /// Ask for the original ids (`itemIdToCreate`, Enterprise 10.8.1+ only).
    pub preserve_ids: bool,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            large_file: 100 * 1024 * 1024,
            part_size: 50 * 1024 * 1024,
            feature_batch: 500,
            pace: Duration::from_secs(5),
            preserve_ids: false,
        }
    }
}

/// Adds refused with 403 are retried this often (a 403 burst is how the portal throttles adds).
const PACE_ATTEMPTS: u32 = 4;

/// Shared state of one restore run.
pub struct Ctx<'a> {
    /// The target portal client.
    pub client: &'a Client,
    /// Tuning.
    pub options: &'a Tuning,
    /// Scratch directory for extracted files.
    pub spool: PathBuf,
    /// The journal.
    pub journal: &'a RestoreJournal,
    remap: Mutex<Rewriter>,
    folders: tokio::sync::Mutex<HashMap<(String, String), String>>,
    groups: tokio::sync::Mutex<Option<BTreeMap<String, String>>>,
    gap: Mutex<(Duration, Option<Instant>)>,
}

impl<'a> Ctx<'a> {
    /// A context with the remap table known before writing.
    pub fn new(
        client: &'a Client,
        options: &'a Tuning,
        spool: PathBuf,
        journal: &'a RestoreJournal,
        remap: Rewriter,
    ) -> Self {
        Ctx {
            client,
            options,
            spool,
            journal,
            remap: Mutex::new(remap),
            folders: Default::default(),
            groups: Default::default(),
            gap: Mutex::new((Duration::ZERO, None)),
        }
    }

    /// A copy of the remap table as it stands.
    pub fn remap(&self) -> Rewriter {
        self.remap.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Adds to the remap table.
    pub fn map(&self, old_id: &str, new_id: &str, urls: Option<(&str, &str)>) {
        if let Ok(mut r) = self.remap.lock() {
            r.add_id(old_id, new_id);
            if let Some((o, n)) = urls {
                r.add_url(o, n);
            }
        }
    }

    /// Records that the target item exists now (journal `Created`) and maps its id.
    pub fn created(&self, planned: &PlannedItem, new_id: &str, service_url: Option<&str>) {
        self.journal.record(Entry {
            old: planned.old_id.clone(),
            new: Some(new_id.to_string()),
            stage: Stage::Created,
            owner: planned.target_owner.clone(),
            title: planned.title.clone(),
            item_type: planned.item_type.clone(),
            service_url: service_url.map(str::to_string),
            service_name: None,
            time: 0,
        });
        let urls = planned.old_service_url.as_deref().zip(service_url);
        self.map(&planned.old_id, new_id, urls);
    }

    /// The folder id for `title` of `owner`, created when missing (`None` = root).
    pub async fn folder_id(
        &self,
        owner: &str,
        title: Option<&str>,
    ) -> Result<Option<String>, String> {
        let Some(title) = title.filter(|t| !t.is_empty() && *t != "/") else {
            return Ok(None);
        };
        let key = (owner.to_string(), title.to_string());
        let mut cache = self.folders.lock().await;
        if let Some(id) = cache.get(&key) {
            return Ok(Some(id.clone()));
        }
        let existing = self
            .client
            .user_folders(owner)
            .await
            .map_err(|e| format!("cannot list {owner}'s folders: {e}"))?;
        let id = match existing.into_iter().find(|f| f.title == title) {
            Some(f) => f.id,
            None => {
                self.client
                    .create_folder(owner, title)
                    .await
                    .map_err(|e| format!("cannot create folder {title}: {e}"))?
                    .id
            }
        };
        cache.insert(key, id.clone());
        Ok(Some(id))
    }

    /// Group title → id in the target org (read once).
    pub async fn groups(&self) -> Result<BTreeMap<String, String>, String> {
        let mut cache = self.groups.lock().await;
        if let Some(g) = cache.as_ref() {
            return Ok(g.clone());
        }
        let me = self.client.portal_self().await.map_err(|e| e.to_string())?;
        let org = me.id.clone().unwrap_or_default();
        let groups = self
            .client
            .org_groups(&org)
            .await
            .map_err(|e| format!("cannot list the target's groups: {e}"))?;
        let map: BTreeMap<String, String> = groups.into_iter().map(|g| (g.title, g.id)).collect();
        *cache = Some(map.clone());
        Ok(map)
    }

    /// Runs an add, waiting out 403 refusals with a growing gap that later adds keep too.
    pub async fn paced<T, F, Fut>(&self, add: F) -> Result<T, Error>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, Error>>,
    {
        let mut attempt = 0;
        loop {
            let wait = {
                let g = self
                    .gap
                    .lock()
                    .map(|g| *g)
                    .unwrap_or((Duration::ZERO, None));
                match g.1 {
                    Some(last) => g.0.saturating_sub(last.elapsed()),
                    None => Duration::ZERO,
                }
            };
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            let result = add().await;
            if let Ok(mut g) = self.gap.lock() {
                g.1 = Some(Instant::now());
            }
            match result {
                Err(e) if e.is_forbidden() && attempt + 1 < PACE_ATTEMPTS => {
                    attempt += 1;
                    let next = {
                        let mut g = self.gap.lock().map_err(|_| e)?;
                        g.0 = (g.0 * 2).max(self.options.pace).min(self.options.pace * 16);
                        g.0
                    };
                    tracing::warn!(
                        wait_ms = next.as_millis() as u64,
                        "an add was refused (403); slowing down"
                    );
                }
                other => return other,
            }
        }
    }
}
