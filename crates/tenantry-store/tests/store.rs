//! Storage behaviour, each scenario on SQLite and PostgreSQL.

use std::str::FromStr as _;

use serde_json::json;
use tenantry_core::values::IpNetwork;
use tenantry_core::{ApiKeyId, AuditEventId, OrganizationId, UserId};
use tenantry_store::audit::{self, AuditEvent, AuditFilter};
use tenantry_store::credentials::{self, Credential, CredentialStatus};
use tenantry_store::ip_restrictions::{self, IpRestriction};
use tenantry_store::organizations::{self, Organization, OrganizationFilter, OrganizationSort};
use tenantry_store::users::{self, User, UserFilter, UserSort};
use tenantry_store::{Db, DbOptions, PageRequest, SortOrder, StoreError, attributes};
use time::Duration;

mod common;
use common::{auth, new_org, now, user};

async fn insert_user(db: &Db, user: &User) -> Result<(), StoreError> {
    let mut tx = db.begin().await.unwrap();
    users::insert(&mut tx, &auth(user.organization_id), user).await?;
    tx.commit().await
}

#[test]
fn migrations_have_the_same_file_names_on_both_engines() {
    let names = |engine: &str| {
        let dir = format!("{}/../../migrations/{engine}", env!("CARGO_MANIFEST_DIR"));
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    assert!(!names("sqlite").is_empty());
    assert_eq!(names("sqlite"), names("postgres"));
}

#[tokio::test]
async fn org_ids_start_at_2000_and_records_round_trip() {
    for t in tenantry_testkit::engines().await {
        let first = new_org(&t.db, None, "First", Some("DE")).await;
        let second = new_org(&t.db, Some(first.id), "Second", None).await;
        assert_eq!(
            (first.org_id, second.org_id),
            (2000, 2001),
            "{:?}",
            t.engine()
        );
        let mut tx = t.db.read().await.unwrap();
        let read = organizations::get(&mut tx, second.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read, second, "{:?}", t.engine());
    }
}

/// Zones made before their names were kept reversed get them from the migration that adds
/// the column (SQLite reverses them in SQL, PostgreSQL with `reverse`).
#[tokio::test]
async fn zones_made_before_reversed_names_existed_get_theirs() {
    use sqlx::{ConnectOptions as _, Connection as _};
    let dir = tempfile::tempdir().unwrap();
    let mut databases = vec![(
        "sqlite",
        format!("sqlite://{}", dir.path().join("old.db").display()),
    )];
    databases.extend(
        tenantry_testkit::empty_postgres()
            .await
            .map(|url| ("postgres", url)),
    );
    for (engine, url) in databases {
        // The migrations before the column, from a copy of the directory.
        let all = format!("{}/../../migrations/{engine}", env!("CARGO_MANIFEST_DIR"));
        let earlier = dir.path().join(format!("{engine}-earlier"));
        std::fs::create_dir(&earlier).unwrap();
        for entry in std::fs::read_dir(&all).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            if name.as_str() < "0023" {
                std::fs::copy(&path, earlier.join(name)).unwrap();
            }
        }
        let migrator = sqlx::migrate::Migrator::new(earlier.as_path())
            .await
            .unwrap();
        // A zone as the code before the column stored it; its organization does not matter
        // here, so the foreign key is not enforced while it is written.
        let insert = "INSERT INTO dns_zones (id, organization_id, name, dnssec_status, serial, \
            created_on, updated_on) VALUES ($1, $2, 'old.example.', 'disabled', 1, $3, $3)";
        let (zone, org, at) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), now());
        if engine == "sqlite" {
            let options = sqlx::sqlite::SqliteConnectOptions::from_str(&url)
                .unwrap()
                .create_if_missing(true)
                .foreign_keys(false);
            let mut conn = options.connect().await.unwrap();
            migrator.run(&mut conn).await.unwrap();
            let written = sqlx::query(insert).bind(zone).bind(org).bind(at);
            written.execute(&mut conn).await.unwrap();
        } else {
            let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
            migrator.run(&mut conn).await.unwrap();
            sqlx::query("SET session_replication_role = replica")
                .execute(&mut conn)
                .await
                .unwrap();
            let written = sqlx::query(insert).bind(zone).bind(org).bind(at);
            written.execute(&mut conn).await.unwrap();
        }
        let db = Db::connect(&url, &DbOptions::default()).await.unwrap();
        db.migrate().await.unwrap();
        db.close().await;
        let read = "SELECT reversed_name FROM dns_zones WHERE name = 'old.example.'";
        let reversed: String = if engine == "sqlite" {
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            sqlx::query_scalar(read).fetch_one(&mut conn).await.unwrap()
        } else {
            let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
            sqlx::query_scalar(read).fetch_one(&mut conn).await.unwrap()
        };
        assert_eq!(reversed, ".elpmaxe.dlo", "{engine}");
    }
}

