//! A tiny valid PNG used for thumbnails and image resources.

use base64::Engine;

const ONE_PIXEL: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

/// A 1x1 PNG image.
pub fn tiny_png() -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(ONE_PIXEL)
        .expect("valid embedded PNG")
}
