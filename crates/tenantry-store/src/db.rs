//! The database handle and its transactions, on SQLite or PostgreSQL.
//!
//! SQLite gets one connection for writes, so writers queue in-process instead of failing with
//! `SQLITE_BUSY`, and whose commits are grouped (see `group_commit`), and a pool for reads,
//! which WAL lets run beside the writer.

use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, Database, PgPool, Postgres, Sqlite, SqlitePool};

use crate::error::{Result, StoreError};
use crate::group_commit::{WriteLease, Writer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Db(Backend);

#[derive(Clone)]
enum Backend {
    Sqlite { write: Writer, read: SqlitePool },
    Postgres(PgPool),
}

/// How long one attempt waits for a PostgreSQL connection. Short, so that a stopped or
/// unreachable server answers 503 within a second instead of holding every request until
/// the request timeout.
const ACQUIRE_TIMEOUT: Duration = Duration::from_millis(800);

/// How long a request keeps waiting while every connection is busy serving others (a burst,
/// not an outage): attempts are repeated while the pool is full and live.
const BUSY_PATIENCE: Duration = Duration::from_secs(25);

/// Runs `attempt` (which takes a connection from `pool`) again while it times out only
/// because the database is busy: every connection is in use, or opening one is slow. When a
/// fresh connection cannot be opened at all, the database is unreachable, and the caller
/// hears so at once.
async fn patiently<T, F>(pool: &PgPool, attempt: impl Fn() -> F) -> Result<T, sqlx::Error>
where
    F: std::future::Future<Output = Result<T, sqlx::Error>>,
{
    let deadline = tokio::time::Instant::now() + BUSY_PATIENCE;
    loop {
        match attempt().await {
            Err(sqlx::Error::PoolTimedOut) if tokio::time::Instant::now() < deadline => {
                let saturated =
                    pool.size() >= pool.options().get_max_connections() && pool.num_idle() == 0;
                if !saturated && !reachable(pool).await {
                    return Err(sqlx::Error::PoolTimedOut);
                }
            }
            other => return other,
        }
    }
}

/// Opens a PostgreSQL transaction in a task of its own, so that it cannot be cancelled half-way.
/// sqlx 0.8's `begin` is not cancel-safe there: a request dropped while its BEGIN is in flight
/// (the client went away, a timeout) leaves the session inside a transaction that nothing ends,
/// and the pool hands that connection to the next borrower, whose statements then run inside
/// it (the server's "there is already a transaction in progress"); one failing statement
/// would then fail every later one on that connection. In its own task the BEGIN completes,
/// and a transaction nobody waits for any more is dropped there, which rolls it back.
async fn begin_whole(pool: &PgPool) -> Result<sqlx::Transaction<'static, Postgres>> {
    let pool = pool.clone();
    let begun = tokio::spawn(async move { patiently(&pool, || pool.begin()).await });
    match begun.await {
        Ok(transaction) => Ok(transaction?),
        Err(join) => Err(StoreError::Database(sqlx::Error::Io(
            std::io::Error::other(join),
        ))),
    }
}

/// Whether a new connection to the pool's database opens within a second.
async fn reachable(pool: &PgPool) -> bool {
    use sqlx::Connection;
    let options = pool.connect_options();
    let probe = sqlx::PgConnection::connect_with(&options);
    match tokio::time::timeout(Duration::from_secs(1), probe).await {
        Ok(Ok(connection)) => {
            let _ = connection.close().await;
            true
        }
        _ => false,
    }
}

#[derive(Debug, Clone)]
pub struct DbOptions {
    pub max_connections: u32,
    pub busy_timeout: Duration,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            max_connections: 16,
            busy_timeout: Duration::from_secs(5),
        }
    }
}

