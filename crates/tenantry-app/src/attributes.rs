//! Organization attributes: upserted by key; `private` ones are hidden from the
//! suborganization's own users, `protected` ones cannot be changed through the API.

use serde_json::{Value, json};
use tenantry_core::OrganizationId;
use tenantry_store::attributes::{self, Attribute};
use tenantry_store::organizations::Organization;

pub use tenantry_store::attributes::Attribute as AttributeRecord;

use crate::actor::Actor;
use crate::app::App;
use crate::audit::{Target, record};
use crate::error::{AppError, Code, Result};
use crate::reach::authorize_org;
use tenantry_core::perms::{ORG_MANAGE, ORG_READ};

#[derive(Debug, Clone, PartialEq)]
pub struct AttributeInput {
    pub key: String,
    pub value: Value,
    pub private: bool,
    pub protected: bool,
}

/// Whether the actor is a user of a suborganization looking at its own organization, and so
/// must not see what the parent marked private.
fn is_suborg_insider(actor: &Actor, org: &Organization) -> bool {
    org.parent_id.is_some() && actor.organization_id() == org.id
}

/// The attributes this actor may see.
pub(crate) fn visible(actor: &Actor, org: &Organization, all: Vec<Attribute>) -> Vec<Attribute> {
    let hide_private = is_suborg_insider(actor, org);
    all.into_iter()
        .filter(|a| !(hide_private && a.private))
        .collect()
}

impl App {
    pub async fn attribute_list(
        &self,
        actor: &Actor,
        organization_id: Option<OrganizationId>,
        keys: &[String],
    ) -> Result<Vec<Attribute>> {
        let mut tx = self.db.read().await?;
        let id = organization_id.unwrap_or(actor.organization_id());
        let (org, auth) = authorize_org(&mut tx, actor, id, ORG_READ).await?;
        let all = visible(actor, &org, attributes::list(&mut tx, &auth).await?);
        Ok(all
            .into_iter()
            .filter(|a| keys.is_empty() || keys.contains(&a.key))
            .collect())
    }

    /// Creates or updates each attribute by key, all or nothing.
    pub async fn attribute_update(
        &self,
        actor: &Actor,
        organization_id: Option<OrganizationId>,
        inputs: Vec<AttributeInput>,
    ) -> Result<Vec<Attribute>> {
        let mut tx = self.db.begin().await?;
        let id = organization_id.unwrap_or(actor.organization_id());
        let (org, auth) = authorize_org(&mut tx, actor, id, ORG_MANAGE).await?;
        let existing = attributes::list(&mut tx, &auth).await?;
        let insider = is_suborg_insider(actor, &org);
        let now = self.clock.now();
        for input in &inputs {
            let current = existing.iter().find(|a| a.key == input.key);
            // A private attribute is invisible to the suborganization, so to it the key is
            // as unchangeable as a protected one.
            if current.is_some_and(|a| a.protected || (insider && a.private)) {
                return Err(AppError::Conflict(
                    Code::AttributeProtected,
                    format!(
                        "Attribute {:?} is protected and cannot be changed through the API",
                        input.key
                    ),
                ));
            }
            if insider && (input.private || input.protected) {
                return Err(AppError::Forbidden(
                    Code::PermissionDenied,
                    "Only the parent organization can set private or protected attributes".into(),
                ));
            }
            attributes::upsert(
                &mut tx,
                &auth,
                &input.key,
                &input.value,
                input.private,
                input.protected,
                now,
            )
            .await?;
            let shown = |value: &Value, private: bool| {
                if private {
                    json!("[private]")
                } else {
                    value.clone()
                }
            };
            // The suborganization reads its own trail: a private value is never written there.
            let changes = json!({ input.key.clone(): {
                "before": current.map(|a| shown(&a.value, a.private)),
                "after": shown(&input.value, input.private),
            }});
            record(
                &mut tx,
                &auth,
                actor,
                now,
                "organization.attribute_updated",
                Target {
                    kind: "organization",
                    id: org.id.to_string(),
                },
                changes,
            )
            .await?;
        }
        let keys: Vec<&str> = inputs.iter().map(|i| i.key.as_str()).collect();
        let updated = attributes::list(&mut tx, &auth).await?;
        tx.commit().await?;
        Ok(updated
            .into_iter()
            .filter(|a| keys.contains(&a.key.as_str()))
            .collect())
    }
}
