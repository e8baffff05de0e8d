//! DNS zones and their record sets. A zone name is unique on the platform; an rrset is one
//! row per (name, type) holding its records, so changing one rrset writes one row whatever
//! the zone's size.

use sea_query::{Alias, Expr, Func, Query, SelectStatement};
use sqlx::types::Json;
use tenantry_core::dns::SoaTimers;
use tenantry_core::perms::{DNS_DELETE, DNS_MANAGE, DNS_READ, ORG_DELETE};
use tenantry_core::zone_lists::ZoneScope;
use tenantry_core::{OrganizationId, Permission, Proof, ZoneId};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::{Result, classify};
use crate::list::{
    IDS_PER_STATEMENT, Page, PageRequest, SortOrder, contains_pattern, fetch_all_built, page_built,
    time_ranges,
};
use crate::proof::{proven, proven_for};

#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    pub id: ZoneId,
    pub organization_id: OrganizationId,
    /// Lower case, absolute, with the trailing dot.
    pub name: String,
    pub dnssec_status: String,
    pub serial: i64,
    /// The SOA timers the zone sets for itself.
    pub timers: SoaTimers,
    pub created_on: OffsetDateTime,
    pub updated_on: OffsetDateTime,
}

/// The records of one name and type, in canonical presentation format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rrset {
    pub name: String,
    pub rtype: String,
    pub ttl: u32,
    pub records: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct ZoneRow {
    id: Uuid,
    organization_id: Uuid,
    name: String,
    dnssec_status: String,
    serial: i64,
    soa_refresh: Option<i32>,
    soa_retry: Option<i32>,
    soa_expire: Option<i32>,
    soa_minimum: Option<i32>,
    created_on: OffsetDateTime,
    updated_on: OffsetDateTime,
}

impl From<ZoneRow> for Zone {
    fn from(row: ZoneRow) -> Self {
        // The columns' checks keep them positive.
        let timer = |stored: Option<i32>| stored.and_then(|t| u32::try_from(t).ok());
        Zone {
            id: ZoneId::from_uuid(row.id),
            organization_id: OrganizationId::from_uuid(row.organization_id),
            name: row.name,
            dnssec_status: row.dnssec_status,
            serial: row.serial,
            timers: SoaTimers {
                refresh: timer(row.soa_refresh),
                retry: timer(row.soa_retry),
                expire: timer(row.soa_expire),
                negative_ttl: timer(row.soa_minimum),
            },
            created_on: row.created_on,
            updated_on: row.updated_on,
        }
    }
}

#[derive(sqlx::FromRow)]
struct RrsetRow {
    zone_id: Uuid,
    name: String,
    #[sqlx(rename = "type")]
    rtype: String,
    ttl: i32,
    records: Json<Vec<String>>,
}

impl RrsetRow {
    fn into_rrset(self) -> Rrset {
        Rrset {
            name: self.name,
            rtype: self.rtype,
            ttl: u32::try_from(self.ttl).unwrap_or_default(),
            records: self.records.0,
        }
    }
}

const ZONE_COLUMNS: [&str; 11] = [
    "id",
    "organization_id",
    "name",
    "dnssec_status",
    "serial",
    "soa_refresh",
    "soa_retry",
    "soa_expire",
    "soa_minimum",
    "created_on",
    "updated_on",
];

const SELECT_ZONE_BY_NAME: &str = "SELECT id, organization_id, name, dnssec_status, serial, \
    soa_refresh, soa_retry, soa_expire, soa_minimum, created_on, updated_on \
    FROM dns_zones WHERE name = $1";

const INSERT_ZONE: &str = "INSERT INTO dns_zones (id, organization_id, name, dnssec_status, \
    serial, soa_refresh, soa_retry, soa_expire, soa_minimum, created_on, updated_on, \
    reversed_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

const UPDATE_ZONE: &str = "UPDATE dns_zones SET serial = $3, updated_on = $4, soa_refresh = $5, \
    soa_retry = $6, soa_expire = $7, soa_minimum = $8, dnssec_status = $10 \
    WHERE id = $1 AND organization_id = $2 AND serial = $9";

/// A timer as its column holds it (`MAX_TIMER` fits an `i32`).
fn stored(timer: Option<u32>) -> Option<i32> {
    timer.map(|t| i32::try_from(t).unwrap_or(i32::MAX))
}

