//! The `agol-tui` binary: parse arguments, set up logging, run a subcommand.

use clap::Parser;

use agol_tui::cli::{self, Cli};

#[tokio::main]
async fn main() {
    let _ = color_eyre::install();
    let cli = Cli::parse();
    cli::logging::init(cli.verbose);
    let code = match cli::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", e.message);
            e.code
        }
    };
    std::process::exit(code);
}
