//! The `tenantry` binary: wires configuration → store → app → HTTP.

mod cli;
mod commands;
mod config;
mod dnssec;
mod maintenance;
mod metrics;
mod recovery;
mod tls;

use std::io::IsTerminal;

use clap::Parser;

use crate::cli::LogFormat;

/// mimalloc: a request allocates and frees many small objects across the middleware, which it
/// serves faster than the system allocator (bench/RESULTS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = cli::Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("TENANTRY_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn".into());
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match cli.log_format {
        LogFormat::Json => logs.json().with_current_span(true).init(),
        // Colour codes only where a person reads them, never into a file or a collector.
        LogFormat::Text => logs.with_ansi(std::io::stderr().is_terminal()).init(),
    }
    match cli.command {
        cli::Command::Serve(args) => commands::serve(args).await,
        cli::Command::Migrate(args) => commands::migrate(args).await,
        cli::Command::Bootstrap(args) => commands::bootstrap(args).await,
        cli::Command::Backup(args) => maintenance::backup(args).await,
        cli::Command::Restore(args) => maintenance::restore(args).await,
        cli::Command::Recover(what) => recovery::recover(what).await,
        cli::Command::Dnssec(what) => dnssec::run(what).await,
    }
}