const DELETE_ZONE: &str = "DELETE FROM dns_zones WHERE id = $1 AND organization_id = $2";

// A whole zone in one text value, one rrset per line (`name TAB type TAB ttl TAB records`):
// one row to move instead of one per rrset, which is most of the cost of reading a large
// zone. Names, types and JSON text hold no tab or line break. `string_agg … ORDER BY` is the
// same in SQLite (3.44 and later) and PostgreSQL.
const SELECT_RRSETS: &str = "SELECT string_agg(name || '\t' || type || '\t' || \
    CAST(ttl AS TEXT) || '\t' || CAST(records AS TEXT), '\n' ORDER BY name, type) \
    FROM dns_rrsets WHERE zone_id = $1";

const SELECT_RRSETS_AT: &str = "SELECT zone_id, name, type, ttl, records FROM dns_rrsets \
    WHERE zone_id = $1 AND name = $2 ORDER BY type";

const UPSERT_RRSET: &str = "INSERT INTO dns_rrsets (zone_id, name, type, ttl, records) \
    VALUES ($1, $2, $3, $4, $5) \
    ON CONFLICT (zone_id, name, type) DO UPDATE SET ttl = excluded.ttl, records = excluded.records";

const DELETE_RRSET: &str = "DELETE FROM dns_rrsets WHERE zone_id = $1 AND name = $2 AND type = $3";

const DELETE_ORG_ZONES: &str = "DELETE FROM dns_zones WHERE organization_id = $1";

/// Keeps the serials of the zones a deletion is about to remove (`$1`, `$2`: the zone or the
/// organization the deletion names; the same condition as the deletion's).
const RETIRE_SERIALS: &str = "INSERT INTO dns_retired_serials (name, serial) \
    SELECT name, serial FROM dns_zones WHERE organization_id = $1 AND (id = $2 OR $2 IS NULL) \
    ON CONFLICT (name) DO UPDATE SET serial = excluded.serial";

const SELECT_RETIRED_SERIAL: &str = "SELECT serial FROM dns_retired_serials WHERE name = $1";

const DELETE_RRSETS: &str = "DELETE FROM dns_rrsets WHERE zone_id = $1";

fn checked(auth: &dyn Proof, zone: &Zone, action: Permission) -> Result<()> {
    proven_for(auth, zone.organization_id, action)
}

/// Reads a zone by its name, whoever holds it (the caller authorizes it next).
///
/// In a write transaction on PostgreSQL the zone's row stays locked until the transaction
/// ends (`FOR UPDATE`), so changes of one zone queue there, as every write does behind
/// SQLite's one writer: each reads the serial its predecessor wrote, and `update_zone`'s
/// check of that serial holds, where it would otherwise refuse every change but the first
/// of those made at the same time.
pub async fn zone_by_name(tx: &mut Tx, name: &str) -> Result<Option<Zone>> {
    let sql: std::borrow::Cow<'static, str> = if tx.locks_rows() {
        format!("{SELECT_ZONE_BY_NAME} FOR UPDATE").into()
    } else {
        SELECT_ZONE_BY_NAME.into()
    };
    let row = on_tx!(tx, conn => sqlx::query_as::<_, ZoneRow>(&sql)
        .bind(name)
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(Zone::from))
}

/// Stores a new zone of the authorized organization; a name already taken anywhere is a
/// `UniqueViolation`.
pub async fn insert_zone(tx: &mut Tx, auth: &dyn Proof, zone: &Zone) -> Result<()> {
    checked(auth, zone, DNS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(INSERT_ZONE)
        .bind(zone.id.uuid())
        .bind(zone.organization_id.uuid())
        .bind(&zone.name)
        .bind(&zone.dnssec_status)
        .bind(zone.serial)
        .bind(stored(zone.timers.refresh))
        .bind(stored(zone.timers.retry))
        .bind(stored(zone.timers.expire))
        .bind(stored(zone.timers.negative_ttl))
        .bind(zone.created_on)
        .bind(zone.updated_on)
        .bind(reversed(&zone.name))
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))
    .map_err(classify)?;
    Ok(())
}

