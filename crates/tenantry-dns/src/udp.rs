//! Answering over UDP without a task or a channel per query: each of a few loops receives a
//! datagram, has hickory-server read it (`Request::from_bytes`), answers it with the same
//! handler TCP uses, has hickory encode the answer into a buffer (truncated to the asker's
//! size, `TC` set) and sends it from the same loop. hickory-server's own UDP path spawns a task
//! per query and sends through a channel, which cost more than the answer itself.

use std::sync::{Arc, Mutex};

use hickory_proto::op::MessageType;
use hickory_proto::rr::Record;
use hickory_proto::serialize::binary::BinEncoder;
use hickory_server::net::NetError;
use hickory_server::net::runtime::TokioTime;
use hickory_server::net::xfer::Protocol;
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponse;
use tokio::net::UdpSocket;

use crate::handler::{Responder, udp_limit};

/// The largest datagram read; EDNS askers offer at most this.
const MAX_DATAGRAM: usize = 4096;

/// Answers every datagram on `socket` until the task is dropped.
pub(crate) async fn serve(socket: Arc<UdpSocket>, responder: Arc<Responder>) {
    let mut buffer = vec![0u8; MAX_DATAGRAM];
    loop {
        let (length, from) = match socket.recv_from(&mut buffer).await {
            Ok(received) => received,
            Err(error) => {
                tracing::debug!(%error, "a datagram could not be read");
                continue;
            }
        };
        // Nothing answers to port 0 or an unspecified address (a spoofed source).
        if from.port() == 0 || from.ip().is_unspecified() {
            continue;
        }
        let Ok(request) = Request::from_bytes(buffer[..length].to_vec(), from, Protocol::Udp)
        else {
            continue;
        };
        // A response is never answered: two servers would bounce a spoofed one forever.
        if request.metadata.message_type == MessageType::Response {
            continue;
        }
        let reply = Captured::default();
        responder
            .handle_request::<_, TokioTime>(&request, reply.clone())
            .await;
        let answer = std::mem::take(&mut *reply.bytes.lock().unwrap_or_else(|p| p.into_inner()));
        if !answer.is_empty()
            && let Err(error) = socket.send_to(&answer, from).await
        {
            tracing::debug!(%error, %from, "an answer could not be sent");
        }
    }
}

/// The answer's bytes, encoded where the handler sends it.
#[derive(Clone, Default)]
struct Captured {
    bytes: Arc<Mutex<Vec<u8>>>,
}

#[async_trait::async_trait]
impl ResponseHandler for Captured {
    async fn send_response<'a>(
        &mut self,
        response: MessageResponse<
            '_,
            'a,
            impl Iterator<Item = &'a Record> + Send + 'a,
            impl Iterator<Item = &'a Record> + Send + 'a,
            impl Iterator<Item = &'a Record> + Send + 'a,
            impl Iterator<Item = &'a Record> + Send + 'a,
        >,
    ) -> Result<ResponseInfo, NetError> {
        let mut bytes = Vec::with_capacity(512);
        let mut encoder = BinEncoder::new(&mut bytes);
        encoder.set_max_size(udp_limit(response.edns()));
        let info = response.destructive_emit(&mut encoder)?;
        *self.bytes.lock().unwrap_or_else(|p| p.into_inner()) = bytes;
        Ok(info)
    }
}
