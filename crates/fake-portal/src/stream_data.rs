//! Deterministic pseudo-random bytes generated on the fly, for large benchmark downloads.

use axum::body::Body;
use bytes::Bytes;
use futures::StreamExt;

/// Size of each generated chunk.
const CHUNK: u64 = 64 * 1024;

/// splitmix64 step.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Chunk number `index` (bytes `index*CHUNK ..`) of the stream for `seed`, `len` bytes long.
pub fn chunk(seed: u64, index: u64, len: usize) -> Bytes {
    let mut out = Vec::with_capacity(len + 8);
    let mut state = mix(seed ^ mix(index));
    while out.len() < len {
        state = mix(state);
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    Bytes::from(out)
}

/// A body streaming `len` bytes for `seed`, one 64 KiB chunk at a time (flat memory).
pub fn body(seed: u64, len: u64) -> Body {
    let chunks = len.div_ceil(CHUNK);
    let stream = futures::stream::iter(0..chunks).map(move |i| {
        let size = CHUNK.min(len - i * CHUNK) as usize;
        Ok::<Bytes, std::io::Error>(chunk(seed, i, size))
    });
    Body::from_stream(stream)
}
