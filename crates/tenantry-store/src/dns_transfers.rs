//! Zone transfers: the secondaries allowed them (and sent NOTIFY), the TSIG keys that sign
//! them, and each zone's journal of changes by serial, for IXFR. Secondaries are the platform's configuration, written by
//! operators; the journal is written in the transaction of the zone change it records.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use tenantry_core::perms::DNS_MANAGE;
use tenantry_core::values::IpNetwork;
use tenantry_core::{OrganizationId, Proof, SecondaryId, ZoneId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx, parse_stored};
use crate::dns::{Rrset, Zone};
use crate::error::{Result, classify};
use crate::proof::proven_for;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secondary {
    pub id: SecondaryId,
    /// `None`: every organization's zones.
    pub organization_id: Option<OrganizationId>,
    pub network: IpNetwork,
    pub notify: Option<SocketAddr>,
    /// The TSIG key its transfers must be signed with, by name.
    pub tsig_key: Option<String>,
    pub created_on: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct SecondaryRow {
    id: Uuid,
    organization_id: Option<Uuid>,
    network: String,
    notify: Option<String>,
    tsig_key: Option<String>,
    created_on: OffsetDateTime,
}

impl TryFrom<SecondaryRow> for Secondary {
    type Error = crate::StoreError;

    fn try_from(row: SecondaryRow) -> Result<Self> {
        Ok(Secondary {
            id: SecondaryId::from_uuid(row.id),
            organization_id: row.organization_id.map(OrganizationId::from_uuid),
            network: parse_stored(&row.network, |s| s.parse().ok())?,
            notify: row
                .notify
                .map(|n| parse_stored(&n, |s| s.parse().ok()))
                .transpose()?,
            tsig_key: row.tsig_key,
            created_on: row.created_on,
        })
    }
}

const SELECT_SECONDARIES: &str = "SELECT id, organization_id, network, notify, tsig_key, \
    created_on FROM dns_secondaries ORDER BY created_on, id";

const INSERT_SECONDARY: &str = "INSERT INTO dns_secondaries \
    (id, organization_id, network, notify, tsig_key, created_on) VALUES ($1, $2, $3, $4, $5, $6)";

const DELETE_SECONDARY: &str = "DELETE FROM dns_secondaries WHERE id = $1";

/// Every secondary, oldest first: the name server's configuration, read as the platform.
pub async fn secondaries(tx: &mut Tx) -> Result<Vec<Secondary>> {
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, SecondaryRow>(SELECT_SECONDARIES)
        .fetch_all(conn)
        .await)?;
    rows.into_iter().map(Secondary::try_from).collect()
}

pub async fn insert_secondary(tx: &mut Tx, secondary: &Secondary) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(INSERT_SECONDARY)
        .bind(secondary.id.uuid())
        .bind(secondary.organization_id.map(|o| o.uuid()))
        .bind(secondary.network.to_string())
        .bind(secondary.notify.map(|n| n.to_string()))
        .bind(secondary.tsig_key.as_deref())
        .bind(secondary.created_on)
        .execute(conn)
        .await
        .map(|_| ()))
    .map_err(classify)?;
    Ok(())
}

/// Removes a secondary; whether it existed.
pub async fn delete_secondary(tx: &mut Tx, id: SecondaryId) -> Result<bool> {
    let deleted = on_tx!(tx, conn => sqlx::query(DELETE_SECONDARY)
        .bind(id.uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(deleted > 0)
}

/// A TSIG key, its secret sealed by the caller.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TsigKey {
    /// A DNS name, lower case, with its final dot.
    pub name: String,
    /// As TSIG names it (`hmac-sha256`).
    pub algorithm: String,
    pub secret_sealed: Vec<u8>,
    pub created_on: OffsetDateTime,
}

const SELECT_TSIG_KEYS: &str = "SELECT name, algorithm, secret_sealed, created_on \
    FROM dns_tsig_keys ORDER BY name";

const INSERT_TSIG_KEY: &str = "INSERT INTO dns_tsig_keys (name, algorithm, secret_sealed, \
    created_on) VALUES ($1, $2, $3, $4)";

const DELETE_TSIG_KEY: &str = "DELETE FROM dns_tsig_keys WHERE name = $1";

const SECONDARIES_USING: &str = "SELECT COUNT(*) FROM dns_secondaries WHERE tsig_key = $1";

/// Every TSIG key, by name: the platform's configuration.
pub async fn tsig_keys(tx: &mut Tx) -> Result<Vec<TsigKey>> {
    Ok(
        on_tx!(tx, conn => sqlx::query_as::<_, TsigKey>(SELECT_TSIG_KEYS)
        .fetch_all(conn)
        .await)?,
    )
}

/// Stores a key; a name already taken is a `UniqueViolation`.
pub async fn insert_tsig_key(tx: &mut Tx, key: &TsigKey) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(INSERT_TSIG_KEY)
        .bind(&key.name)
        .bind(&key.algorithm)
        .bind(&key.secret_sealed)
        .bind(key.created_on)
        .execute(conn)
        .await
        .map(|_| ()))
    .map_err(classify)?;
    Ok(())
}

