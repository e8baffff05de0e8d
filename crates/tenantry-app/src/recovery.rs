//! Recovery from a lost bootstrap output, for whoever runs the server (the CLI: `tenantry
//! recover …`, with the data directory or database at hand, as bootstrap): a new platform
//! operator with fresh secrets, an admin credential for an organization, and the list of
//! organizations to find it by. Each secret is shown once, as bootstrap's are, and each new
//! credential is audited in its organization as made by the platform's first operator.

use serde_json::json;
use tenantry_core::perms::KEYS_MANAGE;
use tenantry_core::values::Username;
use tenantry_core::{ApiKeyId, OrganizationId};
use tenantry_store::organizations::{self, Organization};
use tenantry_store::{credentials, operators};

use crate::actor::RequestMeta;
use crate::app::App;
use crate::audit::{Target, record};
use crate::credentials::{CredentialCreate, new_credential};
use crate::error::{AppError, NotFoundKind, Result};
use crate::ns1::{IssuedOperator, OperatorCreate, issue_operator};
use crate::operators::OperatorActor;
use crate::person_organizations::{OrganizationRef, resolve};

/// An organization's new credential, its secrets shown this once.
#[derive(Debug, Clone)]
pub struct RecoveredCredential {
    pub organization_id: OrganizationId,
    pub credential_id: ApiKeyId,
    pub api_key: String,
    pub client_secret: String,
}

/// No operator: the platform was never bootstrapped (`tenantry bootstrap` comes first).
fn not_bootstrapped() -> AppError {
    AppError::not_found(
        NotFoundKind::Operator,
        "any (run `tenantry bootstrap` first)",
    )
}

impl App {
    /// A new platform operator named `username`, with a fresh key and TOTP seed (the old
    /// operator stays until it is removed with the new one's key: `DELETE /v1/ops/operators/…`).
    pub async fn recover_operator(&self, username: Username) -> Result<IssuedOperator> {
        let name = format!("{} (recovery)", username.as_str());
        let create = OperatorCreate {
            username,
            name,
            email: None,
            password: None,
        };
        let issued = issue_operator(create, self.clock.now())?;
        let mut tx = self.db.begin().await?;
        if operators::count(&mut tx).await? == 0 {
            return Err(not_bootstrapped());
        }
        let issued = self.store_operator(&mut tx, issued).await?;
        tx.commit().await?;
        tracing::warn!(operator = %issued.operator.id, "a recovery operator was made");
        Ok(issued)
    }

    /// A new admin credential of the organization `reference` (a TypeID or a slug), made by
    /// the platform's first operator.
    pub async fn recover_credential(
        &self,
        reference: &OrganizationRef,
        name: String,
    ) -> Result<RecoveredCredential> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let operator = operators::list(&mut tx)
            .await?
            .into_iter()
            .next()
            .ok_or_else(not_bootstrapped)?;
        let operator = OperatorActor::new(operator.id, RequestMeta::default());
        let id = resolve(&mut tx, reference).await?;
        let org = organizations::get(&mut tx, id)
            .await?
            .ok_or_else(|| AppError::not_found(NotFoundKind::Organization, id))?;
        let create = CredentialCreate {
            name: Some(name),
            ..Default::default()
        };
        let issued = new_credential(org.id, None, create, now);
        let keys = crate::authz::operator_proof(&operator, org.id, KEYS_MANAGE);
        credentials::insert(&mut tx, &keys, &issued.credential).await?;
        record(
            &mut tx,
            &keys,
            &operator.in_org(&org),
            now,
            "api_key.created",
            Target {
                kind: "api_key",
                id: issued.credential.id.to_string(),
            },
            json!({"reason": "recovery"}),
        )
        .await?;
        tx.commit().await?;
        tracing::warn!(organization = %org.id, "a recovery credential was issued");
        Ok(RecoveredCredential {
            organization_id: org.id,
            credential_id: issued.credential.id,
            api_key: issued.api_key,
            client_secret: issued.client_secret,
        })
    }

    /// Every live organization, top-level and suborganizations, to find one by.
    pub async fn recover_organizations(&self) -> Result<Vec<Organization>> {
        let mut tx = self.db.read().await?;
        Ok(organizations::list_all_live(&mut tx).await?)
    }
}
