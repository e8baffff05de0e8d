//! `page` / `page_size` / `sort_order` parsing and the `results` + `pagination` envelope.

use serde::Serialize;
use tenantry_app::{Page, PageRequest, SortOrder};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{PartialSchema, ToSchema};

use crate::query::QueryParams;

pub(crate) const DEFAULT_PAGE_SIZE: u64 = 10;
pub(crate) const MAX_PAGE_SIZE: u64 = 1000;
/// Keeps `(page - 1) × page_size` far from overflow.
const MAX_PAGE: u64 = 10_000_000;

pub(crate) fn page_request(query: &mut QueryParams, max_page_size: u64) -> PageRequest {
    let page = query
        .parse_with(
            "page",
            |s| s.parse::<u64>().ok().filter(|p| (1..=MAX_PAGE).contains(p)),
            "an integer from 1 to 10000000",
        )
        .unwrap_or(1);
    let page_size = query
        .parse_with(
            "page_size",
            |s| {
                s.parse::<u64>()
                    .ok()
                    .filter(|p| (1..=max_page_size).contains(p))
            },
            &format!("an integer from 1 to {max_page_size}"),
        )
        .unwrap_or(DEFAULT_PAGE_SIZE);
    PageRequest { page, page_size }
}

pub(crate) fn sort_order(query: &mut QueryParams, default: SortOrder) -> SortOrder {
    query
        .parse_with(
            "sort_order",
            |s| match s {
                "asc" => Some(SortOrder::Asc),
                "desc" => Some(SortOrder::Desc),
                _ => None,
            },
            "asc or desc",
        )
        .unwrap_or(default)
}

#[derive(ToSchema, Serialize)]
pub(crate) struct Pagination {
    total_pages: u64,
    total_items: u64,
    current_page: u64,
    page_size: u64,
    has_next_page: bool,
    has_previous_page: bool,
}

#[derive(Serialize)]
pub(crate) struct Paginated<T> {
    results: Vec<T>,
    pagination: Pagination,
}

/// Written out rather than derived: a derived generic schema does not name its item type
/// among the schemas it refers to, so the document would lack it.
impl<T: ToSchema> utoipa::PartialSchema for Paginated<T> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .property(
                "results",
                ArrayBuilder::new().items(Ref::from_schema_name(T::name())),
            )
            .property("pagination", Ref::from_schema_name(Pagination::name()))
            .required("results")
            .required("pagination")
            .into()
    }
}

impl<T: ToSchema> ToSchema for Paginated<T> {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((T::name().into_owned(), T::schema()));
        T::schemas(schemas);
        schemas.push((Pagination::name().into_owned(), Pagination::schema()));
    }
}

pub(crate) fn paginated<T, W>(page: Page<T>, to_wire: impl FnMut(T) -> W) -> Paginated<W> {
    let PageRequest {
        page: current,
        page_size,
    } = page.request;
    let total_pages = page.total_items.div_ceil(page_size);
    Paginated {
        results: page.items.into_iter().map(to_wire).collect(),
        pagination: Pagination {
            total_pages,
            total_items: page.total_items,
            current_page: current,
            page_size,
            has_next_page: current < total_pages,
            has_previous_page: current > 1,
        },
    }
}
