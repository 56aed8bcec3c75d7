//! The restore plan: snapshot + target → per item create / update / skip with the reason, the
//! target owner and folder, new service names, the id/URL remap table as far as it is known
//! before writing, references to items left out, in dependency order (services and files, then
//! maps, then apps, dashboards, stories, forms). Planning only reads from the target.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Serialize;
use serde_json::Value;

use super::journal::{Entry, Stage};
use super::owners::{OwnerMap, OwnerRules, Owners};
use super::rewrite::Rewriter;
use super::source::{ItemArchive, duplicate_id, planning_parts};
use crate::client::Client;
use crate::client::models::User;
use crate::engine::archive::destination::Destination;
use crate::engine::archive::manifest::{ManifestItem, Outcome};
use crate::engine::selection::Selection;

/// What to do when the item already exists in the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnConflict {
    /// Leave the existing item alone (default).
    #[default]
    Skip,
    /// Update the existing item in place.
    Overwrite,
    /// Create another copy.
    Copy,
}

impl std::str::FromStr for OnConflict {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "skip" => Ok(OnConflict::Skip),
            "overwrite" => Ok(OnConflict::Overwrite),
            "copy" => Ok(OnConflict::Copy),
            other => Err(format!(
                "--on-conflict {other:?} is not one of skip, overwrite, copy"
            )),
        }
    }
}

/// The action for one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "lowercase")]
pub enum Action {
    /// Create a new item.
    Create,
    /// Update the existing target item `target` in place.
    Update {
        /// The target item id.
        target: String,
    },
    /// Do nothing.
    Skip,
}

/// How an item is rebuilt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A hosted feature service: createService + addToDefinition + features + attachments.
    HostedService,
    /// A hosted view on a restored (or existing) source.
    HostedView,
    /// An item with JSON data (`text`).
    Json,
    /// An item with a file (`file`, or `addPart` when large).
    File,
    /// An item that is a URL (non-hosted services, web links).
    Url,
    /// An item with no data.
    Bare,
}

/// One item of the plan.
#[derive(Debug, Clone, Serialize)]
pub struct PlannedItem {
    /// Id in the snapshot.
    pub old_id: String,
    /// Title.
    pub title: String,
    /// Item type.
    #[serde(rename = "type")]
    pub item_type: String,
    /// How it is rebuilt.
    pub kind: Kind,
    /// What happens.
    #[serde(flatten)]
    pub action: Action,
    /// Why.
    pub reason: String,
    /// Owner in the target.
    pub target_owner: String,
    /// Why the owner is not the original one (missing user, not an admin), when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_note: Option<String>,
    /// Folder title in the target (`None` = root).
    pub target_folder: Option<String>,
    /// The service URL in the snapshot (hosted services and views).
    pub old_service_url: Option<String>,
    /// The service name to create (hosted services and views).
    pub service_name: Option<String>,
    /// The new id when already known (journal, overwrite).
    pub new_id: Option<String>,
    /// The item's journal entry from an earlier run into this target.
    #[serde(skip)]
    pub journal: Option<Entry>,
    /// Ids referenced in its JSON that this restore does not include (left as they are).
    pub external_refs: Vec<String>,
    /// Every string the reference rewrite changes: `part#/json/pointer` (`item.url`,
    /// `item.properties#/…`, `data.json#/…`, `resources/<path>#/…`, `item.description`, …).
    pub rewrites: Vec<String>,
    /// References to the source org that cannot be mapped (an item or service not in this
    /// restore, a source host form with no counterpart); they are left as they are.
    pub warnings: Vec<String>,
    /// The archive, absolute.
    #[serde(skip)]
    pub archive: PathBuf,
    /// Dependency tier (0 first).
    pub tier: u8,
}

