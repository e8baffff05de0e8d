//! NOTIFY (RFC 1996): after a zone changes, each secondary configured to hear of it is told,
//! so that it transfers the change at once instead of at its next refresh. A secondary that
//! does not answer is asked again, three times in all, a second apart; at most `IN_FLIGHT`
//! are sent at once.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use hickory_proto::op::{Message, MessageType, OpCode, Query};
use hickory_proto::rr::{Name, Record, RecordType as WireType};
use tokio::net::UdpSocket;
use tokio::sync::Semaphore;

const ATTEMPTS: usize = 3;
const WAIT: Duration = Duration::from_secs(1);

/// How many NOTIFYs are in flight at once, each with a socket of its own: a change of many
/// zones at once (an organization's import, a restart of the database) queues the rest
/// rather than opening thousands of sockets.
static IN_FLIGHT: Semaphore = Semaphore::const_new(64);

/// Tells `target` that `zone` is now at `soa`'s serial, in the background, from `from` (the
/// address the name server listens on: secondaries accept NOTIFY from their primary).
pub(crate) fn send(zone: Name, soa: Record, from: IpAddr, target: SocketAddr) {
    tokio::spawn(async move {
        let Ok(_permit) = IN_FLIGHT.acquire().await else {
            return;
        };
        match notify(&zone, soa, from, target).await {
            Ok(()) => tracing::debug!(%zone, %target, "NOTIFY acknowledged"),
            Err(why) => tracing::warn!(%zone, %target, %why, "NOTIFY not acknowledged"),
        }
    });
}

async fn notify(zone: &Name, soa: Record, from: IpAddr, target: SocketAddr) -> Result<(), String> {
    let id: u16 = rand_id();
    let mut message = Message::new(id, MessageType::Query, OpCode::Notify);
    message.metadata.authoritative = true;
    message.add_query(Query::query(zone.clone(), WireType::SOA));
    message.add_answer(soa);
    let bytes = message.to_vec().map_err(|e| e.to_string())?;
    // A listener on every address gives no source: let the system choose, in the target's
    // family.
    let local = match (from.is_unspecified(), target) {
        (false, _) => SocketAddr::new(from, 0),
        (true, SocketAddr::V4(_)) => SocketAddr::from(([0, 0, 0, 0], 0)),
        (true, SocketAddr::V6(_)) => SocketAddr::from(([0u16; 8], 0)),
    };
    let socket = UdpSocket::bind(local).await.map_err(|e| e.to_string())?;
    socket.connect(target).await.map_err(|e| e.to_string())?;
    let mut buffer = [0u8; 512];
    for _ in 0..ATTEMPTS {
        socket.send(&bytes).await.map_err(|e| e.to_string())?;
        if let Ok(Ok(length)) = tokio::time::timeout(WAIT, socket.recv(&mut buffer)).await
            && let Ok(answer) = Message::from_vec(&buffer[..length])
            && answer.metadata.id == id
            && answer.metadata.message_type == MessageType::Response
        {
            return Ok(());
        }
    }
    Err(format!("no answer after {ATTEMPTS} attempts"))
}

/// A message id no one else predicts (a spoofed answer must guess it).
fn rand_id() -> u16 {
    let mut bytes = [0u8; 2];
    getrandom::fill(&mut bytes).unwrap_or_default();
    u16::from_be_bytes(bytes)
}
