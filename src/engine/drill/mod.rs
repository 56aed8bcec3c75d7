//! The restore drill: restore a snapshot into the built-in empty org (the fake portal, in
//! process, on loopback), back that org up, and compare the copy with the snapshot item by item.
//! Nothing touches a real portal. What would not come back is a [`compare::Difference`].

pub mod compare;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::client::{Client, Credentials, PortalUrl, RetryPolicy};
use crate::engine::archive::destination::Destination;
use crate::engine::archive::manifest::Outcome;
use crate::engine::backup::run::{BackupOptions, run_backup};
use crate::engine::progress::{NullSink, ProgressSink};
use crate::engine::restore::context::Tuning;
use crate::engine::restore::plan::{OnConflict, PlanInput};
use crate::engine::restore::run::{RestoreOptions, run_restore};
use crate::engine::selection::Selection;
use crate::fake::{FakeConfig, FakePortal, sample};
use compare::{Compared, Comparison, Difference, Side};

/// What to drill.
#[derive(Debug, Clone)]
pub struct DrillOptions {
    /// The destination holding the snapshot.
    pub dest: PathBuf,
    /// Snapshot id (latest when `None`).
    pub snapshot: Option<String>,
    /// Only these item ids (every ok item when empty).
    pub ids: Vec<String>,
}

/// What a drill found.
#[derive(Debug, Clone, Serialize)]
pub struct DrillReport {
    /// The snapshot drilled.
    pub snapshot: String,
    /// Items compared.
    pub items: usize,
    /// Everything that would not come back, item by item.
    pub differences: Vec<Difference>,
}

impl DrillReport {
    /// True when everything came back.
    pub fn passed(&self) -> bool {
        self.differences.is_empty()
    }
}

/// A scratch directory inside the destination, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn create(dest: &Path, snapshot: &str) -> Result<Scratch, String> {
        let dir = dest.join(format!(".drill-{snapshot}-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
        }
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn admin_client(fake: &FakePortal) -> Result<Client, String> {
    let portal = PortalUrl::parse(&fake.url(), false).map_err(|e| e.to_string())?;
    Client::builder(portal)
        .retry(RetryPolicy::fast())
        .credentials(Credentials::Password {
            username: sample::ADMIN_USERNAME.into(),
            password: secrecy::SecretString::from(sample::ADMIN_PASSWORD.to_string()),
        })
        .build()
        .map_err(|e| format!("cannot build the drill's client: {e}"))
}

fn host_of(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    let host = u.host_str()?.to_string();
    Some(match u.port() {
        Some(p) => format!("{host}:{p}"),
        None => host,
    })
}

/// Restores the snapshot into a fresh empty org in process and compares. Run-level problems
/// (no destination, no snapshot) are errors; everything that would not come back is in the
/// report.
pub async fn run_drill(
    options: &DrillOptions,
    sink: &dyn ProgressSink,
    cancel: &CancellationToken,
) -> Result<DrillReport, String> {
    let dest = Destination::open_existing(&options.dest)?;
    let snapshot = dest.snapshot(options.snapshot.as_deref())?;
    let manifest = snapshot.manifest()?;
    let fake = FakePortal::start(FakeConfig {
        empty_org: true,
        ..FakeConfig::default()
    })
    .await
    .map_err(|e| format!("cannot start the built-in empty org: {e}"))?;
    let client = admin_client(&fake)?;
    let me = client
        .community_self()
        .await
        .map_err(|e| format!("cannot sign in to the built-in empty org: {e}"))?;

    let selection = if options.ids.is_empty() {
        Selection {
            all: true,
            ..Selection::default()
        }
    } else {
        Selection {
            ids: options.ids.clone(),
            ..Selection::default()
        }
    };
    let restore_options = RestoreOptions {
        input: PlanInput {
            dest: options.dest.clone(),
            snapshot: Some(manifest.snapshot.clone()),
            selection,
            on_conflict: OnConflict::Skip,
            ..PlanInput::default()
        },
        dry_run: false,
        tuning: Tuning {
            pace: Duration::from_millis(1),
            ..Tuning::default()
        },
    };
    let restored = run_restore(&client, &me, &restore_options, sink, cancel).await;
    let restored = match restored {
        Ok(r) => r,
        Err(e) => return Err(format!("the drill's restore could not run: {e}")),
    };
    // The journal belongs to a throwaway loopback org: leave nothing of it behind.
    let _ = std::fs::remove_file(&restored.journal);
    if let Some(dir) = restored.journal.parent() {
        // Only when empty: journals of real restores stay.
        let _ = std::fs::remove_dir(dir);
    }
    let _ = std::fs::remove_dir_all(dest.root().join(".restore-spool"));

    let mut differences: Vec<Difference> = Vec::new();
    for o in restored
        .outcomes
        .iter()
        .filter(|o| o.outcome == Outcome::Failed)
    {
        differences.push(Difference {
            id: o.old_id.clone(),
            title: o.title.clone(),
            part: "restore".into(),
            detail: o.reason.clone().unwrap_or_else(|| "failed".into()),
        });
    }

    let scratch = Scratch::create(dest.root(), &manifest.snapshot)?;
    let backup_options = BackupOptions {
        dest: scratch.0.clone(),
        workers: 4,
        full: true,
        with_dependencies: false,
        geojson: false,
        thumbnails: true,
        attachments: true,
        export: None,
    };
    let all = Selection {
        all: true,
        ..Selection::default()
    };
    let copy = run_backup(&client, &me, &all, &backup_options, &NullSink, cancel)
        .await
        .map_err(|e| format!("the drill could not back up the restored org: {e}"))?;

    let mut source_hosts: BTreeSet<String> = BTreeSet::new();
    source_hosts.extend(host_of(&manifest.portal));
    source_hosts.extend(restored.plan.remap.urls.keys().filter_map(|u| host_of(u)));
    for target_host in [host_of(&fake.url()), host_of(&fake.services_origin())]
        .into_iter()
        .flatten()
    {
        source_hosts.remove(&target_host);
    }
    let only = (!options.ids.is_empty()).then(|| options.ids.iter().cloned().collect());
    let failed_restores: BTreeSet<String> = differences.iter().map(|d| d.id.clone()).collect();
    let Compared {
        items,
        differences: found,
    } = compare::compare(&Comparison {
        source: Side {
            dir: &snapshot.dir,
            items: &manifest.items,
        },
        target: Side {
            dir: &copy.dir,
            items: &copy.manifest.items,
        },
        remap: &restored.plan.remap,
        source_hosts: source_hosts.into_iter().collect(),
        sharing: true,
        only,
        uncarried: Vec::new(),
    });
    differences.extend(found.into_iter().filter(|d| {
        !(failed_restores.contains(&d.id) && d.part == "item" && d.detail.starts_with("not"))
    }));
    drop(scratch);
    Ok(DrillReport {
        snapshot: manifest.snapshot,
        items,
        differences,
    })
}