/// A whole plan.
#[derive(Debug, Clone, Serialize)]
pub struct RestorePlan {
    /// Snapshot id.
    pub snapshot: String,
    /// The portal the snapshot came from.
    pub source_portal: String,
    /// The portal restored into.
    pub target_portal: String,
    /// True when source and target are the same portal.
    pub same_portal: bool,
    /// Items in execution order.
    pub items: Vec<PlannedItem>,
    /// Old id → new id known before writing (journal, overwrite); the rest is filled in as
    /// items are created.
    #[serde(serialize_with = "ser_ids")]
    pub remap: Rewriter,
    /// Items of the snapshot that failed in the backup and cannot be restored.
    pub not_in_snapshot: Vec<String>,
    /// Selected items whose archive cannot be read (each fails on its own).
    pub unreadable: Vec<Unreadable>,
}

/// A selected item whose archive cannot be read.
#[derive(Debug, Clone, Serialize)]
pub struct Unreadable {
    /// Id in the snapshot.
    pub id: String,
    /// Title (from the manifest).
    pub title: String,
    /// Type (from the manifest).
    #[serde(rename = "type")]
    pub item_type: String,
    /// Why it cannot be read.
    pub reason: String,
}

fn ser_ids<S: serde::Serializer>(r: &Rewriter, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(3))?;
    m.serialize_entry("ids", &r.ids)?;
    m.serialize_entry("urls", &r.urls)?;
    m.serialize_entry("hosts", &r.hosts)?;
    m.end()
}

/// What planning needs to know.
#[derive(Debug, Clone, Default)]
pub struct PlanInput {
    /// The destination.
    pub dest: PathBuf,
    /// Snapshot id (latest when `None`).
    pub snapshot: Option<String>,
    /// Which items of the snapshot.
    pub selection: Selection,
    /// Owner of every item in the target (default: see [`super::owners`]: the original owner,
    /// mapped by `owner_map`, when the signed-in admin finds that user in the target, else the
    /// signed-in user).
    pub target_owner: Option<String>,
    /// `--owner-map`: source username → target username.
    pub owner_map: OwnerMap,
    /// `--fallback-owner`: where items go whose owner is not in the target (admins; default:
    /// the signed-in user).
    pub fallback_owner: Option<String>,
    /// Folder in the target (default: the original folder title).
    pub target_folder: Option<String>,
    /// Conflict rule.
    pub on_conflict: OnConflict,
}

/// The dependency tier of an item type: services and files first, then maps, then apps.
pub fn tier(item_type: &str, kind: Kind) -> u8 {
    match (item_type, kind) {
        (_, Kind::HostedService) => 0,
        (_, Kind::HostedView) => 1,
        ("Web Map" | "Web Scene", _) => 2,
        (
            "Web Mapping Application"
            | "Dashboard"
            | "StoryMap"
            | "Story Map"
            | "Form"
            | "Web Experience"
            | "Hub Site Application"
            | "Hub Page"
            | "Operation View"
            | "Application"
            | "Mobile Application"
            | "QuickCapture Project"
            | "Workforce Project",
            _,
        ) => 3,
        (_, Kind::Json) => 2,
        _ => 0,
    }
}

/// The kind of an item from its record and archive entries.
pub fn kind_of(item: &Value, names: &[String]) -> Kind {
    let keywords: Vec<&str> = item
        .get("typeKeywords")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let hosted = keywords.contains(&"Hosted Service");
    let has_service = names.iter().any(|n| n == "service.json");
    let is_view = keywords.contains(&"View Service") || names.iter().any(|n| n == "sources.json");
    if hosted && has_service {
        return if is_view {
            Kind::HostedView
        } else {
            Kind::HostedService
        };
    }
    if names.iter().any(|n| n == "data.json") {
        return Kind::Json;
    }
    if names.iter().any(|n| n.starts_with("data/")) {
        return Kind::File;
    }
    if item
        .get("url")
        .and_then(Value::as_str)
        .is_some_and(|u| !u.is_empty())
    {
        return Kind::Url;
    }
    Kind::Bare
}

