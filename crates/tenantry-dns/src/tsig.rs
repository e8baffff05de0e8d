//! TSIG (RFC 8945) on the name server: a signed request is verified with the key it names and
//! its answer signed; the messages of a transfer are signed in a chain, each after the first
//! over the previous MAC, the message and the timers (RFC 8945 §5.3.1), which hickory-proto
//! verifies but does not sign. A request signed with an unknown key or a wrong MAC is refused
//! with NOTAUTH and the TSIG error, unsigned, as the RFC asks.

use std::time::{SystemTime, UNIX_EPOCH};

use hickory_proto::op::ResponseCode;
use hickory_proto::rr::rdata::tsig::{
    TSIG, TsigAlgorithm as WireAlgorithm, TsigError, make_tsig_record,
};
use hickory_proto::rr::{Name, Record, TSigResponseContext, TSigner};
use hickory_proto::serialize::binary::BinEncoder;
use hickory_server::server::Request;
use tenantry_app::dns::{TsigAlgorithm, TsigSecret};

/// How far a signature's time may be from ours (RFC 8945 recommends 300 seconds).
const FUDGE: u16 = 300;

/// The name server's signer for a stored key; `None` when hickory refuses it.
pub(crate) fn signer(key: &TsigSecret) -> Option<TSigner> {
    let algorithm = match key.algorithm {
        TsigAlgorithm::HmacSha256 => WireAlgorithm::HmacSha256,
        TsigAlgorithm::HmacSha512 => WireAlgorithm::HmacSha512,
    };
    let name = Name::from_ascii(&key.name).ok()?;
    TSigner::new(key.secret.clone(), algorithm, name, FUDGE)
        .inspect_err(|error| tracing::error!(key = %key.name, %error, "a TSIG key cannot be used"))
        .ok()
}

/// What a request's signature says.
pub(crate) enum Verdict {
    Unsigned,
    /// Signed with this key: its answers are signed in this chain.
    Signed(Chain),
    /// Refused: NOTAUTH, with this TSIG record (unsigned, or signed for a time error).
    Refused(Box<Record<TSIG>>),
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// Checks the request's signature against the keys the server holds.
pub(crate) fn verify(signers: &[TSigner], request: &Request) -> Verdict {
    let Some(tsig) = &request.signature else {
        return Verdict::Unsigned;
    };
    let (id, time) = (request.metadata.id, now());
    let refused = |context: TSigResponseContext| match context.sign(&[]) {
        Ok(record) => Verdict::Refused(record),
        Err(error) => {
            tracing::error!(%error, "a TSIG refusal could not be made");
            Verdict::Refused(Box::new(make_tsig_record(
                tsig.name.clone(),
                TSIG::new(
                    tsig.data.algorithm.clone(),
                    time,
                    FUDGE,
                    Vec::new(),
                    id,
                    Some(TsigError::BadKey),
                    Vec::new(),
                ),
            )))
        }
    };
    let Some(signer) = signers.iter().find(|s| *s.signer_name() == tsig.name) else {
        tracing::info!(key = %tsig.name, from = %request.src(), "a request signed with an unknown TSIG key");
        return refused(TSigResponseContext::unknown_key(
            id,
            time,
            tsig.name.clone(),
        ));
    };
    let Ok((mac, signed_at, valid)) = signer.verify_message_byte(request.as_slice(), None, true)
    else {
        tracing::info!(key = %tsig.name, from = %request.src(), "a request with a wrong TSIG signature");
        return refused(TSigResponseContext::bad_signature(id, time, signer.clone()));
    };
    let stale = !valid.contains(&time);
    Verdict::Signed(Chain {
        signer: signer.clone(),
        id,
        time,
        previous_mac: mac,
        first: true,
        stale: stale.then_some((signed_at, tsig.data.fudge)),
    })
}

/// The signing of one answer's messages.
pub(crate) struct Chain {
    signer: TSigner,
    id: u16,
    time: u64,
    /// The request's MAC, then each message's.
    previous_mac: Vec<u8>,
    first: bool,
    /// BADTIME: the request's time and fudge, too far from ours (the answer is refused,
    /// signed).
    stale: Option<(u64, u16)>,
}

impl Chain {
    /// The key the request was signed with.
    pub fn key(&self) -> &Name {
        self.signer.signer_name()
    }

