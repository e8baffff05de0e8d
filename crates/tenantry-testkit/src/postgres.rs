//! A throwaway PostgreSQL cluster per test process, and a fresh database per test.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// The admin URL of the cluster, if one could be had.
fn admin_url() -> Option<&'static str> {
    static URL: OnceLock<Option<String>> = OnceLock::new();
    URL.get_or_init(|| {
        let url = std::env::var("TENANTRY_TEST_POSTGRES_URL")
            .ok()
            .or_else(|| Cluster::start(false).map(|cluster| cluster.admin_url()));
        if url.is_none() && required() {
            panic!("PostgreSQL is required (TENANTRY_REQUIRE_POSTGRES=1) but initdb/pg_ctl were not found");
        }
        url
    })
    .as_deref()
}

/// Whether a missing PostgreSQL fails the tests (as in CI) instead of skipping that engine.
pub(crate) fn required() -> bool {
    std::env::var("TENANTRY_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

pub(crate) async fn fresh_database() -> Option<String> {
    Some(database_in(admin_url()?).await)
}

/// A new, empty database of the cluster at `admin`.
async fn database_in(admin: &str) -> String {
    let name = format!("t_{}", uuid::Uuid::now_v7().simple());
    let mut conn = PgConnection::connect(admin)
        .await
        .expect("connect to the test cluster");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .expect("create a test database");
    let (base, _) = admin
        .rsplit_once('/')
        .expect("admin URL has a database part");
    format!("{base}/{name}")
}

/// Drops the database at `url` on a thread of its own (a `Drop` cannot wait on the test's
/// runtime), ending its remaining connections. Nothing waits for it: if the process ends
/// first, the whole cluster goes with it.
pub(crate) fn drop_database_soon(url: String) {
    let Some((base, name)) = url.rsplit_once('/') else {
        return;
    };
    let admin = format!("{base}/postgres");
    let statement = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
    std::thread::spawn(move || {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async {
            if let Ok(mut conn) = PgConnection::connect(&admin).await {
                let _ = sqlx::query(&statement).execute(&mut conn).await;
            }
        });
    });
}

fn find_bin_dir() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .find(|dir| dir.join("initdb").is_file() && dir.join("pg_ctl").is_file())
    });
    on_path.or_else(|| {
        let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|entry| Some(entry.ok()?.path().join("bin")))
            .filter(|bin| bin.join("initdb").is_file())
            .collect();
        versions.sort();
        versions.pop()
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `initdb` refuses to run as root: then the cluster belongs to the `postgres` user.
fn as_cluster_owner(program: &Path) -> Command {
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if is_root {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", "postgres", "--"]).arg(program);
        cmd
    } else {
        Command::new(program)
    }
}

/// A throwaway PostgreSQL cluster on 127.0.0.1, stopped when this test process ends. The
/// tests share one (behind `postgres()`); an outage test starts its own to stop and start.
pub struct Cluster {
    bin: PathBuf,
    dir: PathBuf,
    data: PathBuf,
    port: u16,
    /// Whether a commit is on disk before it is acknowledged, as in production. The shared
    /// cluster skips it for speed; a crash test needs it.
    durable: bool,
}

impl Cluster {
    /// Initialises and starts a cluster, or `None` when PostgreSQL is not installed.
    pub fn start(durable: bool) -> Option<Cluster> {
        let bin = find_bin_dir()?;
        let dir = tempfile::Builder::new()
            .prefix("tenantry-pg-")
            .tempdir()
            .ok()?
            .keep();
        let _ = Command::new("chmod").arg("777").arg(&dir).status();
        let data = dir.join("data");
        let status = as_cluster_owner(&bin.join("initdb"))
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
                "-D",
            ])
            .arg(&data)
            .stdout(Stdio::null())
            .status()
            .ok()?;
        assert!(status.success(), "initdb failed");
        let cluster = Cluster {
            bin,
            dir,
            data,
            port: free_port(),
            durable,
        };
        cluster.resume();
        cluster.watch();
        Some(cluster)
    }

    pub fn admin_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// A new, empty database of this cluster.
    pub async fn fresh_database(&self) -> String {
        database_in(&self.admin_url()).await
    }

    /// Starts the (stopped) cluster again, on its port, and waits until it accepts connections.
    pub fn resume(&self) {
        let speed = if self.durable {
            ""
        } else {
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        };
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300{speed}",
            self.port,
            self.dir.display()
        );
        let status = as_cluster_owner(&self.bin.join("pg_ctl"))
            .args(["-w", "-D"])
            .arg(&self.data)
            .args(["-o", &options, "-l"])
            .arg(self.dir.join("log"))
            .arg("start")
            .stdout(Stdio::null())
            .status()
            .expect("run pg_ctl");
        assert!(
            status.success(),
            "pg_ctl start failed; see {}",
            self.dir.join("log").display()
        );
    }

    /// Stops the cluster the way a crash would: no checkpoint, every connection cut.
    pub fn stop_immediately(&self) {
        let status = as_cluster_owner(&self.bin.join("pg_ctl"))
            .args(["-w", "-D"])
            .arg(&self.data)
            .args(["stop", "-m", "immediate"])
            .stdout(Stdio::null())
            .status()
            .expect("run pg_ctl");
        assert!(status.success(), "pg_ctl stop failed");
    }

    /// Stops the cluster when this test process ends, however it ends.
    fn watch(&self) {
        let watchdog = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {owner}{pg_ctl} -D {data} stop -m immediate >/dev/null 2>&1; rm -rf {dir}",
            pid = std::process::id(),
            owner = if as_cluster_owner(Path::new("true")).get_program() == "runuser" {
                "runuser -u postgres -- "
            } else {
                ""
            },
            pg_ctl = self.bin.join("pg_ctl").display(),
            data = self.data.display(),
            dir = self.dir.display(),
        );
        let _ = Command::new("setsid")
            .args(["sh", "-c", &watchdog])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
    }
}

/// Every table of the database as JSON lines (bytea columns appear as hex).
pub(crate) async fn dump_tables(url: &str) -> String {
    let mut conn = PgConnection::connect(url)
        .await
        .expect("connect to the test database");
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_all(&mut conn)
    .await
    .expect("list tables");
    let mut out = String::new();
    for table in tables {
        let sql = format!(
            "SELECT COALESCE(string_agg(row_to_json(t)::text, E'\\n'), '') FROM \"{table}\" t"
        );
        let rows: String = sqlx::query_scalar(&sql)
            .fetch_one(&mut conn)
            .await
            .expect("dump a table");
        out.push_str(&rows);
        out.push('\n');
    }
    out
}
