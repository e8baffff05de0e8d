//! One DNS message in, one answer out (several for a zone transfer), through hickory-server,
//! which reads and writes the wire format and truncates a UDP answer to the size the asker
//! offered, setting `TC` so that it asks again over TCP. A request signed with TSIG is
//! verified and its answer signed (`tsig.rs`).

use std::sync::{Arc, RwLock};

use hickory_proto::op::{Edns, Header, HeaderCounts, MessageType, Metadata, OpCode, ResponseCode};
use hickory_proto::rr::{DNSClass, Record, RecordType as WireType};
use hickory_proto::serialize::binary::BinEncoder;
use hickory_server::net::runtime::Time;
use hickory_server::net::xfer::Protocol;
use hickory_server::server::{Request, RequestHandler, ResponseHandler, ResponseInfo};
use hickory_server::zone_handler::MessageResponseBuilder;
use tenantry_app::App;

use crate::answer::{Answer, answer};
use crate::catalog::Catalog;
use crate::transfer;
use crate::tsig::{self, Chain, Verdict};

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
        handle: R,
    ) -> ResponseInfo {
        let catalog = self.catalog();
        let mut chain = match tsig::verify(catalog.signers(), request) {
            Verdict::Unsigned => None,
            Verdict::Signed(chain) => Some(chain),
            Verdict::Refused(record) => {
                let reply = Reply::new(request, tsig::REFUSED, false);
                return reply.send_with(request, handle, Some(record)).await;
            }
        };
        if chain.as_ref().is_some_and(Chain::refuses) {
            let reply = Reply::new(request, tsig::REFUSED, false);
            return reply.send(request, handle, chain.as_mut()).await;
        }
        let transfer = request
            .queries
            .queries()
            .first()
            .is_some_and(|q| matches!(q.query_type(), WireType::AXFR | WireType::IXFR));
        if transfer && request.metadata.op_code == OpCode::Query {
            return self.transfer(&catalog, request, handle, chain).await;
        }
        let decided = decide(&catalog, request);
        let mut reply = Reply::new(request, decided.code, decided.authoritative);
        reply.edns = request.edns.as_ref().map(|asked| {
            let mut ours = Edns::new();
            ours.set_max_payload(asked.max_payload().clamp(512, MAX_UDP_PAYLOAD));
            ours.set_version(0);
            ours.set_dnssec_ok(asked.flags().dnssec_ok);
            // An extended code (BADVERS) keeps its high bits here.
            ours.set_rcode_high(decided.code.high());
            ours
        });
        reply.answers = decided.answers;
        reply.authorities = decided.authorities;
        reply.additionals = decided.additionals;
        reply.send(request, handle, chain.as_mut()).await
    }
}

fn decide(catalog: &Catalog, request: &Request) -> Answer {
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
    let dnssec_ok = request
        .edns
        .as_ref()
        .is_some_and(|edns| edns.flags().dnssec_ok);
    answer(catalog, query.name(), query.query_type(), dnssec_ok)
}

impl Responder {
    fn catalog(&self) -> Arc<Catalog> {
        self.served
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// AXFR or IXFR of a zone, to a secondary allowed it: the records in as many messages as
    /// they take, each signed when the request was.
    async fn transfer<R: ResponseHandler>(
        &self,
        catalog: &Catalog,
        request: &Request,
        handle: R,
        mut chain: Option<Chain>,
    ) -> ResponseInfo {
        let refuse = |code| Reply::new(request, code, false);
        let [query] = request.queries.queries() else {
            return refuse(ResponseCode::FormErr)
                .send(request, handle, chain.as_mut())
                .await;
        };
        let zone = catalog
            .zone_for(query.name())
            .filter(|zone| zone.apex == *query.name());
        let Some(zone) = zone else {
            return refuse(ResponseCode::NotAuth)
                .send(request, handle, chain.as_mut())
                .await;
        };
        let key = chain.as_ref().map(Chain::key);
        if !catalog.transfer_allowed(zone, request.src().ip(), key) {
            tracing::info!(zone = %zone.apex, from = %request.src(), ?key, "zone transfer refused");
            return refuse(ResponseCode::Refused)
                .send(request, handle, chain.as_mut())
                .await;
        }
        let over_tcp = request.protocol() == Protocol::Tcp;
        let records = match query.query_type() {
            WireType::AXFR if over_tcp => transfer::full(zone),
            WireType::AXFR => {
                return refuse(ResponseCode::FormErr)
                    .send(request, handle, chain.as_mut())
                    .await;
            }
            _ => {
                let theirs = request.authorities.iter().find_map(transfer::serial_of);
                let Some(theirs) = theirs else {
                    return refuse(ResponseCode::FormErr)
                        .send(request, handle, chain.as_mut())
                        .await;
                };
                if over_tcp {
                    transfer::incremental(&self.app, zone, theirs).await
                } else {
                    vec![zone.soa.clone()]
                }
            }
        };
        tracing::info!(zone = %zone.apex, from = %request.src(), kind = %query.query_type(),
            serial = zone.serial, signed = chain.is_some(), "zone transfer");
        let mut info = None;
        for message in transfer::messages(records) {
            let mut reply = Reply::new(request, ResponseCode::NoError, true);
            reply.answers = message;
            info = Some(reply.send(request, handle.clone(), chain.as_mut()).await);
        }
        info.unwrap_or_else(|| failed(request))
    }
}

/// One response message, before it is encoded.
struct Reply {
    metadata: Metadata,
    edns: Option<Edns>,
    answers: Vec<Record>,
    authorities: Vec<Record>,
    additionals: Vec<Record>,
}

impl Reply {
    fn new(request: &Request, code: ResponseCode, authoritative: bool) -> Self {
        let mut metadata = Metadata::response_from_request(&request.metadata);
        metadata.response_code = code;
        metadata.authoritative = authoritative;
        Reply {
            metadata,
            edns: None,
            answers: Vec::new(),
            authorities: Vec::new(),
            additionals: Vec::new(),
        }
    }

