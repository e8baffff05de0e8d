//! `GET /v1/organizations/{id}/transactions[/{transaction_id}]` and the CSV statement.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tenantry_app::SortOrder;
use tenantry_app::billing::{Statement, TransactionFilter, TransactionSort};
use tenantry_core::billing::{Action, ProductType, TransactionStatus};
use tenantry_core::{BillingTransactionId, OrganizationId};
use time::Date;
use time::macros::format_description;

use super::wire::TransactionWire;
use crate::AppState;
use crate::extract::{Caller, PathId, path_value};
use crate::pagination::{MAX_PAGE_SIZE, Paginated, page_request, paginated, sort_order};
use crate::problem::ApiError;
use crate::query::QueryParams;
use crate::wire::{opt_time, parse_time, time};

use crate::openapi::{CREATED_AFTER, CREATED_BEFORE, QueryKind::*, QueryParameter, param};

/// The query parameters of the transaction list.
pub(crate) const LIST_QUERY: &[QueryParameter] = &[
    param(
        "sort_by",
        OneOf(&[
            "product_type",
            "action",
            "status",
            "created_on",
            "completed_on",
        ]),
        "Sort key",
    ),
    param("action", Text, "Only this action (`domain_register`)"),
    param("status", Text, "Only this status"),
    param("product_type", Text, "Only this product type"),
    param(
        "product_reference",
        Text,
        "Only this product (a domain or zone name)",
    ),
    CREATED_AFTER,
    CREATED_BEFORE,
    param("completed_after", Time, "Completed at or after"),
    param("completed_before", Time, "Completed before"),
];

/// The query parameters of a statement.
pub(crate) const STATEMENT_QUERY: &[QueryParameter] = &[
    param("start_date", Date, "First day (inclusive)"),
    param("end_date", Date, "Last day (inclusive)"),
];

pub(crate) async fn transaction_list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(organization): PathId<OrganizationId>,
    mut query: QueryParams,
) -> Result<Json<Paginated<TransactionWire>>, ApiError> {
    let page = page_request(&mut query, MAX_PAGE_SIZE);
    let order = sort_order(&mut query, SortOrder::Desc);
    let sort = query
        .parse_with(
            "sort_by",
            |s| match s {
                "product_type" => Some(TransactionSort::ProductType),
                "action" => Some(TransactionSort::Action),
                "status" => Some(TransactionSort::Status),
                "created_on" => Some(TransactionSort::CreatedOn),
                "completed_on" => Some(TransactionSort::CompletedOn),
                _ => None,
            },
            "product_type, action, status, created_on or completed_on",
        )
        .unwrap_or(TransactionSort::CreatedOn);
    let product_type =
        query.parse_with("product_type", ProductType::parse, &ProductType::choices());
    let action = query.parse_with("action", Action::parse, &Action::choices());
    let status = query.parse_with(
        "status",
        TransactionStatus::parse,
        &TransactionStatus::choices(),
    );
    let at = |query: &mut QueryParams, name: &str| {
        query.parse_with(name, parse_time, "an RFC 3339 date-time")
    };
    let filter = TransactionFilter {
        product_reference: query.get("product_reference").map(str::to_owned),
        product_type,
        action,
        status,
        created_after: at(&mut query, "created_after"),
        created_before: at(&mut query, "created_before"),
        completed_after: at(&mut query, "completed_after"),
        completed_before: at(&mut query, "completed_before"),
        sort,
        order,
    };
    query.finish()?;
    let page = state
        .app
        .transaction_list(&actor, organization, filter, page)
        .await?;
    Ok(Json(paginated(page, TransactionWire::from)))
}

pub(crate) async fn transaction_get(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path((organization, transaction)): Path<(String, String)>,
) -> Result<Json<TransactionWire>, ApiError> {
    let organization: OrganizationId = path_value("organization_id", &organization)?;
    let transaction: BillingTransactionId = path_value("transaction_id", &transaction)?;
    let found = state
        .app
        .transaction_get(&actor, organization, transaction)
        .await?;
    Ok(Json(found.into()))
}

/// `?start_date=YYYY-MM-DD&end_date=YYYY-MM-DD` (both included): the range's transactions,
/// oldest first, as CSV.
pub(crate) async fn statement(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(organization): PathId<OrganizationId>,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let (from, to) = statement_range(query)?;
    let statement = state.app.statement(&actor, organization, from, to).await?;
    statement_download(statement)
}

/// A statement's days, `start_date` and `end_date` (`YYYY-MM-DD`, both included, both
/// required); the dashboard's statement form is read the same way.
pub(crate) fn statement_range(mut query: QueryParams) -> Result<(Date, Date), ApiError> {
    let date = |query: &mut QueryParams, name: &str| {
        let parsed = query.parse_with(
            name,
            |s| Date::parse(s, format_description!("[year]-[month]-[day]")).ok(),
            "a date (YYYY-MM-DD)",
        );
        if parsed.is_none() && query.get(name).is_none() {
            query.error(name, "is required");
        }
        parsed
    };
    let from = date(&mut query, "start_date");
    let to = date(&mut query, "end_date");
    query.finish()?;
    let (Some(from), Some(to)) = (from, to) else {
        unreachable!("finish() refused a missing date");
    };
    Ok((from, to))
}

/// A statement as a CSV file to save (the dashboard offers the same download).
pub(crate) fn statement_download(statement: Statement) -> Result<Response, ApiError> {
    let filename = format!(
        "statement-{}-{}-{}.csv",
        statement.organization_id, statement.from, statement.to
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        csv_of(statement)?,
    )
        .into_response())
}

const CSV_COLUMNS: [&str; 19] = [
    "billing_transaction_id",
    "created_on",
    "completed_on",
    "organization_id",
    "product_type",
    "product_reference",
    "action",
    "status",
    "volume",
    "unit",
    "price",
    "tax_rate",
    "tax_amount",
    "amount",
    "balance_change",
    "currency",
    "reason",
    "reference",
    "refund_of",
];

fn csv_of(statement: Statement) -> Result<Vec<u8>, ApiError> {
    let failed = |e: csv::Error| ApiError(tenantry_app::AppError::Internal(e.to_string()));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(CSV_COLUMNS).map_err(failed)?;
    for t in statement.transactions {
        writer
            .write_record([
                t.id.to_string(),
                time(t.created_on),
                opt_time(t.completed_on).unwrap_or_default(),
                t.organization_id.to_string(),
                t.product_type.as_str().to_owned(),
                t.product_reference.unwrap_or_default(),
                t.action.as_str().to_owned(),
                t.status.as_str().to_owned(),
                t.volume,
                t.unit.unwrap_or_default(),
                t.price.to_string(),
                t.tax_rate,
                t.tax_amount.to_string(),
                t.amount.to_string(),
                t.balance_change.to_string(),
                t.currency.as_str().to_owned(),
                t.reason.unwrap_or_default(),
                t.reference.unwrap_or_default(),
                t.refund_of.map(|id| id.to_string()).unwrap_or_default(),
            ])
            .map_err(failed)?;
    }
    writer
        .into_inner()
        .map_err(|e| ApiError(tenantry_app::AppError::Internal(e.to_string())))
}
