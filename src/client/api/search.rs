//! Item search with paging and the 10,000-result cap worked around by `created` partitions.

use std::collections::HashSet;

use serde_json::Value;

use super::decode_entries;
use crate::client::Client;
use crate::client::error::Result;
use crate::client::models::Item;
use crate::client::paging::collect_all;
use crate::client::request::Call;

/// Results past this many are unreachable by paging, whatever `total` says.
pub const SEARCH_CAP: i64 = 10_000;

/// The earliest `created` a partition starts at (before any portal existed).
const EPOCH_FLOOR_MS: i64 = 0;

impl Client {
    /// One search, every reachable page, sorted by `created` ascending.
    pub async fn search(&self, q: &str) -> Result<Vec<Item>> {
        let url = self.portal().sharing("search");
        let call = Call::get(&url)
            .param("q", q)
            .param("sortField", "created")
            .param("sortOrder", "asc");
        let entries = collect_all(self, call, "results").await?;
        decode_entries(&url, "results", entries)
    }

    /// How many items a query matches (`total` of a one-result page).
    pub async fn search_total(&self, q: &str) -> Result<i64> {
        let url = self.portal().sharing("search");
        let page: Value = self
            .json(
                Call::get(url)
                    .param("q", q)
                    .param("num", 1)
                    .param("start", 1),
            )
            .await?;
        Ok(page.get("total").and_then(Value::as_i64).unwrap_or(0))
    }

    /// Every item matching `q`, even past the 10,000 cap: ranges of `created` are split in
    /// half until each holds at most [`SEARCH_CAP`] results. De-duplicated by id.
    pub async fn search_all(&self, q: &str) -> Result<Vec<Item>> {
        let now = chrono::Utc::now().timestamp_millis() + 86_400_000;
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let mut ranges = vec![(EPOCH_FLOOR_MS, now)];
        while let Some((from, to)) = ranges.pop() {
            let scoped = format!("({q}) AND {}", created_range(from, to));
            let total = self.search_total(&scoped).await?;
            if total == 0 {
                continue;
            }
            let splittable = to - from > 1;
            if total > SEARCH_CAP && splittable {
                split(&mut ranges, from, to, total);
                continue;
            }
            let found = self.search(&scoped).await?;
            // A portal with a lower cap than documented stops paging early: split further.
            if (found.len() as i64) < total && splittable {
                split(&mut ranges, from, to, total);
                continue;
            }
            for item in found {
                if seen.insert(item.id.clone()) {
                    out.push(item);
                }
            }
        }
        Ok(out)
    }
}

fn split(ranges: &mut Vec<(i64, i64)>, from: i64, to: i64, total: i64) {
    let mid = from + (to - from) / 2;
    tracing::debug!(from, to, total, "search partition too large; splitting");
    ranges.push((mid + 1, to));
    ranges.push((from, mid));
}

/// A `created:[a TO b]` clause with 19-digit zero-padded epoch milliseconds (inclusive).
pub fn created_range(from: i64, to: i64) -> String {
    format!("created:[{from:019} TO {to:019}]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_ranges_are_padded() {
        assert_eq!(
            created_range(1249084800000, 1249548000000),
            "created:[0000001249084800000 TO 0000001249548000000]"
        );
    }
}
