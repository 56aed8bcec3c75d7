//! Configuration of a fake portal instance.

use std::time::Duration;

/// How a [`super::FakePortal`] is started.
#[derive(Debug, Clone)]
pub struct FakeConfig {
    /// Serve HTTPS with a generated self-signed certificate (SAN 127.0.0.1 and localhost) on all
    /// three origins.
    pub tls: bool,
    /// Port of the portal origin; 0 picks a free one (services and foreign always use 0).
    pub port: u16,
    /// Lifetime of generateToken and OAuth access tokens (default 2 h).
    pub token_ttl: Duration,
    /// Lifetime of OAuth refresh tokens (default 14 days).
    pub refresh_token_ttl: Duration,
    /// How many search results are reachable by paging (default 10,000).
    pub search_cap: usize,
    /// Extra small items spread over ~20 generated users, for benchmarks (default 0).
    pub generated_items: usize,
    /// Delay added to every request (default 0).
    pub latency: Duration,
    /// Share of requests answered HTTP 503 at random, from a seeded RNG (default 0).
    pub fail_ratio_5xx: f64,
    /// When > 0, the admin owns one more item, "Large file" (File Geodatabase,
    /// `large.gdb.zip`), whose `/data` streams this many pseudo-random bytes (default 0).
    pub large_file_bytes: u64,
    /// When > 0, the hosted service `Big_Layer` (item owned by the admin) has one point layer
    /// with this many rows generated on demand (default 0).
    pub large_layer_features: usize,
    /// An org to restore into: the same users (without folders) and groups (same titles, other
    /// ids), another org id, no items and no hosted services (default false).
    pub empty_org: bool,
    /// The users of the empty org (`empty_org` only): the sample's usernames (default), renamed
    /// ones, or the admin alone.
    pub empty_org_users: super::EmptyOrgUsers,
    /// Play ArcGIS Enterprise instead of ArcGIS Online (default false): `portals/self` says
    /// `isPortal: true`, and `addItem`/`createService` honour `itemIdToCreate`, which ArcGIS
    /// Online silently ignores (a fresh id is assigned).
    pub enterprise: bool,
    /// Leave out the sample org's two data quirks that Esri's Python client cannot read
    /// (default false): the Code Attachment then downloads a small zip instead of failing with
    /// HTTP 500, and JSON data with raw control characters in strings is served escaped. For
    /// checks that expect every item to export, such as `tests/esri/package_export.py`.
    pub no_data_quirks: bool,
}

impl Default for FakeConfig {
    fn default() -> Self {
        FakeConfig {
            tls: false,
            port: 0,
            token_ttl: Duration::from_secs(2 * 3600),
            refresh_token_ttl: Duration::from_secs(14 * 24 * 3600),
            search_cap: 10_000,
            generated_items: 0,
            latency: Duration::ZERO,
            fail_ratio_5xx: 0.0,
            large_file_bytes: 0,
            large_layer_features: 0,
            empty_org: false,
            empty_org_users: super::EmptyOrgUsers::Same,
            enterprise: false,
            no_data_quirks: false,
        }
    }
}