/// A zone's name reversed character by character (`reversed_name`): the names below a name
/// end like it, so reversed they start like it reversed, one range of the column's index.
fn reversed(name: &str) -> String {
    name.chars().rev().collect()
}

/// Stores the zone's new serial, time and timers if its serial is still `previous`; whether
/// it was. Two changes read at one serial cannot both raise it. It is a safety net: a change
/// reads its zone `FOR UPDATE` on PostgreSQL (`zone_by_name`), and SQLite has one writer.
pub async fn update_zone(
    tx: &mut Tx,
    auth: &dyn Proof,
    zone: &Zone,
    previous: i64,
) -> Result<bool> {
    checked(auth, zone, DNS_MANAGE)?;
    let updated = on_tx!(tx, conn => sqlx::query(UPDATE_ZONE)
        .bind(zone.id.uuid())
        .bind(zone.organization_id.uuid())
        .bind(zone.serial)
        .bind(zone.updated_on)
        .bind(stored(zone.timers.refresh))
        .bind(stored(zone.timers.retry))
        .bind(stored(zone.timers.expire))
        .bind(stored(zone.timers.negative_ttl))
        .bind(previous)
        .bind(&zone.dnssec_status)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(updated == 1)
}

/// Removes a zone with all its rrsets.
pub async fn delete_zone(tx: &mut Tx, auth: &dyn Proof, zone: &Zone) -> Result<()> {
    checked(auth, zone, DNS_DELETE)?;
    retire_serials(tx, zone.organization_id, Some(zone.id)).await?;
    on_tx!(tx, conn => sqlx::query(DELETE_ZONE)
        .bind(zone.id.uuid())
        .bind(zone.organization_id.uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records the serials of the organization's zone `zone` (or of all its zones) before they
/// are deleted.
async fn retire_serials(
    tx: &mut Tx,
    organization: OrganizationId,
    zone: Option<ZoneId>,
) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(RETIRE_SERIALS)
        .bind(organization.uuid())
        .bind(zone.map(|z| z.uuid()))
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The last serial of a deleted zone named `name`, if one was.
pub async fn retired_serial(tx: &mut Tx, name: &str) -> Result<Option<i64>> {
    Ok(on_tx!(tx, conn => sqlx::query_scalar(SELECT_RETIRED_SERIAL)
        .bind(name)
        .fetch_optional(conn)
        .await)?)
}

/// A zone's rrsets, ordered by name and type.
pub async fn rrsets(tx: &mut Tx, zone: ZoneId) -> Result<Vec<Rrset>> {
    let text = on_tx!(tx, conn => sqlx::query_scalar::<_, Option<String>>(SELECT_RRSETS)
        .bind(zone.uuid())
        .fetch_one(conn)
        .await)?;
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    text.split('\n').map(parse_rrset_line).collect()
}

fn parse_rrset_line(line: &str) -> Result<Rrset> {
    let corrupt = || crate::StoreError::Corrupt(format!("rrset line {line:?}"));
    let mut fields = line.splitn(4, '\t');
    let (Some(name), Some(rtype), Some(ttl), Some(records)) =
        (fields.next(), fields.next(), fields.next(), fields.next())
    else {
        return Err(corrupt());
    };
    Ok(Rrset {
        name: name.to_owned(),
        rtype: rtype.to_owned(),
        ttl: ttl.parse().map_err(|_| corrupt())?,
        records: serde_json::from_str(records).map_err(|_| corrupt())?,
    })
}

/// The rrsets of one owner name.
pub async fn rrsets_at(tx: &mut Tx, zone: ZoneId, name: &str) -> Result<Vec<Rrset>> {
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, RrsetRow>(SELECT_RRSETS_AT)
        .bind(zone.uuid())
        .bind(name)
        .fetch_all(conn)
        .await)?;
    Ok(rows.into_iter().map(RrsetRow::into_rrset).collect())
}

/// The names of the signed zones unchanged since `before`: their secondaries hold signatures
/// that age (the platform's job renews them; no caller).
pub async fn signed_zones_unchanged_since(
    tx: &mut Tx,
    before: OffsetDateTime,
) -> Result<Vec<String>> {
    Ok(on_tx!(tx, conn => sqlx::query_scalar(
        "SELECT name FROM dns_zones WHERE dnssec_status = 'enabled' AND updated_on < $1 \
         ORDER BY name",
    )
    .bind(before)
    .fetch_all(conn)
    .await)?)
}

/// The rrsets of several zones (for a page of zones), by zone.
pub async fn rrsets_of_zones(tx: &mut Tx, zones: &[ZoneId]) -> Result<Vec<(ZoneId, Rrset)>> {
    let mut rrsets = Vec::new();
    for chunk in zones.chunks(IDS_PER_STATEMENT) {
        let mut query = Query::select();
        query
            .columns(["zone_id", "name", "type", "ttl", "records"].map(Alias::new))
            .from(Alias::new("dns_rrsets"))
            .and_where(Expr::col(Alias::new("zone_id")).is_in(chunk.iter().map(|z| z.uuid())))
            .order_by(Alias::new("zone_id"), sea_query::Order::Asc)
            .order_by(Alias::new("name"), sea_query::Order::Asc)
            .order_by(Alias::new("type"), sea_query::Order::Asc);
        let rows = fetch_all_built!(tx, query, RrsetRow)?;
        rrsets.extend(
            rows.into_iter()
                .map(|row| (ZoneId::from_uuid(row.zone_id), row.into_rrset())),
        );
    }
    Ok(rrsets)
}

/// Every zone on the platform with its serial, whichever organization holds it: what the
/// name server compares with what it serves. A served zone is public (any resolver may ask
/// for it), so this read, like `zone_by_name`, is the platform's.
pub async fn zone_serials(tx: &mut Tx) -> Result<Vec<(ZoneId, i64)>> {
    let rows: Vec<(Uuid, i64)> = on_tx!(tx, conn => sqlx::query_as(SELECT_ZONE_SERIALS)
        .fetch_all(conn)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, serial)| (ZoneId::from_uuid(id), serial))
        .collect())
}

const SELECT_ZONE_SERIALS: &str = "SELECT id, serial FROM dns_zones";

/// What changes when any zone is created, changed or deleted: how many there are, the sum of
/// their serials (a change raises its zone's) and the latest change time, as text on both
/// engines (PostgreSQL's sum of `bigint` is `numeric`).
pub async fn zones_fingerprint(tx: &mut Tx) -> Result<(i64, String, String)> {
    Ok(
        on_tx!(tx, conn => sqlx::query_as::<_, (i64, String, String)>(SELECT_FINGERPRINT)
        .fetch_one(conn)
        .await)?,
    )
}

const SELECT_FINGERPRINT: &str = "SELECT COUNT(*), CAST(COALESCE(SUM(serial), 0) AS TEXT), \
    COALESCE(CAST(MAX(updated_on) AS TEXT), '') FROM dns_zones";

/// The tenant an organization belongs to: itself at the top level, else its parent
/// (organizations are two levels deep), as an expression over `organizations`.
fn tenant_of() -> sea_query::SimpleExpr {
    let organizations = Alias::new("organizations");
    Func::coalesce([
        Expr::col((organizations.clone(), Alias::new("parent_id"))).into(),
        Expr::col((organizations, Alias::new("id"))).into(),
    ])
    .into()
}

/// A zone with the joined organization's tenant.
fn with_tenant(query: &mut SelectStatement) {
    let zones = Alias::new("dns_zones");
    let organizations = Alias::new("organizations");
    query.from(zones.clone()).inner_join(
        organizations.clone(),
        Expr::col((organizations, Alias::new("id"))).equals((zones, Alias::new("organization_id"))),
    );
}

#[derive(sqlx::FromRow)]
struct TenantZoneRow {
    #[sqlx(flatten)]
    zone: ZoneRow,
    tenant: Uuid,
}

/// These zones (those that exist), each with its tenant (the top-level organization it
/// belongs to), for the name server to load.
pub async fn zones_by_ids(tx: &mut Tx, ids: &[ZoneId]) -> Result<Vec<(Zone, OrganizationId)>> {
    let zones_table = Alias::new("dns_zones");
    let mut zones = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        let mut query = Query::select();
        query
            .columns(ZONE_COLUMNS.map(|c| (zones_table.clone(), Alias::new(c))))
            .expr_as(tenant_of(), Alias::new("tenant"));
        with_tenant(&mut query);
        query.and_where(
            Expr::col((zones_table.clone(), Alias::new("id")))
                .is_in(chunk.iter().map(|z| z.uuid())),
        );
        let rows = fetch_all_built!(tx, query, TenantZoneRow)?;
        zones.extend(
            rows.into_iter()
                .map(|row| (Zone::from(row.zone), OrganizationId::from_uuid(row.tenant))),
        );
    }
    Ok(zones)
}

