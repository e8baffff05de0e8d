//! DNS zones: one per name on the platform, owned by an organization, holding rrsets. Every
//! change runs in one transaction, raises the SOA serial and is audited; the SOA and the apex
//! NS are the server's.

mod changes;
mod dnssec;
mod export;
mod key_rollover;
mod secondaries;
mod serving;
mod settings;
mod tsig_keys;
mod working;
mod zones;

pub use dnssec::{SigningKeyMaterial, ZoneDnssec};
pub use key_rollover::KeyRole;
pub use secondaries::SecondaryCreate;
pub use serving::ZoneToServe;
pub use settings::{DEFAULT_JOURNAL_DEPTH, DnsSettings};
pub use tenantry_store::dns::{Rrset as RrsetRecord, Zone as ZoneRecord, ZoneFilter, ZoneSort};
pub use tenantry_store::dns_transfers::{JournalEntry, Secondary};
pub use tsig_keys::{TsigAlgorithm, TsigKeyInfo, TsigKeyIssued, TsigSecret};
pub(crate) use zones::zone_admitted;
pub use zones::{ZoneChanges, ZoneSummary};

use tenantry_core::dns::{ProtectedReason, RecordType, SoaTimers, ZoneName};

/// An rrset as a client gives it, already in canonical form (absolute owner name, canonical
/// record data, no duplicates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RrsetInput {
    pub name: String,
    pub rtype: RecordType,
    pub ttl: u32,
    pub records: Vec<String>,
}

/// A zone to create: its name, its first rrsets, whether it is signed, and what the client
/// asked for beyond them (a vanity name server set, refused: the server offers none).
#[derive(Debug, Clone)]
pub struct ZoneCreate {
    pub name: ZoneName,
    pub rrsets: Vec<RrsetInput>,
    pub dnssec: bool,
    pub vanity_nameserver_set_id: Option<String>,
    /// The SOA timers the zone sets for itself (NS1's `refresh`, `retry`, `expiry`,
    /// `nx_ttl`); those not set are the server's.
    pub timers: SoaTimers,
}

/// One operation of `PATCH …/rrsets`.
#[derive(Debug, Clone)]
pub enum RrsetOp {
    /// Creates the rrset of its name and type, or replaces its TTL and records.
    Upsert(RrsetInput),
    Remove {
        name: String,
        rtype: RecordType,
    },
}

/// One operation of `PATCH …/records`.
#[derive(Debug, Clone)]
pub enum RecordOp {
    /// Adds one record to the rrset of its name and type (created if missing; its TTL
    /// becomes `ttl`).
    Upsert {
        name: String,
        rtype: RecordType,
        ttl: u32,
        rdata: String,
    },
    /// Removes the record with this data, and the rrset with its last record.
    Remove {
        name: String,
        rtype: RecordType,
        rdata: String,
    },
}

/// A change to one rrset that must find it present or absent (NS1's record calls).
#[derive(Debug, Clone)]
pub enum RrsetEdit {
    /// Creates the rrset; refused when it exists.
    Create(RrsetInput),
    /// Changes the TTL or the records of an existing rrset.
    Update {
        name: String,
        rtype: RecordType,
        ttl: Option<u32>,
        records: Option<Vec<String>>,
    },
    /// Deletes an existing rrset.
    Delete { name: String, rtype: RecordType },
}

/// An rrset as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RrsetView {
    pub name: String,
    pub rtype: String,
    pub ttl: u32,
    pub protected: Option<ProtectedReason>,
    pub records: Vec<String>,
}

/// A zone with all its rrsets, the SOA first.
#[derive(Debug, Clone)]
pub struct ZoneView {
    pub zone: ZoneRecord,
    pub rrsets: Vec<RrsetView>,
}