/// The service name in a service URL (`…/services/{name}/FeatureServer`).
pub fn service_name_of(url: &str) -> Option<String> {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .trim_end_matches('/');
    let mut parts = path.rsplit('/');
    let last = parts.next()?;
    let (last, name) = if last.parse::<i64>().is_ok() {
        (parts.next()?, parts.next()?)
    } else {
        (last, parts.next()?)
    };
    (last == "FeatureServer").then(|| name.rsplit('/').next().unwrap_or(name).to_string())
}

/// The item's own strings the rewrite covers besides data and resources, labelled
/// `item.<field>`: `url`, `properties` (JSON), and the text fields.
pub fn item_texts(item: &Value) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for key in [
        "url",
        "snippet",
        "description",
        "accessInformation",
        "licenseInfo",
    ] {
        if let Some(t) = item
            .get(key)
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
        {
            out.push((format!("item.{key}"), t.as_bytes().to_vec()));
        }
    }
    if let Some(p) = item.get("properties").filter(|p| !p.is_null()) {
        out.push(("item.properties".into(), p.to_string().into_bytes()));
    }
    out
}

/// Orders items by tier, then title; within a tier an item comes after the items it
/// references (so an app's data can name another app's new id). A cycle is broken at the
/// first item by title, and its members get a warning.
fn dependency_order(items: Vec<PlannedItem>, deps: Vec<BTreeSet<String>>) -> Vec<PlannedItem> {
    let mut rest: Vec<(PlannedItem, BTreeSet<String>)> = items.into_iter().zip(deps).collect();
    rest.sort_by(|(a, _), (b, _)| {
        (a.tier, &a.title, &a.old_id).cmp(&(b.tier, &b.title, &b.old_id))
    });
    let mut out: Vec<PlannedItem> = Vec::with_capacity(rest.len());
    while !rest.is_empty() {
        let tier = rest[0].0.tier;
        let waiting =
            |i: &PlannedItem, d: &BTreeSet<String>, rest: &[(PlannedItem, BTreeSet<String>)]| {
                rest.iter()
                    .any(|(o, _)| o.tier == tier && o.old_id != i.old_id && d.contains(&o.old_id))
            };
        let next = rest
            .iter()
            .position(|(i, d)| i.tier == tier && !waiting(i, d, &rest))
            .unwrap_or(0);
        let (mut item, d) = rest.remove(next);
        if waiting(&item, &d, &rest) {
            let later: Vec<&str> = rest
                .iter()
                .filter(|(o, _)| o.tier == tier && d.contains(&o.old_id))
                .map(|(o, _)| o.old_id.as_str())
                .collect();
            item.warnings.push(format!(
                "references {} restored after it (a reference cycle): those ids keep their old value",
                later.join(", ")
            ));
        }
        out.push(item);
    }
    out
}

/// `part` and a pointer or message from the rewrite: `data.json#/a/b`, `item.url`,
/// `data.json#/a: …`.
fn joined(part: &str, rest: &str) -> String {
    if rest.is_empty() {
        part.to_string()
    } else if rest.starts_with(':') {
        format!("{part}{rest}")
    } else {
        format!("{part}#{rest}")
    }
}

/// The hosted services base of a hosted service item (`…/rest/services`), which names the
/// source org in every URL under it.
fn hosted_base(item: &Value) -> Option<String> {
    let hosted = item
        .get("typeKeywords")
        .and_then(Value::as_array)
        .is_some_and(|k| k.iter().any(|k| k == "Hosted Service"));
    let url = item.get("url").and_then(Value::as_str)?;
    let at = url.find("/rest/services")?;
    hosted.then(|| url[..at + "/rest/services".len()].to_string())
}

