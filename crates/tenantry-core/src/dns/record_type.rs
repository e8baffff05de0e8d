//! The record types a zone may hold (OpusDNS's `DnsRrsetType`).

use std::fmt;
use std::str::FromStr;

macro_rules! record_types {
    ($($variant:ident => $text:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum RecordType { $($variant,)* }

        impl RecordType {
            pub const ALL: &'static [RecordType] = &[$(RecordType::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(RecordType::$variant => $text,)* }
            }
        }
    };
}

record_types! {
    A => "A",
    Aaaa => "AAAA",
    Alias => "ALIAS",
    Caa => "CAA",
    Cname => "CNAME",
    Dnskey => "DNSKEY",
    Ds => "DS",
    Mx => "MX",
    Ns => "NS",
    Ptr => "PTR",
    Txt => "TXT",
    Soa => "SOA",
    Srv => "SRV",
    Tlsa => "TLSA",
    Smimea => "SMIMEA",
    Uri => "URI",
    Https => "HTTPS",
    Svcb => "SVCB",
    Naptr => "NAPTR",
    Sshfp => "SSHFP",
    Cert => "CERT",
}

impl RecordType {
    /// Types only the server writes: the SOA, and DNSSEC material (DNSKEY, DS).
    pub fn is_servers_own(self) -> bool {
        matches!(self, RecordType::Soa | RecordType::Dnskey | RecordType::Ds)
    }

    /// Types of which an rrset holds at most one record.
    pub fn is_singleton(self) -> bool {
        matches!(self, RecordType::Cname | RecordType::Alias)
    }
}

/// Why the server, not the client, owns an rrset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtectedReason {
    SystemManagedSoa,
    SystemManagedNs,
    /// DNSSEC material (DNSKEY, DS), which only signing may write.
    Generic,
}

impl ProtectedReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ProtectedReason::SystemManagedSoa => "SYSTEM_MANAGED_SOA",
            ProtectedReason::SystemManagedNs => "SYSTEM_MANAGED_NS",
            ProtectedReason::Generic => "GENERIC",
        }
    }

    /// Whether an rrset of `rtype` at `name` in the zone `apex` is the server's.
    pub fn of(apex: &str, name: &str, rtype: RecordType) -> Option<Self> {
        match rtype {
            RecordType::Soa => Some(ProtectedReason::SystemManagedSoa),
            RecordType::Ns if name == apex => Some(ProtectedReason::SystemManagedNs),
            _ if rtype.is_servers_own() => Some(ProtectedReason::Generic),
            _ => None,
        }
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown record type {0:?}")]
pub struct UnknownRecordType(pub String);

impl FromStr for RecordType {
    type Err = UnknownRecordType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        RecordType::ALL
            .iter()
            .copied()
            .find(|t| t.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownRecordType(s.to_owned()))
    }
}
