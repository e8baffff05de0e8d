//! Command-line interface; every option can also come from a `TENANTRY_*` variable.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use tenantry_app::sign_up::SignUpPolicy;

#[derive(Parser)]
#[command(
    name = "tenantry",
    version,
    about = "Control plane for DNS and domain resellers"
)]
pub struct Cli {
    /// How log lines are written to stderr: `text` (coloured on a terminal) or `json` (one
    /// object per line, for a log collector).
    #[arg(long, global = true, env = "TENANTRY_LOG_FORMAT", default_value = "text", value_parser = log_format)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LogFormat {
    Text,
    Json,
}

fn log_format(text: &str) -> Result<LogFormat, String> {
    match text {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        _ => Err(format!("{text:?}: expected text or json")),
    }
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the HTTP server (migrates the database first).
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate(StorageArgs),
    /// Create the platform operator, the first organization, its owner and an API credential.
    Bootstrap(BootstrapArgs),
    /// Copy the embedded SQLite database, consistently while it serves, and the master key
    /// into a new directory. For PostgreSQL, use `pg_dump` (see README).
    Backup(BackupArgs),
    /// Put a backup made by `tenantry backup` in place as the data directory's database and
    /// master key; the data directory must not have a database yet.
    Restore(RestoreArgs),
    /// Recover from a lost bootstrap output: a new operator, an organization's credential, or
    /// the organizations' ids. Secrets are printed once.
    #[command(subcommand)]
    Recover(RecoverCommand),
    /// A signed zone's DNSSEC keys: list them with the DS records for the parent, and roll
    /// them over (add the successor, later retire the old key).
    #[command(subcommand)]
    Dnssec(DnssecCommand),
}

#[derive(Subcommand)]
pub enum DnssecCommand {
    /// The zone's keys (tag, role, DNSKEY) and the DS records its parent must publish.
    Keys {
        /// The zone's name, e.g. `example.com`.
        zone: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Publish a new key beside the old ones; it signs at once.
    AddKey {
        zone: String,
        /// A key signing key (its DS goes to the parent) instead of a zone signing key.
        #[arg(long)]
        ksk: bool,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Retire the key with this tag (never the last key of its kind).
    RetireKey {
        zone: String,
        key_tag: u16,
        #[command(flatten)]
        storage: StorageArgs,
    },
}

#[derive(Subcommand)]
pub enum RecoverCommand {
    /// Make a new platform operator with a fresh key and TOTP seed (remove the lost one with
    /// it afterwards: `DELETE /v1/ops/operators/{id}`).
    Operator {
        /// The new operator's sign-in name.
        #[arg(long, default_value = "recovery")]
        username: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// Issue a new admin API credential of an organization (its TypeID or slug).
    Credential {
        #[arg(long)]
        organization: String,
        /// The credential's name.
        #[arg(long, default_value = "recovery")]
        name: String,
        #[command(flatten)]
        storage: StorageArgs,
    },
    /// List every live organization: its TypeID, number, slug, parent and name.
    Organizations {
        #[command(flatten)]
        storage: StorageArgs,
    },
}

#[derive(Args)]
pub struct BackupArgs {
    /// The directory to write the backup to; it must not exist yet.
    #[arg(long)]
    pub to: PathBuf,
    #[command(flatten)]
    pub storage: StorageArgs,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// A directory written by `tenantry backup`.
    #[arg(long)]
    pub from: PathBuf,
    #[command(flatten)]
    pub storage: StorageArgs,
}

#[derive(Args, Clone)]
pub struct StorageArgs {
    /// Where the embedded SQLite database and the master key live.
    #[arg(long, env = "TENANTRY_DATA_DIR", default_value = "./tenantry-data")]
    pub data_dir: PathBuf,
    /// `postgres://…` to use PostgreSQL, or `sqlite://PATH`; default `<data-dir>/tenantry.db`.
    #[arg(long, env = "TENANTRY_DATABASE_URL")]
    pub database_url: Option<String>,
    /// 64 hex characters sealing TOTP seeds at rest; default: `<data-dir>/master.key`, created
    /// on first use. Nodes sharing one PostgreSQL must share this key.
    #[arg(long, env = "TENANTRY_MASTER_KEY", hide_env_values = true)]
    pub master_key: Option<String>,
    /// Database connection pool size.
    #[arg(long, env = "TENANTRY_MAX_CONNECTIONS", default_value_t = 16)]
    pub max_connections: u32,
}

#[derive(Args)]
pub struct ServeArgs {
    /// The address to serve HTTP on: `host:port`, or only a port (`8081`, `:8081`) for
    /// 127.0.0.1. `0.0.0.0:8081` serves every interface.
    #[arg(long, env = "TENANTRY_LISTEN", default_value = "127.0.0.1:8080", value_parser = listen_address)]
    pub listen: SocketAddr,
    /// Serve Prometheus metrics at `/metrics` on this address (its own listener: bind it
    /// where only the monitoring reaches). Off by default.
    #[arg(long, env = "TENANTRY_METRICS_LISTEN", value_parser = listen_address)]
    pub metrics_listen: Option<SocketAddr>,
    /// The name servers every zone delegates to (its apex NS; the first is the SOA's primary),
    /// comma-separated.
    #[arg(
        long,
        env = "TENANTRY_NAMESERVERS",
        value_delimiter = ',',
        default_value = "ns1.localhost.,ns2.localhost."
    )]
    pub nameservers: Vec<String>,
    /// The SOA's responsible mailbox, written as a name (`hostmaster.example.net.`).
    #[arg(
        long,
        env = "TENANTRY_HOSTMASTER",
        default_value = "hostmaster.localhost."
    )]
    pub hostmaster: String,
    /// Also serve HTTPS here, for clients that insist on it (NS1's SDK builds https URLs).
    /// The certificate is `<data-dir>/tls/cert.pem`, self-signed and made on first start.
    #[arg(long, env = "TENANTRY_TLS_LISTEN", value_parser = listen_address)]
    pub tls_listen: Option<SocketAddr>,
    /// Answer DNS queries for every zone, authoritatively, on this address over UDP and TCP
    /// (off unless given; `127.0.0.1:5353` to try it with `dig -p 5353`).
    #[arg(long, env = "TENANTRY_DNS_LISTEN", value_parser = listen_address)]
    pub dns_listen: Option<SocketAddr>,
    /// How many changes of each zone are kept for IXFR; a secondary further behind is sent
    /// the whole zone.
    #[arg(long, env = "TENANTRY_DNS_JOURNAL_DEPTH", default_value_t = tenantry_app::dns::DEFAULT_JOURNAL_DEPTH)]
    pub dns_journal_depth: u32,
    /// Requests one credential (or one address, without one) may make per period.
    #[arg(long, env = "TENANTRY_RATE_LIMIT", default_value = "10000")]
    pub rate_limit: NonZeroU32,
    /// The rate limit's period, in seconds.
    #[arg(long, env = "TENANTRY_RATE_LIMIT_PERIOD", default_value = "10")]
    pub rate_limit_period: NonZeroU32,
    /// The SMTP server mail goes through: `smtp://host:25` (plain), `smtp://host:587?tls=required`
    /// (STARTTLS) or `smtps://host:465` (TLS), with `user:password@` when it needs them.
    /// Without it, mail is written as `.eml` files under `<data-dir>/mail`.
    #[arg(long, env = "TENANTRY_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The `From` of the platform's mail.
    #[arg(
        long,
        env = "TENANTRY_MAIL_FROM",
        default_value = "Tenantry <noreply@localhost>"
    )]
    pub mail_from: String,
    /// The address people reach this server at, for the links in mail (default: the
    /// `--listen` address over http).
    #[arg(long, env = "TENANTRY_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Who may sign up (`POST /api/v1/auth/signup`): `open` (anyone), `invite` (only through
    /// an invitation's link) or `closed` (nobody; people are made by administrators).
    #[arg(long, env = "TENANTRY_SIGNUP", default_value = "invite", value_parser = sign_up_policy)]
    pub signup: SignUpPolicy,
    #[command(flatten)]
    pub storage: StorageArgs,
}

