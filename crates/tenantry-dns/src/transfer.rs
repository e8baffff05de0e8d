//! Zone transfers to secondaries: AXFR (RFC 5936), and IXFR (RFC 1995) from the zone's
//! journal, which falls back to the whole zone when the journal does not reach back to the
//! secondary's serial. Only TCP carries a transfer; over UDP an IXFR is answered with the
//! current SOA alone, which tells the secondary to ask again over TCP.

use hickory_proto::rr::{Name, RData, Record, SerialNumber};
use hickory_proto::serialize::binary::BinEncodable;
use tenantry_app::App;
use tenantry_app::dns::{JournalEntry, RrsetRecord};
use tenantry_core::dns::{RecordType, wire_rdata};

use crate::zone::{ServedZone, Wire, wire_records};

/// How many bytes of records one transfer message carries, well below TCP's 64 KiB limit.
const MESSAGE_BYTES: usize = 16 * 1024;

/// The whole zone: its SOA, every other record, its SOA again.
pub(crate) fn full(zone: &ServedZone) -> Vec<Record> {
    let mut records = vec![zone.soa.clone()];
    records.extend(zone.records().cloned());
    records.push(zone.soa.clone());
    records
}

/// The changes since `serial` (the secondary's), as IXFR sends them: the current SOA, then
/// for each change the SOA before it, the records it removed, the SOA after it and the
/// records it added, then the current SOA again. The current SOA alone when the secondary is
/// up to date (or ahead); the whole zone when the journal cannot take it there.
pub(crate) async fn incremental(app: &App, zone: &ServedZone, serial: u32) -> Vec<Record> {
    // Up to date, or ahead (RFC 1982's comparison): the SOA alone (RFC 1995 §2).
    let ours = SerialNumber::new(u32::try_from(zone.serial).unwrap_or(u32::MAX));
    if SerialNumber::new(serial) >= ours {
        return vec![zone.soa.clone()];
    }
    // The journal holds the stored records, not the signatures made from them: a signed
    // zone is sent whole.
    if zone.is_signed() {
        return full(zone);
    }
    let journal = match app.zone_journal(zone.id, i64::from(serial)).await {
        Ok(journal) => journal,
        Err(error) => {
            tracing::warn!(%error, zone = %zone.apex, "the journal could not be read: full transfer");
            return full(zone);
        }
    };
    // What the journal holds beyond the served serial is not served yet.
    let entries: Vec<&JournalEntry> = journal
        .iter()
        .filter(|entry| entry.serial_to <= zone.serial)
        .collect();
    let continuous = entries.first().map(|e| e.serial_from) == Some(i64::from(serial))
        && entries.last().map(|e| e.serial_to) == Some(zone.serial)
        && entries
            .windows(2)
            .all(|w| w[0].serial_to == w[1].serial_from);
    if !continuous {
        return full(zone);
    }
    let mut records = vec![zone.soa.clone()];
    for entry in entries {
        match changes(zone, entry) {
            Some(change) => records.extend(change),
            None => return full(zone),
        }
    }
    records.push(zone.soa.clone());
    records
}

/// One journal entry as IXFR's difference sequence; `None` when a value cannot be sent.
fn changes(zone: &ServedZone, entry: &JournalEntry) -> Option<Vec<Record>> {
    let apex = Name::from(zone.apex.clone());
    let zone_name = apex.to_string();
    let soa = |data: &str| -> Option<Record> {
        let rdata = wire_rdata(RecordType::Soa, data).ok()?;
        Some(Record::from_rdata(apex.clone(), zone.soa.ttl, rdata))
    };
    let rrsets = |rrsets: &[RrsetRecord]| -> Option<Vec<Record>> {
        let mut out = Vec::new();
        for rrset in rrsets {
            match wire_records(
                &zone_name,
                &rrset.name,
                &rrset.rtype,
                rrset.ttl,
                &rrset.records,
            )
            .ok()?
            {
                Wire::Records(_, records) => out.extend(records),
                Wire::Alias(_) => {}
            }
        }
        Some(out)
    };
    let mut records = vec![soa(&entry.soa_from)?];
    records.extend(rrsets(&entry.removed)?);
    records.push(soa(&entry.soa_to)?);
    records.extend(rrsets(&entry.added)?);
    Some(records)
}

/// The serial in a SOA record's data.
pub(crate) fn serial_of(record: &Record) -> Option<u32> {
    match &record.data {
        RData::SOA(soa) => Some(soa.serial),
        _ => None,
    }
}

/// The records split into messages of about `MESSAGE_BYTES` each.
pub(crate) fn messages(records: Vec<Record>) -> Vec<Vec<Record>> {
    let mut messages = Vec::new();
    let mut current = Vec::new();
    let mut size = 0;
    for record in records {
        let length = record.to_bytes().map_or(MESSAGE_BYTES, |bytes| bytes.len());
        if size + length > MESSAGE_BYTES && !current.is_empty() {
            messages.push(std::mem::take(&mut current));
            size = 0;
        }
        size += length;
        current.push(record);
    }
    if !current.is_empty() {
        messages.push(current);
    }
    messages
}