/// A transaction (PostgreSQL writes), or a bare pooled connection (reads, `Db::read`).
pub(crate) enum Handle<DB: Database> {
    Tx(sqlx::Transaction<'static, DB>),
    Conn(PoolConnection<DB>),
}

impl<DB: Database> Handle<DB> {
    pub(crate) fn conn(&mut self) -> &mut DB::Connection {
        match self {
            Handle::Tx(t) => &mut *t,
            Handle::Conn(c) => &mut *c,
        }
    }

    async fn commit(self) -> Result<()> {
        if let Handle::Tx(t) = self {
            t.commit().await?;
        }
        Ok(())
    }
}

pub(crate) enum TxInner {
    SqliteWrite(WriteLease),
    Sqlite(Handle<Sqlite>),
    Postgres(Handle<Postgres>),
}

/// One database transaction; a use case opens one, and commits it or drops it (rollback).
pub struct Tx {
    pub(crate) inner: TxInner,
    /// What to do once the transaction has committed, never if it rolls back.
    committed: Vec<Box<dyn FnOnce() + Send + Sync>>,
}

/// The connection a transaction holds, by engine.
pub(crate) enum EngineConn<'a> {
    Sqlite(&'a mut sqlx::SqliteConnection),
    Postgres(&'a mut sqlx::PgConnection),
}

impl Tx {
    pub(crate) fn engine_conn(&mut self) -> EngineConn<'_> {
        match &mut self.inner {
            TxInner::SqliteWrite(lease) => EngineConn::Sqlite(lease.conn()),
            TxInner::Sqlite(handle) => EngineConn::Sqlite(handle.conn()),
            TxInner::Postgres(handle) => EngineConn::Postgres(handle.conn()),
        }
    }
}

/// Runs the same code against whichever engine's connection the transaction holds.
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx.engine_conn() {
            $crate::db::EngineConn::Sqlite($conn) => $body,
            $crate::db::EngineConn::Postgres($conn) => $body,
        }
    };
}
pub(crate) use on_tx;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/postgres");

/// Creates the database file, if missing, readable and writable by its owner only. SQLite
/// gives its WAL and shared-memory files the database file's permissions, so they follow.
fn create_private(path: &std::path::Path) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    if path.as_os_str().is_empty() || path == std::path::Path::new(":memory:") {
        return Ok(());
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(err) => Err(StoreError::Database(sqlx::Error::Io(err))),
    }
}

/// A pool's connections right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStats {
    pub size: u32,
    pub idle: u32,
}

