//! Deterministic ids (32 lowercase hex) derived from a fixed seed, and random secrets.

use rand::Rng;
use sha2::{Digest, Sha256};

const SEED: &str = "agol-tui fake portal seed v1";

/// A stable 32-hex id for `label` (same label, same id, every run).
pub fn stable_id(label: &str) -> String {
    let digest = Sha256::digest(format!("{SEED}:{label}").as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// A random url-safe secret of `len` characters (tokens, codes, OAuth state).
pub fn secret(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Current time in epoch milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A fresh random item id (32 lowercase hex), as the portal assigns to new items.
pub fn new_item_id() -> String {
    let mut rng = rand::rng();
    (0..16)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

/// Whether `id` has the shape of an item id (32 lowercase hex characters).
pub fn is_item_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}