    /// Sends the message, signed next in `chain` when the request was signed.
    async fn send<R: ResponseHandler>(
        &self,
        request: &Request,
        handle: R,
        chain: Option<&mut Chain>,
    ) -> ResponseInfo {
        let Some(chain) = chain else {
            return self.send_with(request, handle, None).await;
        };
        // What is signed is what is sent. Over UDP the record must fit beside the answer;
        // an answer cut short goes as `TC` alone, signed, and the asker asks over TCP.
        let signed = match self.unsigned_bytes(request, chain.room()) {
            Ok((_, true)) if request.protocol() == Protocol::Udp => {
                let mut bare = Reply::new(request, self.metadata.response_code, false);
                bare.metadata.truncation = true;
                bare.edns = self.edns.clone();
                let signature = bare
                    .unsigned_bytes(request, chain.room())
                    .and_then(|(bytes, _)| chain.sign(&bytes));
                return match signature {
                    Ok(record) => bare.send_with(request, handle, Some(record)).await,
                    Err(error) => {
                        tracing::error!(%error, "an answer could not be signed");
                        failed(request)
                    }
                };
            }
            Ok((bytes, _)) => chain.sign(&bytes),
            Err(error) => Err(error),
        };
        match signed {
            Ok(record) => self.send_with(request, handle, Some(record)).await,
            Err(error) => {
                tracing::error!(%error, "an answer could not be signed");
                failed(request)
            }
        }
    }

    /// The message as the asker receives it, without its TSIG record (`room` bytes kept for
    /// it over UDP): what is signed, and whether it was cut short.
    fn unsigned_bytes(&self, request: &Request, room: u16) -> Result<(Vec<u8>, bool), String> {
        let mut bytes = Vec::with_capacity(512);
        let mut encoder = BinEncoder::new(&mut bytes);
        encoder.set_max_size(match request.protocol() {
            Protocol::Udp => udp_limit(self.edns.as_ref()).saturating_sub(room),
            _ => u16::MAX,
        });
        let info = self
            .build(request)
            .destructive_emit(&mut encoder)
            .map_err(|e| e.to_string())?;
        Ok((bytes, info.truncation))
    }

    fn build<'q>(
        &'q self,
        request: &'q Request,
    ) -> hickory_server::zone_handler::MessageResponse<
        'q,
        'q,
        impl Iterator<Item = &'q Record> + Send + 'q,
        impl Iterator<Item = &'q Record> + Send + 'q,
        impl Iterator<Item = &'q Record> + Send + 'q,
        impl Iterator<Item = &'q Record> + Send + 'q,
    > {
        MessageResponseBuilder::new(&request.queries, self.edns.as_ref()).build(
            self.metadata,
            self.answers.iter(),
            self.authorities.iter(),
            std::iter::empty(),
            self.additionals.iter(),
        )
    }

    async fn send_with<R: ResponseHandler>(
        &self,
        request: &Request,
        mut handle: R,
        signature: Option<Box<Record<hickory_proto::rr::rdata::TSIG>>>,
    ) -> ResponseInfo {
        let mut response = self.build(request);
        if let Some(signature) = signature {
            response.set_signature(signature);
        }
        match handle.send_response(response).await {
            Ok(info) => info,
            Err(error) => {
                tracing::debug!(%error, "a DNS answer could not be sent");
                failed(request)
            }
        }
    }
}

/// The largest UDP answer: the size the answer's EDNS gives, else RFC 1035's 512 bytes. What
/// is signed and what is sent are cut at the same size, so TSIG's MAC matches.
pub(crate) fn udp_limit(edns: Option<&Edns>) -> u16 {
    edns.map_or(512, Edns::max_payload)
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
