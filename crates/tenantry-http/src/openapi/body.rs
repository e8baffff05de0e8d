//! The schemas of an endpoint's bodies and query parameters, taken from the wire types
//! (`utoipa::ToSchema`) the handler reads and answers.

use std::any::type_name;

use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

/// Named schemas a body refers to, for the document's components.
pub(crate) type Referenced = Vec<(String, RefOr<Schema>)>;

/// A body's schema, made from its wire type.
#[derive(Debug, Clone, Copy)]
pub struct BodySchema {
    /// The Rust type: the tests find it among the handler's extractors, so a row cannot
    /// describe a body its handler does not read.
    pub type_name: &'static str,
    /// The body's schema (inline), after adding every named schema it refers to.
    pub schema: fn(&mut Referenced) -> RefOr<Schema>,
}

impl BodySchema {
    pub(crate) fn of<T: ToSchema>() -> Self {
        BodySchema {
            type_name: type_name::<T>(),
            schema: schema_of::<T>,
        }
    }
}

fn schema_of<T: ToSchema>(referenced: &mut Referenced) -> RefOr<Schema> {
    T::schemas(referenced);
    T::schema()
}

/// What a query parameter holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    Integer,
    Text,
    Boolean,
    /// An RFC 3339 time (`2026-01-15T10:00:00Z`).
    Time,
    /// A calendar date (`2026-01-15`).
    Date,
    /// One of the listed words.
    OneOf(&'static [&'static str]),
}

/// A query parameter an endpoint reads.
#[derive(Debug, Clone, Copy)]
pub struct QueryParameter {
    pub name: &'static str,
    pub kind: QueryKind,
    pub description: &'static str,
}

/// `name`, holding `kind`.
pub(crate) const fn param(
    name: &'static str,
    kind: QueryKind,
    description: &'static str,
) -> QueryParameter {
    QueryParameter {
        name,
        kind,
        description,
    }
}

/// The parameters of every paged list (`pagination.rs`).
pub(crate) const PAGE: QueryParameter = param("page", QueryKind::Integer, "Page number, from 1");
pub(crate) const PAGE_SIZE: QueryParameter = param(
    "page_size",
    QueryKind::Integer,
    "Items per page (10 unless given)",
);
pub(crate) const SORT_ORDER: QueryParameter = param(
    "sort_order",
    QueryKind::OneOf(&["asc", "desc"]),
    "Sort direction",
);

/// The page and sort direction every sorted list reads (`pagination.rs`).
pub(crate) const SORTED_PAGES: &[QueryParameter] = &[PAGE, PAGE_SIZE, SORT_ORDER];

/// The creation window of the lists that filter by it.
pub(crate) const CREATED_AFTER: QueryParameter =
    param("created_after", QueryKind::Time, "Created at or after");
pub(crate) const CREATED_BEFORE: QueryParameter =
    param("created_before", QueryKind::Time, "Created before");

/// A value sent as a JSON number or as a decimal string (amounts, rates).
pub(crate) fn number_or_decimal_text(description: &str) -> RefOr<Schema> {
    serde_json::from_value(serde_json::json!({
        "description": description,
        "oneOf": [{"type": "number"}, {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"}]
    }))
    .expect("a schema object")
}