#[tokio::test]
async fn usernames_and_emails_are_unique_ignoring_case_among_live_users() {
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Org", None).await;
        let alice = user(org.id, "Alice", "alice@example.com");
        insert_user(&t.db, &alice).await.unwrap();
        let same_name = insert_user(&t.db, &user(org.id, "aLICE", "other@example.com")).await;
        assert!(
            matches!(same_name, Err(StoreError::UniqueViolation(_))),
            "{:?}",
            t.engine()
        );
        let same_email = insert_user(&t.db, &user(org.id, "bob", "ALICE@example.com")).await;
        assert!(
            matches!(same_email, Err(StoreError::UniqueViolation(_))),
            "{:?}",
            t.engine()
        );

        let mut tx = t.db.begin().await.unwrap();
        users::mark_deleted(&mut tx, &auth(org.id), alice.id, now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        insert_user(&t.db, &user(org.id, "alice", "alice@example.com"))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn users_list_with_search_sort_and_pages() {
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Org", None).await;
        for name in ["carol", "alice", "bob", "dave_x", "davexy"] {
            insert_user(&t.db, &user(org.id, name, &format!("{name}@example.com")))
                .await
                .unwrap();
        }
        let mut tx = t.db.read().await.unwrap();
        let filter = UserFilter {
            search: None,
            sort: UserSort::Username,
            order: SortOrder::Asc,
        };
        let page = users::list(
            &mut tx,
            &auth(org.id),
            &filter,
            PageRequest {
                page: 2,
                page_size: 2,
            },
        )
        .await
        .unwrap();
        let names: Vec<_> = page.items.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(
            (names, page.total_items),
            (vec!["carol", "dave_x"], 5),
            "{:?}",
            t.engine()
        );
        // `_` in a search is a literal, not a LIKE wildcard.
        let filter = UserFilter {
            search: Some("E_X".into()),
            sort: UserSort::Email,
            order: SortOrder::Desc,
        };
        let page = users::list(
            &mut tx,
            &auth(org.id),
            &filter,
            PageRequest {
                page: 1,
                page_size: 10,
            },
        )
        .await
        .unwrap();
        let names: Vec<_> = page.items.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(names, vec!["dave_x"], "{:?}", t.engine());
    }
}

#[tokio::test]
async fn every_page_has_its_rows_whichever_end_it_is_read_from() {
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Org", None).await;
        let mut names: Vec<String> = (0..7).map(|i| format!("user{i}")).collect();
        for name in &names {
            insert_user(&t.db, &user(org.id, name, &format!("{name}@example.com")))
                .await
                .unwrap();
        }
        let mut tx = t.db.read().await.unwrap();
        for order in [SortOrder::Asc, SortOrder::Desc] {
            if order == SortOrder::Desc {
                names.reverse();
            }
            let filter = UserFilter {
                search: None,
                sort: UserSort::Username,
                order,
            };
            let mut read = Vec::new();
            for page in 1..=4 {
                let request = PageRequest { page, page_size: 3 };
                let found = users::list(&mut tx, &auth(org.id), &filter, request)
                    .await
                    .unwrap();
                assert_eq!(found.total_items, 7, "{:?}", t.engine());
                read.extend(found.items.into_iter().map(|u| u.username));
            }
            assert_eq!(read, names, "{order:?} on {:?}", t.engine());
        }
    }
}

/// The first page is one statement that also counts (`list::first_page_of`): its total is
/// every row the filters match, not the rows it holds, and nothing matched is an empty page
/// with a total of 0.
#[tokio::test]
async fn the_first_page_counts_every_matching_row() {
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Org", None).await;
        for name in ["ann1", "ann2", "ann3", "ann4", "ann5", "bob1", "bob2"] {
            insert_user(&t.db, &user(org.id, name, &format!("{name}@example.com")))
                .await
                .unwrap();
        }
        let mut tx = t.db.read().await.unwrap();
        let mut first_page = async |search: &str, page_size| {
            let filter = UserFilter {
                search: Some(search.into()),
                sort: UserSort::Username,
                order: SortOrder::Desc,
            };
            let request = PageRequest { page: 1, page_size };
            let page = users::list(&mut tx, &auth(org.id), &filter, request)
                .await
                .unwrap();
            let names: Vec<_> = page.items.into_iter().map(|u| u.username).collect();
            (names, page.total_items)
        };
        let engine = t.engine();
        assert_eq!(
            first_page("ann", 2).await,
            (vec!["ann5".into(), "ann4".into()], 5),
            "{engine:?}"
        );
        assert_eq!(
            first_page("bob", 10).await,
            (vec!["bob2".into(), "bob1".into()], 2),
            "{engine:?}"
        );
        assert_eq!(first_page("nobody", 10).await, (vec![], 0), "{engine:?}");
    }
}

