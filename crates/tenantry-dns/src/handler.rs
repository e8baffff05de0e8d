//! One DNS message in, one answer out (several for a zone transfer), through hickory-server,
//! which reads and writes the wire format and truncates a UDP answer to the size the asker
//! offered, setting `TC` so that it asks again over TCP.

use std::sync::{Arc, RwLock};

use hickory_proto::op::{Edns, Header, HeaderCounts, MessageType, Metadata, OpCode, ResponseCode};
use hickory_proto::rr::{DNSClass, Record, RecordType as WireType};
use hickory_server::net::runtime::Time;
use hickory_server::net::xfer::Protocol;
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponseBuilder;

use tenantry_app::App;

use crate::answer::{Answer, answer};
use crate::catalog::Catalog;
use crate::transfer;

/// The largest UDP answer sent, whatever the asker offers: the size that avoids IP
/// fragmentation (DNS Flag Day 2020).
const MAX_UDP_PAYLOAD: u16 = 1232;

/// The catalog every query reads, swapped whole by the refresher.
pub type Served = Arc<RwLock<Arc<Catalog>>>;

pub struct Responder {
    pub served: Served,
    /// For IXFR, which reads the zone's journal.
    pub app: Arc<App>,
}

#[async_trait::async_trait]
impl RequestHandler for Responder {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        mut response_handle: R,
    ) -> ResponseInfo {
        let transfer = request
            .queries
            .queries()
            .first()
            .is_some_and(|q| matches!(q.query_type(), WireType::AXFR | WireType::IXFR));
        if transfer && request.metadata.op_code == OpCode::Query {
            return self.transfer(request, response_handle).await;
        }
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
                failed(request)
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
        answer(&self.catalog(), query.name(), query.query_type())
    }

    fn catalog(&self) -> Arc<Catalog> {
        self.served
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// AXFR or IXFR of a zone, to a secondary allowed it: the records in as many messages as
    /// they take.
    async fn transfer<R: ResponseHandler>(&self, request: &Request, handle: R) -> ResponseInfo {
        let catalog = self.catalog();
        let [query] = request.queries.queries() else {
            return send(request, handle, ResponseCode::FormErr, Vec::new()).await;
        };
        let zone = catalog
            .zone_for(query.name())
            .filter(|zone| zone.apex == *query.name());
        let Some(zone) = zone else {
            return send(request, handle, ResponseCode::NotAuth, Vec::new()).await;
        };
        if !catalog.transfer_allowed(zone, request.src().ip()) {
            tracing::info!(zone = %zone.apex, from = %request.src(), "zone transfer refused");
            return send(request, handle, ResponseCode::Refused, Vec::new()).await;
        }
        let over_tcp = request.protocol() == Protocol::Tcp;
        let records = match query.query_type() {
            WireType::AXFR if over_tcp => transfer::full(zone),
            WireType::AXFR => {
                return send(request, handle, ResponseCode::FormErr, Vec::new()).await;
            }
            _ => {
                let theirs = request.authorities.iter().find_map(transfer::serial_of);
                let Some(theirs) = theirs else {
                    return send(request, handle, ResponseCode::FormErr, Vec::new()).await;
                };
                if over_tcp {
                    transfer::incremental(&self.app, zone, theirs).await
                } else {
                    vec![zone.soa.clone()]
                }
            }
        };
        tracing::info!(zone = %zone.apex, from = %request.src(), kind = %query.query_type(),
            serial = zone.serial, "zone transfer");
        let mut info = None;
        for message in transfer::messages(records) {
            info = Some(send(request, handle.clone(), ResponseCode::NoError, message).await);
        }
        info.unwrap_or_else(|| failed(request))
    }
}

/// One authoritative message with `records` in its answer section.
async fn send<R: ResponseHandler>(
    request: &Request,
    mut handle: R,
    code: ResponseCode,
    records: Vec<Record>,
) -> ResponseInfo {
    let mut metadata = Metadata::response_from_request(&request.metadata);
    metadata.response_code = code;
    metadata.authoritative = code == ResponseCode::NoError;
    let response = MessageResponseBuilder::new(&request.queries, None).build(
        metadata,
        records.iter(),
        std::iter::empty(),
        std::iter::empty(),
        std::iter::empty(),
    );
    match handle.send_response(response).await {
        Ok(info) => info,
        Err(error) => {
            tracing::debug!(%error, "a DNS answer could not be sent");
            failed(request)
        }
    }
}

/// What the server reports of a request it could not answer.
fn failed(request: &Request) -> ResponseInfo {
    let mut metadata = Metadata::response_from_request(&request.metadata);
    metadata.response_code = ResponseCode::ServFail;
    ResponseInfo::from(Header {
        metadata,
        counts: HeaderCounts::default(),
    })
}
