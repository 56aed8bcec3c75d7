//! `prune`: drop old snapshots by a keep policy. Archives are hard links, so removing a snapshot
//! never removes data a kept snapshot still links.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDateTime};

use super::destination::{Destination, SnapshotRef};

/// Which snapshots to keep (each rule keeps the newest snapshot of its period).
#[derive(Debug, Clone, Copy, Default)]
pub struct KeepPolicy {
    /// The newest N snapshots.
    pub last: usize,
    /// The newest snapshot of each of the last N days that have one.
    pub daily: usize,
    /// ... of each of the last N ISO weeks.
    pub weekly: usize,
    /// ... of each of the last N months.
    pub monthly: usize,
}

impl KeepPolicy {
    /// True when the policy keeps nothing (refused: it would delete every snapshot).
    pub fn is_empty(&self) -> bool {
        self.last + self.daily + self.weekly + self.monthly == 0
    }
}

/// The ids kept by a policy, given snapshots oldest first.
pub fn kept_ids(snapshots: &[SnapshotRef], policy: &KeepPolicy) -> BTreeSet<String> {
    let mut keep = BTreeSet::new();
    let newest_first: Vec<&SnapshotRef> = snapshots.iter().rev().collect();
    for s in newest_first.iter().take(policy.last) {
        keep.insert(s.id.clone());
    }
    let mut by_period = |n: usize, key: &dyn Fn(&NaiveDateTime) -> String| {
        let mut seen = BTreeSet::new();
        for s in &newest_first {
            if seen.len() >= n {
                break;
            }
            if let Some(t) = parse_id(&s.id)
                && seen.insert(key(&t))
            {
                keep.insert(s.id.clone());
            }
        }
    };
    by_period(policy.daily, &|t| t.format("%Y-%m-%d").to_string());
    by_period(policy.weekly, &|t| {
        format!("{}-W{}", t.iso_week().year(), t.iso_week().week())
    });
    by_period(policy.monthly, &|t| t.format("%Y-%m").to_string());
    keep
}

fn parse_id(id: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(id.get(..16)?, "%Y%m%dT%H%M%SZ").ok()
}

/// Removes the snapshots the policy does not keep; returns their ids.
pub fn prune(
    dest: &Destination,
    policy: &KeepPolicy,
    dry_run: bool,
) -> Result<Vec<String>, super::error::ArchiveError> {
    if policy.is_empty() {
        return Err(super::error::ArchiveError::PruneKeepsNothing);
    }
    let snapshots = dest.snapshots();
    let keep = kept_ids(&snapshots, policy);
    let mut removed = Vec::new();
    for s in snapshots.iter().filter(|s| !keep.contains(&s.id)) {
        if !dry_run {
            std::fs::remove_dir_all(&s.dir).map_err(|source| {
                super::error::ArchiveError::RemoveSnapshot {
                    id: s.id.clone(),
                    source,
                }
            })?;
        }
        removed.push(s.id.clone());
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snaps(ids: &[&str]) -> Vec<SnapshotRef> {
        ids.iter()
            .map(|id| SnapshotRef {
                id: id.to_string(),
                dir: id.into(),
            })
            .collect()
    }

    #[test]
    fn keep_rules() {
        let s = snaps(&[
            "20260101T010000Z",
            "20260101T020000Z",
            "20260102T010000Z",
            "20260115T010000Z",
            "20260201T010000Z",
            "20260202T010000Z",
        ]);
        let k = kept_ids(
            &s,
            &KeepPolicy {
                last: 2,
                ..Default::default()
            },
        );
        assert_eq!(
            k.into_iter().collect::<Vec<_>>(),
            vec!["20260201T010000Z", "20260202T010000Z"]
        );
        let k = kept_ids(
            &s,
            &KeepPolicy {
                daily: 3,
                ..Default::default()
            },
        );
        assert_eq!(k.len(), 3);
        assert!(
            k.contains("20260202T010000Z")
                && k.contains("20260201T010000Z")
                && k.contains("20260115T010000Z")
        );
        let k = kept_ids(
            &s,
            &KeepPolicy {
                monthly: 2,
                ..Default::default()
            },
        );
        assert_eq!(
            k.into_iter().collect::<Vec<_>>(),
            vec!["20260115T010000Z", "20260202T010000Z"]
        );
    }
}
