//! `kill -9` of a server under 32 concurrent writers, on SQLite and on PostgreSQL: after a
//! restart every acknowledged write is there (people, charged zone creations, credits), no
//! charge is half-applied (each zone has its charge and each zone charge its zone), and the
//! balance is the sum of the account's transactions.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::Value;

use support::{Server, bootstrap};

const WRITERS: usize = 32;
/// How long the writers write before the kill.
const LOAD: Duration = Duration::from_millis(2500);

/// What the writers were told was done.
#[derive(Default)]
struct Acknowledged {
    users: Vec<String>,
    zones: Vec<String>,
    credits: Vec<String>,
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or(Value::Null)
}

/// One writer: a user, a charged zone, a credit, in turn, until told to stop; what was
/// acknowledged is kept, what failed (the server gone) is not.
fn write_until(
    server: &Server,
    writer: usize,
    keys: (&str, &str, &str),
    stop: &AtomicBool,
    sent: &AtomicUsize,
) -> Acknowledged {
    let (admin, operator, org) = keys;
    let mut done = Acknowledged::default();
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        sent.fetch_add(1, Ordering::Relaxed);
        match n % 3 {
            0 => {
                let body = format!(
                    r#"{{"username": "w{writer}-{n}", "email": "w{writer}-{n}@crash.example"}}"#
                );
                let (status, answer) = server.call("POST", "/v1/users", Some(admin), Some(&body));
                if status == 200 {
                    done.users
                        .push(json(&answer)["user_id"].as_str().unwrap().to_owned());
                }
            }
            1 => {
                let name = format!("w{writer}-{n}.crash.example");
                let body = format!(r#"{{"name": "{name}"}}"#);
                let (status, _) = server.call("POST", "/v1/dns", Some(admin), Some(&body));
                if status == 201 {
                    done.zones.push(format!("{name}."));
                }
            }
            _ => {
                let path = format!("/v1/organizations/{org}/billing/wallet/credits");
                let body = r#"{"amount": "0.50", "reference": "crash-test"}"#;
                let (status, answer) = server.call("POST", &path, Some(operator), Some(body));
                if status == 200 {
                    let moved = json(&answer);
                    done.credits
                        .push(moved["credit_id"].as_str().unwrap().to_owned());
                }
            }
        }
    }
    done
}

/// Every page of a list, its `results` in one vector.
fn every(server: &Server, path: &str, key: &str) -> Vec<Value> {
    let mut all = Vec::new();
    for page in 1.. {
        let separator = if path.contains('?') { '&' } else { '?' };
        let (status, body) = server.request(
            &format!("{path}{separator}page={page}&page_size=1000"),
            Some(key),
        );
        assert_eq!(status, 200, "{path}: {body}");
        let list = json(&body);
        let results = list["results"].as_array().unwrap().clone();
        let done = results.len() < 1000;
        all.extend(results);
        if done {
            break;
        }
    }
    all
}

fn cents(amount: &Value) -> i64 {
    let text = amount.as_str().unwrap();
    let (whole, fraction) = text.trim_start_matches('-').split_once('.').unwrap();
    let value = whole.parse::<i64>().unwrap() * 100 + fraction.parse::<i64>().unwrap();
    if text.starts_with('-') { -value } else { value }
}

fn killed_under_writers(dir: &Path, url: Option<&str>) {
    let boot = json(&String::from_utf8(bootstrap(dir, url).stdout).unwrap());
    let text = |key: &str| boot[key].as_str().unwrap().to_owned();
    let (admin, operator, org) = (
        text("api_key"),
        text("operator_api_key"),
        text("organization_id"),
    );
    let server = Server::start(dir, url);
    let price = r#"{"prices": [{"product_action": "create", "price": "0.01", "currency": "EUR"}]}"#;
    let (status, body) = server.call(
        "PUT",
        "/v1/pricing/product-type/zones",
        Some(&operator),
        Some(price),
    );
    assert_eq!(status, 200, "{body}");

    let stop = AtomicBool::new(false);
    let sent = AtomicUsize::new(0);
    let acknowledged: Vec<Acknowledged> = std::thread::scope(|scope| {
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let keys = (admin.as_str(), operator.as_str(), org.as_str());
                let (server, stop, sent) = (&server, &stop, &sent);
                scope.spawn(move || write_until(server, writer, keys, stop, sent))
            })
            .collect();
        std::thread::sleep(LOAD);
        // SIGKILL, mid-flight: no shutdown, no flush.
        let killed = std::process::Command::new("kill")
            .args(["-KILL", &server.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        stop.store(true, Ordering::Relaxed);
        writers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    drop(server);
    let users: Vec<&String> = acknowledged.iter().flat_map(|a| &a.users).collect();
    let zones: Vec<&String> = acknowledged.iter().flat_map(|a| &a.zones).collect();
    let credits: Vec<&String> = acknowledged.iter().flat_map(|a| &a.credits).collect();
    assert!(
        users.len() + zones.len() + credits.len() > WRITERS,
        "the writers wrote too little to prove anything ({} requests sent)",
        sent.load(Ordering::Relaxed)
    );

    eprintln!(
        "acknowledged before the kill: {} users, {} zones, {} credits",
        users.len(),
        zones.len(),
        credits.len()
    );
    let server = Server::start(dir, url);
    for user in &users {
        let (status, body) = server.request(&format!("/v1/users/{user}"), Some(&admin));
        assert_eq!(status, 200, "acknowledged user {user}: {body}");
    }
    let listed: BTreeSet<String> = every(&server, "/v1/dns", &admin)
        .iter()
        .map(|zone| zone["name"].as_str().unwrap().to_owned())
        .collect();
    for zone in &zones {
        assert!(listed.contains(*zone), "acknowledged zone {zone} is gone");
    }
    let transactions = every(
        &server,
        &format!("/v1/organizations/{org}/transactions?status=succeeded"),
        &admin,
    );
    let ids: BTreeSet<&str> = transactions
        .iter()
        .map(|t| t["billing_transaction_id"].as_str().unwrap())
        .collect();
    for credit in &credits {
        assert!(
            ids.contains(credit.as_str()),
            "acknowledged credit {credit} is gone"
        );
    }
    // No charge without its zone, no zone without its charge.
    let charged: BTreeSet<String> = transactions
        .iter()
        .filter(|t| t["product_type"] == "zones")
        .map(|t| {
            format!(
                "{}.",
                t["product_reference"]
                    .as_str()
                    .unwrap()
                    .trim_end_matches('.')
            )
        })
        .collect();
    let crash_zones: BTreeSet<String> = listed
        .iter()
        .filter(|name| name.ends_with(".crash.example."))
        .cloned()
        .collect();
    assert_eq!(charged, crash_zones, "charges and zones differ");
    // The balance is the sum of what moved it.
    let sum: i64 = transactions
        .iter()
        .map(|t| cents(&t["balance_change"]))
        .sum();
    let (status, body) = server.request(&format!("/v1/organizations/{org}"), Some(&admin));
    assert_eq!(status, 200, "{body}");
    assert_eq!(cents(&json(&body)["account_balance"]), sum, "{body}");
    assert!(server.stop().success());
}

#[test]
fn a_sqlite_server_killed_under_writers_keeps_every_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    killed_under_writers(dir.path(), None);
}

#[test]
fn a_postgresql_server_killed_under_writers_keeps_every_acknowledged_write() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(database) = runtime.block_on(tenantry_testkit::postgres()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    killed_under_writers(dir.path(), Some(&database.url));
}