#[tokio::test]
async fn suborganizations_list_by_search_country_and_sort() {
    for t in tenantry_testkit::engines().await {
        let parent = new_org(&t.db, None, "Parent", None).await;
        new_org(&t.db, Some(parent.id), "Customer B", Some("FR")).await;
        new_org(&t.db, Some(parent.id), "Customer A", Some("DE")).await;
        new_org(&t.db, Some(parent.id), "Internal 100%", Some("DE")).await;
        let mut tx = t.db.read().await.unwrap();
        let list = |search: Option<&str>, country: Option<&str>| OrganizationFilter {
            search: search.map(Into::into),
            country_code: country.map(Into::into),
            sort: OrganizationSort::Name,
            order: SortOrder::Asc,
        };
        let page = PageRequest {
            page: 1,
            page_size: 10,
        };
        let names = |p: tenantry_store::Page<Organization>| {
            p.items
                .into_iter()
                .map(|o| o.profile.name)
                .collect::<Vec<_>>()
        };
        let all =
            organizations::list_children(&mut tx, parent.id, &list(Some("customer"), None), page)
                .await
                .unwrap();
        assert_eq!(names(all), ["Customer A", "Customer B"], "{:?}", t.engine());
        let de = organizations::list_children(&mut tx, parent.id, &list(None, Some("DE")), page)
            .await
            .unwrap();
        assert_eq!(
            names(de),
            ["Customer A", "Internal 100%"],
            "{:?}",
            t.engine()
        );
        let percent =
            organizations::list_children(&mut tx, parent.id, &list(Some("0%"), None), page)
                .await
                .unwrap();
        assert_eq!(names(percent), ["Internal 100%"], "{:?}", t.engine());
    }
}

/// The organizations a person's grants reach, read at once: each live granted organization
/// and its live children, by `org_id`, each once; a deleted child and unrelated ones left out.
#[tokio::test]
async fn granted_organizations_come_with_their_live_children_in_one_read() {
    for t in tenantry_testkit::engines().await {
        let reseller = new_org(&t.db, None, "Reseller", None).await;
        let first = new_org(&t.db, Some(reseller.id), "First", None).await;
        let gone = new_org(&t.db, Some(reseller.id), "Gone", None).await;
        let other = new_org(&t.db, None, "Other reseller", None).await;
        let joined = new_org(&t.db, Some(other.id), "Joined", None).await;
        new_org(&t.db, Some(other.id), "Not joined", None).await;
        let grandchild = new_org(&t.db, Some(joined.id), "Below joined", None).await;
        let mut tx = t.db.begin().await.unwrap();
        organizations::mark_deleted(&mut tx, &auth(gone.id), now())
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = t.db.read().await.unwrap();
        let found = organizations::live_with_children(
            &mut tx,
            &[joined.id, reseller.id, first.id, OrganizationId::generate()],
        )
        .await
        .unwrap();
        let ids: Vec<OrganizationId> = found.iter().map(|o| o.id).collect();
        assert_eq!(
            ids,
            [reseller.id, first.id, joined.id, grandchild.id],
            "{:?}",
            t.engine()
        );
    }
}

/// What a transaction asks to run after its commit runs once it has committed, and never when
/// it is dropped (rolled back): counters of what was written count only what stays.
#[tokio::test]
async fn after_commit_runs_only_for_a_committed_transaction() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    for t in tenantry_testkit::engines().await {
        let ran = Arc::new(AtomicUsize::new(0));
        let count = |ran: &Arc<AtomicUsize>| {
            let ran = ran.clone();
            move || {
                ran.fetch_add(1, Ordering::SeqCst);
            }
        };
        let mut dropped = t.db.begin().await.unwrap();
        dropped.after_commit(count(&ran));
        drop(dropped);
        assert_eq!(ran.load(Ordering::SeqCst), 0, "{:?}", t.engine());
        let mut committed = t.db.begin().await.unwrap();
        committed.after_commit(count(&ran));
        assert_eq!(ran.load(Ordering::SeqCst), 0, "not before the commit");
        committed.commit().await.unwrap();
        assert_eq!(ran.load(Ordering::SeqCst), 1, "{:?}", t.engine());
    }
}

#[tokio::test]
async fn credential_status_filters_follow_revocation_and_expiry() {
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Org", None).await;
        let t0 = now();
        let make = |expires_at| Credential {
            id: ApiKeyId::generate(),
            organization_id: org.id,
            created_by: None,
            name: Some("k".into()),
            description: None,
            role: "admin".into(),
            key_digest: vec![1; 32],
            client_secret_digest: vec![2; 32],
            expires_at,
            last_used_on: None,
            created_on: t0,
            revoked_on: None,
            rotated_from: None,
        };
        let (active, expired, revoked) = (
            make(Some(t0 + Duration::days(1))),
            make(Some(t0 - Duration::seconds(1))),
            make(None),
        );
        let mut tx = t.db.begin().await.unwrap();
        for c in [&active, &expired, &revoked] {
            credentials::insert(&mut tx, &auth(org.id), c)
                .await
                .unwrap();
        }
        credentials::revoke(&mut tx, &auth(org.id), revoked.id, t0)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        credentials::touch_last_used(&t.db, active.id, t0)
            .await
            .unwrap();

        let mut tx = t.db.read().await.unwrap();
        let page = PageRequest {
            page: 1,
            page_size: 10,
        };
        for (status, expected) in [
            (CredentialStatus::Active, active.id),
            (CredentialStatus::Expired, expired.id),
            (CredentialStatus::Revoked, revoked.id),
        ] {
            let found = credentials::list(&mut tx, &auth(org.id), Some(status), t0, page)
                .await
                .unwrap();
            let ids: Vec<_> = found.items.iter().map(|c| c.id).collect();
            assert_eq!(ids, vec![expected], "{status:?} on {:?}", t.engine());
        }
        let read = credentials::get(&mut tx, active.id).await.unwrap().unwrap();
        assert_eq!(read.last_used_on, Some(t0), "{:?}", t.engine());
        drop(tx);

        // Rotation: the successor names its predecessor, once; the old one gets an end.
        let successor = Credential {
            rotated_from: Some(active.id),
            ..make(None)
        };
        let mut tx = t.db.begin().await.unwrap();
        credentials::insert(&mut tx, &auth(org.id), &successor)
            .await
            .unwrap();
        credentials::set_expiry(&mut tx, &auth(org.id), active.id, t0)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut tx = t.db.begin().await.unwrap();
        let twice = credentials::insert(
            &mut tx,
            &auth(org.id),
            &Credential {
                rotated_from: Some(active.id),
                ..make(None)
            },
        )
        .await;
        assert!(
            matches!(twice, Err(StoreError::UniqueViolation(_))),
            "{:?}",
            t.engine()
        );
        drop(tx);
        let mut tx = t.db.read().await.unwrap();
        assert_eq!(
            credentials::successor(&mut tx, active.id).await.unwrap(),
            Some(successor.id)
        );
        let old = credentials::get(&mut tx, active.id).await.unwrap().unwrap();
        assert_eq!(old.expires_at, Some(t0), "{:?}", t.engine());
        let new = credentials::get(&mut tx, successor.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(new, successor, "{:?}", t.engine());
    }
}

