//! The load benchmark's baseline (`bench/run.sh`): a bare axum server whose `GET /healthz`
//! answers 200 `ok`, with no middleware, no state and no database, on tokio's default
//! multi-threaded runtime. The benchmark measures it on the same core and with the same wrk
//! settings as Tenantry, and reports every Tenantry figure also as a ratio to it, so the
//! figures say what Tenantry costs over axum itself rather than how fast the machine was.
//!
//! Usage: `bare_axum [ADDRESS]` (default `127.0.0.1:0`); prints the address it listens on.

use std::io;
use std::net::SocketAddr;

use axum::Router;
use axum::routing::get;
use tokio::net::TcpListener;

async fn healthz() -> &'static str {
    "ok"
}

#[tokio::main]
async fn main() -> io::Result<()> {
    let address = match std::env::args().nth(1) {
        Some(arg) => arg.parse::<SocketAddr>().map_err(|e| {
            io::Error::new(io::ErrorKind::InvalidInput, format!("address {arg:?}: {e}"))
        })?,
        None => SocketAddr::from(([127, 0, 0, 1], 0)),
    };
    let app = Router::new().route("/healthz", get(healthz));
    let listener = TcpListener::bind(address).await?;
    println!("{}", listener.local_addr()?);
    axum::serve(listener, app).await
}
