//! Paging and sorting shared by every list query, and the helper that runs a sea-query
//! statement on either engine.

use sea_query::{Alias, Expr, Order, Query, SelectStatement};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Asc,
    Desc,
}

impl SortOrder {
    pub(crate) fn order(self) -> Order {
        match self {
            SortOrder::Asc => Order::Asc,
            SortOrder::Desc => Order::Desc,
        }
    }
}

/// A validated page request: `page` from 1, `page_size` from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u64,
    pub page_size: u64,
}

impl PageRequest {
    pub(crate) fn apply(&self, query: &mut SelectStatement) {
        query
            .limit(self.page_size)
            .offset((self.page - 1) * self.page_size);
    }
}

/// One page of results and the total number of items that matched.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total_items: u64,
    pub request: PageRequest,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total_items: self.total_items,
            request: self.request,
        }
    }
}

/// Runs a sea-query SELECT on the transaction's engine, decoding rows as `$row`.
macro_rules! fetch_all_built {
    ($tx:expr, $query:expr, $row:ty) => {{
        use sea_query_binder::SqlxBinder as _;
        match $tx.engine_conn() {
            $crate::db::EngineConn::Sqlite(conn) => {
                let (sql, values) = $query.build_sqlx(sea_query::SqliteQueryBuilder);
                sqlx::query_as_with::<_, $row, _>(&sql, values)
                    .fetch_all(conn)
                    .await
            }
            $crate::db::EngineConn::Postgres(conn) => {
                let (sql, values) = $query.build_sqlx(sea_query::PostgresQueryBuilder);
                sqlx::query_as_with::<_, $row, _>(&sql, values)
                    .fetch_all(conn)
                    .await
            }
        }
    }};
}
pub(crate) use fetch_all_built;

/// Runs a sea-query statement that returns no rows; yields the number of rows affected.
macro_rules! execute_built {
    ($tx:expr, $query:expr) => {{
        use sea_query_binder::SqlxBinder as _;
        match $tx.engine_conn() {
            $crate::db::EngineConn::Sqlite(conn) => {
                let (sql, values) = $query.build_sqlx(sea_query::SqliteQueryBuilder);
                sqlx::query_with(&sql, values)
                    .execute(conn)
                    .await
                    .map(|r| r.rows_affected())
            }
            $crate::db::EngineConn::Postgres(conn) => {
                let (sql, values) = $query.build_sqlx(sea_query::PostgresQueryBuilder);
                sqlx::query_with(&sql, values)
                    .execute(conn)
                    .await
                    .map(|r| r.rows_affected())
            }
        }
    }};
}
pub(crate) use execute_built;

/// Counts the rows a sea-query SELECT (without paging or ordering) would return, with the
/// same filters but no selected columns, so an index alone can answer it.
macro_rules! count_built {
    ($tx:expr, $query:expr) => {{
        use sea_query_binder::SqlxBinder as _;
        let mut count = $query;
        count
            .clear_selects()
            .expr(sea_query::Expr::cust("COUNT(*)"));
        match $tx.engine_conn() {
            $crate::db::EngineConn::Sqlite(conn) => {
                let (sql, values) = count.build_sqlx(sea_query::SqliteQueryBuilder);
                sqlx::query_scalar_with::<_, i64, _>(&sql, values)
                    .fetch_one(conn)
                    .await
            }
            $crate::db::EngineConn::Postgres(conn) => {
                let (sql, values) = count.build_sqlx(sea_query::PostgresQueryBuilder);
                sqlx::query_scalar_with::<_, i64, _>(&sql, values)
                    .fetch_one(conn)
                    .await
            }
        }
    }};
}
pub(crate) use count_built;

/// Narrows a query to times within ranges: `(column, after, before)`, after inclusive and
/// before exclusive, each only when given.
pub(crate) fn time_ranges(
    query: &mut SelectStatement,
    ranges: &[(
        &str,
        Option<time::OffsetDateTime>,
        Option<time::OffsetDateTime>,
    )],
) {
    for (column, after, before) in ranges {
        if let Some(at) = after {
            query.and_where(Expr::col(Alias::new(*column)).gte(*at));
        }
        if let Some(at) = before {
            query.and_where(Expr::col(Alias::new(*column)).lt(*at));
        }
    }
}

/// A case-insensitive "contains" pattern with LIKE wildcards in the input escaped.
pub(crate) fn contains_pattern(search: &str) -> sea_query::LikeExpr {
    let escaped = search
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

/// Turns a filtered SELECT into one page of full rows by a deferred join: the page's ids are
/// found first (an index-only scan where an index covers the filters and the sort), then only
/// those rows are read. With a plain `OFFSET`, PostgreSQL reads every skipped row.
pub(crate) fn page_of(
    table: &str,
    columns: &[&str],
    filtered: &SelectStatement,
    sort: &[(&str, SortOrder)],
    page: PageRequest,
) -> SelectStatement {
    let mut ids = filtered.clone();
    ids.clear_selects().column(Alias::new("id"));
    let mut rows = Query::select();
    rows.columns(columns.iter().map(|c| Alias::new(*c)))
        .from(Alias::new(table));
    for (column, order) in sort {
        ids.order_by(Alias::new(*column), order.order());
        rows.order_by(Alias::new(*column), order.order());
    }
    page.apply(&mut ids);
    rows.and_where(Expr::col(Alias::new("id")).in_subquery(ids));
    rows
}
