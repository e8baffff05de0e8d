//! Every family of store functions refuses a proof made for another organization or for
//! another action, in every build (the check used to be a `debug_assert`), on SQLite and
//! PostgreSQL.

use serde_json::json;
use tenantry_core::{ApiKeyId, AuditEventId, OrgStatus, OrganizationId, ZoneId};
use tenantry_store::audit::{self, AuditEvent};
use tenantry_store::credentials::{self, Credential};
use tenantry_store::dns::{self, Zone};
use tenantry_store::organizations::{self, Organization, OrganizationProfile};
use tenantry_store::users::{self};
use tenantry_store::{StoreError, memberships};
use time::OffsetDateTime;

mod common;
use common::{auth, auth_for, new_org, now};

/// The audit event of `user`'s creation in `org`.
fn user_created(org: OrganizationId, user: &users::User, at: OffsetDateTime) -> AuditEvent {
    AuditEvent {
        id: AuditEventId::generate(),
        organization_id: Some(org),
        actor_kind: "api_key".into(),
        actor_id: "api_key_x".into(),
        action: "user.created".into(),
        target_kind: "user".into(),
        target_id: user.id.to_string(),
        changes: json!({}),
        request_id: None,
        client_ip: None,
        created_on: at,
    }
}

fn zone(org: OrganizationId, name: &str, at: OffsetDateTime) -> Zone {
    Zone {
        id: ZoneId::generate(),
        organization_id: org,
        name: name.into(),
        dnssec_status: "disabled".into(),
        serial: 1,
        timers: Default::default(),
        created_on: at,
        updated_on: at,
    }
}

fn refused<T: std::fmt::Debug>(result: Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::ProofMismatch(_)))
}

#[tokio::test]
async fn a_proof_for_another_organization_writes_nothing() {
    for t in tenantry_testkit::engines().await {
        let mine = new_org(&t.db, None, "Mine", None).await;
        let theirs = new_org(&t.db, None, "Theirs", None).await;
        let elsewhere = new_org(&t.db, None, "Elsewhere", None).await;
        let wrong = auth(theirs.id);
        let at = now();
        let mut tx = t.db.begin().await.unwrap();

        let user = common::user(mine.id, "jane", "jane@example.com");
        assert!(
            refused(users::insert(&mut tx, &wrong, &user).await),
            "users"
        );

        let credential = Credential {
            id: ApiKeyId::generate(),
            organization_id: mine.id,
            created_by: None,
            name: None,
            description: None,
            role: "admin".into(),
            key_digest: vec![1],
            client_secret_digest: vec![2],
            expires_at: None,
            last_used_on: None,
            created_on: at,
            revoked_on: None,
            rotated_from: None,
        };
        assert!(
            refused(credentials::insert(&mut tx, &wrong, &credential).await),
            "credentials"
        );

        let zone = zone(mine.id, "mine.example.", at);
        assert!(
            refused(dns::insert_zone(&mut tx, &wrong, &zone).await),
            "dns"
        );
        assert!(
            refused(dns::update_zone(&mut tx, &wrong, &zone, zone.serial).await),
            "dns"
        );

        let child = Organization {
            id: OrganizationId::generate(),
            org_id: organizations::next_org_id(&mut tx).await.unwrap(),
            parent_id: Some(mine.id),
            status: OrgStatus::Active,
            billing_mode: "consolidated".into(),
            slug: "child".into(),
            profile: OrganizationProfile {
                name: "Child".into(),
                ..Default::default()
            },
            created_on: at,
            updated_on: at,
            deleted_on: None,
        };
        assert!(
            refused(organizations::insert(&mut tx, &wrong, &child).await),
            "organizations"
        );

        let event = user_created(mine.id, &user, at);
        assert!(
            refused(audit::append(&mut tx, &wrong, &event).await),
            "audit"
        );

        // Nothing of the refused writes exists.
        assert!(users::get(&mut tx, user.id).await.unwrap().is_none());
        assert!(
            credentials::get(&mut tx, credential.id)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            dns::zone_by_name(&mut tx, &zone.name)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            organizations::get(&mut tx, child.id)
                .await
                .unwrap()
                .is_none()
        );

        // Memberships are keyed by the proof's organization: another proof sees none.
        users::insert(&mut tx, &auth(mine.id), &user).await.unwrap();
        memberships::put(&mut tx, &auth(theirs.id), user.id, "viewer", at)
            .await
            .unwrap();
        let other = auth(elsewhere.id);
        assert_eq!(
            memberships::role_in(&mut tx, &other, user.id)
                .await
                .unwrap(),
            None
        );
        assert!(!memberships::delete(&mut tx, &other, user.id).await.unwrap());
        assert_eq!(
            memberships::role_in(&mut tx, &wrong, user.id)
                .await
                .unwrap()
                .as_deref(),
            Some("viewer")
        );
    }
}

