//! `agol-tui demo`: the whole product on the built-in sample portal, no account needed.
//! Until the terminal UI lands it runs the main job headless: a scan of the sample org.

use std::path::PathBuf;

use clap::Args;
use secrecy::SecretString;

use super::report::CliSink;
use super::{CliError, EXIT_OK, EXIT_PARTIAL};
use crate::client::{Client, Credentials, PortalUrl};
use crate::engine::inventory;
use crate::engine::scan::{ScanOptions, scan};
use crate::engine::selection::Selection;
use crate::fake::{FakeConfig, FakePortal, sample};

/// `demo` arguments.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the sample org's inventory.
    #[arg(long, default_value = "demo-inventory.csv", value_name = "FILE.csv")]
    pub out: PathBuf,
}

/// Starts the sample portal in-process, signs in as its admin and scans the whole org.
pub async fn run(args: &DemoArgs) -> Result<i32, CliError> {
    let portal = FakePortal::start(FakeConfig::default())
        .await
        .map_err(|e| CliError::failure(format!("cannot start the sample portal: {e}")))?;
    eprintln!(
        "Sample portal \"{}\" running at {}",
        sample::ORG_NAME,
        portal.url()
    );
    let client = Client::builder(PortalUrl::parse(&portal.url(), false)?)
        .credentials(Credentials::Password {
            username: sample::ADMIN_USERNAME.into(),
            password: SecretString::from(sample::ADMIN_PASSWORD.to_string()),
        })
        .build()?;
    let me = client.community_self().await?;
    eprintln!(
        "Signed in as {} ({})",
        me.username,
        me.role.as_deref().unwrap_or("?")
    );
    let sink = CliSink::new("scan");
    let selection = Selection {
        all: true,
        ..Selection::default()
    };
    let report = scan(
        &client,
        &me,
        &selection,
        &ScanOptions {
            workers: 4,
            index: Default::default(),
        },
        &sink,
    )
    .await?;
    sink.finish();
    inventory::write(&args.out, &report.rows)
        .map_err(|e| CliError::failure(format!("cannot write {}: {e}", args.out.display())))?;
    println!("{:<40} {:<26} {:<18} FOLDER", "TITLE", "TYPE", "OWNER");
    for row in &report.rows {
        println!(
            "{:<40} {:<26} {:<18} {}",
            truncate(&row.title.replace('\n', " "), 39),
            truncate(&row.item_type, 25),
            truncate(&row.owner, 17),
            row.folder
        );
    }
    println!(
        "\n{} items of the sample org scanned ({} failed); inventory written to {}",
        report.rows.len(),
        report.failed.len(),
        args.out.display()
    );
    Ok(if report.failed.is_empty() {
        EXIT_OK
    } else {
        EXIT_PARTIAL
    })
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
