//! Small text helpers for the view: sizes, dates, durations, fitting text into columns.

use std::time::Duration;

use unicode_width::UnicodeWidthChar;

/// `1.2 MB` style sizes.
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

/// `YYYY-MM-DD` (UTC) from epoch milliseconds.
pub fn date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// `mm:ss` or `h:mm:ss`.
pub fn elapsed(d: Duration) -> String {
    let s = d.as_secs();
    if s >= 3600 {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    } else {
        format!("{:02}:{:02}", s / 60, s % 60)
    }
}

/// Cuts `text` to `width` display columns (with `…`), control characters shown as spaces.
pub fn fit(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut w = 0;
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    let limit = if total > width {
        width.saturating_sub(1)
    } else {
        width
    };
    for c in text.chars() {
        let c = if c.is_control() { ' ' } else { c };
        let cw = c.width().unwrap_or(0);
        if w + cw > limit {
            break;
        }
        out.push(c);
        w += cw;
    }
    if total > width && width > 0 {
        out.push('…');
        w += 1;
    }
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}

/// A text gauge `█████░░░░░` of `width` cells.
pub fn bar(ratio: f64, width: usize) -> String {
    let filled = ((ratio.clamp(0.0, 1.0)) * width as f64).round() as usize;
    let mut s = "█".repeat(filled.min(width));
    s.push_str(&"░".repeat(width - filled.min(width)));
    s
}
