//! The inventory CSV: one row per item, read back as the index of an incremental rerun.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// One inventory row; the column names are the CSV header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InventoryRow {
    /// Item title.
    #[serde(rename = "Title")]
    pub title: String,
    /// Item id.
    #[serde(rename = "Id")]
    pub id: String,
    /// Item type.
    #[serde(rename = "Type")]
    pub item_type: String,
    /// Owner.
    #[serde(rename = "Owner")]
    pub owner: String,
    /// Folder title (empty for the root folder).
    #[serde(rename = "Folder")]
    pub folder: String,
    /// Created, ISO 8601 UTC.
    #[serde(rename = "Created")]
    pub created: String,
    /// Modified, ISO 8601 UTC with milliseconds (the incremental marker).
    #[serde(rename = "Modified")]
    pub modified: String,
    /// Size in bytes (-1 for hosted services).
    #[serde(rename = "Size")]
    pub size: i64,
    /// `private`, `shared`, `org`, `public`.
    #[serde(rename = "Access")]
    pub access: String,
    /// Tags joined with `|`.
    #[serde(rename = "Tags")]
    pub tags: String,
    /// `org_authoritative`, `public_authoritative`, `deprecated` or empty.
    #[serde(rename = "ContentStatus")]
    pub content_status: String,
    /// Service or app URL.
    #[serde(rename = "Url")]
    pub url: String,
    /// The item's page in the portal.
    #[serde(rename = "ItemPageUrl")]
    pub item_page_url: String,
    /// Delete protection (from the full item record).
    #[serde(rename = "Protected")]
    pub protected: String,
    /// Titles of the groups the item is shared with, `|`-joined.
    #[serde(rename = "Groups")]
    pub groups: String,
}

/// Formats epoch milliseconds as ISO 8601 UTC with milliseconds, e.g. `2024-05-28T16:00:00.000Z`.
pub fn iso8601(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

/// Reads an inventory written by an earlier scan, keyed by item id.
pub fn read_index(path: &Path) -> Result<HashMap<String, InventoryRow>, String> {
    let file = std::fs::File::open(path)
        .map_err(|e| format!("cannot read the index {}: {e}", path.display()))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("cannot read the index {}: {e}", path.display()))?;
    if !meta.is_file() {
        return Err(format!(
            "the index {} is not a regular file; pass an inventory CSV written by `agol-tui scan` as --index",
            path.display()
        ));
    }
    // A regular file's length bounds what is read, even if it grows meanwhile.
    let mut reader = csv::Reader::from_reader(std::io::Read::take(file, meta.len()));
    let mut out = HashMap::new();
    for (i, row) in reader.deserialize::<InventoryRow>().enumerate() {
        let row = row.map_err(|e| {
            format!(
                "the index {} is not an agol-tui inventory (row {}: {e}); pass another --index or remove the file",
                path.display(),
                i + 2
            )
        })?;
        let row = row.unquoted();
        out.insert(row.id.clone(), row);
    }
    Ok(out)
}

/// Writes the inventory atomically (temp file, fsync, rename).
pub fn write(path: &Path, rows: &[InventoryRow]) -> std::io::Result<()> {
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        return Err(std::io::Error::other(format!(
            "{} exists and is not a regular file (a device, FIFO or directory); give --out a file path",
            path.display()
        )));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let tmp = dir.join(format!(
        ".{}.partial-{}",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("inventory.csv"),
        std::process::id()
    ));
    let written = write_rows(&tmp, rows);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path)?;
    if let Ok(d) = std::fs::File::open(&dir) {
        let _ = d.sync_all();
    }
    std::io::stdout().flush().ok();
    Ok(())
}

impl InventoryRow {
    /// The row as written: text cells a spreadsheet would run as formulas get a leading `'`.
    fn to_csv(&self) -> InventoryRow {
        let c = |s: &String| crate::safe_text::csv_cell(s).into_owned();
        InventoryRow {
            title: c(&self.title),
            id: c(&self.id),
            item_type: c(&self.item_type),
            owner: c(&self.owner),
            folder: c(&self.folder),
            access: c(&self.access),
            tags: c(&self.tags),
            content_status: c(&self.content_status),
            url: c(&self.url),
            item_page_url: c(&self.item_page_url),
            groups: c(&self.groups),
            ..self.clone()
        }
    }

    /// The row as read back: the `'` [`InventoryRow::to_csv`] added is taken off again.
    fn unquoted(self) -> InventoryRow {
        let u = |s: String| match s.strip_prefix('\'') {
            Some(rest) if crate::safe_text::csv_cell(rest).len() != rest.len() => rest.to_string(),
            _ => s,
        };
        InventoryRow {
            title: u(self.title),
            id: u(self.id),
            item_type: u(self.item_type),
            owner: u(self.owner),
            folder: u(self.folder),
            access: u(self.access),
            tags: u(self.tags),
            content_status: u(self.content_status),
            url: u(self.url),
            item_page_url: u(self.item_page_url),
            groups: u(self.groups),
            ..self
        }
    }
}

fn write_rows(tmp: &Path, rows: &[InventoryRow]) -> std::io::Result<()> {
    {
        let _ = std::fs::remove_file(tmp);
        let file = crate::engine::storage::local::create_private(tmp)?;
        let mut writer = csv::Writer::from_writer(std::io::BufWriter::new(file));
        if rows.is_empty() {
            writer
                .write_record([
                    "Title",
                    "Id",
                    "Type",
                    "Owner",
                    "Folder",
                    "Created",
                    "Modified",
                    "Size",
                    "Access",
                    "Tags",
                    "ContentStatus",
                    "Url",
                    "ItemPageUrl",
                    "Protected",
                    "Groups",
                ])
                .map_err(std::io::Error::other)?;
        }
        for row in rows {
            writer
                .serialize(row.to_csv())
                .map_err(std::io::Error::other)?;
        }
        let buf = writer
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let file = buf
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        file.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_are_utc_with_millis() {
        assert_eq!(iso8601(1716912000123), "2024-05-28T16:00:00.123Z");
    }

    #[test]
    fn quoting_survives_a_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("inv.csv");
        let row = InventoryRow {
            title: "Pipes, \"mains\"\nand valves".into(),
            id: "a".repeat(32),
            item_type: "Web Map".into(),
            owner: "o".into(),
            folder: String::new(),
            created: iso8601(0),
            modified: iso8601(1),
            size: 10,
            access: "org".into(),
            tags: "a|b".into(),
            content_status: String::new(),
            url: String::new(),
            item_page_url: "https://x/home/item.html?id=a".into(),
            protected: "false".into(),
            groups: String::new(),
        };
        write(&path, std::slice::from_ref(&row)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("Title,Id,Type,Owner,Folder,Created,Modified,Size,Access,Tags,ContentStatus,Url,ItemPageUrl"));
        assert!(
            text.contains("\"Pipes, \"\"mains\"\"\nand valves\""),
            "{text}"
        );
        let back = read_index(&path).unwrap();
        assert_eq!(back[&row.id], row);
    }
}