#[tokio::test]
async fn a_proof_for_another_action_is_refused() {
    use tenantry_core::perms::{
        AUDIT_READ, DNS_MANAGE, DNS_READ, KEYS_READ, ORG_READ, TEAMS_READ, USERS_READ,
    };
    use tenantry_store::billing::transactions::{TransactionFilter, TransactionOwner};
    use tenantry_store::{
        PageRequest, SortOrder, attributes, ip_restrictions, roles, teams, users::UserFilter,
    };

    for t in tenantry_testkit::engines().await {
        let mine = new_org(&t.db, None, "Mine", None).await;
        let at = now();
        let mut tx = t.db.begin().await.unwrap();
        // A read proof of the right organization writes nothing …
        let users_read = auth_for(mine.id, USERS_READ);
        let user = common::user(mine.id, "jane", "jane@example.com");
        assert!(
            refused(users::insert(&mut tx, &users_read, &user).await),
            "users"
        );
        assert!(
            refused(memberships::put(&mut tx, &users_read, user.id, "viewer", at).await),
            "memberships"
        );
        let keys_read = auth_for(mine.id, KEYS_READ);
        assert!(
            refused(credentials::revoke_all(&mut tx, &keys_read, at).await),
            "credentials"
        );
        let contacts_read = auth_for(mine.id, tenantry_core::perms::CONTACTS_READ);
        assert!(
            refused(
                tenantry_store::contacts::delete(
                    &mut tx,
                    &contacts_read,
                    tenantry_core::ContactId::generate()
                )
                .await
            ),
            "contacts"
        );
        let dns_read = auth_for(mine.id, DNS_READ);
        let zone = zone(mine.id, "mine.example.", at);
        assert!(
            refused(dns::insert_zone(&mut tx, &dns_read, &zone).await),
            "dns"
        );
        let org_read = auth_for(mine.id, ORG_READ);
        assert!(
            refused(organizations::mark_deleted(&mut tx, &org_read, at).await),
            "organizations"
        );
        assert!(
            refused(attributes::upsert(&mut tx, &org_read, "k", &json!(1), false, false, at).await),
            "attributes"
        );
        assert!(
            refused(ip_restrictions::delete(&mut tx, &org_read, 1).await),
            "ip restrictions"
        );
        assert!(
            refused(roles::delete(&mut tx, &org_read, "x").await),
            "roles"
        );
        let teams_read = auth_for(mine.id, TEAMS_READ);
        assert!(
            refused(teams::delete_all(&mut tx, &teams_read).await),
            "teams"
        );
        let event = user_created(mine.id, &user, at);
        assert!(
            refused(audit::append(&mut tx, &users_read, &event).await),
            "audit"
        );
        // … a write proof of one resource neither writes another …
        let dns_manage = auth_for(mine.id, DNS_MANAGE);
        assert!(
            refused(users::insert(&mut tx, &dns_manage, &user).await),
            "users"
        );
        assert!(
            refused(
                organizations::update_status(&mut tx, &dns_manage, OrgStatus::Inactive, at).await
            ),
            "organizations"
        );
        // … nor reads it.
        let page = PageRequest {
            page: 1,
            page_size: 10,
        };
        let filter = UserFilter {
            search: None,
            sort: users::UserSort::CreatedOn,
            order: SortOrder::Asc,
        };
        assert!(
            refused(users::list(&mut tx, &dns_manage, &filter, page).await),
            "users"
        );
        assert!(
            refused(credentials::list(&mut tx, &dns_manage, None, at, page).await),
            "credentials"
        );
        assert!(refused(roles::list(&mut tx, &dns_manage).await), "roles");
        assert!(
            refused(
                tenantry_store::contacts::list(
                    &mut tx,
                    &dns_manage,
                    &tenantry_store::contacts::ContactFilter::every(
                        Default::default(),
                        SortOrder::Asc
                    ),
                    page
                )
                .await
            ),
            "contacts"
        );
        assert!(
            refused(attributes::list(&mut tx, &dns_manage).await),
            "attributes"
        );
        assert!(
            refused(ip_restrictions::list(&mut tx, &dns_manage).await),
            "ip restrictions"
        );
        assert!(
            refused(
                audit::list(
                    &mut tx,
                    &dns_manage,
                    false,
                    &Default::default(),
                    SortOrder::Desc,
                    page
                )
                .await
            ),
            "audit"
        );
        assert!(
            refused(
                tenantry_store::billing::transactions::list(
                    &mut tx,
                    &dns_manage,
                    TransactionOwner::Account(mine.id),
                    &TransactionFilter::default(),
                    page
                )
                .await
            ),
            "billing"
        );
        // A read proof reads what it names, and a write proof reads what it writes.
        let filter = dns::ZoneFilter::every(dns::ZoneSort::default(), SortOrder::Asc);
        assert!(
            dns::list_zones(&mut tx, &dns_read, &filter, page)
                .await
                .is_ok()
        );
        assert!(
            dns::list_zones(&mut tx, &dns_manage, &filter, page)
                .await
                .is_ok()
        );
        assert!(
            audit::list(
                &mut tx,
                &auth_for(mine.id, AUDIT_READ),
                false,
                &Default::default(),
                SortOrder::Desc,
                page
            )
            .await
            .is_ok()
        );
        assert!(
            refused(dns::list_zones(&mut tx, &users_read, &filter, page).await),
            "dns"
        );
    }
}

