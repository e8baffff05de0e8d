//! Paging and sorting shared by every list query, and the helper that runs a sea-query
//! statement on either engine.

use sea_query::{Alias, Expr, Order, Query, SelectStatement, SimpleExpr, SubQueryStatement};

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

    fn reversed(self) -> Self {
        match self {
            SortOrder::Asc => SortOrder::Desc,
            SortOrder::Desc => SortOrder::Asc,
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
    /// The rows of a list of `total` that this page reads, counted from the nearer end of the
    /// sorted list. An OFFSET costs one index step per row it skips, so reading the last
    /// pages backwards makes them cost what the first ones do; the middle page is the
    /// dearest, at half the list.
    fn window(&self, total: u64) -> Window {
        let start = (self.page - 1).saturating_mul(self.page_size);
        if start >= total {
            return Window {
                backwards: false,
                offset: 0,
                limit: 0,
            };
        }
        let end = start.saturating_add(self.page_size).min(total);
        let after = total - end;
        if after < start {
            Window {
                backwards: true,
                offset: after,
                limit: end - start,
            }
        } else {
            Window {
                backwards: false,
                offset: start,
                limit: self.page_size,
            }
        }
    }
}

/// Which rows of a sorted list one page reads: `limit` rows after skipping `offset`, walking
/// the order forwards or backwards.
#[derive(Debug, PartialEq, Eq)]
struct Window {
    backwards: bool,
    offset: u64,
    limit: u64,
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

/// How many ids one statement binds: well inside both engines' limits on bound values.
pub(crate) const IDS_PER_STATEMENT: usize = 500;

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

/// Reads one page of the rows a filtered query (its filters only) matches, sorted by
/// `(column, order)` and then by id, with the number of rows matched: `(rows decoded as $row,
/// total)`. The first page, by far the most read, is one statement that carries the count in
/// each row (`first_page_of`), so the count and the rows agree; a later page is counted first,
/// because the count decides from which end the page is read (`PageRequest::window`).
macro_rules! page_built {
    ($tx:expr, $table:expr, $columns:expr, $query:expr, ($column:expr, $order:expr), $page:expr, $row:ty) => {{
        let order = $order;
        let sort = [($column, order), ("id", order)];
        let page: $crate::list::PageRequest = $page;
        if page.page == 1 {
            let query =
                $crate::list::first_page_of($table, $columns, &$query, &sort, page.page_size);
            let counted = $crate::list::fetch_counted_built!($tx, query, $row)?;
            let total = counted.first().map_or(0, |(_, total)| *total);
            let rows: Vec<$row> = counted.into_iter().map(|(row, _)| row).collect();
            (rows, u64::try_from(total).unwrap_or(0))
        } else {
            let total = $crate::list::count_built!($tx, $query.clone())?;
            let query = $crate::list::page_of($table, $columns, &$query, &sort, page, total);
            let rows = $crate::list::fetch_all_built!($tx, query, $row)?;
            (rows, u64::try_from(total).unwrap_or(0))
        }
    }};
}
pub(crate) use page_built;

/// The name of the column `first_page_of` adds: the number of rows the filters match.
pub(crate) const TOTAL_COLUMN: &str = "total_items";

/// Runs a sea-query SELECT made by `first_page_of`, decoding each row as `$row` with the
/// count it carries: `Vec<($row, i64)>`.
macro_rules! fetch_counted_built {
    ($tx:expr, $query:expr, $row:ty) => {{
        use sea_query_binder::SqlxBinder as _;
        fn counted<R: sqlx::Row>(rows: Vec<R>) -> Result<Vec<($row, i64)>, sqlx::Error>
        where
            for<'r> $row: sqlx::FromRow<'r, R>,
            for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
            for<'r> &'r str: sqlx::ColumnIndex<R>,
        {
            rows.iter()
                .map(|row| {
                    Ok((
                        <$row as sqlx::FromRow<R>>::from_row(row)?,
                        row.try_get::<i64, _>($crate::list::TOTAL_COLUMN)?,
                    ))
                })
                .collect()
        }
        match $tx.engine_conn() {
            $crate::db::EngineConn::Sqlite(conn) => {
                let (sql, values) = $query.build_sqlx(sea_query::SqliteQueryBuilder);
                sqlx::query_with(&sql, values)
                    .fetch_all(conn)
                    .await
                    .and_then(counted)
            }
            $crate::db::EngineConn::Postgres(conn) => {
                let (sql, values) = $query.build_sqlx(sea_query::PostgresQueryBuilder);
                sqlx::query_with(&sql, values)
                    .fetch_all(conn)
                    .await
                    .and_then(counted)
            }
        }
    }};
}
pub(crate) use fetch_counted_built;

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
    total: i64,
) -> SelectStatement {
    let window = page.window(u64::try_from(total).unwrap_or(0));
    rows_of(table, columns, filtered, sort, &window)
}

/// The first page (`page_size` rows) of a filtered SELECT, as `page_of` reads it, with one more
/// column, `TOTAL_COLUMN`: the count of every row the filters match, an uncorrelated subquery
/// that both engines evaluate once. An empty first page means that nothing matched.
pub(crate) fn first_page_of(
    table: &str,
    columns: &[&str],
    filtered: &SelectStatement,
    sort: &[(&str, SortOrder)],
    page_size: u64,
) -> SelectStatement {
    let window = Window {
        backwards: false,
        offset: 0,
        limit: page_size,
    };
    let mut rows = rows_of(table, columns, filtered, sort, &window);
    let mut count = filtered.clone();
    count.clear_selects().expr(Expr::cust("COUNT(*)"));
    rows.expr_as(
        SimpleExpr::SubQuery(None, Box::new(SubQueryStatement::SelectStatement(count))),
        Alias::new(TOTAL_COLUMN),
    );
    rows
}

/// The rows of one window of a filtered SELECT, by the deferred join `page_of` describes.
fn rows_of(
    table: &str,
    columns: &[&str],
    filtered: &SelectStatement,
    sort: &[(&str, SortOrder)],
    window: &Window,
) -> SelectStatement {
    let mut ids = filtered.clone();
    ids.clear_selects().column(Alias::new("id"));
    let mut rows = Query::select();
    rows.columns(columns.iter().map(|c| Alias::new(*c)))
        .from(Alias::new(table));
    for (column, order) in sort {
        let walked = if window.backwards {
            order.reversed()
        } else {
            *order
        };
        ids.order_by(Alias::new(*column), walked.order());
        rows.order_by(Alias::new(*column), order.order());
    }
    ids.limit(window.limit).offset(window.offset);
    rows.and_where(Expr::col(Alias::new("id")).in_subquery(ids));
    rows
}

#[cfg(test)]
mod tests {
    use super::{PageRequest, Window};

    fn window(page: u64, page_size: u64, total: u64) -> Window {
        PageRequest { page, page_size }.window(total)
    }

    #[test]
    fn a_page_is_read_from_the_nearer_end() {
        let forwards = |offset, limit| Window {
            backwards: false,
            offset,
            limit,
        };
        let backwards = |offset, limit| Window {
            backwards: true,
            offset,
            limit,
        };
        // 10 rows, 3 per page: rows 0–2, 3–5, 6–8 and 9.
        assert_eq!(window(1, 3, 10), forwards(0, 3));
        assert_eq!(window(2, 3, 10), forwards(3, 3));
        assert_eq!(window(3, 3, 10), backwards(1, 3));
        assert_eq!(window(4, 3, 10), backwards(0, 1));
        assert_eq!(window(5, 3, 10), forwards(0, 0));
        assert_eq!(window(1, 3, 0), forwards(0, 0));
        // The last of 1,000 pages skips nothing; the middle one is the dearest.
        assert_eq!(window(1000, 100, 100_000), backwards(0, 100));
        assert_eq!(window(500, 100, 100_000), forwards(49_900, 100));
        assert_eq!(window(501, 100, 100_000), backwards(49_900, 100));
        assert_eq!(window(u64::MAX, u64::MAX, 5), forwards(0, 0));
    }
}
