//! Helpers shared by the store's test files.

#![allow(dead_code)]

use tenantry_core::{OrgStatus, OrganizationId, Permission, Proof, Resource, Scope};
use tenantry_store::Db;
use tenantry_store::organizations::{self, Organization, OrganizationProfile};
use time::OffsetDateTime;

pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000).unwrap()
}

/// The store's tests exercise storage, not the policy: they hand the store functions a proof
/// of their own for the organization under test (the application's `Authorized` cannot be made
/// outside its authorization module). `auth` proves every action there; `auth_for` only one.
pub struct TestProof {
    organization: OrganizationId,
    only: Option<Permission>,
}

impl Proof for TestProof {
    fn organization_id(&self) -> OrganizationId {
        self.organization
    }

    fn permission(&self) -> Permission {
        self.only
            .unwrap_or(Permission::new(Resource::Organization, Scope::Manage))
    }

    fn covers(&self, organization_id: OrganizationId, permission: Permission) -> bool {
        match self.only {
            None => organization_id == self.organization,
            Some(proven) => tenantry_core::authz::proof_covers(
                (self.organization, proven),
                (organization_id, permission),
            ),
        }
    }
}

pub fn auth(org: OrganizationId) -> TestProof {
    TestProof {
        organization: org,
        only: None,
    }
}

/// A proof of `permission` alone in `org`, as the application makes them.
pub fn auth_for(org: OrganizationId, permission: Permission) -> TestProof {
    TestProof {
        organization: org,
        only: Some(permission),
    }
}

pub async fn new_org(
    db: &Db,
    parent: Option<OrganizationId>,
    name: &str,
    country: Option<&str>,
) -> Organization {
    let mut tx = db.begin().await.unwrap();
    let t = now();
    let id = OrganizationId::generate();
    let org = Organization {
        id,
        org_id: organizations::next_org_id(&mut tx).await.unwrap(),
        parent_id: parent,
        status: OrgStatus::Active,
        billing_mode: "consolidated".into(),
        // Unique whatever the names the tests choose.
        slug: format!("org-{}", id.uuid().simple()),
        profile: OrganizationProfile {
            name: name.into(),
            country_code: country.map(Into::into),
            ..Default::default()
        },
        created_on: t,
        updated_on: t,
        deleted_on: None,
    };
    organizations::insert(&mut tx, &auth(parent.unwrap_or(org.id)), &org)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    org
}

/// A viewer of `org`, not yet stored.
pub fn user(org: OrganizationId, username: &str, email: &str) -> tenantry_store::users::User {
    let t = now();
    tenantry_store::users::User {
        id: tenantry_core::UserId::generate(),
        organization_id: org,
        username: username.into(),
        email: Some(email.into()),
        first_name: None,
        last_name: None,
        locale: None,
        phone: None,
        role: "viewer".into(),
        password_hash: None,
        attributes: serde_json::Map::new(),
        created_on: t,
        updated_on: t,
        deactivated_on: None,
        email_verified_on: None,
    }
}