#[derive(Args)]
pub struct BootstrapArgs {
    #[arg(long, env = "TENANTRY_BOOTSTRAP_ORG_NAME")]
    pub org_name: String,
    #[arg(long, env = "TENANTRY_BOOTSTRAP_USERNAME")]
    pub username: String,
    #[arg(long, env = "TENANTRY_BOOTSTRAP_EMAIL")]
    pub email: String,
    /// Print exactly one JSON object instead of text.
    #[arg(long, env = "TENANTRY_BOOTSTRAP_JSON")]
    pub json: bool,
    /// Write the output to this new file (readable by its owner only) instead of stdout;
    /// an existing file is never overwritten.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub storage: StorageArgs,
}

fn sign_up_policy(text: &str) -> Result<SignUpPolicy, String> {
    SignUpPolicy::parse(text).ok_or_else(|| format!("{text:?}: expected open, invite or closed"))
}

/// An address to listen on: `host:port` (a name is resolved, IPv4 first), or a port alone,
/// written `8081` or `:8081`, on 127.0.0.1: serving every interface is said explicitly.
fn listen_address(text: &str) -> Result<SocketAddr, String> {
    use std::net::{Ipv4Addr, ToSocketAddrs};
    let port_only = text.strip_prefix(':').unwrap_or(text);
    if let Ok(port) = port_only.parse::<u16>() {
        return Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port)));
    }
    let found: Vec<SocketAddr> = text
        .to_socket_addrs()
        .map_err(|why| format!("{text:?}: expected host:port or a port ({why})"))?
        .collect();
    found
        .iter()
        .find(|a| a.is_ipv4())
        .or(found.first())
        .copied()
        .ok_or_else(|| format!("{text:?} names no address"))
}

#[cfg(test)]
mod tests {
    use super::listen_address;

    #[test]
    fn a_listen_address_may_be_a_port_or_a_host_name() {
        for (text, address) in [
            ("8081", "127.0.0.1:8081"),
            (":8081", "127.0.0.1:8081"),
            ("localhost:8081", "127.0.0.1:8081"),
            ("0.0.0.0:80", "0.0.0.0:80"),
            ("[::1]:8081", "[::1]:8081"),
        ] {
            assert_eq!(listen_address(text).unwrap().to_string(), address, "{text}");
        }
        for bad in ["", "host", "70000", "localhost:http2", ":"] {
            assert!(listen_address(bad).is_err(), "{bad}");
        }
    }
}
