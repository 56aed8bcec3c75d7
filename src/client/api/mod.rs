//! The REST areas, one file each, as methods on [`Client`](super::Client).

pub mod content_write;
pub mod groups;
pub mod items;
pub mod portal;
pub mod search;
pub mod service_write;
pub mod users;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::Result;
use super::json::from_value;

/// Decodes a list of JSON entries, naming the entry's index on failure.
pub(crate) fn decode_entries<T: DeserializeOwned>(
    url: &str,
    key: &str,
    entries: Vec<Value>,
) -> Result<Vec<T>> {
    entries
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            from_value(url, v).map_err(|e| match e {
                super::Error::Decode {
                    url,
                    json_path,
                    message,
                } => super::Error::Decode {
                    url,
                    json_path: format!("{key}[{i}].{json_path}").replace("..", "."),
                    message,
                },
                other => other,
            })
        })
        .collect()
}