/// Creates or replaces the rrset of its name and type.
pub async fn upsert_rrset(tx: &mut Tx, auth: &dyn Proof, zone: &Zone, rrset: &Rrset) -> Result<()> {
    checked(auth, zone, DNS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(UPSERT_RRSET)
        .bind(zone.id.uuid())
        .bind(&rrset.name)
        .bind(&rrset.rtype)
        .bind(i32::try_from(rrset.ttl).unwrap_or(i32::MAX))
        .bind(Json(&rrset.records))
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes the rrset of a name and type; whether there was one.
pub async fn delete_rrset(
    tx: &mut Tx,
    auth: &dyn Proof,
    zone: &Zone,
    name: &str,
    rtype: &str,
) -> Result<bool> {
    checked(auth, zone, DNS_MANAGE)?;
    let deleted = on_tx!(tx, conn => sqlx::query(DELETE_RRSET)
        .bind(zone.id.uuid())
        .bind(name)
        .bind(rtype)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(deleted > 0)
}

/// Deletes every rrset of a zone (before a replacement set is written).
pub async fn delete_rrsets(tx: &mut Tx, auth: &dyn Proof, zone: &Zone) -> Result<()> {
    checked(auth, zone, DNS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(DELETE_RRSETS)
        .bind(zone.id.uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes every zone of the authorized organization with its rrsets (when the organization
/// is deleted), freeing the names.
pub async fn delete_all_zones(tx: &mut Tx, auth: &dyn Proof) -> Result<u64> {
    let organization = proven(auth, ORG_DELETE)?;
    retire_serials(tx, organization, None).await?;
    let deleted = on_tx!(tx, conn => sqlx::query(DELETE_ORG_ZONES)
        .bind(organization.uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(deleted)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ZoneSort {
    #[default]
    CreatedOn,
    Name,
    UpdatedOn,
    DnssecStatus,
}

#[derive(Debug, Clone)]
pub struct ZoneFilter {
    /// The exact zone name (canonical form).
    pub name: Option<String>,
    /// Part of the name, any case.
    pub search: Option<String>,
    /// The last labels of the name (`com`, `co.uk`), without dots around.
    pub suffix: Option<String>,
    pub dnssec_status: Option<String>,
    pub created_after: Option<OffsetDateTime>,
    pub created_before: Option<OffsetDateTime>,
    pub updated_after: Option<OffsetDateTime>,
    pub updated_before: Option<OffsetDateTime>,
    pub sort: ZoneSort,
    pub order: SortOrder,
    /// The zones the caller's NS1 zone lists let it see; none: every zone.
    pub scope: Option<ZoneScope>,
}

impl ZoneFilter {
    /// Every zone, in `sort` and `order`.
    pub fn every(sort: ZoneSort, order: SortOrder) -> Self {
        Self {
            name: None,
            search: None,
            suffix: None,
            dnssec_status: None,
            created_after: None,
            created_before: None,
            updated_after: None,
            updated_before: None,
            sort,
            order,
            scope: None,
        }
    }
}

/// Keeps the zones `scope` lets the caller see (its names are bare: no final dot).
fn within(query: &mut SelectStatement, scope: Option<&ZoneScope>) {
    let stored = |names: &[String]| names.iter().map(|n| format!("{n}.")).collect::<Vec<_>>();
    match scope {
        None => {}
        Some(ZoneScope::Only(names)) => {
            query.and_where(Expr::col(Alias::new("name")).is_in(stored(names)));
        }
        Some(ZoneScope::Except(names)) if names.is_empty() => {}
        Some(ZoneScope::Except(names)) => {
            query.and_where(Expr::col(Alias::new("name")).is_not_in(stored(names)));
        }
    }
}

/// The zones below `name` (written without its final dot): a range of `reversed_name`.
fn below(name: &str) -> sea_query::SimpleExpr {
    // Every name that starts with `.eman.` (`name.` reversed after a dot) and nothing else:
    // from that start up to the same start with its last character, the dot, raised by one.
    let start = reversed(&format!(".{}.", name.to_ascii_lowercase()));
    let end = format!("{}/", &start[..start.len() - 1]);
    let column = || Expr::col((Alias::new("dns_zones"), Alias::new("reversed_name")));
    column().gte(start).and(column().lt(end))
}

/// The tenants (top-level organizations) holding a zone above `name` (absolute) or below it.
/// Read as the platform when a zone is made: a zone never sits inside another tenant's zone,
/// nor holds one.
pub async fn nested_zone_tenants(tx: &mut Tx, name: &str) -> Result<Vec<OrganizationId>> {
    let bare = name.trim_end_matches('.');
    let above: Vec<String> = bare
        .match_indices('.')
        .map(|(at, _)| format!("{}.", &bare[at + 1..]))
        .collect();
    let zone_name = || Expr::col((Alias::new("dns_zones"), Alias::new("name")));
    let mut query = Query::select();
    query.expr(tenant_of());
    with_tenant(&mut query);
    query.cond_where(
        sea_query::Cond::any()
            .add(zone_name().is_in(above))
            .add(below(bare)),
    );
    let rows: Vec<(Uuid,)> = fetch_all_built!(tx, query, (Uuid,))?;
    Ok(rows
        .into_iter()
        .map(|(id,)| OrganizationId::from_uuid(id))
        .collect())
}

/// A page of the proof's organization's zones (without their rrsets).
pub async fn list_zones(
    tx: &mut Tx,
    auth: &dyn Proof,
    filter: &ZoneFilter,
    page: PageRequest,
) -> Result<Page<Zone>> {
    let organization = proven(auth, DNS_READ)?;
    let col = |name: &str| Expr::col(Alias::new(name));
    let mut query = Query::select();
    query
        .columns(ZONE_COLUMNS.map(Alias::new))
        .from(Alias::new("dns_zones"))
        .and_where(col("organization_id").eq(organization.uuid()));
    if let Some(name) = &filter.name {
        query.and_where(col("name").eq(name.as_str()));
    }
    if let Some(search) = &filter.search {
        query.and_where(Expr::expr(Func::lower(col("name"))).like(contains_pattern(search)));
    }
    if let Some(suffix) = &filter.suffix {
        query.and_where(below(suffix));
    }
    if let Some(status) = &filter.dnssec_status {
        query.and_where(col("dnssec_status").eq(status.as_str()));
    }
    within(&mut query, filter.scope.as_ref());
    time_ranges(
        &mut query,
        &[
            ("created_on", filter.created_after, filter.created_before),
            ("updated_on", filter.updated_after, filter.updated_before),
        ],
    );
    let sort_column = match filter.sort {
        ZoneSort::CreatedOn => "created_on",
        ZoneSort::Name => "name",
        ZoneSort::UpdatedOn => "updated_on",
        ZoneSort::DnssecStatus => "dnssec_status",
    };
    let (rows, total) = page_built!(
        tx,
        "dns_zones",
        &ZONE_COLUMNS,
        query,
        (sort_column, filter.order),
        page,
        ZoneRow
    );
    Ok(Page {
        items: rows.into_iter().map(Zone::from).collect(),
        total_items: total,
        request: page,
    })
}

/// How many zones of the proof's organization `scope` shows, by DNSSEC status.
pub async fn count_by_dnssec(
    tx: &mut Tx,
    auth: &dyn Proof,
    scope: Option<&ZoneScope>,
) -> Result<Vec<(String, i64)>> {
    let organization = proven(auth, DNS_READ)?;
    let mut query = Query::select();
    query
        .column(Alias::new("dnssec_status"))
        .expr(Expr::col(Alias::new("id")).count())
        .from(Alias::new("dns_zones"))
        .and_where(Expr::col(Alias::new("organization_id")).eq(organization.uuid()))
        .group_by_col(Alias::new("dnssec_status"))
        .order_by(Alias::new("dnssec_status"), sea_query::Order::Asc);
    within(&mut query, scope);
    Ok(fetch_all_built!(tx, query, (String, i64))?)
}
