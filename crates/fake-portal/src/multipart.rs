//! Minimal multipart/form-data reader: text fields for the request log and parameters, file
//! parts with their bytes for uploads.

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

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub struct Part {
    /// The form field name.
    pub name: String,
    /// The file name, for file parts.
    pub file_name: Option<String>,
    /// The part's own `Content-Type`, if any.
    pub content_type: Option<String>,
    /// The raw content.
    pub bytes: bytes::Bytes,
}

/// Every part of a multipart body with `boundary`, in order.
pub fn parts(body: &[u8], boundary: &str) -> Vec<Part> {
    let mut out = Vec::new();
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
        let header = |key: &str| {
            head.lines()
                .find(|l| l.to_ascii_lowercase().starts_with(key))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        };
        let disposition = header("content-disposition").unwrap_or_default();
        if let Some(name) = attr(&disposition, "name") {
            out.push(Part {
                name,
                file_name: attr(&disposition, "filename"),
                content_type: header("content-type"),
                bytes: bytes::Bytes::copy_from_slice(value),
            });
        }
        rest = &content[end..];
    }
    out
}

/// The fields of a multipart body with `boundary`: text as values, files as
/// `<file NAME, N bytes>`.
pub fn fields(body: &[u8], boundary: &str) -> BTreeMap<String, String> {
    parts(body, boundary)
        .into_iter()
        .map(|p| {
            let v = match &p.file_name {
                Some(f) => format!("<file {f}, {} bytes>", p.bytes.len()),
                None => String::from_utf8_lossy(&p.bytes).to_string(),
            };
            (p.name, v)
        })
        .collect()
}

/// The file parts of a request (empty unless it is `multipart/form-data`), by field name.
pub fn files(headers: &axum::http::HeaderMap, body: &[u8]) -> BTreeMap<String, Part> {
    let ct = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match boundary(ct) {
        Some(b) => parts(body, &b)
            .into_iter()
            .filter(|p| p.file_name.is_some())
            .map(|p| (p.name.clone(), p))
            .collect(),
        None => BTreeMap::new(),
    }
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
