//! Billing storage on SQLite and PostgreSQL: the floor a charge cannot cross, the ledger that
//! sums to the balance and cannot be rewritten, transaction filters, prices, plans and
//! idempotency keys.

use tenantry_core::billing::{
    Action, BillingModel, Minor, PeriodUnit, ProductType, TransactionStatus,
};
use tenantry_core::values::Currency;
use tenantry_core::{BillingTransactionId, OrganizationId, PlanId};
use tenantry_store::billing::accounts;
use tenantry_store::billing::plans::{self, Plan};
use tenantry_store::billing::prices::{self, Price, PriceScope};
use tenantry_store::billing::transactions::{
    self, Transaction, TransactionFilter, TransactionOwner, TransactionSort,
};
use tenantry_store::idempotency::{self, Claim, ClaimLimits};
use tenantry_store::{Db, PageRequest, SortOrder, StoreError};
use time::{Duration, OffsetDateTime};

mod common;
use common::{auth, new_org, now};

fn transaction(
    account: OrganizationId,
    org: OrganizationId,
    action: Action,
    change: i64,
    at: OffsetDateTime,
) -> Transaction {
    Transaction {
        id: BillingTransactionId::generate(),
        account_id: account,
        organization_id: org,
        product_type: if action == Action::Create {
            ProductType::Zones
        } else {
            ProductType::AccountWallet
        },
        product_reference: Some(format!("ref-{change}")),
        action,
        volume: "1".into(),
        unit: None,
        price: Minor(change.abs()),
        tax_rate: "0.00".into(),
        tax_amount: Minor::ZERO,
        amount: Minor(change.abs()),
        balance_change: Minor(change),
        currency: Currency::Eur,
        status: TransactionStatus::Succeeded,
        reason: None,
        reference: None,
        refund_of: None,
        created_on: at,
        updated_on: at,
        completed_on: Some(at),
    }
}

/// Records a succeeded transaction in its own database transaction: the balance after it,
/// or `None` when the database refused it (a purchase below the account's floor).
async fn post(db: &Db, t: &Transaction) -> Option<Minor> {
    let mut tx = db.begin().await.unwrap();
    match transactions::insert(&mut tx, &auth(t.organization_id), t).await {
        Ok(()) => {}
        Err(StoreError::InsufficientFunds(_)) => return None,
        Err(other) => panic!("{other}"),
    }
    let balance = accounts::get(&mut tx, t.account_id)
        .await
        .unwrap()
        .unwrap()
        .balance;
    tx.commit().await.unwrap();
    Some(balance)
}

