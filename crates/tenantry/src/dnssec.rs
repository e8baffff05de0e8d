//! `tenantry dnssec …`: a signed zone's keys and their rollover, by whoever holds the
//! database and the master key (a server may be running on them; it signs with the new key
//! set within a second).

use anyhow::Context;
use tenantry_app::dns::{KeyRole, ZoneDnssec};
use tenantry_core::dns::ZoneName;

use crate::cli::DnssecCommand;
use crate::config::open_app;

pub async fn run(what: DnssecCommand) -> anyhow::Result<()> {
    let (zone, storage) = match &what {
        DnssecCommand::Keys { zone, storage }
        | DnssecCommand::AddKey { zone, storage, .. }
        | DnssecCommand::RetireKey { zone, storage, .. } => (zone, storage),
    };
    let name = ZoneName::parse(zone).map_err(|e| anyhow::anyhow!("{zone}: {e}"))?;
    let app = open_app(storage).await?;
    let done = match what {
        DnssecCommand::Keys { .. } => app.dnssec_keys(&name).await,
        DnssecCommand::AddKey { ksk, .. } => {
            let role = if ksk {
                KeyRole::KeySigning
            } else {
                KeyRole::ZoneSigning
            };
            app.dnssec_add_key(&name, role).await
        }
        DnssecCommand::RetireKey { key_tag, .. } => app.dnssec_retire_key(&name, key_tag).await,
    };
    app.db().close().await;
    show(&done.context("the zone's keys are unchanged")?);
    Ok(())
}

/// One line per key (tag, role, DNSKEY), then one per DS record.
fn show(dnssec: &ZoneDnssec) {
    println!("{} dnssec {}", dnssec.zone_name, dnssec.dnssec_status);
    for key in &dnssec.keys {
        let role = if key.is_key_signing() { "ksk" } else { "zsk" };
        println!("key {}\t{role}\t{}", key.key_tag, key.dnskey_text());
    }
    for ds in &dnssec.ds_records {
        println!("ds {ds}");
    }
}