    /// Whether the request's time was refused (the answer is then NOTAUTH, signed).
    pub fn refuses(&self) -> bool {
        self.stale.is_some()
    }

    /// How many bytes the TSIG record takes in a message: room kept free in a UDP answer.
    pub fn room(&self) -> u16 {
        let name = |name: &Name| name.to_ascii().len() + 2;
        // Every MAC of the exchange is as long as the request's (one algorithm).
        let mac = self.previous_mac.len();
        let algorithm = name(&self.signer.algorithm().to_name());
        // Owner, type, class, TTL, length; algorithm, time, fudge, MAC with its size, the
        // original id, the error, and other data (six bytes with BADTIME) with its size.
        let bytes = name(self.signer.signer_name()) + 10 + algorithm + 8 + 2 + mac + 6 + 2 + 6;
        u16::try_from(bytes).unwrap_or(u16::MAX)
    }

    /// The TSIG record of the next message, whose bytes without it are `message`.
    pub fn sign(&mut self, message: &[u8]) -> Result<Box<Record<TSIG>>, String> {
        let record = if let (true, Some((signed_at, fudge))) = (self.first, self.stale) {
            Box::new(self.sign_bad_time(message, signed_at, fudge)?)
        } else if self.first {
            let context = TSigResponseContext::new(
                self.id,
                self.time,
                self.signer.clone(),
                self.previous_mac.clone(),
                None,
            );
            context.sign(message).map_err(|e| e.to_string())?
        } else {
            Box::new(self.sign_subsequent(message)?)
        };
        self.previous_mac = record.data.mac.clone();
        self.first = false;
        Ok(record)
    }

    /// BADTIME (RFC 8945 §5.2.3): signed over the request's time and fudge, so the asker can
    /// verify it, with the server's time as the other data.
    fn sign_bad_time(
        &self,
        message: &[u8],
        signed_at: u64,
        fudge: u16,
    ) -> Result<Record<TSIG>, String> {
        let ours = self.time.to_be_bytes()[2..].to_vec();
        let stub = TSIG::new(
            self.signer.algorithm().clone(),
            signed_at,
            fudge,
            Vec::new(),
            self.id,
            Some(TsigError::BadTime),
            ours,
        );
        let digested = self
            .signer
            .encode_response_tbs(&self.previous_mac, message, &stub)
            .map_err(|e| e.to_string())?;
        let mac = self.signer.sign(&digested).map_err(|e| e.to_string())?;
        Ok(make_tsig_record(
            self.signer.signer_name().clone(),
            stub.set_mac(mac),
        ))
    }

    /// A later message of a transfer: MAC over the previous MAC (length first), the message
    /// and the timers only (RFC 8945 §5.3.1).
    fn sign_subsequent(&self, message: &[u8]) -> Result<Record<TSIG>, String> {
        let mut digested = Vec::with_capacity(message.len() + 80);
        let mut encoder = BinEncoder::new(&mut digested);
        let length = u16::try_from(self.previous_mac.len()).map_err(|e| e.to_string())?;
        encoder
            .emit_u16(length)
            .and_then(|()| encoder.emit_vec(&self.previous_mac))
            .and_then(|()| encoder.emit_vec(message))
            .and_then(|()| encoder.emit_u16((self.time >> 32) as u16))
            .and_then(|()| encoder.emit_u32(self.time as u32))
            .and_then(|()| encoder.emit_u16(FUDGE))
            .map_err(|e| e.to_string())?;
        let mac = self.signer.sign(&digested).map_err(|e| e.to_string())?;
        let tsig = TSIG::new(
            self.signer.algorithm().clone(),
            self.time,
            FUDGE,
            mac,
            self.id,
            None,
            Vec::new(),
        );
        Ok(make_tsig_record(self.signer.signer_name().clone(), tsig))
    }
}

/// The response code of a refused signature.
pub(crate) const REFUSED: ResponseCode = ResponseCode::NotAuth;