async fn open_account(db: &Db, org: OrganizationId) {
    let mut tx = db.begin().await.unwrap();
    accounts::insert(&mut tx, &auth(org), Currency::Eur, now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn balance_and_ledger(db: &Db, org: OrganizationId) -> (Minor, Minor, i64) {
    let mut tx = db.read().await.unwrap();
    let account = accounts::get(&mut tx, org).await.unwrap().unwrap();
    let (sum, entries) = accounts::ledger_sum(&mut tx, org).await.unwrap();
    (account.balance, sum, entries)
}

#[tokio::test]
async fn charges_stop_at_the_floor_and_the_ledger_sums_to_the_balance() {
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Payer", None).await;
        open_account(&t.db, org.id).await;
        let at = now();
        let credit = transaction(org.id, org.id, Action::WalletTopUp, 1000, at);
        assert_eq!(post(&t.db, &credit).await, Some(Minor(1000)));
        let charge = transaction(org.id, org.id, Action::Create, -600, at);
        assert_eq!(post(&t.db, &charge).await, Some(Minor(400)));
        let too_much = transaction(org.id, org.id, Action::Create, -401, at);
        assert_eq!(post(&t.db, &too_much).await, None);
        assert_eq!(
            balance_and_ledger(&t.db, org.id).await,
            (Minor(400), Minor(400), 2),
            "{:?}",
            t.engine()
        );

        // Postpaid with a credit limit of 5.00: the floor is -5.00, reached exactly.
        let mut tx = t.db.begin().await.unwrap();
        accounts::set_terms(
            &mut tx,
            &auth(org.id),
            BillingModel::Postpaid,
            Minor(500),
            at,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let mut tx = t.db.read().await.unwrap();
        let account = accounts::get(&mut tx, org.id).await.unwrap().unwrap();
        drop(tx);
        assert_eq!(account.floor(), Minor(-500));
        let to_limit = transaction(org.id, org.id, Action::Create, -900, at);
        assert_eq!(post(&t.db, &to_limit).await, Some(Minor(-500)));
        let beyond = transaction(org.id, org.id, Action::Create, -1, at);
        assert_eq!(post(&t.db, &beyond).await, None);
        assert_eq!(
            balance_and_ledger(&t.db, org.id).await,
            (Minor(-500), Minor(-500), 3)
        );
    }
}

#[tokio::test]
async fn the_ledger_cannot_be_rewritten_nor_a_balance_moved_without_it() {
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Payer", None).await;
        open_account(&t.db, org.id).await;
        let credit = transaction(org.id, org.id, Action::WalletTopUp, 100, now());
        post(&t.db, &credit).await.unwrap();
        for statement in [
            "UPDATE billing_ledger SET amount = 1000000",
            "DELETE FROM billing_ledger",
            // No transaction to name, so no ledger entry, so no change of balance.
            "UPDATE billing_accounts SET balance = balance + 100, last_transaction_id = NULL",
        ] {
            let refused = if t.url.starts_with("sqlite:") {
                let pool = sqlx::SqlitePool::connect(&t.url).await.unwrap();
                sqlx::query(statement).execute(&pool).await.is_err()
            } else {
                let pool = sqlx::PgPool::connect(&t.url).await.unwrap();
                sqlx::query(statement).execute(&pool).await.is_err()
            };
            assert!(refused, "{statement} on {:?}", t.engine());
        }
        assert_eq!(
            balance_and_ledger(&t.db, org.id).await,
            (Minor(100), Minor(100), 1)
        );
    }
}

#[tokio::test]
async fn transactions_filter_by_owner_kind_and_time() {
    for t in tenantry_testkit::engines().await {
        let parent = new_org(&t.db, None, "Parent", None).await;
        let child = new_org(&t.db, Some(parent.id), "Child", None).await;
        open_account(&t.db, parent.id).await;
        let start = now();
        let credit = transaction(parent.id, parent.id, Action::WalletTopUp, 5000, start);
        post(&t.db, &credit).await.unwrap();
        let mut charges = Vec::new();
        for (i, org) in [parent.id, child.id, child.id].into_iter().enumerate() {
            let at = start + Duration::minutes(i as i64 + 1);
            let charge = transaction(parent.id, org, Action::Create, -(100 + i as i64), at);
            post(&t.db, &charge).await.unwrap();
            charges.push(charge);
        }
        let list = |owner, filter: TransactionFilter| {
            let db = t.db.clone();
            async move {
                let mut tx = db.read().await.unwrap();
                let page = PageRequest {
                    page: 1,
                    page_size: 10,
                };
                let (TransactionOwner::Account(org) | TransactionOwner::Organization(org)) = owner;
                transactions::list(&mut tx, &auth(org), owner, &filter, page)
                    .await
                    .unwrap()
            }
        };
        let all = list(
            TransactionOwner::Account(parent.id),
            TransactionFilter::default(),
        )
        .await;
        assert_eq!(all.total_items, 4, "{:?}", t.engine());
        // Newest first by default.
        assert_eq!(all.items[0], charges[2]);
        let child_only = list(
            TransactionOwner::Organization(child.id),
            TransactionFilter::default(),
        )
        .await;
        assert_eq!(
            child_only.items,
            vec![charges[2].clone(), charges[1].clone()]
        );
        let creates_after = list(
            TransactionOwner::Account(parent.id),
            TransactionFilter {
                action: Some(Action::Create),
                created_after: Some(start + Duration::minutes(2)),
                sort: TransactionSort::CreatedOn,
                order: SortOrder::Asc,
                ..TransactionFilter::default()
            },
        )
        .await;
        assert_eq!(
            creates_after.items,
            vec![charges[1].clone(), charges[2].clone()]
        );
        let by_reference = list(
            TransactionOwner::Account(parent.id),
            TransactionFilter {
                product_reference: Some("ref--100".into()),
                product_type: Some(ProductType::Zones),
                status: Some(TransactionStatus::Succeeded),
                ..TransactionFilter::default()
            },
        )
        .await;
        assert_eq!(by_reference.items, vec![charges[0].clone()]);
        let stranger = new_org(&t.db, None, "Stranger", None).await;
        let mut tx = t.db.read().await.unwrap();
        assert_eq!(
            transactions::get(&mut tx, &auth(parent.id), charges[1].id)
                .await
                .unwrap(),
            Some(charges[1].clone())
        );
        // The child sees the charge for its own product; a stranger sees nothing, and may
        // not list another organization's transactions.
        assert_eq!(
            transactions::get(&mut tx, &auth(child.id), charges[1].id)
                .await
                .unwrap(),
            Some(charges[1].clone())
        );
        assert_eq!(
            transactions::get(&mut tx, &auth(stranger.id), charges[1].id)
                .await
                .unwrap(),
            None
        );
        let page = PageRequest {
            page: 1,
            page_size: 10,
        };
        assert!(matches!(
            transactions::list(
                &mut tx,
                &auth(stranger.id),
                TransactionOwner::Account(parent.id),
                &TransactionFilter::default(),
                page
            )
            .await,
            Err(StoreError::ProofMismatch(_))
        ));
    }
}

fn price(action: Action, class: Option<&str>, cents: i64) -> Price {
    Price {
        product_type: ProductType::Zones,
        action,
        product_class: class.map(Into::into),
        currency: Currency::Eur,
        price: Minor(cents),
        period: Some((1, PeriodUnit::Year)),
    }
}

#[tokio::test]
async fn price_lists_and_overrides_are_replaced_whole() {
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Priced", None).await;
        let at = now();
        let replace = |scope, prices: Vec<Price>| {
            let db = t.db.clone();
            async move {
                let mut tx = db.begin().await.unwrap();
                let on = auth(org.id);
                prices::replace(&mut tx, scope, Some(&on), ProductType::Zones, &prices, at)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
            }
        };
        let read = |scope| {
            let db = t.db.clone();
            async move {
                let mut tx = db.read().await.unwrap();
                prices::list(&mut tx, scope, ProductType::Zones)
                    .await
                    .unwrap()
            }
        };
        let list = vec![
            price(Action::Create, None, 150),
            price(Action::Create, Some("premium"), 900),
        ];
        replace(PriceScope::List, list.clone()).await;
        replace(
            PriceScope::Organization(org.id),
            vec![price(Action::Renew, None, 99)],
        )
        .await;
        assert_eq!(read(PriceScope::List).await, list, "{:?}", t.engine());
        replace(PriceScope::List, vec![price(Action::Create, None, 200)]).await;
        assert_eq!(
            read(PriceScope::List).await,
            vec![price(Action::Create, None, 200)]
        );
        assert_eq!(
            read(PriceScope::Organization(org.id)).await,
            vec![price(Action::Renew, None, 99)]
        );
        replace(PriceScope::Organization(org.id), vec![]).await;
        assert!(read(PriceScope::Organization(org.id)).await.is_empty());
    }
}