#[tokio::test]
async fn ip_restrictions_are_unique_per_organization_network() {
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Org", None).await;
        let other = new_org(&t.db, None, "Other", None).await;
        let net = |s: &str| s.parse::<IpNetwork>().unwrap();
        let t0 = now();
        let mut tx = t.db.begin().await.unwrap();
        let first = ip_restrictions::insert(&mut tx, &auth(org.id), net("10.0.0.0/8"), t0)
            .await
            .unwrap();
        let second = ip_restrictions::insert(&mut tx, &auth(org.id), net("2001:db8::/32"), t0)
            .await
            .unwrap();
        // The same network in another organization is a different rule.
        ip_restrictions::insert(&mut tx, &auth(other.id), net("10.0.0.0/8"), t0)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(second.id > first.id, "{:?}", t.engine());

        let mut tx = t.db.begin().await.unwrap();
        let again = ip_restrictions::insert(&mut tx, &auth(org.id), net("10.0.0.0/8"), t0).await;
        assert!(matches!(again, Err(StoreError::UniqueViolation(_))));
        drop(tx);

        ip_restrictions::touch_last_used(&t.db, first.id, t0)
            .await
            .unwrap();
        // Bookkeeping only moves forward.
        ip_restrictions::touch_last_used(&t.db, first.id, t0 - Duration::minutes(5))
            .await
            .unwrap();
        let mut tx = t.db.begin().await.unwrap();
        let moved = IpRestriction {
            ip_network: net("192.0.2.0/24"),
            ..second.clone()
        };
        ip_restrictions::update(&mut tx, &auth(org.id), &moved)
            .await
            .unwrap();
        ip_restrictions::delete(&mut tx, &auth(org.id), first.id)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = t.db.read().await.unwrap();
        let left = ip_restrictions::list(&mut tx, &auth(org.id)).await.unwrap();
        assert_eq!(left, vec![moved], "{:?}", t.engine());
        assert!(
            ip_restrictions::get(&mut tx, first.id)
                .await
                .unwrap()
                .is_none()
        );
        let others = ip_restrictions::list(&mut tx, &auth(other.id))
            .await
            .unwrap();
        assert_eq!(others.len(), 1);
        drop(tx);

        let mut tx = t.db.begin().await.unwrap();
        let kept = IpRestriction {
            id: others[0].id,
            last_used_on: Some(t0),
            ..others[0].clone()
        };
        ip_restrictions::update(&mut tx, &auth(other.id), &kept)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut tx = t.db.read().await.unwrap();
        let read = ip_restrictions::get(&mut tx, kept.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read.last_used_on, Some(t0), "{:?}", t.engine());
    }
}

#[tokio::test]
async fn attributes_upsert_by_key() {
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Org", None).await;
        let mut tx = t.db.begin().await.unwrap();
        attributes::upsert(
            &mut tx,
            &auth(org.id),
            "crm",
            &json!("A-1"),
            false,
            false,
            now(),
        )
        .await
        .unwrap();
        attributes::upsert(
            &mut tx,
            &auth(org.id),
            "crm",
            &json!({"id": 2}),
            true,
            true,
            now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let mut tx = t.db.read().await.unwrap();
        let all = attributes::list(&mut tx, &auth(org.id)).await.unwrap();
        assert_eq!(all.len(), 1, "{:?}", t.engine());
        assert_eq!(
            (&all[0].value, all[0].private, all[0].protected),
            (&json!({"id": 2}), true, true)
        );
    }
}