#[tokio::test]
async fn deleting_an_organization_needs_its_delete_proof() {
    use tenantry_core::perms::{ORG_DELETE, ORG_MANAGE, ORG_READ, USERS_MANAGE};
    use tenantry_store::billing::transactions;
    use tenantry_store::{invitations, ownership_transfers};

    for t in tenantry_testkit::engines().await {
        let mine = new_org(&t.db, None, "Mine", None).await;
        let at = now();
        let mut tx = t.db.begin().await.unwrap();
        // These act on the proof's own organization: only the action can be wrong.
        for wrong in [auth_for(mine.id, ORG_MANAGE), auth_for(mine.id, ORG_READ)] {
            assert!(
                refused(memberships::delete_all(&mut tx, &wrong).await),
                "memberships"
            );
            assert!(
                refused(memberships::sole_ownerships_elsewhere(&mut tx, &wrong).await),
                "sole ownerships"
            );
            assert!(
                refused(invitations::revoke_all_open(&mut tx, &wrong, at).await),
                "invitations"
            );
            assert!(
                refused(transactions::top_ups_newest_first(&mut tx, &wrong).await),
                "top-ups"
            );
        }
        // Offers of ownership: withdrawn with `organization:manage` (or by the deletion),
        // read with `organization:read`.
        let users_manage = auth_for(mine.id, USERS_MANAGE);
        assert!(
            refused(ownership_transfers::cancel_open(&mut tx, &users_manage, at).await),
            "offers"
        );
        assert!(
            refused(ownership_transfers::open(&mut tx, &users_manage).await),
            "offers"
        );
        let delete = auth_for(mine.id, ORG_DELETE);
        assert!(memberships::delete_all(&mut tx, &delete).await.is_ok());
        assert!(memberships::owner_emails(&mut tx, &delete).await.is_ok());
        assert!(
            invitations::revoke_all_open(&mut tx, &delete, at)
                .await
                .is_ok()
        );
        assert!(
            transactions::top_ups_newest_first(&mut tx, &delete)
                .await
                .is_ok()
        );
        assert!(
            ownership_transfers::cancel_open(&mut tx, &delete, at)
                .await
                .is_ok()
        );
        assert!(
            ownership_transfers::open(&mut tx, &auth_for(mine.id, ORG_READ))
                .await
                .is_ok()
        );
    }
}

