//! Multipart uploads (`addItem` with `multipart=true`, then `addPart` and `commit`).

use bytes::Bytes;
use std::collections::BTreeMap;

/// The parts received so far for one item.
#[derive(Debug, Clone, Default)]
pub struct Upload {
    /// File name given to `addItem` (`filename`).
    pub file_name: String,
    /// Part number -> bytes.
    pub parts: BTreeMap<u32, Bytes>,
}

impl Upload {
    /// The parts joined in part-number order.
    pub fn assemble(&self) -> Bytes {
        let mut all = Vec::with_capacity(self.parts.values().map(Bytes::len).sum());
        for p in self.parts.values() {
            all.extend_from_slice(p);
        }
        all.into()
    }
}
