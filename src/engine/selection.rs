//! What to work on: the SELECTION flags of the CLI, resolved against the portal into a list of
//! items with their folder titles.

use std::collections::{HashMap, HashSet};

use futures::StreamExt;

use crate::client::models::{Item, User};
use crate::client::{Client, Error, Result};

use super::progress::{JobEvent, ProgressSink};

/// The user's selection.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Everything (admins: every user's content; others: everything they can see in the org).
    pub all: bool,
    /// These item ids.
    pub ids: Vec<String>,
    /// Content of these owners.
    pub owners: Vec<String>,
    /// Only this folder title (`/` for the root folder).
    pub folder: Option<String>,
    /// Only these item types.
    pub types: Vec<String>,
    /// Only items with one of these tags.
    pub tags: Vec<String>,
    /// A portal search query.
    pub query: Option<String>,
    /// Only authoritative items.
    pub authoritative: bool,
    /// Leave out these types.
    pub exclude_types: Vec<String>,
    /// Leave out items with any of these tags.
    pub exclude_tags: Vec<String>,
}

/// An item found by listing, with where it lives.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The item as listed.
    pub item: Item,
    /// Folder title, `None` for the root folder or when unknown.
    pub folder: Option<String>,
}

impl Selection {
    /// True when nothing says what to select.
    pub fn is_empty(&self) -> bool {
        !self.all
            && self.ids.is_empty()
            && self.owners.is_empty()
            && self.query.is_none()
            && self.folder.is_none()
            && self.types.is_empty()
            && self.tags.is_empty()
            && !self.authoritative
    }

    /// The filters that apply to each listed item.
    pub fn keeps(&self, item: &Item, folder: Option<&str>) -> bool {
        let eq = |a: &str, b: &str| a.eq_ignore_ascii_case(b);
        if !self.types.is_empty() && !self.types.iter().any(|t| eq(t, &item.item_type)) {
            return false;
        }
        if self.exclude_types.iter().any(|t| eq(t, &item.item_type)) {
            return false;
        }
        if !self.tags.is_empty() && !item.tags.iter().any(|t| self.tags.iter().any(|s| eq(s, t))) {
            return false;
        }
        if item
            .tags
            .iter()
            .any(|t| self.exclude_tags.iter().any(|s| eq(s, t)))
        {
            return false;
        }
        if self.authoritative && !item.is_authoritative() {
            return false;
        }
        if !self.owners.is_empty() && !self.owners.iter().any(|o| o == &item.owner) {
            return false;
        }
        if let Some(want) = &self.folder {
            let is_root = want == "/" || want.is_empty();
            match folder {
                None => return is_root,
                Some(f) => {
                    if is_root || !eq(f, want) {
                        return false;
                    }
                }
            }
        }
        true
    }
}

/// Lists the selected items, de-duplicated by id, in a stable order. An id of `selection.ids`
/// the portal does not know is an error naming it.
pub async fn list(
    client: &Client,
    me: &User,
    selection: &Selection,
    sink: &dyn ProgressSink,
) -> Result<Vec<Listed>> {
    let (found, missing) = list_keeping_missing(client, me, selection, sink).await?;
    match missing.first() {
        Some(id) => Err(Error::Auth(format!(
            "item `{id}` does not exist or you cannot see it; check the id (32 hex characters) and that you signed in as its owner or an admin"
        ))),
        None => Ok(found),
    }
}

