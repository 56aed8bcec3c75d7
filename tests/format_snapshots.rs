//! JSON snapshots (insta) of the formats people and other tools read: a snapshot manifest
//! (`manifest.json`) and a restore plan (`restore --dry-run --json`) of the sample org into an
//! empty org. A change of either format shows in review as a diff of
//! `tests/snapshots/format_snapshots__*.snap`. What changes from run to run is normalised by
//! name before the snapshot: the two fakes' URLs (random ports), times, and archive hashes and
//! sizes (zips carry timestamps).

mod common;
mod restore_common;

use agol_tui::engine::restore::plan::OnConflict;
use serde_json::Value;

use restore_common::*;

/// Replaces the value of each named key, at any depth, with a placeholder.
fn redact(v: &mut Value, keys: &[&str]) {
    match v {
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                if keys.contains(&k.as_str()) && !child.is_null() {
                    *child = Value::String(format!("[{k}]"));
                } else {
                    redact(child, keys);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|c| redact(c, keys)),
        _ => {}
    }
}

/// The JSON text with each fake's URL named by its role.
fn named_urls(text: &str, urls: &[(&str, &str)]) -> Value {
    let mut text = text.to_string();
    for (url, name) in urls {
        text = text.replace(url, name);
    }
    serde_json::from_str(&text).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manifest_and_a_restore_plan_keep_their_format() {
    let source = common::fake().await;
    let target = empty_org().await;
    let dir = tempfile::tempdir().unwrap();
    let report = backup_all(&source, dir.path()).await;
    // Each fake's portal and services origins, with and without the scheme.
    let mut origins = Vec::new();
    for (fake, role) in [(&source, "source"), (&target, "target")] {
        for (origin, what) in [(fake.url(), "portal"), (fake.services_origin(), "services")] {
            let host = origin.trim_start_matches("http://").to_string();
            origins.push((origin, format!("https://{role}-{what}.example")));
            origins.push((host, format!("{role}-{what}.example")));
        }
    }
    let urls: Vec<(&str, &str)> = origins
        .iter()
        .map(|(u, n)| (u.as_str(), n.as_str()))
        .collect();

    let text = std::fs::read_to_string(report.dir.join("manifest.json")).unwrap();
    let mut manifest = named_urls(&text, &urls);
    // Items are written as they finish (parallel workers): order them by id.
    if let Some(items) = manifest["items"].as_array_mut() {
        items.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    }
    redact(
        &mut manifest,
        &[
            "snapshot",
            "started",
            "finished",
            "tool_version",
            "sha256",
            "size",
            "bytes",
            "new_bytes",
        ],
    );
    insta::assert_snapshot!("manifest", serde_json::to_string_pretty(&manifest).unwrap());

    let mut options = options(dir.path(), OnConflict::Skip);
    options.dry_run = true;
    let restored = restore(&target, &options, &Default::default())
        .await
        .unwrap();
    let text = serde_json::to_string(&restored.plan).unwrap();
    let mut plan = named_urls(&text, &urls);
    redact(&mut plan, &["snapshot"]);
    insta::assert_snapshot!("restore_plan", serde_json::to_string_pretty(&plan).unwrap());
    assert!(
        target.items().is_empty(),
        "a dry run creates nothing in the target"
    );
}