impl Db {
    /// Opens `sqlite://PATH` (created if missing, mode 0600) or `postgres://…`.
    pub async fn connect(url: &str, options: &DbOptions) -> Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let connect = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect_with(connect)
                .await?;
            return Ok(Db(Backend::Postgres(pool)));
        }
        let connect = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            // Each use case runs in a savepoint, whose journal of changed pages would
            // otherwise be a temporary file; it never needs to outlive the connection.
            .pragma("temp_store", "memory")
            .foreign_keys(true)
            .busy_timeout(options.busy_timeout);
        create_private(connect.get_filename())?;
        // A local file's connections do not go stale: skip the ping sqlx sends on every
        // acquire, a round trip to the connection's worker thread.
        let write = Writer::new(connect.connect().await?);
        let read = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .max_connections(options.max_connections)
            .connect_with(connect.read_only(true))
            .await?;
        Ok(Db(Backend::Sqlite { write, read }))
    }

    pub fn engine(&self) -> Engine {
        match &self.0 {
            Backend::Sqlite { .. } => Engine::Sqlite,
            Backend::Postgres(_) => Engine::Postgres,
        }
    }

    pub async fn migrate(&self) -> Result<()> {
        match &self.0 {
            Backend::Sqlite { write, .. } => {
                SQLITE_MIGRATIONS
                    .run(write.exclusive().await.conn())
                    .await?
            }
            Backend::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// A transaction that may write.
    pub async fn begin(&self) -> Result<Tx> {
        let inner = match &self.0 {
            Backend::Sqlite { write, .. } => TxInner::SqliteWrite(write.begin().await?),
            Backend::Postgres(pool) => TxInner::Postgres(Handle::Tx(begin_whole(pool).await?)),
        };
        Ok(Tx::over(inner))
    }

    /// A connection for a use case that only reads, without BEGIN/COMMIT: each statement
    /// sees every write committed before it started. That is all a transaction gives a
    /// reader on PostgreSQL at its default isolation (READ COMMITTED takes a snapshot per
    /// statement), so both engines read alike, and the BEGIN and the end of a transaction
    /// are two round trips (on SQLite, two hops to the connection's thread) saved per read.
    /// On SQLite it runs on one of the readers, beside the writer. `Tx::commit` on it only
    /// returns the connection.
    pub async fn read(&self) -> Result<Tx> {
        let inner = match &self.0 {
            Backend::Sqlite { read, .. } => TxInner::Sqlite(Handle::Conn(read.acquire().await?)),
            Backend::Postgres(pool) => {
                TxInner::Postgres(Handle::Conn(patiently(pool, || pool.acquire()).await?))
            }
        };
        Ok(Tx::over(inner))
    }

    /// Writes a consistent copy of the embedded database, as of one moment, to `path`, a new
    /// file, while it keeps serving (SQLite's `VACUUM INTO`, on a reader: writers go on).
    /// Answers `false` on PostgreSQL, whose own `pg_dump` does this.
    pub async fn copy_into(&self, path: &str) -> Result<bool> {
        match &self.0 {
            Backend::Sqlite { read, .. } => {
                sqlx::query("VACUUM INTO $1")
                    .bind(path)
                    .execute(read)
                    .await?;
                Ok(true)
            }
            Backend::Postgres(_) => Ok(false),
        }
    }

    /// Answers once the database does (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        let mut tx = self.read().await?;
        on_tx!(tx, conn => sqlx::query("SELECT 1").execute(conn).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The connections the database is reached through, and how many of them are idle
    /// (SQLite: the readers' pool; its one writer is not pooled).
    pub fn pool_stats(&self) -> PoolStats {
        let (size, idle) = match &self.0 {
            Backend::Sqlite { read, .. } => (read.size(), read.num_idle()),
            Backend::Postgres(pool) => (pool.size(), pool.num_idle()),
        };
        PoolStats {
            size,
            idle: u32::try_from(idle).unwrap_or(u32::MAX),
        }
    }

    pub async fn close(&self) {
        match &self.0 {
            Backend::Sqlite { write, read } => {
                read.close().await;
                write.close().await;
            }
            Backend::Postgres(pool) => pool.close().await,
        }
    }
}

impl Tx {
    fn over(inner: TxInner) -> Tx {
        Tx {
            inner,
            committed: Vec::new(),
        }
    }

    /// Whether rows read here can be locked for the rest of the transaction (`FOR UPDATE`): a
    /// PostgreSQL write transaction. SQLite writes one transaction at a time, and a read
    /// (`Db::read`) holds none.
    pub(crate) fn locks_rows(&self) -> bool {
        matches!(self.inner, TxInner::Postgres(Handle::Tx(_)))
    }

    /// Runs `then` once the transaction has committed (a counter of what it wrote), and
    /// never if it rolls back.
    pub fn after_commit(&mut self, then: impl FnOnce() + Send + Sync + 'static) {
        self.committed.push(Box::new(then));
    }

    pub async fn commit(self) -> Result<()> {
        match self.inner {
            TxInner::SqliteWrite(lease) => lease.commit().await,
            TxInner::Sqlite(handle) => handle.commit().await,
            TxInner::Postgres(handle) => handle.commit().await,
        }?;
        for then in self.committed {
            then();
        }
        Ok(())
    }
}

/// Converts a stored enum-like text back, or reports the row as corrupt.
pub(crate) fn parse_stored<T>(value: &str, parse: impl FnOnce(&str) -> Option<T>) -> Result<T> {
    parse(value).ok_or_else(|| StoreError::Corrupt(format!("unexpected stored value {value:?}")))
}
