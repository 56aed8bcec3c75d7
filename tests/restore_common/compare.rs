//! The item-by-item comparison of the restore round trip: org A's snapshot against org B's
//! snapshot taken after restoring A (or a package of A) into B, by the engine's comparator
//! (`engine::drill::compare`, also behind `verify --drill`): the expectation is A's state.
#![allow(dead_code)]

use std::collections::BTreeSet;

use agol_tui::engine::backup::run::BackupReport;
use agol_tui::engine::drill::compare::{Comparison, Side, compare};
use agol_tui::engine::restore::rewrite::Rewriter;
use agol_tui::fake::FakePortal;

/// What to compare.
#[derive(Debug, Clone)]
pub struct Check {
    /// Compare access and group sharing (a `.contentexport` carries none).
    pub sharing: bool,
    /// Only these ids of A (all ok items when `None`).
    pub only: Option<BTreeSet<String>>,
    /// (item type or `*`, entry or `item.<property>`) pairs the source does not carry.
    pub uncarried: Vec<(&'static str, &'static str)>,
}

impl Default for Check {
    fn default() -> Self {
        Check {
            sharing: true,
            only: None,
            uncarried: Vec::new(),
        }
    }
}

fn host(url: &str) -> String {
    let u = url::Url::parse(url).unwrap();
    format!("{}:{}", u.host_str().unwrap(), u.port().unwrap())
}

/// Compares every (selected) ok item of `backup_a` with its restored copy in `backup_b`
/// (found through `remap`); `a` is org A, for its hosts. Panics with every difference;
/// returns how many items were compared.
pub fn compare_orgs(
    a: &FakePortal,
    backup_a: &BackupReport,
    backup_b: &BackupReport,
    remap: &Rewriter,
    check: &Check,
) -> usize {
    let compared = compare(&Comparison {
        source: Side {
            dir: &backup_a.dir,
            items: &backup_a.manifest.items,
        },
        target: Side {
            dir: &backup_b.dir,
            items: &backup_b.manifest.items,
        },
        remap,
        source_hosts: vec![host(&a.url()), host(&a.services_origin())],
        sharing: check.sharing,
        only: check.only.clone(),
        uncarried: check
            .uncarried
            .iter()
            .map(|(t, p)| (t.to_string(), p.to_string()))
            .collect(),
    });
    assert!(
        compared.differences.is_empty(),
        "{} differences: {:#?}",
        compared.differences.len(),
        compared.differences
    );
    compared.items
}
