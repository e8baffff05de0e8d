//! A zone as an RFC 1035 master file: `$ORIGIN`, `$TTL`, the SOA, then every rrset, one
//! record per line with absolute names. ALIAS is not a DNS record type (the server resolves
//! it when answering), so it appears only as a comment.

use tenantry_core::dns::{RecordType, ZoneName};

use super::ZoneView;
use crate::actor::Actor;
use crate::app::App;
use crate::error::Result;

/// The master file text of a zone.
pub(super) fn master_file(view: &ZoneView) -> String {
    let mut out = format!(
        "; {} exported by Tenantry (serial {})\n$ORIGIN {}\n$TTL {}\n",
        view.zone.name,
        view.zone.serial,
        view.zone.name,
        view.rrsets.first().map_or(3600, |soa| soa.ttl)
    );
    for rrset in &view.rrsets {
        let comment = if rrset.rtype == RecordType::Alias.as_str() {
            "; "
        } else {
            ""
        };
        for rdata in &rrset.records {
            out.push_str(&format!(
                "{comment}{} {} IN {} {}\n",
                rrset.name, rrset.ttl, rrset.rtype, rdata
            ));
        }
    }
    out
}

impl App {
    /// `GET /v1/dns/{zone}/export`.
    pub async fn zone_export(&self, actor: &Actor, name: &ZoneName) -> Result<String> {
        Ok(master_file(&self.zone_get(actor, name).await?))
    }
}
