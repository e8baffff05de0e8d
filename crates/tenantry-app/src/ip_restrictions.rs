//! IP restrictions (per organization): once an organization has any, its API keys and access
//! tokens work only from those networks. The parent manages a suborganization's rules through
//! the organization context, and is not itself bound by them.

use std::net::IpAddr;

use serde_json::{Value, json};
use tenantry_core::values::IpNetwork;
use tenantry_core::{OrganizationId, Permission};
use tenantry_store::ip_restrictions::{self, IpRestriction};
use tenantry_store::{StoreError, Tx, Unique};
use time::OffsetDateTime;

pub use tenantry_store::ip_restrictions::IpRestriction as IpRestrictionRecord;

use crate::actor::Actor;
use crate::app::App;
use crate::audit::{Target, diff, record};
use crate::error::{AppError, Code, NotFoundKind, Result};
use crate::reach::{acting_org, authorize_org};
use tenantry_core::perms::{ORG_MANAGE, ORG_READ};

/// A change to a rule: a new network and/or a `last_used_on` to store.
#[derive(Debug, Clone, Default)]
pub struct IpRestrictionUpdate {
    pub ip_network: Option<IpNetwork>,
    pub last_used_on: Option<Option<OffsetDateTime>>,
}

fn snapshot(rule: &IpRestriction) -> Value {
    json!({"ip_network": rule.ip_network.to_string()})
}

fn target(id: i64) -> Target {
    Target {
        kind: "ip_restriction",
        id: id.to_string(),
    }
}

/// Whether `networks` (an organization's whole rule set) let `address` in.
pub(crate) fn admits(networks: &[(i64, IpNetwork)], address: IpAddr) -> Option<Option<i64>> {
    if networks.is_empty() {
        return Some(None);
    }
    networks
        .iter()
        .find(|(_, net)| net.contains(address))
        .map(|(id, _)| Some(*id))
}

fn exists(network: IpNetwork) -> AppError {
    AppError::AlreadyExists(
        Code::IpRestrictionExists,
        format!("The organization already has an IP restriction for {network}"),
    )
}

/// Refuses a change after which the caller could no longer reach its own organization: a
/// rule set that is not empty and does not hold the caller's address.
async fn keep_caller_in(tx: &mut Tx, actor: &Actor, organization: OrganizationId) -> Result<()> {
    let Some(address) = actor.meta.client_ip else {
        return Ok(());
    };
    if organization != actor.organization_id() {
        return Ok(());
    }
    let networks: Vec<_> = ip_restrictions::rules_for_authentication(tx, organization)
        .await?
        .into_iter()
        .map(|r| (r.id, r.ip_network))
        .collect();
    if admits(&networks, address).is_some() {
        return Ok(());
    }
    Err(AppError::Conflict(
        Code::IpRestrictionLocksOutCaller,
        format!(
            "After this change your own address {address} would no longer be allowed; add a \
             rule for it first"
        ),
    ))
}

impl App {
    pub async fn ip_restriction_list(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
    ) -> Result<Vec<IpRestriction>> {
        let mut tx = self.db.read().await?;
        let (_, auth) = authorize_org(&mut tx, actor, acting_org(actor, context), ORG_READ).await?;
        Ok(ip_restrictions::list(&mut tx, &auth).await?)
    }

    /// A rule of the acting organization; another organization's rule is not found.
    async fn rule_in_reach(
        tx: &mut Tx,
        actor: &Actor,
        context: Option<OrganizationId>,
        id: i64,
        permission: Permission,
    ) -> Result<(IpRestriction, crate::authz::Authorized)> {
        let not_found = || AppError::not_found(NotFoundKind::IpRestriction, id);
        let (org, auth) = authorize_org(tx, actor, acting_org(actor, context), permission).await?;
        let rule = ip_restrictions::get(tx, id)
            .await?
            .filter(|rule| rule.organization_id == org.id)
            .ok_or_else(not_found)?;
        Ok((rule, auth))
    }

    pub async fn ip_restriction_get(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        id: i64,
    ) -> Result<IpRestriction> {
        let mut tx = self.db.read().await?;
        Ok(Self::rule_in_reach(&mut tx, actor, context, id, ORG_READ)
            .await?
            .0)
    }

    pub async fn ip_restriction_create(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        network: IpNetwork,
    ) -> Result<IpRestriction> {
        let mut tx = self.db.begin().await?;
        let (org, auth) =
            authorize_org(&mut tx, actor, acting_org(actor, context), ORG_MANAGE).await?;
        let now = self.clock.now();
        let rule = match ip_restrictions::insert(&mut tx, &auth, network, now).await {
            Err(StoreError::UniqueViolation(Unique::IpNetwork)) => return Err(exists(network)),
            other => other?,
        };
        keep_caller_in(&mut tx, actor, org.id).await?;
        let change = diff(&Value::Null, &snapshot(&rule));
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "ip_restriction.created",
            target(rule.id),
            change,
        )
        .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(rule)
    }

    pub async fn ip_restriction_update(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        id: i64,
        update: IpRestrictionUpdate,
    ) -> Result<IpRestriction> {
        let mut tx = self.db.begin().await?;
        let (before, auth) = Self::rule_in_reach(&mut tx, actor, context, id, ORG_MANAGE).await?;
        let after = IpRestriction {
            ip_network: update.ip_network.unwrap_or(before.ip_network),
            last_used_on: update.last_used_on.unwrap_or(before.last_used_on),
            ..before.clone()
        };
        match ip_restrictions::update(&mut tx, &auth, &after).await {
            Err(StoreError::UniqueViolation(Unique::IpNetwork)) => {
                return Err(exists(after.ip_network));
            }
            other => other?,
        }
        keep_caller_in(&mut tx, actor, before.organization_id).await?;
        if after.ip_network != before.ip_network {
            let now = self.clock.now();
            let change = diff(&snapshot(&before), &snapshot(&after));
            record(
                &mut tx,
                &auth,
                actor,
                now,
                "ip_restriction.updated",
                target(id),
                change,
            )
            .await?;
        }
        tx.commit().await?;
        self.forget_authentications();
        Ok(after)
    }

    pub async fn ip_restriction_delete(
        &self,
        actor: &Actor,
        context: Option<OrganizationId>,
        id: i64,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let (rule, auth) = Self::rule_in_reach(&mut tx, actor, context, id, ORG_MANAGE).await?;
        ip_restrictions::delete(&mut tx, &auth, id).await?;
        keep_caller_in(&mut tx, actor, rule.organization_id).await?;
        let now = self.clock.now();
        let change = diff(&snapshot(&rule), &Value::Null);
        record(
            &mut tx,
            &auth,
            actor,
            now,
            "ip_restriction.deleted",
            target(id),
            change,
        )
        .await?;
        tx.commit().await?;
        self.forget_authentications();
        Ok(())
    }
}
