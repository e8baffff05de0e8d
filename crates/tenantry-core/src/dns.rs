//! DNS data: zone and owner names, record types, and record data in canonical presentation
//! format.

mod names;
mod rdata;
mod record_type;
mod svcb;
mod tokens;

pub use names::ZoneName;
pub use rdata::canonical_rdata;
pub use record_type::{ProtectedReason, RecordType, UnknownRecordType};
