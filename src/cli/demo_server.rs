//! `agol-tui demo-server`: serve the sample portal and print how to connect.

use std::time::Duration;

use clap::Args;

use super::{CliError, EXIT_OK};
use crate::fake::{FakeConfig, FakePortal, sample};

/// `demo-server` arguments.
#[derive(Debug, Args)]
pub struct DemoServerArgs {
    /// Port for the portal (0 = any free port).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Serve HTTPS with a generated self-signed certificate (written next to the printed URL).
    #[arg(long)]
    pub tls: bool,
    /// Token lifetime in seconds.
    #[arg(long, default_value_t = 7200, value_name = "SECONDS")]
    pub token_ttl: u64,
    /// Results reachable by search paging.
    #[arg(long, default_value_t = 10_000)]
    pub search_cap: usize,
    /// Extra generated items (benchmarks use 20000).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub generated_items: usize,
    /// Latency added to every request, in milliseconds (benchmarks use 20).
    #[arg(long, default_value_t = 0, value_name = "MS")]
    pub latency_ms: u64,
    /// Add a "Large file" item of this many bytes, streamed (benchmarks use 1 GiB).
    #[arg(long, default_value_t = 0, value_name = "BYTES")]
    pub large_file_bytes: u64,
    /// Add a "Big_Layer" service with this many features, generated on demand.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub large_layer_features: usize,
    /// Start with an empty org (same users and groups, no items, no hosted services): a target
    /// to restore or import into.
    #[arg(long)]
    pub empty: bool,
    /// Leave out the sample data quirks Esri's client cannot read (failing Code Attachment
    /// download, raw control characters in JSON).
    #[arg(long)]
    pub no_data_quirks: bool,
    /// Where to write the certificate with --tls (default: a temp file).
    #[arg(long, value_name = "FILE")]
    pub cert_out: Option<std::path::PathBuf>,
}

/// Runs the demo server until Ctrl-C.
pub async fn run(args: &DemoServerArgs) -> Result<i32, CliError> {
    let config = FakeConfig {
        tls: args.tls,
        port: args.port,
        token_ttl: Duration::from_secs(args.token_ttl.max(1)),
        search_cap: args.search_cap,
        generated_items: args.generated_items,
        latency: Duration::from_millis(args.latency_ms),
        large_file_bytes: args.large_file_bytes,
        large_layer_features: args.large_layer_features,
        empty_org: args.empty,
        no_data_quirks: args.no_data_quirks,
        ..FakeConfig::default()
    };
    let portal = FakePortal::start(config).await.map_err(|e| {
        CliError::failure(format!(
            "cannot start the demo portal on port {}: {e}",
            args.port
        ))
    })?;
    crate::safe_println!("agol-tui demo portal (sample org \"{}\")", sample::ORG_NAME);
    crate::safe_println!("  portal:   {}", portal.url());
    crate::safe_println!(
        "  admin:    {} / {}",
        sample::ADMIN_USERNAME,
        sample::ADMIN_PASSWORD
    );
    crate::safe_println!(
        "  publisher:{} / {}",
        sample::PUBLISHER_USERNAME,
        sample::PUBLISHER_PASSWORD
    );
    crate::safe_println!(
        "  user:     {} / {}",
        sample::USER_USERNAME,
        sample::USER_PASSWORD
    );
    crate::safe_println!("  oauth client id: {}", sample::OAUTH_CLIENT_ID);
    if let Some(pem) = portal.ca_cert_pem() {
        let path = args.cert_out.clone().unwrap_or_else(|| {
            std::env::temp_dir().join(format!("agol-tui-demo-{}.pem", std::process::id()))
        });
        std::fs::write(&path, pem).map_err(|e| {
            CliError::failure(format!(
                "cannot write the certificate {}: {e}",
                path.display()
            ))
        })?;
        crate::safe_println!("  certificate: {} (use --ca-file {0})", path.display());
    }
    crate::safe_println!(
        "Try: AGOL_PORTAL={} AGOL_USERNAME={} AGOL_PASSWORD={} agol-tui scan --all --out inventory.csv",
        portal.url(),
        sample::ADMIN_USERNAME,
        sample::ADMIN_PASSWORD
    );
    crate::safe_println!("Press Ctrl-C to stop.");
    use std::io::Write;
    let _ = std::io::stdout().flush();
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| CliError::failure(format!("cannot wait for Ctrl-C: {e}")))?;
    crate::safe_println!("requests served: {}", portal.requests().len());
    drop(portal);
    Ok(EXIT_OK)
}
