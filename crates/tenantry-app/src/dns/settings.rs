//! What the server puts into every zone it hosts: its name servers and the SOA values.

use tenantry_core::dns::{SoaTimers, ZoneName};

/// The journal depth unless configured (`--dns-journal-depth`).
pub const DEFAULT_JOURNAL_DEPTH: u32 = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsSettings {
    /// Absolute names of the server's name servers, apex NS of every zone; the first is the
    /// SOA's primary.
    pub nameservers: Vec<String>,
    /// The SOA's responsible mailbox, as a name (`hostmaster.example.net.`).
    pub hostmaster: String,
    /// TTL of the SOA and the apex NS rrsets.
    pub ttl: u32,
    pub refresh: u32,
    pub retry: u32,
    pub expire: u32,
    /// The SOA minimum: how long resolvers cache a negative answer.
    pub negative_ttl: u32,
    /// How many changes of each zone its journal keeps for IXFR; a secondary further behind
    /// is sent the whole zone.
    pub journal_depth: u32,
}

impl DnsSettings {
    /// Settings with these name servers and hostmaster (each a host name, with or without
    /// the trailing dot) and the usual SOA timers.
    pub fn new(nameservers: &[String], hostmaster: &str) -> Result<Self, String> {
        let absolute = |raw: &str| {
            ZoneName::parse(raw)
                .map(|n| n.as_str().to_owned())
                .map_err(|e| e.0)
        };
        if nameservers.is_empty() {
            return Err("at least one name server is needed".into());
        }
        Ok(DnsSettings {
            nameservers: nameservers
                .iter()
                .map(|n| absolute(n))
                .collect::<Result<_, _>>()?,
            hostmaster: absolute(hostmaster)?,
            ttl: 3600,
            refresh: 10800,
            retry: 3600,
            expire: 604_800,
            negative_ttl: 300,
            journal_depth: DEFAULT_JOURNAL_DEPTH,
        })
    }

    /// The SOA record data of a zone at `serial`, with the timers it sets for itself and the
    /// server's for the others.
    pub fn soa(&self, serial: i64, timers: &SoaTimers) -> String {
        format!(
            "{} {} {serial} {} {} {} {}",
            self.nameservers[0],
            self.hostmaster,
            timers.refresh.unwrap_or(self.refresh),
            timers.retry.unwrap_or(self.retry),
            timers.expire.unwrap_or(self.expire),
            timers.negative_ttl.unwrap_or(self.negative_ttl)
        )
    }
}

impl Default for DnsSettings {
    /// Names under `localhost.` (RFC 6761), for a server whose operator has not named its
    /// name servers yet; `serve --nameservers … --hostmaster …` sets the real ones.
    fn default() -> Self {
        DnsSettings::new(
            &["ns1.localhost.".to_owned(), "ns2.localhost.".to_owned()],
            "hostmaster.localhost.",
        )
        .expect("valid default names")
    }
}
