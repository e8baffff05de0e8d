//! A real BIND `named`, started by a test as a secondary of the name server on 127.0.0.1 and
//! a port of its own, stopped when dropped.

use std::net::{SocketAddr, UdpSocket};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use tempfile::TempDir;

/// Whether `named` is installed; with `TENANTRY_REQUIRE_BIND=1` (CI) its absence fails.
pub fn named_available() -> bool {
    let found = Command::new("named").arg("-v").output().is_ok();
    if !found && std::env::var("TENANTRY_REQUIRE_BIND").as_deref() == Ok("1") {
        panic!("BIND's named is required (TENANTRY_REQUIRE_BIND=1) but was not found");
    }
    found
}

pub struct Named {
    child: Child,
    pub address: SocketAddr,
    dir: TempDir,
}

/// A free UDP port on 127.0.0.1 (named binds TCP on it too).
pub fn free_port() -> u16 {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|socket| socket.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

impl Named {
    /// `named` on `port`, holding `zone` (without its final dot) as a secondary of `primary`,
    /// signing its requests to it with the TSIG key `(name, base64 secret)`, HMAC-SHA256.
    pub fn secondary_of(primary: SocketAddr, zone: &str, port: u16, key: (&str, &str)) -> Named {
        let dir = tempfile::tempdir().expect("a directory for named");
        let config = format!(
            r#"options {{
    directory "{dir}";
    pid-file "{dir}/named.pid";
    listen-on port {port} {{ 127.0.0.1; }};
    listen-on-v6 {{ none; }};
    recursion no;
    // Like the name server: no NS records in the authority section of a positive answer.
    minimal-responses yes;
    notify no;
    dnssec-validation no;
    allow-query {{ any; }};
}};
controls {{ }};
key "{key_name}" {{
    algorithm hmac-sha256;
    secret "{key_secret}";
}};
zone "{zone}" {{
    type secondary;
    primaries {{ {ip} port {primary_port} key "{key_name}"; }};
    file "{dir}/{zone}.db";
    // Text, not BIND's raw default, so other tools (dnssec-verify) can read it.
    masterfile-format text;
    allow-notify {{ 127.0.0.1; }};
}};
"#,
            dir = dir.path().display(),
            ip = primary.ip(),
            primary_port = primary.port(),
            key_name = key.0,
            key_secret = key.1,
        );
        let config_path = dir.path().join("named.conf");
        std::fs::write(&config_path, config).expect("write named.conf");
        let log = std::fs::File::create(dir.path().join("named.log")).expect("a log file");
        let child = Command::new("named")
            .args(["-g", "-4", "-n", "1", "-c"])
            .arg(&config_path)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("named starts");
        Named {
            child,
            address: SocketAddr::from(([127, 0, 0, 1], port)),
            dir,
        }
    }

    /// Where named keeps the zone `zone` (without its final dot) it transferred.
    pub fn zone_file(&self, zone: &str) -> PathBuf {
        self.dir.path().join(format!("{zone}.db"))
    }

    /// What named has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_default()
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("named.log")
    }
}

impl Drop for Named {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A BIND secondary of `zone` (without its final dot) pulling from `server`, allowed first
/// (a refused first transfer would wait for BIND's retry timer) with a new TSIG key that BIND
/// signs its queries and transfers with; sent NOTIFY when `notified`.
pub async fn allowed_secondary(
    app: &tenantry_app::App,
    operator: &tenantry_app::OperatorActor,
    server: SocketAddr,
    zone: &str,
    notified: bool,
) -> Named {
    use tenantry_app::dns::{SecondaryCreate, TsigAlgorithm};
    let port = free_port();
    let key_name = tenantry_core::dns::ZoneName::parse(&format!("xfer.{zone}.tenantry.")).unwrap();
    let key = app
        .dns_tsig_key_create(operator, &key_name, TsigAlgorithm::HmacSha256)
        .await
        .unwrap();
    app.dns_secondary_create(
        operator,
        SecondaryCreate {
            organization_id: None,
            network: "127.0.0.1".parse().unwrap(),
            notify: notified.then(|| SocketAddr::from(([127, 0, 0, 1], port))),
            tsig_key: Some(key_name),
        },
    )
    .await
    .unwrap();
    tokio::time::sleep(tenantry_dns::REFRESH_EVERY * 3).await;
    Named::secondary_of(server, zone, port, (&key.key.name, &key.secret))
}
