//! First start of a platform: the operator, the first top-level organization, its owner and
//! an admin credential, in one transaction. Refused once an operator exists.

use serde_json::Value;
use tenantry_core::perms::{KEYS_MANAGE, ORG_MANAGE, USERS_MANAGE};
use tenantry_core::values::{Currency, Email, Username};
use tenantry_core::{BuiltinRole, OperatorId, OrgStatus, OrganizationId};
use tenantry_store::Tx;
use tenantry_store::billing::accounts;
use tenantry_store::operators;
use tenantry_store::organizations::{self, Organization, OrganizationProfile};
use tenantry_store::{credentials, users};
use time::OffsetDateTime;

use crate::actor::{Actor, RequestMeta};
use crate::app::App;
use crate::audit::{Target, diff, record};
use crate::credentials::{CredentialCreate, new_credential};
use crate::error::{AppError, Code, Result};
use crate::ns1::{OperatorCreate, issue_operator};
use crate::operators::OperatorActor;
use crate::users::{UserCreate, build_user};

#[derive(Debug, Clone)]
pub struct BootstrapRequest {
    pub organization_name: String,
    pub username: Username,
    pub email: Email,
}

/// Everything bootstrap made, with the secrets shown this once.
#[derive(Debug, Clone)]
pub struct Bootstrapped {
    pub organization_id: OrganizationId,
    pub org_id: i64,
    pub user_id: tenantry_core::UserId,
    pub api_key: String,
    pub client_id: OrganizationId,
    pub client_secret: String,
    pub operator_id: OperatorId,
    pub operator_api_key: String,
    /// Base32, for any TOTP app (RFC 6238, SHA-1, 6 digits, 30 s).
    pub operator_totp_secret: String,
}

/// A new top-level organization with its owner and an admin credential.
#[derive(Debug, Clone)]
pub struct Tenant {
    pub organization_id: OrganizationId,
    pub org_id: i64,
    pub user_id: tenantry_core::UserId,
    pub api_key: String,
    pub client_secret: String,
}

impl App {
    pub async fn bootstrap(&self, request: BootstrapRequest) -> Result<Bootstrapped> {
        let now = self.clock.now();
        // `tenantry bootstrap` names its operator "operator"; NS1's bootstrap names its own.
        let operator = OperatorCreate {
            username: Username::parse("operator").expect("a valid username"),
            name: "operator".into(),
            email: None,
            password: None,
        };
        let issued = issue_operator(operator, now)?;
        let mut tx = self.db.begin().await?;
        if operators::count_locked(&mut tx).await? > 0 {
            return Err(AppError::Conflict(
                Code::AlreadyBootstrapped,
                "This platform is already bootstrapped".into(),
            ));
        }
        let issued = self.store_operator(&mut tx, issued).await?;
        let operator = &issued.operator;
        let tenant = tenant_create(&mut tx, operator.id, request, now).await?;
        tx.commit().await?;
        Ok(Bootstrapped {
            organization_id: tenant.organization_id,
            org_id: tenant.org_id,
            user_id: tenant.user_id,
            api_key: tenant.api_key,
            client_id: tenant.organization_id,
            client_secret: tenant.client_secret,
            operator_id: operator.id,
            operator_api_key: issued.key,
            operator_totp_secret: issued.totp_secret,
        })
    }

    /// Creates another top-level organization (a new tenant) on behalf of an operator.
    pub async fn tenant_create(
        &self,
        operator: OperatorId,
        request: BootstrapRequest,
    ) -> Result<Tenant> {
        let mut tx = self.db.begin().await?;
        let tenant = tenant_create(&mut tx, operator, request, self.clock.now()).await?;
        tx.commit().await?;
        Ok(tenant)
    }
}

/// A new top-level organization (a tenant, however it is made): active, paying for itself,
/// billed in euros unless it asks otherwise, with its slug.
pub(crate) async fn new_top_level(
    tx: &mut Tx,
    name: String,
    slug: tenantry_core::values::Slug,
    now: OffsetDateTime,
) -> Result<Organization> {
    Ok(Organization {
        id: OrganizationId::generate(),
        org_id: organizations::next_org_id(tx).await?,
        parent_id: None,
        status: OrgStatus::Active,
        billing_mode: "consolidated".into(),
        slug: slug.into_inner(),
        profile: OrganizationProfile {
            name,
            currency: Some(Currency::Eur.as_str().into()),
            ..Default::default()
        },
        created_on: now,
        updated_on: now,
        deleted_on: None,
    })
}

/// A new top-level organization (a tenant) with its billing account, made by an operator, and
/// the operator as the actor of what follows in it.
pub(crate) async fn top_level_create(
    tx: &mut Tx,
    operator: &OperatorActor,
    name: String,
    now: OffsetDateTime,
) -> Result<(Organization, Actor)> {
    let slug = crate::slugs::slug_for_name(tx, &name).await?;
    let org = new_top_level(tx, name, slug, now).await?;
    let auth = crate::authz::operator_proof(operator, org.id, ORG_MANAGE);
    let actor = operator.in_org(&org);
    organizations::insert(tx, &auth, &org).await?;
    accounts::insert(tx, &auth, Currency::Eur, now).await?;
    record(
        tx,
        &auth,
        &actor,
        now,
        "organization.created",
        Target {
            kind: "organization",
            id: org.id.to_string(),
        },
        diff(&Value::Null, &crate::organizations::snapshot(&org)),
    )
    .await?;

    Ok((org, actor))
}

async fn tenant_create(
    tx: &mut Tx,
    operator: OperatorId,
    request: BootstrapRequest,
    now: OffsetDateTime,
) -> Result<Tenant> {
    let operator = OperatorActor::new(operator, RequestMeta::default());
    let (org, actor) = top_level_create(tx, &operator, request.organization_name, now).await?;
    let owner = build_user(
        UserCreate {
            username: request.username,
            email: Some(request.email),
            first_name: None,
            last_name: None,
            locale: None,
            phone: None,
            password: None,
            attributes: Default::default(),
            role: None,
        },
        &org,
        BuiltinRole::Owner.label(),
        now,
    )?;
    let people = crate::authz::operator_proof(&operator, org.id, USERS_MANAGE);
    users::insert(tx, &people, &owner).await?;
    record(
        tx,
        &people,
        &actor,
        now,
        "user.created",
        Target {
            kind: "user",
            id: owner.id.to_string(),
        },
        diff(&Value::Null, &crate::users::snapshot(&owner)),
    )
    .await?;

    let create = CredentialCreate {
        name: Some("bootstrap".into()),
        ..Default::default()
    };
    let issued = new_credential(org.id, Some(owner.id), create, now);
    let keys = crate::authz::operator_proof(&operator, org.id, KEYS_MANAGE);
    credentials::insert(tx, &keys, &issued.credential).await?;
    record(
        tx,
        &keys,
        &actor,
        now,
        "api_key.created",
        Target {
            kind: "api_key",
            id: issued.credential.id.to_string(),
        },
        Value::Object(Default::default()),
    )
    .await?;
    Ok(Tenant {
        organization_id: org.id,
        org_id: org.org_id,
        user_id: owner.id,
        api_key: issued.api_key,
        client_secret: issued.client_secret,
    })
}
