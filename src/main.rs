//! The `agol-tui` binary: parse arguments, set up logging, run a subcommand or the TUI.

use clap::Parser;

use agol_tui::cli::{self, Cli};

#[tokio::main]
async fn main() {
    let _ = color_eyre::install();
    let cli = Cli::parse();
    if matches!(cli.command, None | Some(cli::Command::Demo(_))) {
        // The TUI owns the screen: logs go to the log pane and the log file only.
        cli::logging::init_tui();
    } else {
        cli::logging::init(cli.verbose);
    }
    let code = match cli::run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", e.message);
            e.code
        }
    };
    std::process::exit(code);
}
