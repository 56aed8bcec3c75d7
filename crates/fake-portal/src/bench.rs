//! Benchmark-only items: the streamed "Large file" and the `Big_Layer` service item.

use super::features::sample::{BIG_LAYER, BIG_LAYER_ITEM_ID};
use super::model::{ItemData, Org};
use super::sample::{ADMIN_USERNAME, LARGE_FILE_ITEM_ID};
use super::seed::{ORG_CREATED, SeedUrls};
use super::seed_items::new_item;

/// Seed of the large file's bytes.
const LARGE_FILE_SEED: u64 = 0x1a4e_f11e;
/// 2024-01-01T00:00:00Z.
const CREATED: i64 = 1_704_067_200_000;

/// Adds the large file item (`large_file_bytes > 0`) and the `Big_Layer` item
/// (`big_layer_features > 0`) to `org`; the caller reindexes.
pub fn add_bench_items(org: &mut Org, urls: &SeedUrls, large_file_bytes: u64, big_layer: usize) {
    if large_file_bytes > 0 {
        let mut it = new_item(
            LARGE_FILE_ITEM_ID.to_string(),
            ADMIN_USERNAME,
            None,
            "Large file",
            "File Geodatabase",
        );
        it.name = Some("large.gdb.zip".into());
        it.type_keywords = vec!["File Geodatabase".into(), "Data".into()];
        it.data = ItemData::Stream {
            len: large_file_bytes,
            seed: LARGE_FILE_SEED,
            content_type: "application/zip",
            file_name: "large.gdb.zip".into(),
        };
        it.size = large_file_bytes as i64;
        it.created = CREATED;
        it.modified = CREATED;
        org.items.push(it);
    }
    if big_layer > 0 {
        let mut it = new_item(
            BIG_LAYER_ITEM_ID.to_string(),
            ADMIN_USERNAME,
            None,
            "Big Layer",
            "Feature Service",
        );
        it.name = Some(BIG_LAYER.into());
        it.url = Some(format!(
            "{}/{BIG_LAYER}/FeatureServer",
            urls.hosted_services
        ));
        it.type_keywords = [
            "ArcGIS Server",
            "Data",
            "Feature Access",
            "Feature Service",
            "Service",
            "Singlelayer",
            "Hosted Service",
        ]
        .map(String::from)
        .to_vec();
        it.size = -1;
        it.created = ORG_CREATED + 1;
        it.modified = CREATED;
        org.items.push(it);
    }
}
