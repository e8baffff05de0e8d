//! Events (the reference's `/v1/events`): what happened to an organization's domains,
//! contacts and account, for its integrations to poll and acknowledge. Each is written by
//! `audit::record` in the transaction of the change it reports (a transactional outbox), from
//! the audit action: one rule, `kind_of`, decides which changes make which events.

use serde_json::Value;
use tenantry_core::perms::{EVENTS_MANAGE, EVENTS_READ};
use tenantry_core::{EventId, OrganizationId};
use tenantry_store::events;
pub use tenantry_store::events::{Event, EventFilter};
use tenantry_store::{Page, PageRequest, Tx};
use time::OffsetDateTime;

use crate::actor::Actor;
use crate::app::App;
use crate::authz::Authorized;
use crate::error::{AppError, NotFoundKind, Result};
use crate::reach::{acting_org, authorize_org};

/// The event an audit action makes: (object type, type, subtype), or none.
fn kind_of(action: &str, changes: &Value) -> Option<(&'static str, &'static str, &'static str)> {
    let failed_kind = || match changes["operation"].as_str() {
        Some("create") => "REGISTRATION",
        Some("renew") => "RENEWAL",
        Some("delete") => "DELETION",
        Some("transfer") => "INBOUND_TRANSFER",
        _ => "MODIFICATION",
    };
    Some(match action {
        "domain.created" => ("DOMAIN", "REGISTRATION", "SUCCESS"),
        "domain.renewed" => ("DOMAIN", "RENEWAL", "SUCCESS"),
        "domain.auto_renew_failed" => ("DOMAIN", "RENEWAL", "FAILURE"),
        "domain.updated" | "domain.restored" => ("DOMAIN", "MODIFICATION", "SUCCESS"),
        "domain.deleted" => ("DOMAIN", "DELETION", "SUCCESS"),
        "domain.purged" => ("DOMAIN", "DELETION", "NOTIFICATION"),
        "domain.moved_in" | "domain.moved_out" => ("DOMAIN", "TRANSIT", "SUCCESS"),
        "domain.transferred_in" => ("DOMAIN", "INBOUND_TRANSFER", "SUCCESS"),
        "domain.transferred_out" => ("DOMAIN", "OUTBOUND_TRANSFER", "SUCCESS"),
        "domain.transfer_requested" => ("DOMAIN", "OUTBOUND_TRANSFER", "NOTIFICATION"),
        "domain.transfer_rejected" => ("DOMAIN", "OUTBOUND_TRANSFER", "CANCELED"),
        "domain.operation_failed" => ("DOMAIN", failed_kind(), "FAILURE"),
        "contact.created" => ("CONTACT", "REGISTRATION", "SUCCESS"),
        "contact.deleted" => ("CONTACT", "DELETION", "SUCCESS"),
        a if a.starts_with("billing.") => ("ACCOUNT", "BALANCE", "NOTIFICATION"),
        _ => return None,
    })
}

/// Writes the event an audited change makes, if any, in its transaction.
pub(crate) async fn record_for(
    tx: &mut Tx,
    auth: &Authorized,
    action: &str,
    object_id: &str,
    changes: &Value,
    now: OffsetDateTime,
) -> Result<()> {
    let Some((object_type, event_type, subtype)) = kind_of(action, changes) else {
        return Ok(());
    };
    let event = Event {
        id: EventId::generate(),
        organization_id: auth.organization_id(),
        object_type: object_type.into(),
        object_id: object_id.into(),
        event_type: event_type.into(),
        subtype: subtype.into(),
        message: format!("{object_id}: {}", action.replace(['.', '_'], " ")),
        created_on: now,
        acknowledged_on: None,
    };
    events::insert(tx, auth, &event).await?;
    Ok(())
}

/// An event the caller reaches with `permission`; another organization's is not found.
async fn event_in_reach(
    tx: &mut Tx,
    actor: &Actor,
    id: EventId,
    permission: tenantry_core::Permission,
) -> Result<(Event, Authorized)> {
    let not_found = || AppError::not_found(NotFoundKind::Event, id);
    let event = events::find(tx, id).await?.ok_or_else(not_found)?;
    let (_, auth) = authorize_org(tx, actor, event.organization_id, permission)
        .await
        .map_err(|err| match err {
            AppError::NotFound { .. } => not_found(),
            other => other,
        })?;
    Ok((event, auth))
}

impl App {
    pub async fn event_list(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        filter: EventFilter,
        page: PageRequest,
    ) -> Result<Page<Event>> {
        let mut tx = self.db.read().await?;
        let (_, auth) =
            authorize_org(&mut tx, actor, acting_org(actor, context), EVENTS_READ).await?;
        Ok(events::list(&mut tx, &auth, &filter, page).await?)
    }

    pub async fn event_get(&self, actor: &Actor, id: EventId) -> Result<Event> {
        let mut tx = self.db.read().await?;
        let (_, auth) = event_in_reach(&mut tx, actor, id, EVENTS_READ).await?;
        events::get(&mut tx, &auth, id)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Event, id))
    }

    /// Acknowledges an event: integrations filter on `acknowledged=false` for what is new.
    pub async fn event_acknowledge(&self, actor: &Actor, id: EventId) -> Result<Event> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (_, auth) = event_in_reach(&mut tx, actor, id, EVENTS_MANAGE).await?;
        events::acknowledge(&mut tx, &auth, id, now).await?;
        let event = events::get(&mut tx, &auth, id)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Event, id))?;
        tx.commit().await?;
        Ok(event)
    }
}
