//! The audit trail: append-only events written in the same transaction as the change.

use sea_query::{Alias, Expr, Query};
use serde_json::Value;
use sqlx::types::Json;
use tenantry_core::perms::AUDIT_READ;
use tenantry_core::{AuditEventId, OrganizationId, Proof};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::Result;
use crate::list::{Page, PageRequest, SortOrder, page_built};
use crate::proof::{proven, proven_change_in};

#[derive(Debug, Clone, PartialEq)]
pub struct AuditEvent {
    pub id: AuditEventId,
    pub organization_id: Option<OrganizationId>,
    pub actor_kind: String,
    pub actor_id: String,
    pub action: String,
    pub target_kind: String,
    pub target_id: String,
    /// `{field: {"before": …, "after": …}}` with secrets already redacted.
    pub changes: Value,
    pub request_id: Option<String>,
    pub client_ip: Option<String>,
    pub created_on: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: Uuid,
    organization_id: Option<Uuid>,
    actor_kind: String,
    actor_id: String,
    action: String,
    target_kind: String,
    target_id: String,
    changes: Json<Value>,
    request_id: Option<String>,
    client_ip: Option<String>,
    created_on: OffsetDateTime,
}

impl From<AuditRow> for AuditEvent {
    fn from(row: AuditRow) -> Self {
        AuditEvent {
            id: AuditEventId::from_uuid(row.id),
            organization_id: row.organization_id.map(OrganizationId::from_uuid),
            actor_kind: row.actor_kind,
            actor_id: row.actor_id,
            action: row.action,
            target_kind: row.target_kind,
            target_id: row.target_id,
            changes: row.changes.0,
            request_id: row.request_id,
            client_ip: row.client_ip,
            created_on: row.created_on,
        }
    }
}

const COLUMNS: [&str; 11] = [
    "id",
    "organization_id",
    "actor_kind",
    "actor_id",
    "action",
    "target_kind",
    "target_id",
    "changes",
    "request_id",
    "client_ip",
    "created_on",
];

const INSERT: &str = "INSERT INTO audit_events (id, organization_id, actor_kind, actor_id, action, \
    target_kind, target_id, changes, request_id, client_ip, created_on) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// Appends an event for a change in the authorized organization: the proof of that change,
/// whatever it changed, is the proof the event needs.
pub async fn append(tx: &mut Tx, auth: &dyn Proof, event: &AuditEvent) -> Result<()> {
    let organizations: Vec<_> = event.organization_id.into_iter().collect();
    proven_change_in(auth, &organizations, "an audit event")?;
    insert(tx, event).await
}

/// Appends an event about a person proving who they are (signing in, a refused attempt,
/// signing out, a new password, a session ended) to their home organization's trail. The
/// person, not an organization's actor, is the authority, so no proof (`Proof`) applies.
pub async fn append_sign_in_event(tx: &mut Tx, event: &AuditEvent) -> Result<()> {
    insert(tx, event).await
}

async fn insert(tx: &mut Tx, event: &AuditEvent) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(event.id.uuid())
        .bind(event.organization_id.map(|id| id.uuid()))
        .bind(&event.actor_kind)
        .bind(&event.actor_id)
        .bind(&event.action)
        .bind(&event.target_kind)
        .bind(&event.target_id)
        .bind(Json(&event.changes))
        .bind(&event.request_id)
        .bind(&event.client_ip)
        .bind(event.created_on)
        .execute(conn)
        .await
        .map(|_| ()))?;
    Ok(())
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub target_id: Option<String>,
    pub actor_id: Option<String>,
    pub created_after: Option<OffsetDateTime>,
    pub created_before: Option<OffsetDateTime>,
}

/// Lists the events of `root` and, with `include_children`, of its suborganizations (deleted
/// ones included: their trail outlives them).
pub async fn list(
    tx: &mut Tx,
    auth: &dyn Proof,
    include_children: bool,
    filter: &AuditFilter,
    order: SortOrder,
    page: PageRequest,
) -> Result<Page<AuditEvent>> {
    let root = proven(auth, AUDIT_READ)?;
    let mut query = Query::select();
    query
        .columns(COLUMNS.map(Alias::new))
        .from(Alias::new("audit_events"))
        .and_where(if include_children {
            let mut children = Query::select();
            children
                .column(Alias::new("id"))
                .from(Alias::new("organizations"))
                .and_where(Expr::col(Alias::new("parent_id")).eq(root.uuid()));
            Expr::col(Alias::new("organization_id"))
                .eq(root.uuid())
                .or(Expr::col(Alias::new("organization_id")).in_subquery(children))
        } else {
            Expr::col(Alias::new("organization_id")).eq(root.uuid())
        });
    let col = |name: &str| Expr::col(Alias::new(name));
    if let Some(action) = &filter.action {
        query.and_where(col("action").eq(action.as_str()));
    }
    if let Some(target) = &filter.target_id {
        query.and_where(col("target_id").eq(target.as_str()));
    }
    if let Some(actor) = &filter.actor_id {
        query.and_where(col("actor_id").eq(actor.as_str()));
    }
    if let Some(after) = filter.created_after {
        query.and_where(col("created_on").gte(after));
    }
    if let Some(before) = filter.created_before {
        query.and_where(col("created_on").lt(before));
    }
    let (rows, total) = page_built!(
        tx,
        "audit_events",
        &COLUMNS,
        query,
        ("created_on", order),
        page,
        AuditRow
    );
    Ok(Page {
        items: rows.into_iter().map(AuditEvent::from).collect(),
        total_items: total,
        request: page,
    })
}