#[tokio::test]
async fn domains_and_holds_need_their_own_proofs() {
    use tenantry_core::billing::Minor;
    use tenantry_core::perms::{CONTACTS_READ, DNS_MANAGE, DOMAINS_MANAGE, DOMAINS_READ};
    use tenantry_core::{BillingHoldId, ContactId, DomainId};
    use tenantry_store::billing::holds::{self, Hold, HoldState};
    use tenantry_store::domains::{self, Domain, DomainFilter, DomainSort, DomainState};
    use tenantry_store::{PageRequest, SortOrder};

    for t in tenantry_testkit::engines().await {
        let mine = new_org(&t.db, None, "Mine", None).await;
        let theirs = new_org(&t.db, None, "Theirs", None).await;
        let at = now();
        let domain = Domain {
            id: DomainId::generate(),
            organization_id: mine.id,
            name: "proof.test".into(),
            sld: "proof".into(),
            tld: "test".into(),
            roid: None,
            state: DomainState::Active,
            renewal_mode: "renew".into(),
            client_statuses: vec![],
            registry_statuses: vec![],
            nameservers: json!([]),
            is_premium: false,
            period_years: 1,
            create_zone: false,
            pending_operation: None,
            auth_code_sealed: None,
            registered_on: Some(at),
            expires_on: Some(at),
            deleted_on: None,
            purge_on: None,
            created_on: at,
            updated_on: at,
            contacts: vec![],
        };
        let mut tx = t.db.begin().await.unwrap();
        let read = auth_for(mine.id, DOMAINS_READ);
        let dns = auth_for(mine.id, DNS_MANAGE);
        assert!(
            refused(domains::insert(&mut tx, &read, &domain).await),
            "insert"
        );
        assert!(
            refused(domains::insert(&mut tx, &dns, &domain).await),
            "insert"
        );
        let manage = auth_for(mine.id, DOMAINS_MANAGE);
        domains::insert(&mut tx, &manage, &domain).await.unwrap();
        assert!(
            refused(domains::update(&mut tx, &read, &domain).await),
            "update"
        );
        let page = PageRequest {
            page: 1,
            page_size: 10,
        };
        let every = DomainFilter::every(DomainSort::Name, SortOrder::Asc);
        assert!(
            refused(domains::list(&mut tx, &dns, &every, page).await),
            "list"
        );
        assert_eq!(
            domains::list(&mut tx, &read, &every, page)
                .await
                .unwrap()
                .total_items,
            1
        );
        assert!(
            domains::get(&mut tx, &read, domain.id)
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            refused(
                domains::contact_in_use(
                    &mut tx,
                    &auth_for(mine.id, CONTACTS_READ),
                    ContactId::generate()
                )
                .await
            ),
            "contacts"
        );
        let hold = Hold {
            id: BillingHoldId::generate(),
            account_id: mine.id,
            organization_id: mine.id,
            amount: Minor(100),
            subject: domain.id.to_string(),
            purpose: "{}".into(),
            state: HoldState::Held,
            created_on: at,
            settled_on: None,
        };
        assert!(refused(holds::insert(&mut tx, &read, &hold).await), "holds");
        holds::insert(&mut tx, &manage, &hold).await.unwrap();
        assert_eq!(
            holds::open_total(&mut tx, &manage, mine.id).await.unwrap(),
            Minor(100)
        );
        // Another organization's proof neither reads the holds nor, by naming itself in the
        // hold it hands in, settles one.
        let their_manage = auth_for(theirs.id, DOMAINS_MANAGE);
        assert!(
            refused(holds::open_total(&mut tx, &their_manage, mine.id).await),
            "another's holds"
        );
        let forged = Hold {
            organization_id: theirs.id,
            account_id: theirs.id,
            ..hold.clone()
        };
        assert!(
            !holds::settle(&mut tx, &their_manage, &forged, HoldState::Captured, at)
                .await
                .unwrap(),
            "another's hold"
        );
        assert_eq!(
            holds::open_total(&mut tx, &manage, mine.id).await.unwrap(),
            Minor(100)
        );
        assert!(
            refused(
                tenantry_store::billing::accounts::lock(&mut tx, &their_manage, mine.id, at).await
            ),
            "another's account"
        );
        assert!(
            holds::settle(&mut tx, &manage, &hold, HoldState::Released, at)
                .await
                .unwrap()
        );
        assert!(
            !holds::settle(&mut tx, &manage, &hold, HoldState::Captured, at)
                .await
                .unwrap(),
            "settled once"
        );
    }
}
