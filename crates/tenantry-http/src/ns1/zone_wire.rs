//! The zone and record shapes NS1 clients read.

use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// A zone with its settings (the SOA's values), and its records in the answer of one zone.
#[derive(Serialize, ToSchema)]
pub(crate) struct Ns1ZoneWire {
    pub id: String,
    pub zone: String,
    pub ttl: u32,
    pub nx_ttl: i64,
    pub refresh: i64,
    pub retry: i64,
    pub expiry: i64,
    pub serial: i64,
    pub hostmaster: String,
    pub dns_servers: Vec<String>,
    pub dnssec: bool,
    pub primary: Ns1PrimaryWire,
    pub meta: Map<String, Value>,
    pub link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub records: Option<Vec<Ns1RecordSummaryWire>>,
}

/// NS1's primary-zone settings: this server is the primary of every zone it holds.
#[derive(Serialize, ToSchema)]
pub(crate) struct Ns1PrimaryWire {
    pub enabled: bool,
    pub secondaries: Vec<Value>,
}

/// A record as a zone lists it.
#[derive(Serialize, ToSchema)]
pub(crate) struct Ns1RecordSummaryWire {
    pub id: String,
    pub domain: String,
    #[serde(rename = "type")]
    pub rtype: String,
    pub ttl: u32,
    pub short_answers: Vec<String>,
    pub link: Option<String>,
}

/// A record with its answers.
#[derive(Serialize, ToSchema)]
pub(crate) struct Ns1RecordWire {
    pub id: String,
    pub zone: String,
    pub domain: String,
    #[serde(rename = "type")]
    pub rtype: String,
    pub ttl: u32,
    pub answers: Vec<Ns1AnswerWire>,
    pub filters: Vec<Value>,
    pub meta: Map<String, Value>,
    pub regions: Map<String, Value>,
    pub link: Option<String>,
}

/// One answer: the record's data as NS1's list of fields.
#[derive(Serialize, ToSchema)]
pub(crate) struct Ns1AnswerWire {
    pub id: String,
    pub answer: Vec<Value>,
}
