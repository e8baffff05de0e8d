//! An organization's billing: the balance of the account that pays for it, its transactions
//! (filtered by action and by day, newest first, by pages) and a statement of a date range
//! as a CSV download, the same file as `GET /v1/organizations/{id}/statement`, its range read
//! the same way. Top-ups are the operator's, through the API.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use tenantry_app::billing::{Transaction, TransactionFilter, TransactionSort};
use tenantry_app::{AppError, PageRequest, SortOrder};
use tenantry_core::OrganizationId;
use tenantry_core::billing::{Action, Minor};

use super::days::{self, NOT_A_DAY};
use super::forms::FormErrors;
use super::overview::{Frame, balance, when};
use super::pager::Pager;
use super::pages::{Feedback, PAGE_SIZE, organization, organization_page};
use super::render;
use super::session::SignedIn;
use crate::AppState;
use crate::api::billing::{statement_download, statement_range};
use crate::problem::ApiError;
use crate::query::QueryParams;

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
            credit: t.balance_change > Minor::ZERO,
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
    action_error: Option<&'static str>,
    from_error: Option<&'static str>,
    to_error: Option<&'static str>,
    rows: Vec<TransactionRow>,
    pager: Pager,
    /// The statement form's refusal.
    shown: Feedback,
}

#[derive(Deserialize, Default)]
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
    id: OrganizationId,
    params: BillingParams,
    shown: Feedback,
) -> Response {
    let app = &state.app;
    let from = days::start_of(&params.from);
    let to = days::end_of(&params.to);
    let action = Some(params.action.trim())
        .filter(|a| !a.is_empty())
        .map(|a| Action::parse(a).ok_or(()))
        .transpose();
    let page = params.page.unwrap_or(1).max(1);
    let filter = TransactionFilter {
        action: action.unwrap_or(None),
        created_after: from.unwrap_or(None),
        created_before: to.unwrap_or(None),
        sort: TransactionSort::CreatedOn,
        order: SortOrder::Desc,
        ..TransactionFilter::default()
    };
    let request = PageRequest {
        page,
        page_size: PAGE_SIZE,
    };
    let read = async {
        let transactions = app
            .transaction_list(&person.actor, id, filter, request)
            .await?;
        let details = app.organization_get(&person.actor, id).await?;
        Ok::<_, AppError>((transactions, details, Frame::load(app, person, id).await?))
    };
    match read.await {
        Ok((transactions, details, frame)) => {
            let filters = [
                ("action", params.action.as_str()),
                ("from", &params.from),
                ("to", &params.to),
            ];
            let path = format!("/orgs/{id}/billing");
            let total = transactions.total_items;
            render::page_with(
                shown.status,
                &BillingPage {
                    frame,
                    balance: details.billing.as_ref().map(balance),
                    actions: Action::ALL,
                    action_error: action.is_err().then_some("Choose an action from the list"),
                    from_error: from.is_err().then_some(NOT_A_DAY),
                    to_error: to.is_err().then_some(NOT_A_DAY),
                    pager: Pager::keeping(page, PAGE_SIZE, total, &path, &filters),
                    rows: transactions.items.into_iter().map(Into::into).collect(),
                    params,
                    shown,
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
    organization_page(&state, &reference, async |id| {
        billing_page(&state, &person, id, params, Feedback::default()).await
    })
    .await
}

/// `GET /orgs/{organization}/billing/statement?start_date=…&end_date=…`: the CSV file, or
/// the billing page with what is wrong with the range.
pub(crate) async fn statement(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Query(params): Query<BillingParams>,
    query: Result<QueryParams, ApiError>,
) -> Response {
    let id = match organization(&state, &reference).await {
        Ok(id) => id,
        Err(err) => return render::refusal(&err, true),
    };
    let made = async {
        let (from, to) = statement_range(query?)?;
        let statement = state.app.statement(&person.actor, id, from, to).await?;
        statement_download(statement)
    };
    match made.await {
        Ok(file) => file,
        Err(ApiError(err @ AppError::Invalid(_))) => {
            let shown = Feedback {
                status: render::words(&err).0,
                errors: FormErrors::from_refusal(&err, &["start_date", "end_date"]),
                ..Feedback::default()
            };
            billing_page(&state, &person, id, params, shown).await
        }
        Err(ApiError(err)) => render::refusal(&err, true),
    }
}