#[tokio::test]
async fn audit_lists_cover_suborganizations_only_when_asked() {
    for t in tenantry_testkit::engines().await {
        let parent = new_org(&t.db, None, "Parent", None).await;
        let child = new_org(&t.db, Some(parent.id), "Child", None).await;
        let mut tx = t.db.begin().await.unwrap();
        for org in [parent.id, child.id] {
            let event = AuditEvent {
                id: AuditEventId::generate(),
                organization_id: Some(org),
                actor_kind: "api_key".into(),
                actor_id: "api_key_x".into(),
                action: "user.created".into(),
                target_kind: "user".into(),
                target_id: "user_x".into(),
                changes: json!({"username": {"before": null, "after": "x"}}),
                request_id: Some("r".into()),
                client_ip: None,
                created_on: now(),
            };
            audit::append(&mut tx, &auth(org), &event).await.unwrap();
        }
        tx.commit().await.unwrap();
        let mut tx = t.db.read().await.unwrap();
        let page = PageRequest {
            page: 1,
            page_size: 10,
        };
        let filter = AuditFilter::default();
        let with = audit::list(
            &mut tx,
            &auth(parent.id),
            true,
            &filter,
            SortOrder::Desc,
            page,
        )
        .await
        .unwrap();
        let without = audit::list(
            &mut tx,
            &auth(parent.id),
            false,
            &filter,
            SortOrder::Desc,
            page,
        )
        .await
        .unwrap();
        let of_child = audit::list(
            &mut tx,
            &auth(child.id),
            true,
            &filter,
            SortOrder::Desc,
            page,
        )
        .await
        .unwrap();
        assert_eq!(
            (with.total_items, without.total_items, of_child.total_items),
            (2, 1, 1),
            "{:?}",
            t.engine()
        );
    }
}

/// A reseller with more suborganizations than one statement binds (500) still reads its
/// trail with theirs, newest first: the suborganizations are then a subquery.
#[tokio::test]
async fn the_audit_list_of_a_reseller_with_many_suborganizations_covers_them_all() {
    for t in tenantry_testkit::engines().await {
        let parent = new_org(&t.db, None, "Reseller", None).await;
        let mut children = Vec::new();
        for i in 0..501 {
            children.push(new_org(&t.db, Some(parent.id), &format!("Customer {i}"), None).await);
        }
        let mut tx = t.db.begin().await.unwrap();
        for (i, org) in [parent.id, children[0].id, children[500].id]
            .into_iter()
            .enumerate()
        {
            let event = AuditEvent {
                id: AuditEventId::generate(),
                organization_id: Some(org),
                actor_kind: "api_key".into(),
                actor_id: "api_key_x".into(),
                action: "user.created".into(),
                target_kind: "user".into(),
                target_id: format!("user_{i}"),
                changes: json!({}),
                request_id: None,
                client_ip: None,
                created_on: now() + Duration::seconds(i as i64),
            };
            audit::append(&mut tx, &auth(org), &event).await.unwrap();
        }
        tx.commit().await.unwrap();
        let mut tx = t.db.read().await.unwrap();
        let page = PageRequest {
            page: 1,
            page_size: 10,
        };
        let trail = audit::list(
            &mut tx,
            &auth(parent.id),
            true,
            &AuditFilter::default(),
            SortOrder::Desc,
            page,
        )
        .await
        .unwrap();
        let targets: Vec<&str> = trail.items.iter().map(|e| e.target_id.as_str()).collect();
        assert_eq!(targets, ["user_2", "user_1", "user_0"], "{:?}", t.engine());
        assert_eq!(trail.total_items, 3);
    }
}

/// Overlapping use cases (whose commits SQLite groups into one) each commit or roll back on
/// their own, and a committed one is readable by anyone as soon as its commit returns.
#[tokio::test]
async fn overlapping_writes_commit_or_roll_back_each_on_their_own() {
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Org", None).await;
        insert_user(&t.db, &user(org.id, "taken", "taken@example.com"))
            .await
            .unwrap();
        let tasks: Vec<_> = (0..120)
            .map(|i| {
                let db = t.db.clone();
                tokio::spawn(async move {
                    let name = format!("user-{i}");
                    let new = user(org.id, &name, &format!("{name}@example.com"));
                    let mut tx = db.begin().await.unwrap();
                    users::insert(&mut tx, &auth(org.id), &new).await.unwrap();
                    match i % 3 {
                        // Abandoned after writing: nothing of it may remain.
                        0 => drop(tx),
                        // A statement fails after a successful one; the use case gives up.
                        1 => {
                            let clash = user(org.id, "TAKEN", &format!("{name}@clash.example"));
                            let refused = users::insert(&mut tx, &auth(org.id), &clash).await;
                            assert!(matches!(refused, Err(StoreError::UniqueViolation(_))));
                        }
                        _ => {
                            tx.commit().await.unwrap();
                            let mut read = db.read().await.unwrap();
                            let seen = users::get(&mut read, new.id).await.unwrap();
                            assert!(seen.is_some(), "committed but not visible");
                        }
                    }
                    (i, new.id)
                })
            })
            .collect();
        let mut written = Vec::new();
        for task in tasks {
            written.push(task.await.unwrap());
        }
        let mut tx = t.db.read().await.unwrap();
        for (i, id) in written {
            let kept = users::get(&mut tx, id).await.unwrap().is_some();
            assert_eq!(kept, i % 3 == 2, "user-{i} on {:?}", t.engine());
        }
        let all = users::list_all(&mut tx, org.id).await.unwrap();
        assert_eq!(all.len(), 1 + 40, "{:?}", t.engine());
    }
}

