//! Minimal multipart/form-data reader for the request log: text fields as values, file parts
//! as `<file NAME, N bytes>`.

use std::collections::BTreeMap;

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn attr(disposition: &str, key: &str) -> Option<String> {
    let pat = format!("{key}=\"");
    let start = disposition.find(&pat)? + pat.len();
    let end = disposition[start..].find('"')? + start;
    Some(disposition[start..end].to_string())
}

/// The fields of a multipart body with `boundary`.
pub fn fields(body: &[u8], boundary: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let delim = format!("--{boundary}");
    let mut rest = body;
    while let Some(pos) = find(rest, delim.as_bytes()) {
        rest = &rest[pos + delim.len()..];
        let Some(head_end) = find(rest, b"\r\n\r\n") else {
            break;
        };
        let head = String::from_utf8_lossy(&rest[..head_end]).to_string();
        let content = &rest[head_end + 4..];
        let end = find(content, delim.as_bytes()).unwrap_or(content.len());
        let value = content[..end]
            .strip_suffix(b"\r\n")
            .unwrap_or(&content[..end]);
        let disposition = head
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition"))
            .unwrap_or("");
        if let Some(name) = attr(disposition, "name") {
            let v = match attr(disposition, "filename") {
                Some(f) => format!("<file {f}, {} bytes>", value.len()),
                None => String::from_utf8_lossy(value).to_string(),
            };
            out.insert(name, v);
        }
        rest = &content[end..];
    }
    out
}

/// The boundary of a `multipart/form-data` content type.
pub fn boundary(content_type: &str) -> Option<String> {
    if !content_type.starts_with("multipart/form-data") {
        return None;
    }
    let b = content_type.split("boundary=").nth(1)?;
    Some(b.split(';').next()?.trim_matches('"').to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_text_and_file_parts() {
        let body = b"--XX\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nMy item\r\n--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\nContent-Type: text/csv\r\n\r\nA,B\n1,2\r\n--XX--\r\n";
        let f = super::fields(body, "XX");
        assert_eq!(f["title"], "My item");
        assert_eq!(f["file"], "<file a.csv, 7 bytes>");
        assert_eq!(
            super::boundary("multipart/form-data; boundary=XX").as_deref(),
            Some("XX")
        );
    }
}
