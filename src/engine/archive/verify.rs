//! `verify`: re-hash every archive against the manifest, open each zip, check its listing and
//! the recorded feature counts.

use std::io::{BufReader, Seek};

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::damage::DamageRecord;
use super::destination::{Destination, SnapshotRef};
use super::error::ArchiveError;
use super::hash_cache::hash_reader;
use super::inside::open_archive;
use super::manifest::{Manifest, Outcome};
use crate::engine::progress::{JobEvent, NullSink, ProgressSink};

/// One damaged or missing archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Item id.
    pub id: String,
    /// Item title.
    pub title: String,
    /// What is wrong.
    pub problem: String,
}

/// What verify found.
#[derive(Debug, Default)]
pub struct VerifyReport {
    /// Archives checked.
    pub checked: usize,
    /// Problems, one per damaged or missing archive.
    pub problems: Vec<Problem>,
}

/// Verifies one snapshot of `dest` and records what it found in the destination's damage
/// record (`damaged.json`), so the next backup fetches the damaged items again instead of
/// linking them. What the CLI `verify` and the TUI's verify run.
pub fn verify_and_record(
    dest: &Destination,
    snapshot: &SnapshotRef,
) -> Result<VerifyReport, ArchiveError> {
    verify_and_record_reporting(dest, snapshot, &NullSink)
}

/// [`verify_and_record`], reporting each archive checked to `sink` (done, or failed with what
/// is wrong).
pub fn verify_and_record_reporting(
    dest: &Destination,
    snapshot: &SnapshotRef,
    sink: &dyn ProgressSink,
) -> Result<VerifyReport, ArchiveError> {
    let manifest: Manifest = snapshot.manifest()?;
    let report = verify_manifest(snapshot, &manifest, sink);
    DamageRecord::record_verify(dest.root(), snapshot, &manifest, &report.problems).map_err(
        |source| ArchiveError::RecordDamage {
            damaged: report.problems.len(),
            root: dest.root().to_path_buf(),
            source,
        },
    )?;
    Ok(report)
}

/// Verifies one snapshot (nothing is recorded; see [`verify_and_record`]).
pub fn verify_snapshot(snapshot: &SnapshotRef) -> Result<VerifyReport, ArchiveError> {
    let manifest: Manifest = snapshot.manifest()?;
    Ok(verify_manifest(snapshot, &manifest, &NullSink))
}

fn verify_manifest(
    snapshot: &SnapshotRef,
    manifest: &Manifest,
    sink: &dyn ProgressSink,
) -> VerifyReport {
    let mut report = VerifyReport::default();
    let checked = manifest.items.iter().filter(|i| i.outcome == Outcome::Ok);
    sink.event(JobEvent::Started {
        total: checked.clone().count() as u64,
    });
    for item in checked {
        report.checked += 1;
        sink.event(JobEvent::ItemStarted {
            id: item.id.clone(),
            title: item.title.clone(),
        });
        match check_item(snapshot, item) {
            Ok(()) => sink.event(JobEvent::ItemDone {
                id: item.id.clone(),
                reused: false,
            }),
            Err(problem) => {
                sink.event(JobEvent::ItemFailed {
                    id: item.id.clone(),
                    reason: problem.to_string(),
                });
                report.problems.push(Problem {
                    id: item.id.clone(),
                    title: item.title.clone(),
                    problem: problem.to_string(),
                });
            }
        }
    }
    report
}

fn check_item(
    snapshot: &SnapshotRef,
    item: &super::manifest::ManifestItem,
) -> Result<(), ArchiveError> {
    let rel = item
        .archive
        .as_deref()
        .ok_or(ArchiveError::NoArchiveNamed)?;
    let unreadable = |source| ArchiveError::ArchiveUnreadable {
        rel: rel.to_string(),
        source,
    };
    let (mut file, _) = open_archive(&snapshot.dir, rel)?;
    let (size, sha) = hash_reader(&mut file).map_err(unreadable)?;
    if size != item.size {
        return Err(ArchiveError::SizeMismatch {
            rel: rel.to_string(),
            size,
            expected: item.size,
        });
    }
    if Some(sha.as_str()) != item.sha256.as_deref() {
        return Err(ArchiveError::HashMismatch {
            rel: rel.to_string(),
        });
    }
    file.rewind().map_err(unreadable)?;
    let mut zip = zip::ZipArchive::new(file).map_err(|source| ArchiveError::NotAZip {
        rel: rel.to_string(),
        source,
    })?;
    let names: std::collections::HashSet<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.to_string()))
        .collect();
    for part in item
        .parts
        .iter()
        .chain(std::iter::once(&"archive.json".to_string()))
    {
        if !names.contains(part) {
            return Err(ArchiveError::MissingEntry {
                rel: rel.to_string(),
                entry: part.clone(),
            });
        }
    }
    for (layer, expected) in &item.feature_counts {
        let entry = format!("layers/{layer}.features.json");
        let f = zip
            .by_name(&entry)
            .map_err(|source| ArchiveError::EntryUnreadable {
                rel: rel.to_string(),
                entry: entry.clone(),
                source,
            })?;
        let got = count_features(BufReader::new(f)).map_err(|e| ArchiveError::NotAFeatureSet {
            rel: rel.to_string(),
            entry: entry.clone(),
            reason: e.to_string(),
        })?;
        if got != *expected {
            return Err(ArchiveError::FeatureCountMismatch {
                rel: rel.to_string(),
                entry,
                got,
                expected: *expected,
            });
        }
    }
    Ok(())
}

/// Counts the `features` of an Esri JSON FeatureSet without holding them in memory.
pub fn count_features(reader: impl std::io::Read) -> Result<u64, serde_json::Error> {
    struct Root;
    impl<'de> Visitor<'de> for Root {
        type Value = u64;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a FeatureSet object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u64, A::Error> {
            let mut count = None;
            while let Some(key) = map.next_key::<String>()? {
                if key == "features" {
                    count = Some(map.next_value::<Counted>()?.0);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            count.ok_or_else(|| serde::de::Error::missing_field("features"))
        }
    }
    struct Counted(u64);
    impl<'de> serde::Deserialize<'de> for Counted {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct Seq;
            impl<'de> Visitor<'de> for Seq {
                type Value = u64;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("an array of features")
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<u64, A::Error> {
                    let mut n = 0;
                    while seq.next_element::<IgnoredAny>()?.is_some() {
                        n += 1;
                    }
                    Ok(n)
                }
            }
            d.deserialize_seq(Seq).map(Counted)
        }
    }
    let mut de = serde_json::Deserializer::from_reader(reader);
    de.deserialize_map(Root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_features_streaming() {
        let json = br#"{"objectIdFieldName":"OBJECTID","fields":[{"name":"a"}],"features":[{"attributes":{"a":1}},{"attributes":{"a":[1,2]}}],"exceededTransferLimit":false}"#;
        assert_eq!(count_features(&json[..]).unwrap(), 2);
        assert!(count_features(&b"{\"fields\":[]}"[..]).is_err());
    }
}