/// A use case dropped half-way leaves the writer ready for the next one at once.
#[tokio::test]
async fn a_write_dropped_half_way_leaves_the_database_writable() {
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Org", None).await;
        for round in 0..20 {
            let name = format!("dropped-{round}");
            let mut tx = t.db.begin().await.unwrap();
            users::insert(
                &mut tx,
                &auth(org.id),
                &user(org.id, &name, &format!("{name}@example.com")),
            )
            .await
            .unwrap();
            drop(tx);
            let name = format!("kept-{round}");
            insert_user(&t.db, &user(org.id, &name, &format!("{name}@example.com")))
                .await
                .unwrap();
        }
        let mut tx = t.db.read().await.unwrap();
        let all = users::list_all(&mut tx, org.id).await.unwrap();
        assert_eq!(all.len(), 20, "{:?}", t.engine());
        assert!(all.iter().all(|u| u.username.starts_with("kept-")));
    }
}

#[tokio::test]
async fn a_zones_own_soa_timers_are_stored_changed_and_bounded() {
    use tenantry_core::ZoneId;
    use tenantry_core::dns::SoaTimers;
    use tenantry_store::dns::{self, Zone};
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Org", None).await;
        let mut zone = Zone {
            id: ZoneId::generate(),
            organization_id: org.id,
            name: "timers.example.".into(),
            dnssec_status: "disabled".into(),
            serial: 2026120601,
            timers: SoaTimers {
                refresh: Some(7200),
                negative_ttl: Some(60),
                ..SoaTimers::default()
            },
            created_on: now(),
            updated_on: now(),
        };
        let mut tx = t.db.begin().await.unwrap();
        dns::insert_zone(&mut tx, &auth(org.id), &zone)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let read = |db: tenantry_store::Db| async move {
            let mut tx = db.read().await.unwrap();
            dns::zone_by_name(&mut tx, "timers.example.")
                .await
                .unwrap()
                .unwrap()
        };
        assert_eq!(read(t.db.clone()).await, zone, "{:?}", t.engine());
        zone.timers = SoaTimers {
            retry: Some(900),
            expire: Some(tenantry_core::dns::MAX_TIMER),
            ..zone.timers
        };
        zone.serial += 1;
        let mut tx = t.db.begin().await.unwrap();
        assert!(
            dns::update_zone(&mut tx, &auth(org.id), &zone, zone.serial - 1)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        assert_eq!(read(t.db.clone()).await, zone, "{:?}", t.engine());
        // The columns refuse what no client may ask for.
        let mut tx = t.db.begin().await.unwrap();
        let below = Zone {
            id: ZoneId::generate(),
            name: "zero.example.".into(),
            timers: SoaTimers {
                retry: Some(0),
                ..SoaTimers::default()
            },
            ..zone.clone()
        };
        assert!(
            dns::insert_zone(&mut tx, &auth(org.id), &below)
                .await
                .is_err()
        );
    }
}

