//! Writing and reading the audit trail.

use crate::authz::Authorized;
use crate::authz::require;
use serde_json::{Map, Value, json};
use tenantry_core::{AuditEventId, OrganizationId};
use tenantry_store::audit::{self, AuditEvent, AuditFilter};
use tenantry_store::{Page, PageRequest, SortOrder, Tx, organizations};
use time::OffsetDateTime;

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, NotFoundKind, Result};
use crate::reach::authorize_org;
use tenantry_core::perms::AUDIT_READ;

/// Field names whose values never enter the audit trail.
const SECRET_FIELDS: [&str; 6] = [
    "password",
    "password_hash",
    "api_key",
    "client_secret",
    "key_digest",
    "totp_secret",
];

/// The fields that differ between two snapshots, as `{field: {"before": …, "after": …}}`,
/// with secret fields shown only as changed.
pub(crate) fn diff(before: &Value, after: &Value) -> Value {
    let empty = Map::new();
    let before = before.as_object().unwrap_or(&empty);
    let after = after.as_object().unwrap_or(&empty);
    let mut out = Map::new();
    for key in before.keys().chain(after.keys()) {
        let (old, new) = (
            before.get(key).unwrap_or(&Value::Null),
            after.get(key).unwrap_or(&Value::Null),
        );
        if old == new || out.contains_key(key) {
            continue;
        }
        let entry = if SECRET_FIELDS.contains(&key.as_str()) {
            json!({"before": "[redacted]", "after": "[redacted]"})
        } else {
            json!({"before": old, "after": new})
        };
        out.insert(key.clone(), entry);
    }
    Value::Object(out)
}

/// What an event is about.
pub(crate) struct Target {
    pub kind: &'static str,
    pub id: String,
}

/// Appends one event in the caller's transaction.
pub(crate) async fn record(
    tx: &mut Tx,
    auth: &Authorized,
    actor: &Actor,
    now: OffsetDateTime,
    action: &str,
    target: Target,
    changes: Value,
) -> Result<()> {
    let event = AuditEvent {
        id: AuditEventId::generate(),
        organization_id: Some(auth.organization_id()),
        actor_kind: actor.audit_kind().into(),
        actor_id: actor.audit_id(),
        action: action.into(),
        target_kind: target.kind.into(),
        target_id: target.id,
        changes,
        request_id: actor.meta.request_id.clone(),
        client_ip: actor.meta.client_ip.map(|ip| ip.to_canonical().to_string()),
        created_on: now,
    };
    audit::append(tx, auth, &event).await?;
    crate::events::record_for(tx, auth, action, &event.target_id, &event.changes, now).await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct AuditQuery {
    /// Only this organization (the caller's own or one of its suborganizations).
    pub organization_id: Option<OrganizationId>,
    pub filter: AuditFilter,
    pub order: SortOrder,
    pub page: PageRequest,
}

impl App {
    /// The events of any organization, deleted ones included, for the platform operator
    /// (`query.organization_id` names it).
    pub async fn audit_list_as_operator(
        &self,
        operator: &crate::operators::OperatorActor,
        organization: OrganizationId,
        query: AuditQuery,
    ) -> Result<Page<AuditEvent>> {
        let mut tx = self.db.read().await?;
        organizations::get_even_deleted(&mut tx, organization)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Organization, organization))?;
        let auth = crate::authz::operator_proof(operator, organization, AUDIT_READ);
        Ok(audit::list(
            &mut tx,
            &auth,
            false,
            &query.filter,
            query.order,
            query.page,
        )
        .await?)
    }

    /// The events of the caller's organization and, for a parent, of its suborganizations.
    pub async fn audit_list(&self, actor: &Actor, query: AuditQuery) -> Result<Page<AuditEvent>> {
        let mut tx = self.db.read().await?;
        let (auth, include_children) = match query.organization_id {
            Some(id) => (
                authorize_org(&mut tx, actor, id, AUDIT_READ).await?.1,
                false,
            ),
            None => {
                let own = *actor.principal.home_organization();
                let auth = require(&actor.principal, AUDIT_READ, &own).map_err(|denied| {
                    AppError::from_denied(denied, NotFoundKind::Organization, own.id)
                })?;
                (auth, own.parent_id.is_none())
            }
        };
        Ok(audit::list(
            &mut tx,
            &auth,
            include_children,
            &query.filter,
            query.order,
            query.page,
        )
        .await?)
    }
}
