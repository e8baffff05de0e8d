//! Deleting an organization: one use case behind the three dialects' deletions (OpusDNS's
//! `DELETE /v1/organizations/{id}` by the parent, NS1's operator `DELETE /v1/ops/orgs/{id}`,
//! DomainGenius's `DELETE /api/v1/orgs/{org_oid}` by an owner). Each dialect's entry decides
//! who may; this decides what deleting means, in the caller's transaction:
//!
//! - refused while the organization has live suborganizations (delete them first), while it
//!   holds domains (registering, active or in redemption: delete or move them first), or
//!   while someone at home there is the last owner of another organization (deleting them
//!   with it would leave that one without an owner).
//! - its unspent balance is refunded against the top-ups that funded it
//!   (`billing::refund_unspent`), and its owners get a receipt by email;
//! - its DNS zones are removed (their names are free again), its teams, memberships, open
//!   invitations and ownership offer end, its people are deleted and its keys revoked (their
//!   sessions and personal keys stop with them), and the organization is marked deleted;
//!   its audit trail stays, readable by the platform operator.

use serde_json::{Value, json};
use tenantry_store::organizations::{self, Organization};
use tenantry_store::{
    Tx, credentials, dns, invitations, memberships, ownership_transfers, teams, users,
};
use time::OffsetDateTime;

use crate::actor::Actor;
use crate::app::App;
use crate::audit::{diff, record};
use crate::authz::{Authorized, is_owner};
use crate::billing::{UnspentRefund, refund_unspent};
use crate::error::{AppError, Code, Result};
use crate::mail::{self, RefundLine, deletion_receipt};
use crate::organizations::{org_target, snapshot};
use crate::reach::authorize_org;
use tenantry_core::perms::ORG_DELETE;

/// Refuses to delete an organization that still has suborganizations, or whose people are
/// the last owners of another one.
async fn ensure_deletable(tx: &mut Tx, auth: &Authorized, org: &Organization) -> Result<()> {
    let children = organizations::live_children(tx, org.id).await?;
    if !children.is_empty() {
        return Err(AppError::Conflict(
            Code::OrganizationNotEmpty,
            format!(
                "{} has {} suborganization(s): delete them first",
                org.profile.name,
                children.len()
            ),
        ));
    }
    let held = tenantry_store::domains::count_held(tx, auth).await?;
    if held > 0 {
        return Err(AppError::Conflict(
            Code::OrganizationHasDomains,
            format!(
                "{} holds {held} domain(s): delete them or move them to another organization \
                 first",
                org.profile.name
            ),
        ));
    }
    if let Some((username, other)) = memberships::sole_ownerships_elsewhere(tx, auth)
        .await?
        .into_iter()
        .next()
    {
        return Err(AppError::Conflict(
            Code::LastOwner,
            format!(
                "{username}, at home in this organization, is the only owner of {other}: pass \
                 its ownership to someone else first"
            ),
        ));
    }
    Ok(())
}

fn refund_summary(refund: Option<&UnspentRefund>) -> Value {
    refund.map_or(Value::Null, |r| {
        json!({
            "currency": r.currency.as_str(),
            "total": r.total.to_string(),
            "transactions": r.movements.iter().map(|t| t.id.to_string()).collect::<Vec<_>>(),
        })
    })
}

impl App {
    /// Deletes `org` in `tx`, under `auth` (`organization:delete` on it), recorded as done
    /// by `actor`; answers what was refunded.
    pub(crate) async fn delete_organization_in(
        &self,
        tx: &mut Tx,
        auth: &Authorized,
        actor: &Actor,
        org: &Organization,
        now: OffsetDateTime,
    ) -> Result<Option<UnspentRefund>> {
        ensure_deletable(tx, auth, org).await?;
        let owners = memberships::owner_emails(tx, auth).await?;
        let refund = refund_unspent(tx, auth, org, now).await?;
        let zones = dns::delete_all_zones(tx, auth).await?;
        teams::delete_all(tx, auth).await?;
        memberships::delete_all(tx, auth).await?;
        invitations::revoke_all_open(tx, auth, now).await?;
        ownership_transfers::cancel_open(tx, auth, now).await?;
        users::mark_all_deleted(tx, auth, now).await?;
        credentials::revoke_all(tx, auth, now).await?;
        organizations::mark_deleted(tx, auth, now).await?;
        let lines: Vec<RefundLine> = refund
            .iter()
            .flat_map(|r| &r.movements)
            .map(|t| RefundLine {
                amount: t.amount.to_string(),
                payment_reference: t
                    .reference
                    .clone()
                    .unwrap_or_else(|| "(paid out by the operator)".into()),
            })
            .collect();
        let currency = refund.as_ref().map_or("", |r| r.currency.as_str());
        let total = refund
            .as_ref()
            .map(|r| r.total.to_string())
            .unwrap_or_default();
        for to in &owners {
            let message = deletion_receipt(to, &org.profile.name, currency, &lines, &total);
            mail::queue(tx, &self.secret_box, &message, now).await?;
        }
        record(
            tx,
            auth,
            actor,
            now,
            "organization.deleted",
            org_target(org.id),
            json!({
                "organization": diff(&snapshot(org), &Value::Null),
                "zones_removed": zones,
                "refund": refund_summary(refund.as_ref()),
            }),
        )
        .await?;
        Ok(refund)
    }
}

impl App {
    /// DomainGenius's deletion: an owner of the organization deletes it (an admin may not).
    pub async fn organization_delete_by_owner(
        &self,
        actor: &Actor,
        organization: tenantry_core::OrganizationId,
    ) -> Result<Option<UnspentRefund>> {
        let mut tx = self.db.begin().await?;
        let (org, auth) = authorize_org(&mut tx, actor, organization, ORG_DELETE).await?;
        if !is_owner(&actor.principal, &org.scope()) {
            return Err(AppError::Forbidden(
                Code::OwnerOnly,
                "Only an owner of the organization deletes it".into(),
            ));
        }
        let now = self.clock.now();
        let refund = self
            .delete_organization_in(&mut tx, &auth, actor, &org, now)
            .await?;
        tx.commit().await?;
        self.forget_authentications();
        self.quote_cache.invalidate();
        Ok(refund)
    }
}