#[tokio::test]
async fn zones_are_unique_and_their_rrsets_read_back_in_order() {
    use tenantry_core::ZoneId;
    use tenantry_store::dns::{self, Rrset, Zone, ZoneFilter, ZoneSort};
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Org", None).await;
        let other = new_org(&t.db, None, "Other", None).await;
        let zone = |org: OrganizationId, name: &str| Zone {
            id: ZoneId::generate(),
            organization_id: org,
            name: name.into(),
            dnssec_status: "disabled".into(),
            serial: 2026112301,
            timers: Default::default(),
            created_on: now(),
            updated_on: now(),
        };
        let rrset = |name: &str, rtype: &str, records: &[&str]| Rrset {
            name: name.into(),
            rtype: rtype.into(),
            ttl: 300,
            records: records.iter().map(|r| r.to_string()).collect(),
        };
        let a = zone(org.id, "a.example.");
        let b = zone(org.id, "b.example.");
        let mut tx = t.db.begin().await.unwrap();
        dns::insert_zone(&mut tx, &auth(org.id), &a).await.unwrap();
        dns::insert_zone(&mut tx, &auth(org.id), &b).await.unwrap();
        for r in [
            rrset(
                "www.a.example.",
                "TXT",
                &["\"tab\tless \\\"quoted\\\"\"", "\"two\""],
            ),
            rrset("a.example.", "NS", &["ns1.localhost."]),
            rrset("a.example.", "A", &["192.0.2.1"]),
        ] {
            dns::upsert_rrset(&mut tx, &auth(org.id), &a, &r)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        // A zone name is the platform's, whichever organization asks.
        let mut tx = t.db.begin().await.unwrap();
        let taken = dns::insert_zone(&mut tx, &auth(other.id), &zone(other.id, "a.example.")).await;
        assert!(
            matches!(taken, Err(StoreError::UniqueViolation(_))),
            "{:?}",
            t.engine()
        );
        drop(tx);

        let mut tx = t.db.begin().await.unwrap();
        dns::upsert_rrset(
            &mut tx,
            &auth(org.id),
            &a,
            &rrset("a.example.", "A", &["192.0.2.9"]),
        )
        .await
        .unwrap();
        assert!(
            dns::delete_rrset(&mut tx, &auth(org.id), &a, "a.example.", "NS")
                .await
                .unwrap()
        );
        assert!(
            !dns::delete_rrset(&mut tx, &auth(org.id), &a, "a.example.", "NS")
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();

        let mut tx = t.db.read().await.unwrap();
        let read = dns::rrsets(&mut tx, a.id).await.unwrap();
        assert_eq!(
            read,
            vec![
                rrset("a.example.", "A", &["192.0.2.9"]),
                rrset(
                    "www.a.example.",
                    "TXT",
                    &["\"tab\tless \\\"quoted\\\"\"", "\"two\""]
                ),
            ],
            "{:?}",
            t.engine()
        );
        assert_eq!(dns::rrsets(&mut tx, b.id).await.unwrap(), vec![]);
        let at = dns::rrsets_at(&mut tx, a.id, "www.a.example.")
            .await
            .unwrap();
        assert_eq!(at.len(), 1);
        let many = dns::rrsets_of_zones(&mut tx, &[a.id, b.id]).await.unwrap();
        assert_eq!(many.len(), 2);

        let filter = ZoneFilter {
            search: Some("B.EX".into()),
            suffix: Some("example".into()),
            dnssec_status: Some("disabled".into()),
            ..ZoneFilter::every(ZoneSort::Name, SortOrder::Asc)
        };
        let page = PageRequest {
            page: 1,
            page_size: 10,
        };
        let found = dns::list_zones(&mut tx, &auth(org.id), &filter, page)
            .await
            .unwrap();
        let names: Vec<_> = found.items.iter().map(|z| z.name.as_str()).collect();
        assert_eq!(names, ["b.example."], "{:?}", t.engine());
        let counts = dns::count_by_dnssec(&mut tx, &auth(org.id), None)
            .await
            .unwrap();
        assert_eq!(counts, vec![("disabled".to_owned(), 2)]);
        drop(tx);

        let mut tx = t.db.begin().await.unwrap();
        dns::delete_zone(&mut tx, &auth(org.id), &a).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = t.db.read().await.unwrap();
        assert!(
            dns::zone_by_name(&mut tx, "a.example.")
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(dns::rrsets(&mut tx, a.id).await.unwrap(), vec![]);
    }
}

/// A request can be dropped at any await (its client hung up). However its use case is cut
/// short, every other use case still gets its answer, and every one answered is stored.
#[tokio::test]
async fn writes_dropped_at_any_point_leave_the_others_whole() {
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Org", None).await;
        let tasks: Vec<_> = (0..300u64)
            .map(|i| {
                let db = t.db.clone();
                tokio::spawn(async move {
                    let name = format!("user-{i}");
                    let new = user(org.id, &name, &format!("{name}@example.com"));
                    let id = new.id;
                    let work = async move {
                        let mut tx = db.begin().await?;
                        users::insert(&mut tx, &auth(org.id), &new).await?;
                        tx.commit().await
                    };
                    if i % 2 == 0 {
                        let cut = std::time::Duration::from_micros(i * 37 % 3000);
                        let _ = tokio::time::timeout(cut, work).await;
                        None
                    } else {
                        work.await.unwrap_or_else(|e| panic!("user-{i}: {e}"));
                        Some(id)
                    }
                })
            })
            .collect();
        let mut answered = Vec::new();
        for task in tasks {
            answered.extend(task.await.unwrap());
        }
        // The writer is still usable, and everything answered is there.
        insert_user(&t.db, &user(org.id, "after", "after@example.com"))
            .await
            .unwrap();
        let mut tx = t.db.read().await.unwrap();
        for id in answered {
            assert!(
                users::get(&mut tx, id).await.unwrap().is_some(),
                "{id} on {:?}",
                t.engine()
            );
        }
    }
}

/// A write whose BEGIN is cancelled in flight (its request dropped) leaves no transaction
/// open on the PostgreSQL connection it had, which the pool hands to the next use case.
/// (SQLite's writer rolls back a dropped use case's savepoint itself: see
/// `writes_dropped_at_any_point_leave_the_others_whole`.)
#[tokio::test]
async fn a_write_cancelled_during_its_begin_leaves_no_transaction_open() {
    use sqlx::Connection as _;
    use std::task::Poll;
    let Some(t) = tenantry_testkit::postgres().await else {
        return;
    };
    // One connection, so every attempt and the checks below reuse the one a cancelled BEGIN had.
    let options = DbOptions {
        max_connections: 1,
        ..Default::default()
    };
    let db = Db::connect(&t.url, &options).await.unwrap();
    let mut watcher = sqlx::PgConnection::connect(&t.url).await.unwrap();
    let left_open = "SELECT COUNT(*) FROM pg_stat_activity \
        WHERE datname = current_database() AND state LIKE 'idle in transaction%'";
    for attempt in 0..64 {
        // Polled a few times (the connection taken, the BEGIN sent, its answer awaited), then
        // dropped at the end of the block: each attempt stops at another point of the way.
        {
            let mut begin = std::pin::pin!(db.begin());
            for _ in 0..attempt % 16 {
                let pending =
                    std::future::poll_fn(|cx| Poll::Ready(begin.as_mut().poll(cx).is_pending()));
                if !pending.await {
                    break;
                }
                tokio::task::yield_now().await;
            }
        }
        // The next use case gets the same connection, once the cancelled one let it go.
        let mut read = db.read().await.unwrap();
        drop(users::get(&mut read, UserId::generate()).await.unwrap());
        drop(read);
        let open: i64 = sqlx::query_scalar(left_open)
            .fetch_one(&mut watcher)
            .await
            .unwrap();
        assert_eq!(open, 0, "attempt {attempt} left a transaction open");
        let tx = db.begin().await.unwrap();
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn the_sqlite_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let t = tenantry_testkit::sqlite().await;
    // A write, so the WAL and shared-memory files exist too.
    new_org(&t.db, None, "Private", None).await;
    let path = t.url.trim_start_matches("sqlite://");
    let mut checked = 0;
    for suffix in ["", "-wal", "-shm"] {
        let file = format!("{path}{suffix}");
        let Ok(meta) = std::fs::metadata(&file) else {
            continue;
        };
        assert_eq!(meta.permissions().mode() & 0o777, 0o600, "{file}");
        checked += 1;
    }
    assert!(checked >= 2, "the database and its WAL were found");
}

#[tokio::test]
async fn contacts_are_stored_listed_by_filter_and_deleted() {
    use tenantry_core::ContactId;
    use tenantry_store::contacts::{self, Contact, ContactDetails, ContactFilter, ContactSort};
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Org", None).await;
        let other = new_org(&t.db, None, "Other", None).await;
        let contact = |org: OrganizationId, first_name: &str, country: &str| Contact {
            id: ContactId::generate(),
            organization_id: org,
            details: ContactDetails {
                first_name: first_name.into(),
                last_name: "Example".into(),
                email: format!("{}@example.com", first_name.to_lowercase()),
                phone: "+1.2125552368".into(),
                fax: None,
                street: "1 Main Street".into(),
                city: "Springfield".into(),
                state: Some("NY".into()),
                postal_code: "10005".into(),
                country: country.into(),
                org: None,
                title: Some("Dr".into()),
                disclose: true,
            },
            created_on: now(),
        };
        let ada = contact(org.id, "Ada", "GB");
        let bob = contact(org.id, "Bob", "US");
        let theirs = contact(other.id, "Cy", "US");
        let mut tx = t.db.begin().await.unwrap();
        for c in [&ada, &bob] {
            contacts::insert(&mut tx, &auth(org.id), c).await.unwrap();
        }
        contacts::insert(&mut tx, &auth(other.id), &theirs)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = t.db.read().await.unwrap();
        assert_eq!(
            contacts::get(&mut tx, ada.id).await.unwrap(),
            Some(ada.clone()),
            "{:?}",
            t.engine()
        );
        let page = PageRequest {
            page: 1,
            page_size: 10,
        };
        let us = ContactFilter {
            country: Some("US".into()),
            ..ContactFilter::every(ContactSort::FirstName, SortOrder::Asc)
        };
        let found = contacts::list(&mut tx, &auth(org.id), &us, page)
            .await
            .unwrap();
        assert_eq!(found.items, vec![bob.clone()]);
        let search = ContactFilter {
            search: Some("ADA@".into()),
            ..ContactFilter::every(ContactSort::Email, SortOrder::Desc)
        };
        let found = contacts::list(&mut tx, &auth(org.id), &search, page)
            .await
            .unwrap();
        assert_eq!(found.items, vec![ada.clone()]);
        drop(tx);

        // A delete under another organization's proof deletes nothing of this one.
        let mut tx = t.db.begin().await.unwrap();
        contacts::delete(&mut tx, &auth(other.id), ada.id)
            .await
            .unwrap();
        contacts::delete(&mut tx, &auth(org.id), bob.id)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut tx = t.db.read().await.unwrap();
        assert!(contacts::get(&mut tx, ada.id).await.unwrap().is_some());
        assert!(contacts::get(&mut tx, bob.id).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn a_slug_belongs_to_one_live_organization() {
    use tenantry_store::organizations;
    use tenantry_store::{StoreError, Unique};
    for t in tenantry_testkit::engines().await {
        let first = new_org(&t.db, None, "First", None).await;
        let second = new_org(&t.db, None, "Second", None).await;
        let mut tx = t.db.begin().await.unwrap();
        organizations::update_slug(&mut tx, &auth(first.id), "acme", now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut tx = t.db.begin().await.unwrap();
        let taken = organizations::update_slug(&mut tx, &auth(second.id), "acme", now()).await;
        assert!(
            matches!(
                taken,
                Err(StoreError::UniqueViolation(Unique::OrganizationSlug))
            ),
            "{taken:?} on {:?}",
            t.engine()
        );
        drop(tx);
        let mut tx = t.db.begin().await.unwrap();
        assert!(organizations::slug_taken(&mut tx, "acme").await.unwrap());
        assert_eq!(
            organizations::get_by_slug(&mut tx, "acme")
                .await
                .unwrap()
                .map(|o| o.id),
            Some(first.id)
        );
        let mut numbered = organizations::slugs_numbered(&mut tx, "acme")
            .await
            .unwrap();
        numbered.sort();
        assert_eq!(numbered, ["acme"]);
        // A deleted organization's slug is free again.
        organizations::mark_deleted(&mut tx, &auth(first.id), now())
            .await
            .unwrap();
        organizations::update_slug(&mut tx, &auth(second.id), "acme", now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
}
