//! What the binary's end-to-end tests share: running `tenantry` commands, a `serve` process
//! with curl to call it, and two servers on one PostgreSQL database. Each test binary uses
//! part of it.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_tenantry");

pub fn tenantry(data_dir: &Path, database_url: Option<&str>) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env("TENANTRY_DATA_DIR", data_dir)
        .env("TENANTRY_LOG", "warn");
    // Every node sharing one database shares the master key; on SQLite it is the data
    // directory's `master.key`.
    if let Some(url) = database_url {
        cmd.env("TENANTRY_MASTER_KEY", "11".repeat(32));
        cmd.env("TENANTRY_DATABASE_URL", url);
    }
    cmd
}

pub fn bootstrap(data_dir: &Path, database_url: Option<&str>) -> Output {
    tenantry(data_dir, database_url)
        .args([
            "bootstrap",
            "--org-name",
            "Reseller",
            "--username",
            "owner",
            "--email",
            "owner@reseller.example",
            "--json",
        ])
        .output()
        .unwrap()
}

/// A `serve` process, stopped with SIGTERM when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    pub fn start(data_dir: &Path, database_url: Option<&str>) -> Server {
        Server::start_with(data_dir, database_url, &[])
    }

    pub fn start_with(data_dir: &Path, database_url: Option<&str>, options: &[&str]) -> Server {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = tenantry(data_dir, database_url)
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(options)
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while server.status("/readyz") != 200 {
            assert!(Instant::now() < deadline, "server did not become ready");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    pub fn status(&self, path: &str) -> u16 {
        self.request(path, None).0
    }

    pub fn request(&self, path: &str, key: Option<&str>) -> (u16, String) {
        self.call("GET", path, key, None)
    }

    pub fn call(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<&str>,
    ) -> (u16, String) {
        self.call_with(method, path, key, body, &[])
    }

    pub fn call_with(
        &self,
        method: &str,
        path: &str,
        key: Option<&str>,
        body: Option<&str>,
        headers: &[(&str, &str)],
    ) -> (u16, String) {
        let mut cmd = Command::new("curl");
        for (name, value) in headers {
            cmd.args(["--header", &format!("{name}: {value}")]);
        }
        cmd.args([
            "--silent",
            "--output",
            "-",
            "--write-out",
            "\n%{http_code}",
            "--request",
            method,
        ])
        .arg(format!("{}{path}", self.base));
        if let Some(body) = body {
            cmd.args(["--header", "Content-Type: application/json", "--data", body]);
        }
        if let Some(key) = key {
            cmd.args(["--header", &format!("X-Api-Key: {key}")]);
        }
        let out = String::from_utf8(cmd.output().unwrap().stdout).unwrap();
        let (body, code) = out.rsplit_once('\n').unwrap_or(("", "0"));
        (code.parse().unwrap_or(0), body.to_owned())
    }

    /// SIGTERM, then the exit status.
    pub fn stop(mut self) -> std::process::ExitStatus {
        Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        let status = self.child.wait().unwrap();
        std::mem::forget(self);
        status
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Two `serve` processes on one fresh PostgreSQL database, bootstrapped through the first.
pub struct TwoNodes {
    pub boot: Value,
    pub a: Server,
    pub b: Server,
    pub dir_b: tempfile::TempDir,
    pub url: String,
    /// The database goes with this value: a test binds it (`_database`) for as long as the
    /// nodes run.
    pub _database: tenantry_testkit::TestDb,
    pub _dir_a: tempfile::TempDir,
}

impl TwoNodes {
    /// `None` when PostgreSQL is not installed (and not required).
    pub fn start() -> Option<TwoNodes> {
        let database = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(tenantry_testkit::postgres())?;
        Some(TwoNodes::on(database))
    }

    /// Two nodes on `database`.
    pub fn on(database: tenantry_testkit::TestDb) -> TwoNodes {
        let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let url = database.url.clone();
        let boot = serde_json::from_slice(&bootstrap(dir_a.path(), Some(&url)).stdout).unwrap();
        let (a, b) = (
            Server::start(dir_a.path(), Some(&url)),
            Server::start(dir_b.path(), Some(&url)),
        );
        TwoNodes {
            boot,
            a,
            b,
            dir_b,
            url,
            _database: database,
            _dir_a: dir_a,
        }
    }
}
