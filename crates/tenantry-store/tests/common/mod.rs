//! Helpers shared by the store's test files.

#![allow(dead_code)]

use tenantry_core::authz::operator_authorized;
use tenantry_core::{
    Authorized, OperatorId, OrgStatus, OrganizationId, Permission, Resource, Scope,
};
use tenantry_store::Db;
use tenantry_store::organizations::{self, Organization, OrganizationProfile};
use time::OffsetDateTime;

pub fn now() -> OffsetDateTime {
    let t = OffsetDateTime::now_utc();
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000).unwrap()
}

pub fn auth(org: OrganizationId) -> Authorized {
    operator_authorized(
        OperatorId::generate(),
        org,
        Permission::new(Resource::Organization, Scope::Manage),
    )
}

pub async fn new_org(
    db: &Db,
    parent: Option<OrganizationId>,
    name: &str,
    country: Option<&str>,
) -> Organization {
    let mut tx = db.begin().await.unwrap();
    let t = now();
    let org = Organization {
        id: OrganizationId::generate(),
        org_id: organizations::next_org_id(&mut tx).await.unwrap(),
        parent_id: parent,
        status: OrgStatus::Active,
        billing_mode: "consolidated".into(),
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
