//! DNS data: zone and owner names, record types, and record data in canonical presentation
//! format.

mod answers;
pub mod dnssec;
mod names;
mod rdata;
mod record_type;
mod soa;
mod svcb;
mod tokens;
mod wire;

pub use answers::{answer_to_rdata, rdata_to_answer};
pub use names::ZoneName;
pub use rdata::canonical_rdata;
pub use record_type::{ProtectedReason, RecordType, UnknownRecordType};
pub use soa::{MAX_TIMER, SoaTimers};
pub use wire::{wire_rdata, wire_type};
