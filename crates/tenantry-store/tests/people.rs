//! Sessions, sign-in secrets and memberships, each scenario on SQLite and PostgreSQL.

use tenantry_core::{SessionId, UserId};
use tenantry_store::organizations::Organization;
use tenantry_store::sessions::{self, NewSessionToken, TokenKind};
use tenantry_store::users::{self, User};
use tenantry_store::{Db, memberships, sign_in};
use time::Duration;

mod common;
use common::{auth, new_org, now};

async fn person(db: &Db, org: &Organization, username: &str) -> User {
    let user = User {
        password_hash: Some("$argon2id$stand-in".into()),
        ..common::user(org.id, username, &format!("{username}@example.com"))
    };
    let mut tx = db.begin().await.unwrap();
    users::insert(&mut tx, &auth(org.id), &user).await.unwrap();
    tx.commit().await.unwrap();
    user
}

fn token(digest: &[u8], kind: TokenKind, minutes: i64) -> NewSessionToken {
    NewSessionToken {
        digest: digest.to_vec(),
        kind,
        expires_at: now() + Duration::minutes(minutes),
    }
}

#[tokio::test]
async fn a_refresh_token_is_exchanged_once_and_a_revoked_session_ends_its_tokens() {
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Org", None).await;
        let user = person(&t.db, &org, "jane").await;
        let session = SessionId::generate();
        let mut tx = t.db.begin().await.unwrap();
        sessions::insert_session(&mut tx, session, user.id, "192.0.2.1".parse().ok(), now())
            .await
            .unwrap();
        let tokens = [
            token(b"access-1", TokenKind::Access, 60),
            token(b"refresh-1", TokenKind::Refresh, 1440),
        ];
        sessions::insert_tokens(&mut tx, session, &tokens, now())
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = t.db.begin().await.unwrap();
        let access = sessions::access_token(&mut tx, b"access-1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((access.session, access.user), (session, user.id));
        assert_eq!(access.organization, org.id);
        // Kinds never mix: a refresh token is no access token and the reverse.
        assert!(
            sessions::access_token(&mut tx, b"refresh-1")
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            sessions::refresh_token(&mut tx, b"access-1")
                .await
                .unwrap()
                .is_none()
        );
        let refresh = sessions::refresh_token(&mut tx, b"refresh-1")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((refresh.used_on, refresh.session_ended), (None, false));
        assert!(
            sessions::mark_refresh_used(&mut tx, b"refresh-1", now())
                .await
                .unwrap()
        );
        assert!(
            !sessions::mark_refresh_used(&mut tx, b"refresh-1", now())
                .await
                .unwrap()
        );
        let live = sessions::live_of_user(&mut tx, user.id, now())
            .await
            .unwrap();
        assert!(live.is_empty(), "its only refresh token is spent: {live:?}");

        // Another user cannot end this session; its owner can, and its tokens stop.
        assert!(
            !sessions::revoke(&mut tx, UserId::generate(), session, now())
                .await
                .unwrap()
        );
        assert!(
            sessions::revoke(&mut tx, user.id, session, now())
                .await
                .unwrap()
        );
        assert!(
            sessions::access_token(&mut tx, b"access-1")
                .await
                .unwrap()
                .is_none()
        );
        let refresh = sessions::refresh_token(&mut tx, b"refresh-1")
            .await
            .unwrap()
            .unwrap();
        assert!(refresh.session_ended, "{:?}", t.engine());
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn revoking_all_sessions_keeps_the_one_asked_and_expired_tokens_are_purged() {
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Org", None).await;
        let user = person(&t.db, &org, "jane").await;
        let (keep, other) = (SessionId::generate(), SessionId::generate());
        let mut tx = t.db.begin().await.unwrap();
        for (session, name) in [(keep, b"keep".as_slice()), (other, b"other".as_slice())] {
            sessions::insert_session(&mut tx, session, user.id, None, now())
                .await
                .unwrap();
            sessions::insert_tokens(
                &mut tx,
                session,
                &[token(name, TokenKind::Refresh, 60)],
                now(),
            )
            .await
            .unwrap();
        }
        sessions::insert_tokens(
            &mut tx,
            keep,
            &[token(b"old", TokenKind::Access, -1)],
            now(),
        )
        .await
        .unwrap();
        let ended = sessions::revoke_all_of_user(
            &mut tx,
            user.id,
            Some(keep),
            sessions::Ending::SignIns,
            now(),
        )
        .await
        .unwrap();
        assert_eq!(ended, 1, "{:?}", t.engine());
        let live = sessions::live_of_user(&mut tx, user.id, now())
            .await
            .unwrap();
        assert_eq!(live.iter().map(|s| s.id).collect::<Vec<_>>(), [keep]);
        assert_eq!(
            sessions::delete_expired_tokens(&mut tx, now())
                .await
                .unwrap(),
            1
        );
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn sign_in_finds_live_people_by_username_or_email_and_steps_and_codes_work_once() {
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Org", None).await;
        let user = person(&t.db, &org, "Jane.Doe").await;
        let mut tx = t.db.begin().await.unwrap();
        for login in ["jane.doe", "JANE.DOE@EXAMPLE.COM"] {
            let found = sign_in::by_login(&mut tx, login).await.unwrap().unwrap();
            assert_eq!((found.id, found.organization_id), (user.id, org.id));
        }
        assert!(
            sign_in::by_login(&mut tx, "nobody")
                .await
                .unwrap()
                .is_none()
        );
        sign_in::set_totp(&mut tx, user.id, Some(b"sealed"), now())
            .await
            .unwrap();
        let pending = sign_in::by_id(&mut tx, user.id).await.unwrap().unwrap();
        assert_eq!(
            pending.totp_secret_sealed.as_deref(),
            Some(b"sealed".as_slice())
        );
        assert!(!pending.totp_enabled);
        assert!(sign_in::enable_totp(&mut tx, user.id, now()).await.unwrap());
        assert!(!sign_in::enable_totp(&mut tx, user.id, now()).await.unwrap());
        assert!(
            sign_in::claim_totp_step(&mut tx, user.id, 100)
                .await
                .unwrap()
        );
        assert!(
            !sign_in::claim_totp_step(&mut tx, user.id, 100)
                .await
                .unwrap()
        );
        assert!(
            !sign_in::claim_totp_step(&mut tx, user.id, 99)
                .await
                .unwrap()
        );
        assert!(
            sign_in::claim_totp_step(&mut tx, user.id, 101)
                .await
                .unwrap()
        );
        let codes = vec![b"one".to_vec(), b"two".to_vec()];
        sign_in::replace_recovery_codes(&mut tx, user.id, &codes)
            .await
            .unwrap();
        assert!(
            sign_in::use_recovery_code(&mut tx, user.id, b"one", now())
                .await
                .unwrap()
        );
        assert!(
            !sign_in::use_recovery_code(&mut tx, user.id, b"one", now())
                .await
                .unwrap()
        );
        assert_eq!(
            sign_in::unused_recovery_codes(&mut tx, user.id)
                .await
                .unwrap(),
            1
        );
        // A deleted user no longer signs in.
        users::mark_deleted(&mut tx, &auth(org.id), user.id, now())
            .await
            .unwrap();
        assert!(
            sign_in::by_login(&mut tx, "jane.doe")
                .await
                .unwrap()
                .is_none()
        );
        tx.commit().await.unwrap();
    }
}

#[tokio::test]
async fn memberships_hold_one_role_per_organization_and_follow_the_proof() {
    for t in tenantry_testkit::engines().await {
        let home = new_org(&t.db, None, "Home", None).await;
        let joined = new_org(&t.db, None, "Joined", None).await;
        let elsewhere = new_org(&t.db, None, "Elsewhere", None).await;
        let user = person(&t.db, &home, "jane").await;
        let mut tx = t.db.begin().await.unwrap();
        memberships::put(&mut tx, &auth(joined.id), user.id, "member", now())
            .await
            .unwrap();
        memberships::put(&mut tx, &auth(joined.id), user.id, "dns_manager", now())
            .await
            .unwrap();
        let all = memberships::of_user(&mut tx, user.id).await.unwrap();
        assert_eq!(all.len(), 1, "{:?}", t.engine());
        assert_eq!(all[0].organization.id, joined.id);
        assert_eq!(all[0].role, "dns_manager");
        // A proof for another organization reads and removes nothing of this one.
        let other = auth(elsewhere.id);
        assert_eq!(
            memberships::role_in(&mut tx, &other, user.id)
                .await
                .unwrap(),
            None
        );
        assert!(!memberships::delete(&mut tx, &other, user.id).await.unwrap());
        assert!(
            memberships::delete(&mut tx, &auth(joined.id), user.id)
                .await
                .unwrap()
        );
        assert!(
            memberships::of_user(&mut tx, user.id)
                .await
                .unwrap()
                .is_empty()
        );
        tx.commit().await.unwrap();
    }
}
