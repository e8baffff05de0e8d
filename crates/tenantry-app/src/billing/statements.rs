//! Reading transactions: an account's (all its organizations'), or a consolidated
//! suborganization's own; one by id; and a statement for a date range.

use tenantry_core::{BillingTransactionId, OrganizationId};
use tenantry_store::billing::accounts;
use tenantry_store::billing::transactions::{
    self, Transaction, TransactionFilter, TransactionOwner, TransactionSort,
};
use tenantry_store::organizations::Organization;
use tenantry_store::{Page, PageRequest, SortOrder, Tx};
use time::{Date, OffsetDateTime, Time};

use crate::actor::Actor;
use crate::app::App;
use crate::error::{AppError, NotFoundKind, Result};
use crate::reach::authorize_org;
use tenantry_core::perms::ORG_READ;

/// The transactions of a date range, oldest first.
#[derive(Debug, Clone)]
pub struct Statement {
    pub organization_id: OrganizationId,
    pub from: Date,
    pub to: Date,
    pub transactions: Vec<Transaction>,
}

/// A paying organization sees its account's transactions; a consolidated suborganization
/// sees those of its own purchases.
async fn owner(tx: &mut Tx, org: &Organization) -> Result<TransactionOwner> {
    Ok(match accounts::get(tx, org.id).await? {
        Some(_) => TransactionOwner::Account(org.id),
        None => TransactionOwner::Organization(org.id),
    })
}

fn visible(owner: TransactionOwner, t: &Transaction) -> bool {
    match owner {
        TransactionOwner::Account(id) => t.account_id == id,
        TransactionOwner::Organization(id) => t.organization_id == id,
    }
}

/// The most transactions one statement holds.
const STATEMENT_LIMIT: u64 = 100_000;

impl App {
    pub async fn transaction_list(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        filter: TransactionFilter,
        page: PageRequest,
    ) -> Result<Page<Transaction>> {
        let mut tx = self.db.read().await?;
        let (org, auth) = authorize_org(&mut tx, actor, organization, ORG_READ).await?;
        let owner = owner(&mut tx, &org).await?;
        Ok(transactions::list(&mut tx, &auth, owner, &filter, page).await?)
    }

    pub async fn transaction_get(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        id: BillingTransactionId,
    ) -> Result<Transaction> {
        let mut tx = self.db.read().await?;
        let (org, auth) = authorize_org(&mut tx, actor, organization, ORG_READ).await?;
        let owner = owner(&mut tx, &org).await?;
        transactions::get(&mut tx, &auth, id)
            .await?
            .filter(|t| visible(owner, t))
            .ok_or_else(|| AppError::not_found(NotFoundKind::Transaction, id))
    }

    /// Every transaction created from the start of `from` to the end of `to` (UTC).
    pub async fn statement(
        &self,
        actor: &Actor,
        organization: OrganizationId,
        from: Date,
        to: Date,
    ) -> Result<Statement> {
        if to < from {
            return Err(AppError::Invalid(vec![crate::error::FieldError {
                loc: vec!["query".into(), "end_date".into()],
                msg: "must not be before start_date".into(),
                kind: "value_error".into(),
            }]));
        }
        let start = OffsetDateTime::new_utc(from, Time::MIDNIGHT);
        let end = to
            .next_day()
            .map(|day| OffsetDateTime::new_utc(day, Time::MIDNIGHT));
        let filter = TransactionFilter {
            created_after: Some(start),
            created_before: end,
            sort: TransactionSort::CreatedOn,
            order: SortOrder::Asc,
            ..TransactionFilter::default()
        };
        let mut tx = self.db.read().await?;
        let (org, auth) = authorize_org(&mut tx, actor, organization, ORG_READ).await?;
        let owner = owner(&mut tx, &org).await?;
        let page = transactions::list(
            &mut tx,
            &auth,
            owner,
            &filter,
            PageRequest {
                page: 1,
                page_size: STATEMENT_LIMIT,
            },
        )
        .await?;
        if page.total_items > STATEMENT_LIMIT {
            return Err(AppError::Invalid(vec![crate::error::FieldError {
                loc: vec!["query".into(), "start_date".into()],
                msg: format!(
                    "the range holds {} transactions; a statement holds at most {STATEMENT_LIMIT}: \
                     ask for a shorter range",
                    page.total_items
                ),
                kind: "value_error".into(),
            }]));
        }
        Ok(Statement {
            organization_id: org.id,
            from,
            to,
            transactions: page.items,
        })
    }
}