#[tokio::test]
async fn plans_round_trip_and_only_active_ones_are_offered() {
    for t in tenantry_testkit::engines().await {
        let at = now();
        let plan = |name: &str, level, currency| Plan {
            id: PlanId::generate(),
            name: name.into(),
            plan_level: level,
            amount: Minor(2999),
            currency,
            period: (1, PeriodUnit::Month),
            active: true,
            created_on: at,
            updated_on: at,
        };
        let pro = plan("Pro", 2, Currency::Eur);
        let mut starter = plan("Starter", 1, Currency::Eur);
        let dollars = plan("Pro US", 2, Currency::Usd);
        let mut tx = t.db.begin().await.unwrap();
        for p in [&pro, &starter, &dollars] {
            plans::save(&mut tx, p).await.unwrap();
        }
        tx.commit().await.unwrap();
        let mut tx = t.db.read().await.unwrap();
        assert_eq!(
            plans::list(&mut tx, Some(Currency::Eur)).await.unwrap(),
            vec![starter.clone(), pro.clone()],
            "{:?}",
            t.engine()
        );
        drop(tx);
        starter.active = false;
        starter.amount = Minor(0);
        let mut tx = t.db.begin().await.unwrap();
        plans::save(&mut tx, &starter).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = t.db.read().await.unwrap();
        assert_eq!(
            plans::list(&mut tx, Some(Currency::Eur)).await.unwrap(),
            vec![pro.clone()]
        );
        assert_eq!(plans::list(&mut tx, None).await.unwrap().len(), 3);
        assert_eq!(
            plans::get(&mut tx, starter.id).await.unwrap(),
            Some(starter)
        );
    }
}