/// The service URL without a trailing layer id.
pub fn service_root(url: &str) -> String {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .trim_end_matches('/');
    match path.rsplit_once('/') {
        Some((base, last)) if last.parse::<i64>().is_ok() && base.ends_with("/FeatureServer") => {
            base.to_string()
        }
        _ => path.to_string(),
    }
}

fn selected(s: &Selection, m: &ManifestItem, tags: &[String]) -> bool {
    if !s.ids.is_empty() && !s.ids.iter().any(|i| i.eq_ignore_ascii_case(&m.id)) {
        return false;
    }
    if !s.owners.is_empty() && !s.owners.contains(&m.owner) {
        return false;
    }
    if let Some(f) = &s.folder {
        let matches = if f == "/" {
            m.folder.is_none()
        } else {
            m.folder.as_deref() == Some(f.as_str())
        };
        if !matches {
            return false;
        }
    }
    if !s.types.is_empty() && !s.types.iter().any(|t| t.eq_ignore_ascii_case(&m.item_type)) {
        return false;
    }
    if s.exclude_types
        .iter()
        .any(|t| t.eq_ignore_ascii_case(&m.item_type))
    {
        return false;
    }
    if !s.tags.is_empty() && !s.tags.iter().any(|t| tags.contains(t)) {
        return false;
    }
    !s.exclude_tags.iter().any(|t| tags.contains(t))
}

