//! Sharing-API paging (`start`/`num`/`nextStart`) as a stream of pages.
//!
//! Paging follows `nextStart` until it is -1 (or absent) and never trusts `total` alone; a server
//! that does not advance is reported instead of looped on: `nextStart` must move past the entries
//! just returned, and the number of pages is bounded ([`MAX_PAGES`], and by the first page's
//! `total` when it gives one).

use futures::Stream;
use serde_json::Value;

use super::Client;
use super::error::{Error, Result};
use super::request::Call;

/// The most the portal returns per page.
pub const MAX_PAGE: u32 = 100;

/// Pages read from one listing at most (10 million entries at 100 a page).
pub const MAX_PAGES: u64 = 100_000;

/// Pages allowed for a listing whose first page said `total` entries at `num` a page: the pages
/// that many entries need, twice over (entries may be added while paging), plus ten.
pub fn page_bound(total: Option<u64>, num: u32) -> u64 {
    match total {
        Some(t) => (t.div_ceil(u64::from(num.max(1))) * 2 + 10).min(MAX_PAGES),
        None => MAX_PAGES,
    }
}

/// One page: the entries under the page's array key plus the whole document.
#[derive(Debug, Clone)]
pub struct Page {
    /// The entries (`items`, `results`, `users`, `resources`, ...).
    pub entries: Vec<Value>,
    /// The page document (for `folders`, `total`, ...).
    pub document: Value,
}

/// Streams the pages of a paged Sharing-API resource; `key` is the array's name.
pub fn pages(
    client: Client,
    call: Call,
    key: &'static str,
    num: u32,
) -> impl Stream<Item = Result<Page>> {
    futures::stream::try_unfold((Some(1i64), 0u64, MAX_PAGES), move |(next, read, bound)| {
        let client = client.clone();
        let call = call.clone();
        async move {
            let Some(start) = next else {
                return Ok(None);
            };
            if read >= bound {
                return Err(Error::Limit {
                    url: call.url().to_string(),
                    message: format!(
                        "the listing did not end after {read} pages (more than its total allows)"
                    ),
                });
            }
            let url = call.url().to_string();
            let body = client
                .json_body(call.param("start", start).param("num", num))
                .await?;
            let document = body.value;
            let entries = match document.get(key) {
                Some(Value::Array(a)) => a.clone(),
                None | Some(Value::Null) => Vec::new(),
                Some(_) => {
                    return Err(Error::Decode {
                        url,
                        json_path: key.into(),
                        message: "expected an array".into(),
                    });
                }
            };
            let next_start = document
                .get("nextStart")
                .and_then(Value::as_i64)
                .unwrap_or(-1);
            let next = if next_start > 0 && !entries.is_empty() {
                let past = start + entries.len() as i64;
                if next_start < past {
                    return Err(Error::Limit {
                        url,
                        message: format!(
                            "nextStart {next_start} does not move past the {} entries returned from start {start} (expected at least {past})",
                            entries.len()
                        ),
                    });
                }
                Some(next_start)
            } else {
                None
            };
            let bound = if read == 0 {
                page_bound(document.get("total").and_then(Value::as_u64), num)
            } else {
                bound
            };
            Ok(Some((Page { entries, document }, (next, read + 1, bound))))
        }
    })
}

/// Collects every entry of a paged resource.
pub async fn collect_all(client: &Client, call: Call, key: &'static str) -> Result<Vec<Value>> {
    use futures::TryStreamExt;
    let mut out = Vec::new();
    let mut stream = std::pin::pin!(pages(client.clone(), call, key, MAX_PAGE));
    while let Some(page) = stream.try_next().await? {
        out.extend(page.entries);
    }
    Ok(out)
}
