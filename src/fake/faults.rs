//! Fault knobs: forced failures, throttling, truncated bodies, random 503s.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// What the middleware should do instead of (or to) the next response.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// Answer this HTTP status with a small body.
    Fail(u16),
    /// Answer 429 with `Retry-After`.
    Throttle(u64),
}

/// Pending faults, consumed request by request.
pub struct Faults {
    fail: (u32, u16),
    throttle: (u32, u64),
    truncate: u32,
    ratio: f64,
    rng: StdRng,
}

impl Faults {
    /// No pending faults; `ratio` of requests fail with 503 at random.
    pub fn new(ratio: f64) -> Self {
        Faults {
            fail: (0, 503),
            throttle: (0, 1),
            truncate: 0,
            ratio,
            rng: StdRng::seed_from_u64(0x5eed_fa11),
        }
    }

    /// The next `n` requests fail with `status`.
    pub fn fail_next(&mut self, n: u32, status: u16) {
        self.fail = (n, status);
    }

    /// The next `n` requests get 429 with `Retry-After: secs`.
    pub fn throttle_next(&mut self, n: u32, secs: u64) {
        self.throttle = (n, secs);
    }

    /// The next `n` JSON bodies are cut in half.
    pub fn truncate_next(&mut self, n: u32) {
        self.truncate = n;
    }

    /// Decide the fault for one incoming request (consumes a pending one).
    pub fn next_fault(&mut self) -> Option<Fault> {
        if self.fail.0 > 0 {
            self.fail.0 -= 1;
            return Some(Fault::Fail(self.fail.1));
        }
        if self.throttle.0 > 0 {
            self.throttle.0 -= 1;
            return Some(Fault::Throttle(self.throttle.1));
        }
        if self.ratio > 0.0 && self.rng.random::<f64>() < self.ratio {
            return Some(Fault::Fail(503));
        }
        None
    }

    /// Whether this JSON body should be truncated (consumes one).
    pub fn take_truncate(&mut self) -> bool {
        if self.truncate > 0 {
            self.truncate -= 1;
            true
        } else {
            false
        }
    }
}
