//! Sharing-API paging (`start`/`num`/`nextStart`) as a stream of pages.
//!
//! Paging follows `nextStart` until it is -1 (or absent) and never trusts `total` alone; a server
//! that does not advance is reported instead of looped on.

use futures::Stream;
use serde_json::Value;

use super::Client;
use super::error::{Error, Result};
use super::request::Call;

/// The most the portal returns per page.
pub const MAX_PAGE: u32 = 100;

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
    futures::stream::try_unfold(Some(1i64), move |next| {
        let client = client.clone();
        let call = call.clone();
        async move {
            let Some(start) = next else {
                return Ok(None);
            };
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
                if next_start <= start {
                    return Err(Error::Decode {
                        url,
                        json_path: "nextStart".into(),
                        message: format!(
                            "nextStart {next_start} does not advance past start {start}"
                        ),
                    });
                }
                Some(next_start)
            } else {
                None
            };
            Ok(Some((Page { entries, document }, next)))
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
