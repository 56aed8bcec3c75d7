//! Spooled downloads: a body streamed to a temp file in the spool directory, checked against
//! `Content-Length` (and an expected size when the listing gave one), retried when short.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::AsyncWriteExt;

use super::{Tracker, local_io};
use crate::client::error::TransportKind;
use crate::client::json::{check_envelope, parse_value};
use crate::client::request::{Call, transport_error};
use crate::client::{Client, Error, Result};
use crate::engine::archive::writer::ItemArchiveWriter;

/// Attempts per download when the body comes back short or broken (status errors are retried by
/// the client itself).
pub(crate) const BODY_ATTEMPTS: u32 = 3;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A temp file in the spool directory, removed when dropped.
pub(crate) struct SpoolFile {
    path: PathBuf,
}

impl SpoolFile {
    /// A fresh, unique path in `dir` (the file is not created yet).
    pub(crate) fn new(dir: &Path, what: &str) -> SpoolFile {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let tag: String = what
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(24)
            .collect();
        SpoolFile {
            path: dir.join(format!(
                "agol-tui-{}-{n}-{:08x}-{tag}.spool",
                std::process::id(),
                rand::random::<u32>()
            )),
        }
    }

    /// Where the file is.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for SpoolFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// A finished, length-checked download.
pub(crate) struct Spooled {
    /// The temp file (removed on drop).
    pub(crate) file: SpoolFile,
    /// Bytes received.
    pub(crate) len: u64,
}

impl Spooled {
    /// Copies the download into the archive under `name`.
    pub(crate) fn store(&self, archive: &mut ItemArchiveWriter, name: &str) -> Result<u64> {
        crate::engine::storage::local::blocking(|| archive.add_file(name, self.file.path()))
            .map_err(|e| local_io(name, e))
    }

    /// The first bytes of the download (for sniffing).
    pub(crate) fn head(&self, n: usize) -> Vec<u8> {
        use std::io::Read;
        let mut buf = vec![0u8; n];
        let Ok(mut f) = std::fs::File::open(self.file.path()) else {
            return Vec::new();
        };
        let mut got = 0;
        while got < n {
            match f.read(&mut buf[got..]) {
                Ok(0) | Err(_) => break,
                Ok(k) => got += k,
            }
        }
        buf.truncate(got);
        buf
    }
}

/// How a download attempt failed.
enum Failure {
    /// Worth another attempt (short or broken body).
    Retry(Error),
    /// Final (status errors were already retried by the client).
    Fatal(Error),
}

/// What the caller knows about the body.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Expect {
    /// Size from a listing (resources, attachment infos); a different length is a short body.
    pub(crate) size: Option<u64>,
    /// The body should be JSON when it starts like JSON: a body cut mid-document is retried.
    pub(crate) json: bool,
    /// An HTML body is legitimate here (an `.html` file); otherwise it is an error page.
    pub(crate) html_ok: bool,
    /// The item's declared `size` (soft): a body far beyond it is stopped, see [`soft_bound`].
    pub(crate) declared: Option<u64>,
}

/// Slack over an item's declared `size` before a download is stopped (sizes can lag edits).
pub(crate) const SIZE_SLACK: u64 = 16 * 1024 * 1024;

/// The most bytes accepted for a body whose item declares `size`: twice the size plus
/// [`SIZE_SLACK`].
pub(crate) fn soft_bound(size: u64) -> u64 {
    size.saturating_mul(2).saturating_add(SIZE_SLACK)
}

/// True when a file name is an HTML document (its download may be HTML).
pub(crate) fn is_html_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".html") || lower.ends_with(".htm") || lower.ends_with(".xhtml")
}

/// True when the first bytes are an HTML document (after a BOM and whitespace).
pub(crate) fn looks_like_html(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let t = head.trim_ascii_start();
    let n = t.len().min(15);
    let start = t[..n].to_ascii_lowercase();
    start.starts_with(b"<!doctype html") || start.starts_with(b"<html")
}

fn unexpected_html(url: &str) -> Failure {
    Failure::Fatal(Error::Unexpected {
        url: url.to_string(),
        reason: "an HTML page came back where the file was expected (a sign-in or error page?); nothing was saved".into(),
    })
}

/// Downloads `call` (no `f`) into a spool file, retrying short bodies up to [`BODY_ATTEMPTS`].
pub(crate) async fn download(
    client: &Client,
    call: Call,
    spool_dir: &Path,
    expect: Expect,
    tracker: &Tracker<'_>,
) -> Result<Spooled> {
    let mut attempt = 0;
    let mut announced = expect.size.is_some();
    loop {
        attempt += 1;
        let mut counted = 0u64;
        let got = once(
            client,
            call.clone(),
            spool_dir,
            expect,
            tracker,
            &mut counted,
            &mut announced,
        )
        .await;
        match got {
            Ok(s) => return Ok(s),
            Err(Failure::Fatal(e)) => {
                tracker.unbytes(counted);
                return Err(e);
            }
            Err(Failure::Retry(e)) => {
                tracker.unbytes(counted);
                if attempt >= BODY_ATTEMPTS {
                    return Err(e);
                }
                tracing::warn!(url = %call.url(), attempt, error = %e, "download broken; retrying");
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            }
        }
    }
}