/// [`list`], where ids of `selection.ids` the portal no longer has (deleted since they were
/// marked, or never visible) are returned apart instead of failing the listing: a backup
/// records each as one failed item and goes on with the rest.
pub async fn list_keeping_missing(
    client: &Client,
    me: &User,
    selection: &Selection,
    sink: &dyn ProgressSink,
) -> Result<(Vec<Listed>, Vec<String>)> {
    let mut missing = Vec::new();
    let mut found: Vec<Listed> = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |l: Listed, found: &mut Vec<Listed>| {
        if seen.insert(l.item.id.clone()) && selection.keeps(&l.item, l.folder.as_deref()) {
            found.push(l);
            sink.event(JobEvent::Listing {
                found: found.len() as u64,
            });
        }
    };
    let mut folder_titles = FolderTitles::default();

    for id in &selection.ids {
        let record = match client.item(id).await {
            Ok(r) => r,
            Err(e) if e.is_missing_item() => {
                if !missing.contains(id) {
                    missing.push(id.clone());
                }
                continue;
            }
            Err(e) => return Err(e),
        };
        let folder = folder_titles.title(client, me, &record.item).await;
        push(
            Listed {
                item: record.item,
                folder,
            },
            &mut found,
        );
    }

    let by_owner = selection.all || !selection.owners.is_empty() || selection.folder.is_some();
    let filters_only =
        selection.ids.is_empty() && selection.query.is_none() && !by_owner && !selection.is_empty();
    if by_owner || filters_only {
        let owners: Vec<String> = if !selection.owners.is_empty() {
            selection.owners.clone()
        } else if me.is_org_admin() {
            client
                .org_users()
                .await?
                .into_iter()
                .map(|u| u.username)
                .collect()
        } else if selection.all || filters_only {
            // Not an admin: everything the user can see in the org, through search.
            let org = me.org_id.clone().unwrap_or_default();
            let q = if org.is_empty() {
                format!("owner:{}", me.username)
            } else {
                format!("orgid:{org}")
            };
            for item in client.search_all(&q).await? {
                let folder = folder_titles.title(client, me, &item).await;
                push(Listed { item, folder }, &mut found);
            }
            Vec::new()
        } else {
            vec![me.username.clone()]
        };
        // Owners are listed in parallel (their folders one after another); results keep the
        // owners' order so runs stay deterministic.
        let per_owner: Vec<Result<OwnerContent>> = futures::stream::iter(owners)
            .map(|owner| list_owner(client, owner, selection.folder.as_deref()))
            .buffered(LISTING_CONCURRENCY)
            .collect()
            .await;
        for content in per_owner {
            let content = content?;
            folder_titles.remember(&content.owner, &content.folders);
            for l in content.items {
                push(l, &mut found);
            }
        }
    }

    if let Some(q) = &selection.query {
        for item in client.search_all(q).await? {
            let folder = folder_titles.title(client, me, &item).await;
            push(Listed { item, folder }, &mut found);
        }
    }
    Ok((found, missing))
}

/// Owners listed at the same time.
const LISTING_CONCURRENCY: usize = 8;

/// One owner's listed items and folders.
struct OwnerContent {
    owner: String,
    folders: Vec<crate::client::models::Folder>,
    items: Vec<Listed>,
}

async fn list_owner(
    client: &Client,
    owner: String,
    only_folder: Option<&str>,
) -> Result<OwnerContent> {
    let root = client.user_root(&owner).await.map_err(|e| {
        if e.is_forbidden() {
            Error::Auth(format!(
                "you may not list the content of `{owner}`: only the owner or an org administrator can; sign in as an administrator or select your own content"
            ))
        } else {
            e
        }
    })?;
    let mut items: Vec<Listed> = root
        .items
        .into_iter()
        .map(|item| Listed { item, folder: None })
        .collect();
    for folder in &root.folders {
        if let Some(want) = only_folder
            && (want == "/" || !want.eq_ignore_ascii_case(&folder.title))
        {
            continue;
        }
        for item in client.folder_items(&owner, &folder.id).await? {
            items.push(Listed {
                item,
                folder: Some(folder.title.clone()),
            });
        }
    }
    Ok(OwnerContent {
        owner,
        folders: root.folders,
        items,
    })
}

/// Folder id → title per owner, fetched once per owner when we may.
#[derive(Default)]
pub(crate) struct FolderTitles {
    by_owner: HashMap<String, Option<HashMap<String, String>>>,
}

impl FolderTitles {
    pub(crate) fn remember(&mut self, owner: &str, folders: &[crate::client::models::Folder]) {
        self.by_owner.insert(
            owner.to_string(),
            Some(
                folders
                    .iter()
                    .map(|f| (f.id.clone(), f.title.clone()))
                    .collect(),
            ),
        );
    }

    pub(crate) async fn title(
        &mut self,
        client: &Client,
        me: &User,
        item: &Item,
    ) -> Option<String> {
        let folder_id = item.owner_folder.as_deref().filter(|f| !f.is_empty())?;
        if !self.by_owner.contains_key(&item.owner) {
            let allowed = me.is_org_admin() || me.username == item.owner;
            let titles = if allowed {
                client
                    .user_folders(&item.owner)
                    .await
                    .ok()
                    .map(|folders| folders.into_iter().map(|f| (f.id, f.title)).collect())
            } else {
                None
            };
            self.by_owner.insert(item.owner.clone(), titles);
        }
        self.by_owner
            .get(&item.owner)
            .and_then(|m| m.as_ref())
            .and_then(|m| m.get(folder_id).cloned())
    }
}
