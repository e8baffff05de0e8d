//! The operator console's sessions on SQLite and PostgreSQL: found by their token's digest
//! while open, their idle expiry moved, ended once, purged once ended, and gone with their
//! operator.

use tenantry_core::OperatorId;
use tenantry_store::operator_sessions::{self, OperatorSession};
use tenantry_store::operators::{self, Operator};
use time::Duration;
use uuid::Uuid;

mod common;
use common::now;

fn operator() -> Operator {
    Operator {
        id: OperatorId::generate(),
        username: format!("op-{}", Uuid::now_v7().simple()),
        name: "Operator".into(),
        email: None,
        password_hash: None,
        key_digest: Uuid::now_v7().as_bytes().to_vec(),
        totp_secret_sealed: vec![1, 2, 3],
        last_access_on: None,
        created_on: now(),
    }
}

#[tokio::test]
async fn a_console_session_is_found_while_open_slid_ended_and_removed_with_its_operator() {
    for t in tenantry_testkit::engines().await {
        let op = operator();
        let session = OperatorSession {
            id: Uuid::now_v7(),
            operator_id: op.id,
            created_on: now(),
            idle_until: now() + Duration::minutes(30),
            expires_on: now() + Duration::hours(12),
        };
        let mut tx = t.db.begin().await.unwrap();
        operators::insert(&mut tx, &op).await.unwrap();
        operator_sessions::insert(&mut tx, &session, b"digest-one")
            .await
            .unwrap();
        // A digest is one session's only.
        let again = OperatorSession {
            id: Uuid::now_v7(),
            ..session.clone()
        };
        tx.commit().await.unwrap();
        let mut tx = t.db.begin().await.unwrap();
        assert!(
            operator_sessions::insert(&mut tx, &again, b"digest-one")
                .await
                .is_err(),
            "{:?}",
            t.engine()
        );
        drop(tx);

        let mut tx = t.db.begin().await.unwrap();
        let found = operator_sessions::open_by_digest(&mut tx, b"digest-one")
            .await
            .unwrap();
        assert_eq!(found.as_ref(), Some(&session), "{:?}", t.engine());
        assert_eq!(
            operator_sessions::open_by_digest(&mut tx, b"digest-two")
                .await
                .unwrap(),
            None
        );
        let later = now() + Duration::minutes(45);
        operator_sessions::slide(&mut tx, session.id, later)
            .await
            .unwrap();
        let slid = operator_sessions::open_by_digest(&mut tx, b"digest-one")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(slid.idle_until, later);
        assert!(
            operator_sessions::end(&mut tx, session.id, now())
                .await
                .unwrap()
        );
        assert!(
            !operator_sessions::end(&mut tx, session.id, now())
                .await
                .unwrap()
        );
        assert_eq!(
            operator_sessions::open_by_digest(&mut tx, b"digest-one")
                .await
                .unwrap(),
            None
        );
        // An ended session is purged; an open one that has not expired is not.
        assert_eq!(operator_sessions::purge(&mut tx, now()).await.unwrap(), 1);
        // Another session of the operator goes with it.
        let other = OperatorSession {
            id: Uuid::now_v7(),
            ..session.clone()
        };
        operator_sessions::insert(&mut tx, &other, b"digest-three")
            .await
            .unwrap();
        assert!(operators::delete(&mut tx, op.id).await.unwrap());
        assert_eq!(
            operator_sessions::open_by_digest(&mut tx, b"digest-three")
                .await
                .unwrap(),
            None
        );
        tx.commit().await.unwrap();
    }
}
