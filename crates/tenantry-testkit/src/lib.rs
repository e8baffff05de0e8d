//! Test support shared by the crates' tests: every storage scenario runs on SQLite and on
//! PostgreSQL. PostgreSQL comes from `TENANTRY_TEST_POSTGRES_URL` (an admin URL) or from a
//! throwaway cluster this process starts with `initdb`/`pg_ctl` and stops when it exits.
//! With `TENANTRY_REQUIRE_POSTGRES=1` (as in CI) a missing PostgreSQL fails the tests instead
//! of skipping that engine.

mod postgres;

pub use postgres::Cluster;

use std::sync::{Arc, Mutex};

use tempfile::TempDir;
use tenantry_app::{
    App, BootstrapRequest, Bootstrapped, Clock, Db, DbOptions, Engine, SecretBox, SystemClock,
};
use tenantry_core::values::{Email, Username};
use time::{Duration, OffsetDateTime};

/// A migrated database that lives as long as this value.
pub struct TestDb {
    pub db: Db,
    pub url: String,
    _dir: Option<TempDir>,
}

impl TestDb {
    pub fn engine(&self) -> Engine {
        self.db.engine()
    }

    /// Everything the database holds, as bytes to search for secrets: SQLite's files (the
    /// database, its WAL and shared memory), or every PostgreSQL table rendered as JSON.
    pub async fn raw_contents(&self) -> Vec<u8> {
        match &self._dir {
            Some(dir) => {
                // The WAL before the database: a checkpoint running meanwhile only moves pages
                // from the WAL into the database, so whatever the WAL held is found in one of
                // the two. The other order can miss pages checkpointed and overwritten between
                // the reads.
                let mut paths: Vec<_> = std::fs::read_dir(dir.path())
                    .expect("read the database directory")
                    .map(|entry| entry.expect("a directory entry").path())
                    .collect();
                paths.sort_by_key(|path| path.extension().is_some_and(|e| e == "db"));
                let mut bytes = Vec::new();
                for path in paths {
                    bytes.extend(std::fs::read(path).expect("read a database file"));
                }
                bytes
            }
            None => postgres::dump_tables(&self.url).await.into_bytes(),
        }
    }
}

impl Drop for TestDb {
    /// A PostgreSQL test database is dropped with its test: a suite creates hundreds, and
    /// each holds several megabytes of catalogs until the cluster goes.
    fn drop(&mut self) {
        if self._dir.is_none() {
            postgres::drop_database_soon(self.url.clone());
        }
    }
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}", dir.path().join("tenantry.db").display());
    let db = Db::connect(&url, &DbOptions::default())
        .await
        .expect("open SQLite");
    db.migrate().await.expect("migrate SQLite");
    TestDb {
        db,
        url,
        _dir: Some(dir),
    }
}

/// A fresh PostgreSQL database, or `None` when PostgreSQL is not installed (and not required).
pub async fn postgres() -> Option<TestDb> {
    Some(postgres_at(postgres::fresh_database().await?).await)
}

/// The URL of a fresh PostgreSQL database with no migration run yet (to test a migration
/// against what an earlier one left), or `None` when PostgreSQL is not installed (and not
/// required). The cluster goes with the test run.
pub async fn empty_postgres() -> Option<String> {
    postgres::fresh_database().await
}

/// A fresh database of a cluster the test owns.
pub async fn postgres_in(cluster: &Cluster) -> TestDb {
    postgres_at(cluster.fresh_database().await).await
}

/// A migrated PostgreSQL database at `url`.
async fn postgres_at(url: String) -> TestDb {
    let db = Db::connect(
        &url,
        &DbOptions {
            max_connections: 8,
            ..Default::default()
        },
    )
    .await
    .expect("open PostgreSQL");
    db.migrate().await.expect("migrate PostgreSQL");
    TestDb {
        db,
        url,
        _dir: None,
    }
}

/// A durable cluster of the test's own (commits on disk before they are acknowledged), or
/// `None` when PostgreSQL is not installed (a failure when it is required).
pub fn own_cluster() -> Option<Cluster> {
    let cluster = Cluster::start(true);
    assert!(
        cluster.is_some() || !postgres::required(),
        "PostgreSQL is required (TENANTRY_REQUIRE_POSTGRES=1) but initdb/pg_ctl were not found"
    );
    cluster
}

/// One fresh database per available engine.
pub async fn engines() -> Vec<TestDb> {
    let mut all = vec![sqlite().await];
    all.extend(postgres().await);
    all
}

/// The wall clock, moved forward by however much a test asked: expiry without waiting.
#[derive(Default)]
pub struct TestClock {
    ahead: Mutex<Duration>,
}

impl TestClock {
    pub fn advance(&self, by: Duration) {
        *self.ahead.lock().unwrap() += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        SystemClock.now() + *self.ahead.lock().unwrap()
    }
}

/// An app over a test database, bootstrapped with one tenant.
pub struct TestApp {
    pub app: Arc<App>,
    pub boot: Bootstrapped,
    pub database: TestDb,
    pub clock: Arc<TestClock>,
}

pub async fn bootstrapped(database: TestDb) -> TestApp {
    let clock = Arc::new(TestClock::default());
    let app = Arc::new(App::new(
        database.db.clone(),
        clock.clone(),
        SecretBox::new(&[9; 32]),
    ));
    let boot = app
        .bootstrap(BootstrapRequest {
            organization_name: "Reseller".into(),
            username: Username::parse("owner").unwrap(),
            email: Email::parse("owner@reseller.example").unwrap(),
        })
        .await
        .expect("bootstrap");
    TestApp {
        app,
        boot,
        database,
        clock,
    }
}

/// A bootstrapped app per available engine.
pub async fn apps() -> Vec<TestApp> {
    let mut out = Vec::new();
    for database in engines().await {
        out.push(bootstrapped(database).await);
    }
    out
}
