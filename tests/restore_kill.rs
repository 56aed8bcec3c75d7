//! Issue 11 acceptance 3: the real `agol-tui restore` process is SIGKILLed at least 10 times at
//! random points, half of them right after the fake answered a `createService`, `addItem` or
//! `publish` (the crash window between a create and its journal line), and run again until it
//! finishes. The target must then equal an uninterrupted restore of the same snapshot into
//! another empty org: the same items, no duplicates, the same service names, the same
//! references (every id and service URL in item data and item URLs, compared by what it points
//! at) and the same feature counts.

mod common;
mod restore_common;

use std::collections::BTreeMap;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use agol_tui::fake::FakePortal;
use restore_common::*;

/// A small deterministic generator (xorshift64*), so a failing series can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn creates(f: &FakePortal) -> usize {
    f.requests()
        .iter()
        .filter(|r| {
            r.status < 400
                && (r.path.ends_with("/createService")
                    || r.path.ends_with("/addItem")
                    || r.path.ends_with("/publish"))
        })
        .count()
}

fn spawn_restore(a: &FakePortal, target: &FakePortal, home: &std::path::Path, dest: &str) -> Child {
    let mut cmd = common::agol(a, home, &["restore", "--dest", dest, "--all"]);
    common::target(&mut cmd, target);
    cmd.stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("agol-tui starts")
}

/// What an org holds, by what things are rather than by their ids: per (title, type) how many
/// items, and each one's item URL and data with every id of the org replaced by the title and
/// type of the item it names and the org's own origins and id replaced by placeholders.
fn canonical(f: &FakePortal) -> BTreeMap<(String, String), Vec<String>> {
    let items = f.items();
    let label: Vec<(String, String)> = items
        .iter()
        .map(|i| (i.id.clone(), format!("<{}|{}>", i.title, i.item_type)))
        .collect();
    let canon = |text: &str| {
        let mut t = text
            .replace(&f.services_origin(), "<services>")
            .replace(
                &f.services_origin().replace(':', "%3A").replace('/', "%2F"),
                "<services>",
            )
            .replace(&f.url(), "<portal>")
            .replace(&f.org_id(), "<org>");
        for (id, l) in &label {
            t = t.replace(id, l);
        }
        t
    };
    let mut out: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for i in &items {
        let url = f
            .item_json(&i.id)
            .and_then(|j| j["url"].as_str().map(str::to_string))
            .unwrap_or_default();
        let data = f
            .item_data(&i.id)
            .map(|d| String::from_utf8_lossy(&d).to_string())
            .unwrap_or_default();
        out.entry((i.title.clone(), i.item_type.clone()))
            .or_default()
            .push(format!("url={}\ndata={}", canon(&url), canon(&data)));
    }
    for v in out.values_mut() {
        v.sort();
    }
    out
}

fn services(f: &FakePortal) -> BTreeMap<String, Vec<Option<usize>>> {
    f.service_names()
        .into_iter()
        .map(|n| {
            let counts = (0..8).map(|l| f.feature_count(&n, l)).collect();
            (n, counts)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restore_killed_ten_times_at_random_points_ends_like_an_uninterrupted_one() {
    let a = common::fake().await;
    let mut b = empty_org().await;
    let c = empty_org().await;
    let home = tempfile::tempdir().unwrap();
    let dest = home.path().join("backups");
    backup_all(&a, &dest).await;
    let dest_s = dest.to_str().unwrap().to_string();

    // The reference: one uninterrupted run into C.
    let mut cmd = common::agol(&a, home.path(), &["restore", "--dest", &dest_s, "--all"]);
    common::target(&mut cmd, &c);
    let started = Instant::now();
    let reference = common::run(cmd).await;
    let full = started.elapsed();
    let want_code = reference.status.code();
    assert!(
        matches!(want_code, Some(0 | 3)),
        "{}",
        common::text(&reference)
    );

    let seed = std::env::var("KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_2026_u64);
    let mut rng = Rng(seed | 1);
    let mut kills = 0;
    let mut after_create = 0;
    let mut log = Vec::new();
    let mut runs = 0;
    while kills < 10 {
        runs += 1;
        assert!(runs < 40, "the series does not end: {log:?}");
        let on_create = rng.below(2) == 0;
        let delay = Duration::from_millis(rng.below(full.as_millis().max(200) as u64));
        let skip_creates = rng.below(3) as usize;
        let before = creates(&b);
        let mut child = spawn_restore(&a, &b, home.path(), &dest_s);
        let start = Instant::now();
        let killed = loop {
            if let Some(status) = child.try_wait().unwrap() {
                log.push(format!("run {runs}: finished {status:?}"));
                break false;
            }
            let hit = if on_create {
                creates(&b) > before + skip_creates
            } else {
                start.elapsed() >= delay
            };
            if hit {
                child.kill().unwrap(); // SIGKILL
                let _ = child.wait();
                log.push(if on_create {
                    format!("run {runs}: killed after create #{}", skip_creates + 1)
                } else {
                    format!("run {runs}: killed after {delay:?}")
                });
                break true;
            }
            tokio::time::sleep(Duration::from_millis(if on_create { 1 } else { 5 })).await;
        };
        if killed {
            kills += 1;
            after_create += on_create as usize;
        } else {
            // A run finished before its kill point: the series goes on into a fresh empty
            // target (its own journal), so later kills still land mid-restore.
            b = empty_org().await;
        }
    }
    assert!(after_create >= 3, "kills right after a create: {log:?}");

    // Reruns until one finishes.
    let mut last = None;
    for _ in 0..3 {
        let mut cmd = common::agol(&a, home.path(), &["restore", "--dest", &dest_s, "--all"]);
        common::target(&mut cmd, &b);
        let out = common::run(cmd).await;
        let code = out.status.code();
        last = Some(out);
        if code == want_code {
            break;
        }
    }
    let last = last.unwrap();
    assert_eq!(
        last.status.code(),
        want_code,
        "the final rerun ends like the uninterrupted run: {}\n{log:?}",
        common::text(&last)
    );

    let (got, want) = (canonical(&b), canonical(&c));
    let keys = |m: &BTreeMap<(String, String), Vec<String>>| -> Vec<(String, String, usize)> {
        m.iter()
            .map(|((t, ty), v)| (t.clone(), ty.clone(), v.len()))
            .collect()
    };
    assert_eq!(
        keys(&got),
        keys(&want),
        "the same items, no duplicates (seed {seed}, {log:?})"
    );
    for (k, v) in &want {
        assert_eq!(
            got.get(k),
            Some(v),
            "{k:?}: the same URL and references (seed {seed}, {log:?})"
        );
    }
    assert_eq!(
        services(&b),
        services(&c),
        "the same services and feature counts (seed {seed}, {log:?})"
    );
}
