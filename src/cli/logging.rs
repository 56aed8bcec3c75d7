//! Logging: human lines on stderr (quiet by default) and a log file under the data dir.
//! Secrets never reach a log: tokens and passwords are typed as secrets and never formatted.

use std::fs::OpenOptions;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::paths;

/// Installs the subscriber. `verbose` raises the stderr level; `AGOL_LOG` overrides it.
pub fn init(verbose: u8) {
    install(verbose, false);
}

/// For the TUI: nothing on stderr (it would print over the screen); events go to the log pane
/// and the log file.
pub fn init_tui() {
    install(0, true);
}

fn install(verbose: u8, tui: bool) {
    let stderr_level = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let stderr_filter = EnvFilter::try_from_env("AGOL_LOG").unwrap_or_else(|_| {
        EnvFilter::new(format!(
            "{stderr_level},hyper=warn,reqwest=warn,rustls=warn"
        ))
    });
    let stderr_layer = (!tui).then(|| {
        tracing_subscriber::fmt::layer()
            .with_writer(std::io::stderr)
            .with_target(false)
            .with_filter(stderr_filter)
    });
    let pane_layer = tui.then(|| {
        crate::tui::log_layer::PaneLayer.with_filter(EnvFilter::new(
            "debug,fake_portal=warn,hyper=warn,hyper_util=warn,reqwest=warn,rustls=warn,h2=warn,tower=warn,axum=warn",
        ))
    });
    let path = paths::log_file();
    let file = path
        .parent()
        .and_then(|d| std::fs::create_dir_all(d).ok())
        .and_then(|_| {
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .ok()
        });
    let file_layer = file.map(|f| {
        tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_writer(Mutex::new(f))
            .with_filter(EnvFilter::new("info,hyper=warn,reqwest=warn,rustls=warn"))
    });
    let _ = tracing_subscriber::registry()
        .with(pane_layer)
        .with(stderr_layer)
        .with(file_layer)
        .try_init();
}

use tracing_subscriber::Layer;
