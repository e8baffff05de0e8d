//! The DNSSEC keys of signed zones: the public half as the zone's DNSKEY rrset shows it, and
//! the private key sealed with the master key. Written with the zone's `dns:manage` proof;
//! read, like the rrsets, for zones already in the caller's reach or by the name server (a
//! DNSKEY is public: any resolver may ask for it).

use sea_query::{Alias, Expr, Query};
use tenantry_core::ZoneId;
use tenantry_core::perms::DNS_MANAGE;
use tenantry_core::{Proof, dns::dnssec::ZoneKey};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::dns::Zone;
use crate::error::Result;
use crate::list::{IDS_PER_STATEMENT, fetch_all_built};
use crate::proof::proven_for;

/// A key as stored: its public half and the sealed private key.
#[derive(Debug, Clone)]
pub struct StoredZoneKey {
    pub key: ZoneKey,
    pub private_sealed: Vec<u8>,
    pub created_on: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    zone_id: Uuid,
    flags: i32,
    key_tag: i32,
    algorithm: i32,
    public_key: Vec<u8>,
    private_sealed: Vec<u8>,
    created_on: OffsetDateTime,
}

const INSERT_KEY: &str = "INSERT INTO dns_zone_keys (zone_id, flags, key_tag, algorithm, \
    public_key, private_sealed, created_on) VALUES ($1, $2, $3, $4, $5, $6, $7)";

const DELETE_KEYS: &str = "DELETE FROM dns_zone_keys WHERE zone_id = $1";

const DELETE_KEY: &str =
    "DELETE FROM dns_zone_keys WHERE zone_id = $1 AND flags = $2 AND key_tag = $3";

pub async fn insert_zone_key(
    tx: &mut Tx,
    auth: &dyn Proof,
    zone: &Zone,
    stored: &StoredZoneKey,
) -> Result<()> {
    proven_for(auth, zone.organization_id, DNS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(INSERT_KEY)
        .bind(zone.id.uuid())
        .bind(i32::from(stored.key.flags))
        .bind(i32::from(stored.key.key_tag))
        .bind(i32::from(stored.key.algorithm))
        .bind(&stored.key.public_key)
        .bind(&stored.private_sealed)
        .bind(stored.created_on)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Removes every key of the zone: it is no longer signed.
pub async fn delete_zone_keys(tx: &mut Tx, auth: &dyn Proof, zone: &Zone) -> Result<()> {
    proven_for(auth, zone.organization_id, DNS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(DELETE_KEYS)
        .bind(zone.id.uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Removes one key of the zone (a rollover's last step).
pub async fn delete_zone_key(
    tx: &mut Tx,
    auth: &dyn Proof,
    zone: &Zone,
    key: &ZoneKey,
) -> Result<()> {
    proven_for(auth, zone.organization_id, DNS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(DELETE_KEY)
        .bind(zone.id.uuid())
        .bind(i32::from(key.flags))
        .bind(i32::from(key.key_tag))
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The keys of these zones, the key signing keys first, oldest first.
pub async fn keys_of_zones(tx: &mut Tx, zones: &[ZoneId]) -> Result<Vec<(ZoneId, StoredZoneKey)>> {
    let mut keys = Vec::new();
    for chunk in zones.chunks(IDS_PER_STATEMENT) {
        let mut query = Query::select();
        query
            .columns(
                [
                    "zone_id",
                    "flags",
                    "key_tag",
                    "algorithm",
                    "public_key",
                    "private_sealed",
                    "created_on",
                ]
                .map(Alias::new),
            )
            .from(Alias::new("dns_zone_keys"))
            .and_where(Expr::col(Alias::new("zone_id")).is_in(chunk.iter().map(|z| z.uuid())))
            .order_by(Alias::new("zone_id"), sea_query::Order::Asc)
            .order_by(Alias::new("flags"), sea_query::Order::Desc)
            .order_by(Alias::new("created_on"), sea_query::Order::Asc)
            .order_by(Alias::new("key_tag"), sea_query::Order::Asc);
        for row in fetch_all_built!(tx, query, KeyRow)? {
            keys.push((ZoneId::from_uuid(row.zone_id), stored_key(row)?));
        }
    }
    Ok(keys)
}

fn stored_key(row: KeyRow) -> Result<StoredZoneKey> {
    let corrupt = |what: &str| crate::StoreError::Corrupt(format!("a DNSSEC key's {what}"));
    let flags = u16::try_from(row.flags).map_err(|_| corrupt("flags"))?;
    let key = ZoneKey::new(flags, row.public_key).map_err(|_| corrupt("public key"))?;
    if i32::from(key.key_tag) != row.key_tag || i32::from(key.algorithm) != row.algorithm {
        return Err(corrupt("tag"));
    }
    Ok(StoredZoneKey {
        key,
        private_sealed: row.private_sealed,
        created_on: row.created_on,
    })
}