fn short(url: &str, message: String) -> Failure {
    Failure::Retry(Error::Transport {
        kind: TransportKind::Interrupted,
        url: url.to_string(),
        message,
    })
}

async fn once(
    client: &Client,
    call: Call,
    spool_dir: &Path,
    expect: Expect,
    tracker: &Tracker<'_>,
    counted: &mut u64,
    announced: &mut bool,
) -> std::result::Result<Spooled, Failure> {
    let url = call.url().to_string();
    let mut resp = client.stream(call).await.map_err(Failure::Fatal)?;
    let content_length = resp.content_length();
    if let Some(cl) = content_length
        && !*announced
    {
        tracker.expect_bytes(cl);
        *announced = true;
    }
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase);
    let texty = content_type
        .as_deref()
        .map(|ct| ct.contains("json") || ct.starts_with("text/"))
        .unwrap_or(true);
    if !expect.html_ok
        && content_type
            .as_deref()
            .is_some_and(|ct| ct.starts_with("text/html") || ct.starts_with("application/xhtml"))
    {
        return Err(unexpected_html(&url));
    }
    let bound = expect.declared.map(soft_bound);
    let spool = SpoolFile::new(spool_dir, &url);
    let io = |e| Failure::Fatal(local_io(&spool_dir.display().to_string(), e));
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(crate::engine::storage::local::PRIVATE_FILE_MODE)
        .open(spool.path())
        .await
        .map_err(io)?;
    let mut len = 0u64;
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if len == 0 && !expect.html_ok && looks_like_html(&chunk) {
                    return Err(unexpected_html(&url));
                }
                let after = len + chunk.len() as u64;
                if let Some(size) = expect.size
                    && after > size
                {
                    return Err(short(
                        &url,
                        format!("body longer than the {size} bytes the listing said; stopped"),
                    ));
                }
                if let Some(b) = bound
                    && after > b
                {
                    return Err(Failure::Fatal(Error::Limit {
                        url: url.clone(),
                        message: format!(
                            "the download passed {after} bytes, far beyond the item's declared size of {} bytes; stopped (a download may exceed the declared size by its size plus 16 MiB)",
                            expect.declared.unwrap_or(0)
                        ),
                    }));
                }
                file.write_all(&chunk).await.map_err(io)?;
                len += chunk.len() as u64;
                *counted += chunk.len() as u64;
                tracker.bytes(chunk.len() as u64);
            }
            Ok(None) => break,
            Err(e) => return Err(Failure::Retry(transport_error(&url, &e))),
        }
    }
    file.flush().await.map_err(io)?;
    drop(file);
    if let Some(cl) = content_length
        && cl != len
    {
        return Err(short(
            &url,
            format!("body of {len} bytes where Content-Length said {cl}"),
        ));
    }
    if let Some(size) = expect.size
        && size != len
    {
        return Err(short(
            &url,
            format!("body of {len} bytes where the listing said {size}"),
        ));
    }
    let spooled = Spooled { file: spool, len };
    if len > 0 && len < 64 * 1024 && (texty || expect.json) {
        let head = spooled.head(len as usize);
        if head.trim_ascii_start().starts_with(b"{\"error\"")
            && let Ok(value) = parse_value(&url, &head)
        {
            check_envelope(&url, &value).map_err(Failure::Fatal)?;
        }
    }
    if expect.json && looks_like_json(&spooled.head(64)) && json_is_cut(spooled.file.path()) {
        return Err(short(
            &url,
            "the JSON body ends in the middle of the document".into(),
        ));
    }
    Ok(spooled)
}

/// True when the bytes (after whitespace) start like a JSON document.
pub(crate) fn looks_like_json(head: &[u8]) -> bool {
    matches!(head.trim_ascii_start().first(), Some(b'{' | b'['))
}

/// True when the file's JSON ends early (EOF inside the document). Other syntax problems (raw
/// control characters the portal stores) do not count: those bodies are kept as they are.
fn json_is_cut(path: &Path) -> bool {
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let reader = std::io::BufReader::new(f);
    let mut de = serde_json::Deserializer::from_reader(reader);
    match <serde::de::IgnoredAny as serde::Deserialize>::deserialize(&mut de) {
        Ok(_) => false,
        Err(e) => e.classify() == serde_json::error::Category::Eof,
    }
}
