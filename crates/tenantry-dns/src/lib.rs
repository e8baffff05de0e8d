//! Tenantry's authoritative name server: every zone of every organization, answered from
//! memory over UDP and TCP. hickory-server reads and writes DNS messages; this crate decides
//! the answers (`answer`) from a catalog of the stored zones (`catalog`, `zone`) that a
//! refresher keeps equal to the store (`refresh`), transfers zones to the secondaries an
//! operator allowed (`transfer`) and tells them of changes (`notify`). A signed zone is
//! signed as it is loaded (`signing`), and its answers carry signatures and NSEC proofs
//! (`proof`) when the asker sets the DO bit. UDP is read and answered in a few loops of our
//! own (`udp`), TCP by hickory-server's listener.

mod answer;
mod catalog;
mod handler;
mod notify;
mod proof;
mod refresh;
mod signing;
mod transfer;
mod tsig;
mod udp;
mod zone;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hickory_server::Server;
use tenantry_app::App;
use tokio::net::{TcpListener, UdpSocket};

pub use refresh::REFRESH_EVERY;
use refresh::refresh;

use handler::Responder;

/// How long a TCP connection may stay idle between queries.
const TCP_IDLE: Duration = Duration::from_secs(10);
/// The largest answer a TCP connection queues.
const TCP_RESPONSE_BUFFER: usize = 64;

/// A running name server: its UDP and TCP listeners on one address, and its refresher.
pub struct NameServer {
    /// TCP, through hickory-server.
    server: Server<Responder>,
    udp_loops: Vec<tokio::task::JoinHandle<()>>,
    refresher: tokio::task::JoinHandle<()>,
    address: SocketAddr,
}

impl NameServer {
    /// Loads every zone, then answers on `address` (UDP and TCP on the same port; port 0
    /// picks a free one for both).
    pub async fn start(app: Arc<App>, address: SocketAddr) -> std::io::Result<Self> {
        let served = refresh::empty();
        refresh(&app, &served)
            .await
            .map_err(|e| std::io::Error::other(format!("loading the zones: {e}")))?;
        let (udp, tcp) = bind(address).await?;
        let address = udp.local_addr()?;
        let responder = || Responder {
            served: served.clone(),
            app: app.clone(),
        };
        let mut server = Server::new(responder());
        server.register_listener(tcp, TCP_IDLE, TCP_RESPONSE_BUFFER);
        // One UDP loop per core the process may use, all on the one socket.
        let udp = Arc::new(udp);
        let answering = Arc::new(responder());
        let loops = std::thread::available_parallelism().map_or(1, usize::from);
        let udp_loops = (0..loops)
            .map(|_| tokio::spawn(udp::serve(udp.clone(), answering.clone())))
            .collect();
        let refresher = tokio::spawn(refresh::keep_fresh(app, served, address.ip()));
        tracing::info!(%address, "tenantry answering DNS");
        Ok(NameServer {
            server,
            udp_loops,
            refresher,
            address,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops answering, finishing the queries in hand.
    pub async fn stop(mut self) {
        self.refresher.abort();
        for udp in &self.udp_loops {
            udp.abort();
        }
        if let Err(error) = self.server.shutdown_gracefully().await {
            tracing::warn!(%error, "the name server stopped with an error");
        }
    }
}

/// A UDP socket and a TCP listener on the same port. With port 0 the UDP port is chosen
/// first and TCP follows it, trying again when that port's TCP side is taken.
async fn bind(address: SocketAddr) -> std::io::Result<(UdpSocket, TcpListener)> {
    let mut attempts = if address.port() == 0 { 20 } else { 1 };
    loop {
        let udp = UdpSocket::bind(address).await?;
        match TcpListener::bind(udp.local_addr()?).await {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(error) if attempts <= 1 => return Err(error),
            Err(_) => attempts -= 1,
        }
    }
}