/// How many secondaries name the key.
pub async fn secondaries_using(tx: &mut Tx, name: &str) -> Result<i64> {
    Ok(
        on_tx!(tx, conn => sqlx::query_scalar::<_, i64>(SECONDARIES_USING)
        .bind(name)
        .fetch_one(conn)
        .await)?,
    )
}

/// Removes a key; whether it existed.
pub async fn delete_tsig_key(tx: &mut Tx, name: &str) -> Result<bool> {
    let deleted = on_tx!(tx, conn => sqlx::query(DELETE_TSIG_KEY)
        .bind(name)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(deleted > 0)
}

/// One change of a zone, as IXFR sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalEntry {
    pub serial_from: i64,
    pub serial_to: i64,
    /// The SOA record data before and after.
    pub soa_from: String,
    pub soa_to: String,
    pub removed: Vec<Rrset>,
    pub added: Vec<Rrset>,
}

/// An rrset as the journal's JSON holds it.
#[derive(Serialize, Deserialize)]
struct StoredRrset {
    name: String,
    #[serde(rename = "type")]
    rtype: String,
    ttl: u32,
    records: Vec<String>,
}

fn stored(rrsets: &[Rrset]) -> Json<Vec<StoredRrset>> {
    Json(
        rrsets
            .iter()
            .map(|r| StoredRrset {
                name: r.name.clone(),
                rtype: r.rtype.clone(),
                ttl: r.ttl,
                records: r.records.clone(),
            })
            .collect(),
    )
}

fn read(rrsets: Json<Vec<StoredRrset>>) -> Vec<Rrset> {
    rrsets
        .0
        .into_iter()
        .map(|r| Rrset {
            name: r.name,
            rtype: r.rtype,
            ttl: r.ttl,
            records: r.records,
        })
        .collect()
}

#[derive(sqlx::FromRow)]
struct JournalRow {
    serial_from: i64,
    serial_to: i64,
    soa_from: String,
    soa_to: String,
    removed: Json<Vec<StoredRrset>>,
    added: Json<Vec<StoredRrset>>,
}

const INSERT_JOURNAL: &str = "INSERT INTO dns_zone_journal \
    (zone_id, serial_to, serial_from, soa_from, soa_to, removed, added) \
    VALUES ($1, $2, $3, $4, $5, $6, $7)";

// The entries older than the `depth` newest of a zone.
const TRIM_JOURNAL: &str = "DELETE FROM dns_zone_journal WHERE zone_id = $1 AND serial_to <= \
    (SELECT serial_to FROM dns_zone_journal WHERE zone_id = $1 \
     ORDER BY serial_to DESC LIMIT 1 OFFSET $2)";

const SELECT_JOURNAL: &str = "SELECT serial_from, serial_to, soa_from, soa_to, removed, added \
    FROM dns_zone_journal WHERE zone_id = $1 AND serial_to > $2 ORDER BY serial_to";

/// Records a change of `zone` (whose serial is now `entry.serial_to`), keeping the `depth`
/// newest entries of the zone.
pub async fn append_journal(
    tx: &mut Tx,
    auth: &dyn Proof,
    zone: &Zone,
    entry: &JournalEntry,
    depth: u32,
) -> Result<()> {
    proven_for(auth, zone.organization_id, DNS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(INSERT_JOURNAL)
        .bind(zone.id.uuid())
        .bind(entry.serial_to)
        .bind(entry.serial_from)
        .bind(&entry.soa_from)
        .bind(&entry.soa_to)
        .bind(stored(&entry.removed))
        .bind(stored(&entry.added))
        .execute(conn)
        .await
        .map(|_| ()))
    .map_err(classify)?;
    on_tx!(tx, conn => sqlx::query(TRIM_JOURNAL)
        .bind(zone.id.uuid())
        .bind(i64::from(depth))
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// The entries of a zone's journal after `serial`, oldest first: what IXFR sends a secondary
/// at `serial`, when they continue from it. Read as the platform, as the zone is served.
pub async fn journal_since(tx: &mut Tx, zone: ZoneId, serial: i64) -> Result<Vec<JournalEntry>> {
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, JournalRow>(SELECT_JOURNAL)
        .bind(zone.uuid())
        .bind(serial)
        .fetch_all(conn)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|row| JournalEntry {
            serial_from: row.serial_from,
            serial_to: row.serial_to,
            soa_from: row.soa_from,
            soa_to: row.soa_to,
            removed: read(row.removed),
            added: read(row.added),
        })
        .collect())
}
