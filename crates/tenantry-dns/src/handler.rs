//! One DNS message in, one answer out, through hickory-server (which reads and writes the wire
//! format, and truncates a UDP answer to the size the asker offered, setting `TC` so that it
//! asks again over TCP).

use std::sync::{Arc, RwLock};

use hickory_proto::op::{Edns, Header, HeaderCounts, MessageType, Metadata, OpCode, ResponseCode};
use hickory_proto::rr::{DNSClass, RecordType as WireType};
use hickory_server::net::runtime::Time;
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponseBuilder;

use crate::answer::{Answer, answer};
use crate::catalog::Catalog;

/// The largest UDP answer sent, whatever the asker offers: the size that avoids IP
/// fragmentation (DNS Flag Day 2020).
const MAX_UDP_PAYLOAD: u16 = 1232;

/// The catalog every query reads, swapped whole by the refresher.
pub type Served = Arc<RwLock<Arc<Catalog>>>;

pub struct Responder {
    pub served: Served,
}

#[async_trait::async_trait]
impl RequestHandler for Responder {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        mut response_handle: R,
    ) -> ResponseInfo {
        let decided = self.decide(request);
        let edns = request.edns.as_ref().map(|asked| {
            let mut ours = Edns::new();
            ours.set_max_payload(asked.max_payload().clamp(512, MAX_UDP_PAYLOAD));
            ours.set_version(0);
            // An extended code (BADVERS) keeps its high bits here.
            ours.set_rcode_high(decided.code.high());
            ours
        });
        let mut metadata = Metadata::response_from_request(&request.metadata);
        metadata.response_code = decided.code;
        metadata.authoritative = decided.authoritative;
        let response = MessageResponseBuilder::new(&request.queries, edns.as_ref()).build(
            metadata,
            decided.answers.iter(),
            decided.authorities.iter(),
            std::iter::empty(),
            decided.additionals.iter(),
        );
        match response_handle.send_response(response).await {
            Ok(info) => info,
            Err(error) => {
                tracing::debug!(%error, "a DNS answer could not be sent");
                let mut failed = Metadata::response_from_request(&request.metadata);
                failed.response_code = ResponseCode::ServFail;
                ResponseInfo::from(Header {
                    metadata: failed,
                    counts: HeaderCounts::default(),
                })
            }
        }
    }
}

impl Responder {
    fn decide(&self, request: &Request) -> Answer {
        let refuse = |code| Answer::empty(code);
        if request.metadata.message_type != MessageType::Query {
            return refuse(ResponseCode::FormErr);
        }
        if request.metadata.op_code != OpCode::Query {
            return refuse(ResponseCode::NotImp);
        }
        if request.edns.as_ref().is_some_and(|edns| edns.version() > 0) {
            return refuse(ResponseCode::BADVERS);
        }
        let [query] = request.queries.queries() else {
            return refuse(ResponseCode::FormErr);
        };
        if query.query_class() != DNSClass::IN {
            return refuse(ResponseCode::Refused);
        }
        // Zone transfers are not offered: no secondary has been allowed one.
        if matches!(query.query_type(), WireType::AXFR | WireType::IXFR) {
            return refuse(ResponseCode::Refused);
        }
        let catalog = self
            .served
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone();
        answer(&catalog, query.name(), query.query_type())
    }
}
