//! Fault knobs: forced failures, throttling, truncated or cut bodies, seeded random faults.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Shares of requests that get a random fault (soak tests). Each share is in `0.0..=1.0`;
/// `status_5xx + throttle_429` should not exceed 1. Sign-in endpoints (`generateToken`,
/// `oauth2/*`) are exempt.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FaultRatios {
    /// Share of requests answered HTTP 500, 502, 503 or 504 (HTML body; 503 has `Retry-After: 1`).
    pub status_5xx: f64,
    /// Share of requests answered HTTP 429 with `Retry-After: 1`.
    pub throttle_429: f64,
    /// Share of responses whose body is cut: JSON bodies are cut in half with a matching
    /// `Content-Length`; other bodies declare the full length, send part and drop the connection.
    pub truncate: f64,
    /// Seed of the random generator (same seed, same sequence of decisions).
    pub seed: u64,
}

/// What the middleware should do instead of the next response.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// Answer this HTTP status with a small body.
    Fail(u16),
    /// Answer 429 with `Retry-After`.
    Throttle(u64),
}

/// How a response body is damaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// Sent intact.
    None,
    /// JSON cut in half, `Content-Length` matching the cut body.
    Json,
    /// Full `Content-Length` declared, part of the body sent, then the connection is dropped.
    Connection,
}

/// Pending faults, consumed request by request.
pub struct Faults {
    fail: (u32, u16),
    fail_matching: Option<(String, u32, u16)>,
    throttle: (u32, u64),
    truncate: u32,
    cut: u32,
    ratio: f64,
    rng: StdRng,
    ratios: FaultRatios,
    ratios_rng: StdRng,
}

const STATUSES_5XX: [u16; 4] = [500, 502, 503, 504];

impl Faults {
    /// No pending faults; `ratio` of requests (any endpoint) fail with 503 at random.
    pub fn new(ratio: f64) -> Self {
        Faults {
            fail: (0, 503),
            fail_matching: None,
            throttle: (0, 1),
            truncate: 0,
            cut: 0,
            ratio,
            rng: StdRng::seed_from_u64(0x5eed_fa11),
            ratios: FaultRatios::default(),
            ratios_rng: StdRng::seed_from_u64(0),
        }
    }

    /// The next `n` requests fail with `status`.
    pub fn fail_next(&mut self, n: u32, status: u16) {
        self.fail = (n, status);
    }

    /// The next `n` requests whose path ends with `suffix` fail with `status` (others pass).
    pub fn fail_next_matching(&mut self, suffix: &str, n: u32, status: u16) {
        self.fail_matching = Some((suffix.to_string(), n, status));
    }

    /// The next `n` requests get 429 with `Retry-After: secs`.
    pub fn throttle_next(&mut self, n: u32, secs: u64) {
        self.throttle = (n, secs);
    }

    /// The next `n` JSON bodies are cut in half.
    pub fn truncate_next(&mut self, n: u32) {
        self.truncate = n;
    }

    /// The next `n` non-empty bodies (any type) are cut mid-transfer.
    pub fn cut_next(&mut self, n: u32) {
        self.cut = n;
    }

    /// Random faults from now on, with a fresh generator seeded by `ratios.seed`.
    pub fn set_ratios(&mut self, ratios: FaultRatios) {
        self.ratios = ratios;
        self.ratios_rng = StdRng::seed_from_u64(ratios.seed);
    }

    /// Decide the fault for one incoming request (consumes a pending one). `exempt` requests
    /// (sign-in endpoints) never get a random fault from [`FaultRatios`].
    pub fn next_fault(&mut self, exempt: bool, path: &str) -> Option<Fault> {
        if let Some((suffix, n, status)) = &mut self.fail_matching
            && *n > 0
            && path.ends_with(suffix.as_str())
        {
            *n -= 1;
            return Some(Fault::Fail(*status));
        }
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
        let r = self.ratios;
        if exempt || r.status_5xx + r.throttle_429 <= 0.0 {
            return None;
        }
        let x = self.ratios_rng.random::<f64>();
        if x < r.status_5xx {
            let i = self.ratios_rng.random_range(0..STATUSES_5XX.len());
            return Some(Fault::Fail(STATUSES_5XX[i]));
        }
        if x < r.status_5xx + r.throttle_429 {
            return Some(Fault::Throttle(1));
        }
        None
    }

    /// How to damage one response body of `len` bytes (`None` = unknown, streamed).
    /// Consumes a pending cut or truncation when it applies.
    pub fn take_cut(&mut self, exempt: bool, is_json: bool, len: Option<u64>) -> Cut {
        if len == Some(0) {
            return Cut::None;
        }
        if self.cut > 0 {
            self.cut -= 1;
            return Cut::Connection;
        }
        if is_json && self.truncate > 0 {
            self.truncate -= 1;
            return Cut::Json;
        }
        if exempt || self.ratios.truncate <= 0.0 {
            return Cut::None;
        }
        if self.ratios_rng.random::<f64>() >= self.ratios.truncate {
            return Cut::None;
        }
        if is_json { Cut::Json } else { Cut::Connection }
    }
}