#[tokio::test]
async fn idempotency_keys_replay_conflict_and_expire() {
    for t in tenantry_testkit::engines().await {
        let at = now();
        let claim = |key: &'static str, fingerprint: &'static [u8], at: OffsetDateTime| {
            let db = t.db.clone();
            async move {
                let mut tx = db.begin().await.unwrap();
                let limits = ClaimLimits {
                    expired: at - Duration::hours(24),
                    abandoned: at - Duration::minutes(1),
                };
                let claim =
                    idempotency::claim(&mut tx, "organization:a", key, fingerprint, at, limits)
                        .await
                        .unwrap();
                tx.commit().await.unwrap();
                claim
            }
        };
        assert_eq!(
            claim("k1", b"first", at).await,
            Claim::Claimed,
            "{:?}",
            t.engine()
        );
        assert_eq!(
            claim("k1", b"first", at).await,
            Claim::Taken {
                fingerprint: b"first".to_vec(),
                response: None
            }
        );
        // A claim still without its answer a minute on is its request's no longer: taken over.
        assert_eq!(
            claim("k0", b"died", at).await,
            Claim::Claimed,
            "{:?}",
            t.engine()
        );
        assert_eq!(
            claim("k0", b"retried", at + Duration::seconds(30)).await,
            Claim::Taken {
                fingerprint: b"died".to_vec(),
                response: None
            }
        );
        assert_eq!(
            claim("k0", b"retried", at + Duration::seconds(61)).await,
            Claim::Claimed
        );
        let mut tx = t.db.begin().await.unwrap();
        idempotency::release(&mut tx, "organization:a", "k0")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut tx = t.db.begin().await.unwrap();
        idempotency::finish(&mut tx, "organization:a", "k1", 201, b"sealed")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            claim("k1", b"second", at).await,
            Claim::Taken {
                fingerprint: b"first".to_vec(),
                response: Some((201, b"sealed".to_vec()))
            }
        );
        // An answered key is kept for the day, however long ago it was answered.
        assert_eq!(
            claim("k1", b"second", at + Duration::hours(2)).await,
            Claim::Taken {
                fingerprint: b"first".to_vec(),
                response: Some((201, b"sealed".to_vec()))
            }
        );
        // A day later the key is free again, and a key released before finishing is too.
        assert_eq!(
            claim("k1", b"second", at + Duration::hours(25)).await,
            Claim::Claimed
        );
        assert_eq!(claim("k2", b"x", at).await, Claim::Claimed);
        let mut tx = t.db.begin().await.unwrap();
        idempotency::release(&mut tx, "organization:a", "k2")
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(claim("k2", b"y", at).await, Claim::Claimed);
        let mut tx = t.db.begin().await.unwrap();
        let purged = idempotency::purge(&mut tx, at + Duration::hours(1))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            purged, 1,
            "k2 is older than the cut-off, k1 was claimed later"
        );
    }
}

#[tokio::test]
async fn the_database_applies_the_floor_to_exactly_the_priced_actions() {
    // The floor lives in the migration's triggers; this keeps their list of wallet movements
    // the same as `Action::is_priced`.
    for t in tenantry_testkit::engines().await {
        let org = new_org(&t.db, None, "Empty", None).await;
        open_account(&t.db, org.id).await;
        for action in Action::ALL {
            let debit = transaction(org.id, org.id, *action, -1, now());
            let refused = post(&t.db, &debit).await.is_none();
            assert_eq!(
                refused,
                action.is_priced(),
                "{action:?} on {:?}",
                t.engine()
            );
            if !refused {
                // Put the money back, so the next action starts from zero again.
                let back = transaction(org.id, org.id, Action::WalletTopUp, 1, now());
                post(&t.db, &back).await.unwrap();
            }
        }
    }
}
