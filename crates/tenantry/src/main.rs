//! The `tenantry` binary: wires configuration → store → app → HTTP.

mod cli;
mod commands;
mod config;
mod tls;

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("TENANTRY_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = cli::Cli::parse();
    match cli.command {
        cli::Command::Serve(args) => commands::serve(args).await,
        cli::Command::Migrate(args) => commands::migrate(args).await,
        cli::Command::Bootstrap(args) => commands::bootstrap(args).await,
    }
}
