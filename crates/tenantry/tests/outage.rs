//! PostgreSQL stopped the way a crash stops it (`pg_ctl stop -m immediate`) under two `serve`
//! processes and their writers: every request answers at once (503 with `Retry-After`, never
//! a hang), `/readyz` says so on both, and once PostgreSQL is back both serve again without a
//! restart, having lost nothing they acknowledged.

mod support;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use support::{Server, TwoNodes};

const WRITERS: usize = 8;
/// A request during the outage must answer well inside this (the bound is a second; the
/// margin absorbs a loaded machine while telling a fast failure from the 30-second hang).
const FAST: Duration = Duration::from_secs(3);

/// What the writers saw: the users acknowledged, and each answer given while PostgreSQL was
/// down (status, time taken).
#[derive(Default)]
struct Seen {
    acknowledged: Vec<String>,
    during_outage: Vec<(u16, Duration)>,
}

fn write_until(
    server: &Server,
    writer: usize,
    key: &str,
    stop: &AtomicBool,
    down: &AtomicBool,
    seen: &Mutex<Seen>,
) {
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let outage = down.load(Ordering::Relaxed);
        let started = Instant::now();
        let body = format!(r#"{{"username": "o{writer}-{n}"}}"#);
        let (status, answer) = server.call("POST", "/v1/users", Some(key), Some(&body));
        let took = started.elapsed();
        let mut seen = seen.lock().unwrap();
        if status == 200 {
            let user: Value = serde_json::from_str(&answer).unwrap();
            seen.acknowledged
                .push(user["user_id"].as_str().unwrap().to_owned());
        }
        if outage && down.load(Ordering::Relaxed) {
            seen.during_outage.push((status, took));
        }
    }
}

#[test]
fn with_postgresql_stopped_both_servers_answer_503_at_once_and_recover_after() {
    let Some(cluster) = tenantry_testkit::own_cluster() else {
        return;
    };
    let database = tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(tenantry_testkit::postgres_in(&cluster));
    let nodes = TwoNodes::on(database);
    let key = nodes.boot["api_key"].as_str().unwrap().to_owned();
    let (stop, down) = (AtomicBool::new(false), AtomicBool::new(false));
    let seen = Mutex::new(Seen::default());
    std::thread::scope(|scope| {
        for writer in 0..WRITERS {
            let server = if writer % 2 == 0 { &nodes.a } else { &nodes.b };
            let (key, stop, down, seen) = (&key, &stop, &down, &seen);
            scope.spawn(move || write_until(server, writer, key, stop, down, seen));
        }
        std::thread::sleep(Duration::from_secs(1));
        cluster.stop_immediately();
        down.store(true, Ordering::Relaxed);
        std::thread::sleep(Duration::from_secs(2));
        for server in [&nodes.a, &nodes.b] {
            let started = Instant::now();
            let (status, headers) = status_and_headers(server, "/v1/organizations/users", &key);
            assert_eq!(status, 503, "{headers}");
            assert!(started.elapsed() < FAST, "took {:?}", started.elapsed());
            assert!(
                headers.to_ascii_lowercase().contains("retry-after:"),
                "{headers}"
            );
            let started = Instant::now();
            assert_eq!(server.status("/readyz"), 503);
            assert!(
                started.elapsed() < FAST,
                "/readyz took {:?}",
                started.elapsed()
            );
            assert_eq!(
                server.status("/healthz"),
                200,
                "the process itself is alive"
            );
        }

        // Back: both ready again without a restart, and writing.
        cluster.resume();
        down.store(false, Ordering::Relaxed);
        let deadline = Instant::now() + Duration::from_secs(30);
        for server in [&nodes.a, &nodes.b] {
            while server.status("/readyz") != 200 {
                assert!(Instant::now() < deadline, "a server did not recover");
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        std::thread::sleep(Duration::from_secs(1));
        stop.store(true, Ordering::Relaxed);
    });

    let seen = seen.into_inner().unwrap();
    assert!(
        !seen.during_outage.is_empty(),
        "no request was made during the outage"
    );
    for (status, took) in &seen.during_outage {
        assert!(*took < FAST, "an answer during the outage took {took:?}");
        assert!(
            *status == 503 || *status == 200,
            "an answer during the outage was {status}"
        );
    }
    assert!(
        seen.during_outage.iter().any(|(status, _)| *status == 503),
        "the outage was never seen"
    );
    // Every acknowledged user is there, through either node.
    assert!(
        seen.acknowledged.len() > WRITERS,
        "too few writes to prove anything"
    );
    for (i, user) in seen.acknowledged.iter().enumerate() {
        let server = if i % 2 == 0 { &nodes.a } else { &nodes.b };
        let (status, body) = server.request(&format!("/v1/users/{user}"), Some(&key));
        assert_eq!(status, 200, "acknowledged user {user}: {body}");
    }
    let (status, _) = nodes.b.call(
        "POST",
        "/v1/users",
        Some(&key),
        Some(r#"{"username": "after-outage"}"#),
    );
    assert_eq!(status, 200);
}

/// A GET's status and its response headers, as curl shows them.
fn status_and_headers(server: &Server, path: &str, key: &str) -> (u16, String) {
    let out = std::process::Command::new("curl")
        .args(["--silent", "--include", "--output", "-"])
        .args(["--header", &format!("X-Api-Key: {key}")])
        .arg(format!("{}{path}", server.base))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, text)
}
