//! An organization's billing: the balance of the account that pays for it, its transactions
//! (filtered by action and by day, newest first, by pages) and a statement of a date range
//! as a CSV download, the same file as `GET /v1/organizations/{id}/statement`. Top-ups are
//! the operator's, through the API.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tenantry_app::billing::{Transaction, TransactionFilter, TransactionSort};
use tenantry_app::person_organizations::OrganizationRef;
use tenantry_app::{AppError, PageRequest, SortOrder};
use tenantry_core::billing::Action;

use super::days::{self, NOT_A_DAY};
use super::forms::FormErrors;
use super::overview::{Frame, when};
use super::pager::Pager;
use super::render;
use super::session::SignedIn;
use crate::AppState;
use crate::api::billing::statement_download;

const PAGE_SIZE: u64 = 25;

pub(crate) struct TransactionRow {
    pub when: String,
    pub product: String,
    pub action: &'static str,
    pub status: &'static str,
    pub change: String,
    pub credit: bool,
}

impl From<Transaction> for TransactionRow {
    fn from(t: Transaction) -> Self {
        let product = match t.product_reference {
            Some(reference) => format!("{} {reference}", t.product_type.as_str()),
            None => t.product_type.as_str().to_owned(),
        };
        TransactionRow {
            when: when(t.created_on),
            product,
            action: t.action.as_str(),
            status: t.status.as_str(),
            credit: t.balance_change > tenantry_core::billing::Minor::ZERO,
            change: format!("{} {}", t.balance_change, t.currency.as_str()),
        }
    }
}

#[derive(Template)]
#[template(path = "billing.html")]
struct BillingPage {
    frame: Frame,
    balance: Option<String>,
    actions: &'static [Action],
    params: BillingParams,
    from_error: Option<&'static str>,
    to_error: Option<&'static str>,
    rows: Vec<TransactionRow>,
    pager: Pager,
    statement_errors: FormErrors,
}

#[derive(Deserialize, Default, Clone)]
pub(crate) struct BillingParams {
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    page: Option<u64>,
    /// The statement's range.
    #[serde(default)]
    start_date: String,
    #[serde(default)]
    end_date: String,
}

async fn billing_page(
    state: &AppState,
    person: &SignedIn,
    reference: &str,
    params: BillingParams,
    status: StatusCode,
    statement_errors: FormErrors,
) -> Response {
    let app = &state.app;
    let from = days::start_of(&params.from);
    let to = days::end_of(&params.to);
    let page = params.page.unwrap_or(1).max(1);
    let filter = TransactionFilter {
        action: Action::parse(params.action.trim()),
        created_after: from.unwrap_or(None),
        created_before: to.unwrap_or(None),
        sort: TransactionSort::CreatedOn,
        order: SortOrder::Desc,
        ..TransactionFilter::default()
    };
    let shown = async {
        let id = app
            .organization_id_of(&OrganizationRef::parse(reference))
            .await?;
        let request = PageRequest {
            page,
            page_size: PAGE_SIZE,
        };
        let transactions = app
            .transaction_list(&person.actor, id, filter, request)
            .await?;
        let details = app.organization_get(&person.actor, id).await?;
        let reached = app.my_organizations(&person.actor).await?;
        Ok::<_, AppError>((id, transactions, details, reached))
    };
    match shown.await {
        Ok((id, transactions, details, reached)) => {
            let filters = [
                ("action", params.action.as_str()),
                ("from", &params.from),
                ("to", &params.to),
            ];
            let path = format!("/orgs/{id}/billing");
            let total = transactions.total_items;
            let balance = details.billing.map(|billing| {
                let account = billing.account;
                format!("{} {}", account.balance, account.currency.as_str())
            });
            render::page_with(
                status,
                &BillingPage {
                    frame: Frame::new(person, &reached, &id.to_string()),
                    balance,
                    actions: Action::ALL,
                    from_error: from.is_err().then_some(NOT_A_DAY),
                    to_error: to.is_err().then_some(NOT_A_DAY),
                    pager: Pager::keeping(page, PAGE_SIZE, total, &path, &filters),
                    rows: transactions.items.into_iter().map(Into::into).collect(),
                    params,
                    statement_errors,
                },
            )
        }
        Err(err) => render::refusal(&err, true),
    }
}

/// `GET /orgs/{organization}/billing`.
pub(crate) async fn page(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Query(params): Query<BillingParams>,
) -> Response {
    let errors = FormErrors::default();
    billing_page(&state, &person, &reference, params, StatusCode::OK, errors).await
}

/// `GET /orgs/{organization}/billing/statement?start_date=…&end_date=…`: the CSV file, or
/// the billing page with what is wrong with the range.
pub(crate) async fn statement(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Query(params): Query<BillingParams>,
) -> Response {
    let app = &state.app;
    let made = async {
        let mut wrong = Vec::new();
        let mut day = |name: &str, text: &str| match days::date(text) {
            Ok(Some(day)) => Some(day),
            Ok(None) => {
                wrong.push((name.to_owned(), "is required"));
                None
            }
            Err(()) => {
                wrong.push((name.to_owned(), NOT_A_DAY));
                None
            }
        };
        let from = day("start_date", &params.start_date);
        let to = day("end_date", &params.end_date);
        let (Some(from), Some(to)) = (from, to) else {
            return Err(AppError::Invalid(
                wrong
                    .into_iter()
                    .map(|(name, msg)| tenantry_app::FieldError {
                        loc: vec!["query".into(), name],
                        msg: msg.into(),
                        kind: "value_error".into(),
                    })
                    .collect(),
            ));
        };
        let id = app
            .organization_id_of(&OrganizationRef::parse(&reference))
            .await?;
        app.statement(&person.actor, id, from, to).await
    };
    match made.await {
        Ok(statement) => match statement_download(statement) {
            Ok(file) => file,
            Err(err) => err.into_response(),
        },
        Err(err @ AppError::Invalid(_)) => {
            let (status, errors) = FormErrors::from_refusal(&err);
            billing_page(&state, &person, &reference, params, status, errors).await
        }
        Err(err) => render::refusal(&err, true),
    }
}