/// Builds the plan. Reads the snapshot and, on the target, only GETs: item existence, service
/// name availability. `journal` holds what earlier runs into this target recorded.
pub async fn plan(
    target: &Client,
    me: &User,
    input: &PlanInput,
    journal: &BTreeMap<String, Entry>,
) -> Result<RestorePlan, String> {
    if input.selection.query.is_some() || input.selection.authoritative {
        return Err(
            "restore selects from the snapshot: --query and --authoritative are not supported; use --all, --id, --owner, --folder, --type or --tag".into(),
        );
    }
    // No selection at all means the whole snapshot; `selected` passes every item then.
    let dest = Destination::open_existing(&input.dest)?;
    let snap = dest.snapshot(input.snapshot.as_deref())?;
    let manifest = snap.manifest()?;
    if let Some(dup) = duplicate_id(manifest.items.iter().map(|i| i.id.as_str())) {
        return Err(format!(
            "snapshot {}: its manifest lists item {dup} twice; the manifest is damaged or edited, so nothing is restored from it (restore another snapshot, or fix manifest.json)",
            snap.id
        ));
    }
    let target_root = target.portal().root().trim_end_matches('/').to_string();
    let same_portal = manifest.portal.trim_end_matches('/') == target_root;
    let rules = OwnerRules {
        target_owner: input.target_owner.clone(),
        fallback_owner: input.fallback_owner.clone(),
        owner_map: (!input.owner_map.is_empty()).then(|| input.owner_map.clone()),
    };
    let owners = Owners::new(target, me, &rules).await?;

    let mut items = Vec::new();
    let mut not_in_snapshot = Vec::new();
    let mut remap = Rewriter::default();
    let mut texts: Vec<(usize, String, Vec<u8>)> = Vec::new();
    let mut probe = Rewriter::default();
    if !same_portal {
        remap.add_host(&manifest.portal, &target_root);
        probe.add_host(&manifest.portal, &target_root);
        for m in &manifest.items {
            probe.add_source_item(&m.id);
        }
    }
    let mut taken_names: BTreeSet<String> = BTreeSet::new();
    let mut unreadable = Vec::new();
    // Tags live in the archive: the selection without them decides which archives to open.
    let untagged = Selection {
        tags: Vec::new(),
        exclude_tags: Vec::new(),
        ..input.selection.clone()
    };
    for m in &manifest.items {
        let Some(rel) = m.archive.as_ref().filter(|_| m.outcome == Outcome::Ok) else {
            if selected(&input.selection, m, &[]) {
                not_in_snapshot.push(format!(
                    "{} ({}): {}",
                    m.title,
                    m.id,
                    m.reason.as_deref().unwrap_or("not in the snapshot")
                ));
            }
            continue;
        };
        let path = snap.dir.join(rel);
        if !selected(&untagged, m, &[]) {
            // Not restored, but its hosted service still names the source org: mark it, from
            // item.json alone (an unreadable archive just goes unmarked).
            if !same_portal
                && let Ok(Some(item)) =
                    ItemArchive::open(&path).and_then(|mut a| a.json("item.json"))
                && let Some(base) = hosted_base(&item)
            {
                probe.add_source_mark(&base);
            }
            continue;
        }
        // One unreadable archive fails its own item, not the restore.
        let parts = match planning_parts(&path) {
            Ok(p) => p,
            Err(reason) => {
                unreadable.push(Unreadable {
                    id: m.id.clone(),
                    title: m.title.clone(),
                    item_type: m.item_type.clone(),
                    reason,
                });
                continue;
            }
        };
        let item = parts.item;
        let tags: Vec<String> = item
            .get("tags")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        // Every hosted service of the snapshot names the source org, restored or not.
        if !same_portal && let Some(base) = hosted_base(&item) {
            probe.add_source_mark(&base);
        }
        if !selected(&input.selection, m, &tags) {
            continue;
        }
        let names = parts.names;
        let kind = kind_of(&item, &names);
        let old_url = item.get("url").and_then(Value::as_str).map(service_root);
        let owner = owners.choose(&m.owner);
        let target_folder = input.target_folder.clone().or_else(|| m.folder.clone());
        texts.extend(
            parts
                .texts
                .into_iter()
                .map(|(label, bytes)| (items.len(), label, bytes)),
        );
        for (label, bytes) in item_texts(&item) {
            texts.push((items.len(), label, bytes));
        }
        let prior = journal.get(&m.id).cloned();
        let (action, reason, new_id) = decide(
            target,
            same_portal,
            input.on_conflict,
            &m.id,
            prior.as_ref(),
        )
        .await;
        if let (Some(new), Action::Skip | Action::Update { .. }) = (&new_id, &action) {
            remap.add_id(&m.id, new);
            if let (Some(old), Some(new_url)) =
                (&old_url, prior.as_ref().and_then(|p| p.service_url.clone()))
            {
                remap.add_url(old, &new_url);
            }
        }
        let service_name = match (kind, &action) {
            (Kind::HostedService | Kind::HostedView, Action::Create) => {
                let base = old_url
                    .as_deref()
                    .and_then(service_name_of)
                    .unwrap_or_else(|| m.title.replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
                Some(free_service_name(target, &base, &mut taken_names).await?)
            }
            _ => None,
        };
        items.push(PlannedItem {
            old_id: m.id.clone(),
            title: m.title.clone(),
            item_type: m.item_type.clone(),
            kind,
            tier: tier(&m.item_type, kind),
            action,
            reason,
            target_owner: owner.owner,
            owner_note: owner.note,
            target_folder,
            old_service_url: old_url
                .filter(|_| matches!(kind, Kind::HostedService | Kind::HostedView)),
            service_name,
            new_id,
            journal: prior,
            external_refs: Vec::new(),
            rewrites: Vec::new(),
            warnings: Vec::new(),
            archive: path,
        });
    }
    // What the rewrite will change and what it cannot map, per item: the probe maps every
    // restored id and service URL (to a placeholder until the new one exists).
    for i in &items {
        let new_id = i
            .new_id
            .clone()
            .unwrap_or_else(|| format!("(new id of {})", i.old_id));
        probe.add_id(&i.old_id, &new_id);
        if let Some(old) = &i.old_service_url {
            let new = remap
                .urls
                .get(old.trim_end_matches('/'))
                .cloned()
                .unwrap_or_else(|| {
                    format!("(new service {})", i.service_name.as_deref().unwrap_or("?"))
                });
            probe.add_url(old, &new);
        }
    }
    let restored: BTreeSet<String> = items.iter().map(|i| i.old_id.clone()).collect();
    let mut deps: Vec<BTreeSet<String>> = vec![BTreeSet::new(); items.len()];
    for (idx, label, bytes) in texts {
        let out = if label.starts_with("item.") && !label.starts_with("item.properties") {
            std::str::from_utf8(&bytes)
                .ok()
                .map(|t| probe.rewrite_text(t, ""))
        } else {
            probe.rewrite_bytes(&bytes)
        };
        let Some(out) = out else { continue };
        let planned = &mut items[idx];
        for p in out.paths {
            planned.rewrites.push(joined(&label, &p));
        }
        for w in out.unmapped {
            planned.warnings.push(joined(&label, &w));
        }
        deps[idx].extend(out.mapped_ids);
        for r in out.unknown_ids {
            if !restored.contains(&r) && r != planned.old_id && !planned.external_refs.contains(&r)
            {
                planned.external_refs.push(r);
            }
        }
    }
    let items = dependency_order(items, deps);
    Ok(RestorePlan {
        snapshot: snap.id,
        source_portal: manifest.portal,
        target_portal: target_root,
        same_portal,
        items,
        remap,
        not_in_snapshot,
        unreadable,
    })
}

async fn exists(target: &Client, id: &str) -> Result<bool, String> {
    match target.item(id).await {
        Ok(_) => Ok(true),
        Err(e)
            if e.is_missing_item()
                || matches!(e, crate::client::Error::Http { status: 404, .. }) =>
        {
            Ok(false)
        }
        Err(e) if e.is_forbidden() => Ok(true),
        Err(e) => Err(e.to_string()),
    }
}

async fn decide(
    target: &Client,
    same_portal: bool,
    on_conflict: OnConflict,
    old: &str,
    prior: Option<&Entry>,
) -> (Action, String, Option<String>) {
    if let Some(p) = prior
        && let Some(new) = &p.new
    {
        match exists(target, new).await {
            Ok(true) if p.stage == Stage::Done => {
                return match on_conflict {
                    OnConflict::Skip => (
                        Action::Skip,
                        format!("already restored as {new} (journal)"),
                        Some(new.clone()),
                    ),
                    OnConflict::Overwrite => (
                        Action::Update {
                            target: new.clone(),
                        },
                        format!("restored earlier as {new}; updated in place"),
                        Some(new.clone()),
                    ),
                    OnConflict::Copy => (
                        Action::Create,
                        "restored earlier; another copy".into(),
                        None,
                    ),
                };
            }
            Ok(true) => {
                return (
                    Action::Create,
                    format!(
                        "a run stopped while restoring it as {new}; that copy is removed and the item restored again"
                    ),
                    None,
                );
            }
            Ok(false) => {}
            Err(e) => return (Action::Skip, format!("cannot check the target: {e}"), None),
        }
    }
    if prior.is_some_and(|p| p.stage == Stage::Creating) {
        return (
            Action::Create,
            "a run stopped while creating it; any half-made copy is removed first".into(),
            None,
        );
    }
    if same_portal {
        match exists(target, old).await {
            Ok(true) => {
                return match on_conflict {
                    OnConflict::Skip => (
                        Action::Skip,
                        "exists in the target (--on-conflict skip)".into(),
                        Some(old.to_string()),
                    ),
                    OnConflict::Overwrite => (
                        Action::Update {
                            target: old.to_string(),
                        },
                        "exists in the target; updated in place (--on-conflict overwrite)".into(),
                        Some(old.to_string()),
                    ),
                    OnConflict::Copy => (
                        Action::Create,
                        "exists in the target; a copy is made (--on-conflict copy)".into(),
                        None,
                    ),
                };
            }
            Ok(false) => {}
            Err(e) => return (Action::Skip, format!("cannot check the target: {e}"), None),
        }
        return (Action::Create, "no longer in the portal".into(), None);
    }
    (Action::Create, "not in the target".into(), None)
}

/// `base`, else `base_1`, `base_2`, ... — the first name the target says is free and that this
/// plan has not taken yet.
async fn free_service_name(
    target: &Client,
    base: &str,
    taken: &mut BTreeSet<String>,
) -> Result<String, String> {
    for n in 0..100 {
        let candidate = if n == 0 {
            base.to_string()
        } else {
            format!("{base}_{n}")
        };
        if taken.contains(&candidate.to_ascii_lowercase()) {
            continue;
        }
        let free = target
            .is_service_name_available(&candidate)
            .await
            .map_err(|e| format!("cannot check the service name {candidate}: {e}"))?;
        if free {
            taken.insert(candidate.to_ascii_lowercase());
            return Ok(candidate);
        }
    }
    Err(format!("no free service name like {base} in the target"))
}

impl RestorePlan {
    /// The plan as text for `--dry-run`: one line per item, then references left as they are.
    pub fn render(&self) -> String {
        let mut out = format!(
            "restore plan: snapshot {} from {} into {}{}\n",
            self.snapshot,
            self.source_portal,
            self.target_portal,
            if self.same_portal {
                " (same portal)"
            } else {
                ""
            }
        );
        for i in &self.items {
            let action = match &i.action {
                Action::Create => "create".to_string(),
                Action::Update { target } => format!("update {target}"),
                Action::Skip => "skip".to_string(),
            };
            out.push_str(&format!(
                "{action:<8} {} [{}] {} → {}/{}{}  ({})\n",
                i.title,
                i.item_type,
                i.old_id,
                i.target_owner,
                i.target_folder.as_deref().unwrap_or("(root)"),
                i.service_name
                    .as_ref()
                    .map(|n| format!(" as service {n}"))
                    .unwrap_or_default(),
                i.reason
            ));
            if let Some(n) = &i.owner_note {
                out.push_str(&format!("         note: {n}\n"));
            }
            for p in &i.rewrites {
                out.push_str(&format!("         rewrites {p}\n"));
            }
            for w in &i.warnings {
                out.push_str(&format!("         warning: {w} (left as is)\n"));
            }
            for r in &i.external_refs {
                out.push_str(&format!(
                    "         references {r} (not restored; left as is)\n"
                ));
            }
        }
        for n in &self.not_in_snapshot {
            out.push_str(&format!("cannot   {n}\n"));
        }
        for u in &self.unreadable {
            out.push_str(&format!(
                "cannot   {} [{}] {}: {}\n",
                u.title, u.item_type, u.id, u.reason
            ));
        }
        if !self.remap.ids.is_empty() {
            out.push_str("known id remaps:\n");
            for (o, n) in &self.remap.ids {
                out.push_str(&format!("  {o} → {n}\n"));
            }
        }
        for i in self.items.iter().filter(|i| i.action == Action::Create) {
            out.push_str(&format!("  {} → (new id on create)\n", i.old_id));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_and_roots() {
        let u = "https://h/ab/arcgis/rest/services/Hydrants/FeatureServer/3";
        assert_eq!(service_name_of(u).as_deref(), Some("Hydrants"));
        assert_eq!(
            service_root(u),
            "https://h/ab/arcgis/rest/services/Hydrants/FeatureServer"
        );
        assert_eq!(service_name_of("https://h/x/MapServer"), None);
    }

    #[test]
    fn tiers_put_services_before_maps_before_apps() {
        assert!(
            tier("Feature Service", Kind::HostedService)
                < tier("Feature Service", Kind::HostedView)
        );
        assert!(tier("Feature Service", Kind::HostedView) < tier("Web Map", Kind::Json));
        assert!(tier("Web Map", Kind::Json) < tier("Dashboard", Kind::Json));
        assert_eq!(tier("PDF", Kind::File), 0);
    }
}
