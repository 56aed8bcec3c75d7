//! A tiny valid PNG used for thumbnails and image resources.

use base64::Engine;
use bytes::Bytes;
use std::sync::OnceLock;

const ONE_PIXEL: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/// A 1x1 PNG image (decoded once; every caller shares the same buffer).
pub fn tiny_png() -> Bytes {
    static PNG: OnceLock<Bytes> = OnceLock::new();
    PNG.get_or_init(|| {
        Bytes::from(
            base64::engine::general_purpose::STANDARD
                .decode(ONE_PIXEL)
                .expect("valid embedded PNG"),
        )
    })
    .clone()
}
