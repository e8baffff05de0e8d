//! The binary end to end: bootstrap, serve, the seed documents' curl examples, graceful
//! shutdown, and several servers sharing one PostgreSQL.

mod support;

use std::net::TcpListener;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use support::{Server, TwoNodes, bootstrap, tenantry};

#[test]
fn bootstrap_prints_one_json_object_once_and_refuses_a_second_time() {
    let dir = tempfile::tempdir().unwrap();
    let first = bootstrap(dir.path(), None);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8(first.stdout).unwrap();
    assert_eq!(stdout.trim().lines().count(), 1);
    let out: Value = serde_json::from_str(stdout.trim()).unwrap();
    let mut keys: Vec<_> = out.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "api_key",
            "client_id",
            "client_secret",
            "operator_api_key",
            "operator_totp_secret",
            "org_id",
            "organization_id",
            "user_id"
        ]
    );
    assert_eq!(out["org_id"], 2000);
    assert!(out["api_key"].as_str().unwrap().starts_with("opk_"));
    let second = bootstrap(dir.path(), None);
    assert!(!second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("already bootstrapped"));
    assert!(dir.path().join("tenantry.db").is_file());
}

#[test]
fn bootstrap_writes_its_secrets_to_a_new_private_file_and_never_over_an_old_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bootstrap.json");
    let first = tenantry(&dir.path().join("a"), None)
        .args(["bootstrap", "--org-name", "A", "--username", "owner"])
        .args(["--email", "owner@a.example", "--json", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(first.status.success(), "{first:?}");
    assert!(first.stdout.is_empty());
    let written = std::fs::read_to_string(&out).unwrap();
    let secrets: Value = serde_json::from_str(&written).unwrap();
    assert!(secrets["api_key"].as_str().unwrap().starts_with("opk_"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // Another bootstrap naming the same file is refused before it bootstraps anything.
    let other = dir.path().join("b");
    let second = tenantry(&other, None)
        .args(["bootstrap", "--org-name", "B", "--username", "owner"])
        .args(["--email", "owner@b.example", "--json", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(!second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("must not exist"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), written);
    assert!(bootstrap(&other, None).status.success());
}

#[test]
fn a_backup_taken_while_serving_restores_into_a_server_that_has_every_write() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live");
    let boot: Value = serde_json::from_slice(&bootstrap(&live, None).stdout).unwrap();
    let key = boot["api_key"].as_str().unwrap();
    let server = Server::start(&live, None);
    let (status, _) = server.call(
        "POST",
        "/v1/users",
        Some(key),
        Some(r#"{"username": "kept.person", "email": "kept@example.com"}"#),
    );
    assert_eq!(status, 200);
    let copy = dir.path().join("copy");
    let backup = tenantry(&live, None)
        .args(["backup", "--to"])
        .arg(&copy)
        .output()
        .unwrap();
    assert!(backup.status.success(), "{backup:?}");
    assert!(server.stop().success());
    // A backup directory is never written over.
    let again = tenantry(&live, None)
        .args(["backup", "--to"])
        .arg(&copy)
        .output()
        .unwrap();
    assert!(!again.status.success());

    // A data directory without a database has nothing to back up.
    let empty = tenantry(&dir.path().join("typo"), None)
        .args(["backup", "--to"])
        .arg(dir.path().join("nothing"))
        .output()
        .unwrap();
    assert!(!empty.status.success());
    assert!(String::from_utf8_lossy(&empty.stderr).contains("nothing to back up"));
    assert!(!dir.path().join("nothing").exists());

    // A copy without its master key is not restored with a new one.
    let keyless = dir.path().join("keyless");
    std::fs::create_dir(&keyless).unwrap();
    std::fs::copy(copy.join("tenantry.db"), keyless.join("tenantry.db")).unwrap();
    let refused = tenantry(&dir.path().join("unkeyed"), None)
        .args(["restore", "--from"])
        .arg(&keyless)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("has no master key"));

    let restored = dir.path().join("restored");
    let restore = tenantry(&restored, None)
        .args(["restore", "--from"])
        .arg(&copy)
        .output()
        .unwrap();
    assert!(restore.status.success(), "{restore:?}");
    let refused = tenantry(&restored, None)
        .args(["restore", "--from"])
        .arg(&copy)
        .output()
        .unwrap();
    assert!(!refused.status.success(), "a database is never replaced");
    let server = Server::start(&restored, None);
    let (status, body) = server.request("/v1/organizations/users?page_size=100", Some(key));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("kept.person"), "{body}");
    // The sealed secrets open with the restored key: the operator's TOTP seed among them.
    assert_eq!(
        std::fs::read(live.join("master.key")).unwrap(),
        std::fs::read(restored.join("master.key")).unwrap()
    );
    assert!(server.stop().success());
}

#[test]
fn recovery_lists_the_organizations_and_issues_an_operator_and_a_credential_that_work() {
    let dir = tempfile::tempdir().unwrap();
    assert!(bootstrap(dir.path(), None).status.success());
    let recover = |args: &[&str]| {
        let out = tenantry(dir.path(), None)
            .arg("recover")
            .args(args)
            .output()
            .unwrap();
        (out.status.success(), String::from_utf8(out.stdout).unwrap())
    };
    let field = |out: &str, name: &str| {
        out.lines()
            .find_map(|line| line.strip_prefix(name))
            .map(|value| value.trim().to_owned())
            .unwrap_or_else(|| panic!("{name} in {out}"))
    };
    let (ok, listed) = recover(&["organizations"]);
    assert!(ok, "{listed}");
    let reseller = listed
        .lines()
        .find(|line| line.ends_with("\tReseller"))
        .unwrap_or_else(|| panic!("{listed}"));
    let slug = reseller.split('\t').nth(2).unwrap();
    let (ok, credential) = recover(&["credential", "--organization", slug]);
    assert!(ok, "{credential}");
    let key = field(&credential, "api_key ");
    let (ok, operator) = recover(&["operator", "--username", "second-operator"]);
    assert!(ok, "{operator}");
    let operator_key = field(&operator, "operator_api_key ");
    let (ok, _) = recover(&["credential", "--organization", "no-such-organization"]);
    assert!(!ok, "an unknown organization gets no credential");

    let server = Server::start(dir.path(), None);
    let (status, users) = server.request("/v1/organizations/users", Some(&key));
    assert_eq!(status, 200, "{users}");
    let (status, operators) = server.call_with(
        "GET",
        "/v1/ops/operators",
        None,
        None,
        &[("X-NSONE-Key", &operator_key)],
    );
    assert_eq!(status, 200, "{operators}");
    assert!(operators.contains("second-operator"), "{operators}");
    assert!(server.stop().success());
}

#[test]
fn dnssec_keys_roll_over_from_the_command_line_while_serving() {
    let dir = tempfile::tempdir().unwrap();
    let boot: Value = serde_json::from_slice(&bootstrap(dir.path(), None).stdout).unwrap();
    let key = boot["api_key"].as_str();
    let server = Server::start(dir.path(), None);
    let body = r#"{"name": "rolled.example", "dnssec_status": "enabled"}"#;
    let (status, created) = server.call("POST", "/v1/dns", key, Some(body));
    assert_eq!(status, 201, "{created}");
    let dnssec = |args: &[&str]| {
        let out = tenantry(dir.path(), None)
            .arg("dnssec")
            .args(args)
            .output()
            .unwrap();
        (out.status.success(), String::from_utf8(out.stdout).unwrap())
    };
    let tags = |out: &str, role: &str| -> Vec<String> {
        out.lines()
            .filter_map(|line| line.strip_prefix("key "))
            .filter(|line| line.split('\t').nth(1) == Some(role))
            .map(|line| line.split('\t').next().unwrap().to_owned())
            .collect()
    };
    let (ok, listed) = dnssec(&["keys", "rolled.example"]);
    assert!(ok, "{listed}");
    assert!(
        listed.starts_with("rolled.example. dnssec enabled\n"),
        "{listed}"
    );
    assert_eq!(listed.lines().filter(|l| l.starts_with("ds ")).count(), 2);
    let old_zsk = tags(&listed, "zsk").pop().unwrap();
    let ksk = tags(&listed, "ksk").pop().unwrap();

    let (ok, added) = dnssec(&["add-key", "rolled.example"]);
    assert!(ok, "{added}");
    assert_eq!(tags(&added, "zsk").len(), 2, "{added}");
    let (status, zone) = server.request("/v1/dns/rolled.example", key);
    assert_eq!(status, 200);
    assert_eq!(
        zone.matches(" 3 13 ").count(),
        3,
        "three DNSKEYs served: {zone}"
    );

    let (ok, retired) = dnssec(&["retire-key", "rolled.example", &old_zsk]);
    assert!(ok, "{retired}");
    assert_eq!(tags(&retired, "zsk").len(), 1);
    assert!(!tags(&retired, "zsk").contains(&old_zsk));
    let (ok, _) = dnssec(&["retire-key", "rolled.example", &ksk]);
    assert!(!ok, "the last key signing key stays");
    let (status, _) = server.call("POST", "/v1/dns", key, Some(r#"{"name": "plain.example"}"#));
    assert_eq!(status, 201);
    let (ok, _) = dnssec(&["add-key", "plain.example"]);
    assert!(!ok, "an unsigned zone has no keys to roll");
    assert!(server.stop().success());
}

#[test]
fn metrics_count_requests_by_route_and_status_on_their_own_listener() {
    let dir = tempfile::tempdir().unwrap();
    let boot: Value =
        serde_json::from_slice(&bootstrap(dir.path(), None).stdout).expect("bootstrap JSON");
    let key = boot["api_key"].as_str().unwrap();
    let metrics_port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let metrics_address = format!("127.0.0.1:{metrics_port}");
    let server = Server::start_with(dir.path(), None, &["--metrics-listen", &metrics_address]);
    assert_eq!(server.request("/v1/users/me", Some(key)).0, 200);
    assert_eq!(server.request("/v1/users/me", Some("opk_wrong")).0, 401);
    // A wrong password counts as a failed sign-in.
    let (status, _) = server.call(
        "POST",
        "/v1/auth/token",
        None,
        Some(r#"{"grant_type":"password","username":"owner","password":"not-it"}"#),
    );
    assert_eq!(status, 401);
    // One charged zone; the next is refused for want of money and counts no charge.
    let operator = boot["operator_api_key"].as_str().unwrap();
    let organization = boot["organization_id"].as_str().unwrap();
    let prices = r#"{"prices":[{"product_action":"create","price":"1.00","currency":"EUR"}]}"#;
    let (status, text) = server.call(
        "PUT",
        "/v1/pricing/product-type/zones",
        Some(operator),
        Some(prices),
    );
    assert_eq!(status, 200, "{text}");
    let credits = format!("/v1/organizations/{organization}/billing/wallet/credits");
    let (status, text) = server.call(
        "POST",
        &credits,
        Some(operator),
        Some(r#"{"amount":"1.50"}"#),
    );
    assert!(status < 300, "{status} {text}");
    let zone = |name: &str| {
        server
            .call(
                "POST",
                "/v1/dns",
                Some(key),
                Some(&format!(r#"{{"name":"{name}"}}"#)),
            )
            .0
    };
    assert_eq!(zone("charged.example"), 201);
    assert_eq!(zone("refused.example"), 402);
    // The API's own listener has no /metrics.
    assert_eq!(server.status("/metrics"), 404);

    let scraper = Server {
        child: Command::new("true").spawn().unwrap(),
        base: format!("http://{metrics_address}"),
    };
    let (status, text) = scraper.request("/metrics", None);
    assert_eq!(status, 200, "{text}");
    let has = |needle: &str| text.lines().any(|line| line.starts_with(needle));
    assert!(
        has(r#"tenantry_http_requests_total{method="GET",route="/v1/users/me",status="200"} 1"#),
        "{text}"
    );
    assert!(
        has(r#"tenantry_http_requests_total{method="GET",route="/v1/users/me",status="401"} 1"#),
        "{text}"
    );
    assert!(
        has(r#"tenantry_http_request_duration_seconds_bucket{method="GET",route="/v1/users/me""#),
        "{text}"
    );
    // One wrong password is one failure, whatever the limits count it under.
    assert!(
        text.lines()
            .any(|line| line == "tenantry_sign_in_failures_total 1"),
        "{text}"
    );
    assert!(
        has(r#"tenantry_charges_total{product_type="zones",action="create"} 1"#),
        "{text}"
    );
    assert!(has("tenantry_db_connections "), "{text}");
    assert!(has("tenantry_mail_outbox_depth "), "{text}");
    assert!(has("tenantry_group_commit_batch_size_bucket"), "{text}");
    // Ids and secrets never become labels: only route templates do.
    assert!(!text.contains(key), "{text}");
    drop(scraper);
    assert!(server.stop().success());
}

#[test]
fn serve_answers_the_seed_examples_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let boot: Value = serde_json::from_slice(&bootstrap(dir.path(), None).stdout).unwrap();
    let server = Server::start(dir.path(), None);
    assert_eq!(server.status("/healthz"), 200);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/seed_examples.sh");
    let run = Command::new("bash")
        .arg(script)
        .env("OPUSDNS_API_BASE", &server.base)
        .env("OPUSDNS_API_KEY", boot["api_key"].as_str().unwrap())
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "seed examples failed:\n{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        server.stop().success(),
        "serve should exit cleanly on SIGTERM"
    );
}

#[test]
fn zones_get_the_name_servers_and_hostmaster_serve_was_given() {
    let dir = tempfile::tempdir().unwrap();
    let boot: Value = serde_json::from_slice(&bootstrap(dir.path(), None).stdout).unwrap();
    let options = [
        "--nameservers",
        "ns1.dns-host.example,NS2.dns-host.example.",
        "--hostmaster",
        "dns-admin.dns-host.example",
    ];
    let server = Server::start_with(dir.path(), None, &options);
    let key = boot["api_key"].as_str();
    let body = r#"{"name": "customer.example"}"#;
    let (status, _) = server.call("POST", "/v1/dns", key, Some(body));
    assert_eq!(status, 201);
    let (status, text) = server.request("/v1/dns/customer.example/export", key);
    assert_eq!(status, 200);
    assert!(
        text.contains("customer.example. 3600 IN NS ns1.dns-host.example.\n")
            && text.contains("customer.example. 3600 IN NS ns2.dns-host.example.\n"),
        "{text}"
    );
    let soa = "IN SOA ns1.dns-host.example. dns-admin.dns-host.example. ";
    assert!(text.contains(soa), "{text}");

    let refused = tenantry(dir.path(), None)
        .args(["serve", "--nameservers", "not a name"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--nameservers"));
}

#[test]
fn several_servers_share_one_postgresql() {
    let Some(TwoNodes {
        boot,
        a,
        b,
        dir_b,
        url,
        _database,
        ..
    }) = TwoNodes::start()
    else {
        return;
    };
    let key = boot["api_key"].as_str().unwrap();
    for server in [&a, &b] {
        let (status, body) = server.request("/v1/users/me", Some(key));
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("\"owner\""));
    }
    // A second bootstrap through the other node's data dir is refused: state is in the database.
    assert!(!bootstrap(dir_b.path(), Some(&url)).status.success());
    assert!(a.stop().success() && b.stop().success());
}

#[test]
fn a_revocation_through_one_node_applies_on_another_within_a_second() {
    let Some(TwoNodes {
        boot,
        a,
        b,
        _database,
        ..
    }) = TwoNodes::start()
    else {
        return;
    };
    let admin = boot["api_key"].as_str().unwrap();
    let (status, body) = a.call(
        "POST",
        "/v1/auth/client_credentials",
        Some(admin),
        Some("{}"),
    );
    assert_eq!(status, 200, "{body}");
    let issued: Value = serde_json::from_str(&body).unwrap();
    let key = issued["api_key"].as_str().unwrap();
    // Node B now holds the key in its cache.
    assert_eq!(b.request("/v1/users/me", Some(key)).0, 200);
    let id = issued["api_key_id"].as_str().unwrap();
    let revoked_at = Instant::now();
    assert_eq!(
        a.call(
            "DELETE",
            &format!("/v1/auth/client_credentials/{id}"),
            Some(admin),
            None
        )
        .0,
        204
    );
    assert_eq!(
        a.request("/v1/users/me", Some(key)).0,
        401,
        "the node that revoked refuses at once"
    );
    // The cache's second, plus what two debug-built servers on a machine running the rest of
    // the suite in parallel take to answer one request.
    while b.request("/v1/users/me", Some(key)).0 != 401 {
        assert!(
            revoked_at.elapsed() < Duration::from_millis(2500),
            "node B still accepts a revoked key"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(a.stop().success() && b.stop().success());
}

#[test]
fn two_nodes_charging_one_account_at_once_spend_exactly_its_balance() {
    let Some(TwoNodes {
        boot,
        a,
        b,
        _database,
        ..
    }) = TwoNodes::start()
    else {
        return;
    };
    let text = |key: &str| boot[key].as_str().unwrap().to_owned();
    let (admin, operator, parent) = (
        text("api_key"),
        text("operator_api_key"),
        text("organization_id"),
    );
    let ok = |(status, body): (u16, String)| {
        assert!(status < 300, "{status} {body}");
        serde_json::from_str::<Value>(&body).unwrap()
    };
    let price = r#"{"prices": [{"product_action": "create", "price": "1.00", "currency": "EUR"}]}"#;
    ok(a.call(
        "PUT",
        "/v1/pricing/product-type/zones",
        Some(&operator),
        Some(price),
    ));
    let credits = format!("/v1/organizations/{parent}/billing/wallet/credits");
    ok(b.call(
        "POST",
        &credits,
        Some(&operator),
        Some(r#"{"amount": "100.00"}"#),
    ));
    let suborgs: Vec<String> = ["One", "Two"]
        .iter()
        .map(|name| {
            let body = format!(r#"{{"name": "{name}"}}"#);
            let org = ok(a.call("POST", "/v1/organizations", Some(&admin), Some(&body)));
            org["organization_id"].as_str().unwrap().to_owned()
        })
        .collect();

    // 200 creations at once, half through each node, half in each suborganization.
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let calls: Vec<_> = (0..200)
            .map(|i| {
                let (node, org) = (if i % 2 == 0 { &a } else { &b }, &suborgs[i / 100]);
                let admin = &admin;
                scope.spawn(move || {
                    let body = format!(r#"{{"name": "charged-{i}.example"}}"#);
                    let headers = [("X-Organization-Context", org.as_str())];
                    node.call_with("POST", "/v1/dns", Some(admin), Some(&body), &headers)
                        .0
                })
            })
            .collect();
        calls.into_iter().map(|c| c.join().unwrap()).collect()
    });
    let count = |wanted: u16| statuses.iter().filter(|s| **s == wanted).count();
    assert_eq!((count(201), count(402)), (100, 100), "{statuses:?}");

    let org = ok(b.request(&format!("/v1/organizations/{parent}"), Some(&admin)));
    assert_eq!(org["account_balance"], "0.00");
    let charges = ok(a.request(
        &format!(
            "/v1/organizations/{parent}/transactions?product_type=zones&status=succeeded&page_size=1000"
        ),
        Some(&admin),
    ));
    assert_eq!(charges["pagination"]["total_items"], 100);
    let zones: u64 = suborgs
        .iter()
        .map(|org| {
            let (status, body) = a.call_with(
                "GET",
                "/v1/dns?page_size=1",
                Some(&admin),
                None,
                &[("X-Organization-Context", org.as_str())],
            );
            assert_eq!(status, 200, "{body}");
            let list: Value = serde_json::from_str(&body).unwrap();
            list["pagination"]["total_items"].as_u64().unwrap()
        })
        .sum();
    assert_eq!(zones, 100, "only the paid-for zones exist");
    assert!(a.stop().success() && b.stop().success());
}
