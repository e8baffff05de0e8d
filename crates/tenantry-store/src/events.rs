//! Events of an organization for its integrations to poll and acknowledge (the reference's
//! `/v1/events`). Written with the change they report, under its proof; read and
//! acknowledged under `events:read` / `events:manage`.

use sea_query::{Alias, Expr, Query};
use tenantry_core::perms::{EVENTS_MANAGE, EVENTS_READ};
use tenantry_core::{EventId, OrganizationId, Proof};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::Result;
use crate::list::{Page, PageRequest, SortOrder, page_built};
use crate::proof::{proven, proven_any, proven_change_in};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: EventId,
    pub organization_id: OrganizationId,
    /// `DOMAIN`, `CONTACT` or `ACCOUNT`.
    pub object_type: String,
    pub object_id: String,
    /// `REGISTRATION`, `RENEWAL`, `MODIFICATION`, `DELETION`, `TRANSIT`, `BALANCE`.
    pub event_type: String,
    /// `NOTIFICATION`, `SUCCESS`, `FAILURE`.
    pub subtype: String,
    pub message: String,
    pub created_on: OffsetDateTime,
    pub acknowledged_on: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    organization_id: Uuid,
    object_type: String,
    object_id: String,
    r#type: String,
    subtype: String,
    message: String,
    created_on: OffsetDateTime,
    acknowledged_on: Option<OffsetDateTime>,
}

impl From<Row> for Event {
    fn from(r: Row) -> Self {
        Event {
            id: EventId::from_uuid(r.id),
            organization_id: OrganizationId::from_uuid(r.organization_id),
            object_type: r.object_type,
            object_id: r.object_id,
            event_type: r.r#type,
            subtype: r.subtype,
            message: r.message,
            created_on: r.created_on,
            acknowledged_on: r.acknowledged_on,
        }
    }
}

const COLUMNS: [&str; 9] = [
    "id",
    "organization_id",
    "object_type",
    "object_id",
    "type",
    "subtype",
    "message",
    "created_on",
    "acknowledged_on",
];

const INSERT: &str = "INSERT INTO events (id, organization_id, object_type, object_id, type, \
    subtype, message, created_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
const SELECT_ONE: &str = "SELECT id, organization_id, object_type, object_id, type, subtype, \
    message, created_on, acknowledged_on FROM events WHERE id = $1 AND organization_id = $2";
const ACKNOWLEDGE: &str = "UPDATE events SET acknowledged_on = $3 \
    WHERE id = $1 AND organization_id = $2 AND acknowledged_on IS NULL";

/// Records an event of the proof's organization, with the change it reports.
pub async fn insert(tx: &mut Tx, auth: &dyn Proof, event: &Event) -> Result<()> {
    proven_change_in(auth, &[event.organization_id], "an event")?;
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(event.id.uuid())
        .bind(event.organization_id.uuid())
        .bind(&event.object_type)
        .bind(&event.object_id)
        .bind(&event.event_type)
        .bind(&event.subtype)
        .bind(&event.message)
        .bind(event.created_on)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

const FIND: &str = "SELECT id, organization_id, object_type, object_id, type, subtype, \
    message, created_on, acknowledged_on FROM events WHERE id = $1";

/// An event by id, whichever organization it is of: the look-up that finds the organization
/// a request is then authorized on.
pub async fn find(tx: &mut Tx, id: EventId) -> Result<Option<Event>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, Row>(FIND)
        .bind(id.uuid())
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(Event::from))
}

pub async fn get(tx: &mut Tx, auth: &dyn Proof, id: EventId) -> Result<Option<Event>> {
    let organization = proven_any(auth, &[EVENTS_READ, EVENTS_MANAGE])?;
    let row = on_tx!(tx, conn => sqlx::query_as::<_, Row>(SELECT_ONE)
        .bind(id.uuid())
        .bind(organization.uuid())
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(Event::from))
}

/// Marks an event acknowledged (again is no change).
pub async fn acknowledge(
    tx: &mut Tx,
    auth: &dyn Proof,
    id: EventId,
    now: OffsetDateTime,
) -> Result<()> {
    let organization = proven(auth, EVENTS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(ACKNOWLEDGE)
        .bind(id.uuid())
        .bind(organization.uuid())
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct EventFilter {
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub event_type: Option<String>,
    pub subtype: Option<String>,
    pub acknowledged: Option<bool>,
    pub order: SortOrder,
}

/// A page of the proof's organization's events, by time.
pub async fn list(
    tx: &mut Tx,
    auth: &dyn Proof,
    filter: &EventFilter,
    page: PageRequest,
) -> Result<Page<Event>> {
    let organization = proven(auth, EVENTS_READ)?;
    let col = |name: &str| Expr::col(Alias::new(name));
    let mut query = Query::select();
    query
        .columns(COLUMNS.map(Alias::new))
        .from(Alias::new("events"))
        .and_where(col("organization_id").eq(organization.uuid()));
    for (column, value) in [
        ("object_type", &filter.object_type),
        ("object_id", &filter.object_id),
        ("type", &filter.event_type),
        ("subtype", &filter.subtype),
    ] {
        if let Some(value) = value {
            query.and_where(col(column).eq(value.as_str()));
        }
    }
    match filter.acknowledged {
        Some(true) => {
            query.and_where(col("acknowledged_on").is_not_null());
        }
        Some(false) => {
            query.and_where(col("acknowledged_on").is_null());
        }
        None => {}
    }
    let (rows, total) = page_built!(
        tx,
        "events",
        &COLUMNS,
        query,
        ("created_on", filter.order),
        page,
        Row
    );
    Ok(Page {
        items: rows.into_iter().map(Event::from).collect(),
        total_items: total,
        request: page,
    })
}
