//! The isolation sweep of the dashboard: every route of `web/mod.rs`, called by a signed-in
//! admin with another tenant's organization, or with another tenant's object under the
//! admin's own organization, answers "not found" and changes nothing; a route added to the
//! dashboard without a place here fails the sweep.

use axum::http::StatusCode;
use serde_json::json;

use crate::sign_in::{PASSWORD, person};
use crate::support::{Api, apis, other_tenant};

use super::Browser;

/// Another tenant's objects, by the ids the dashboard's paths take.
struct Theirs {
    org: String,
    credential: String,
    user: String,
    invitation: String,
    child: String,
    zone: String,
    role: String,
    contact: String,
    domain: String,
    rule: String,
}

async fn their_objects(api: &Api) -> (Theirs, String) {
    let (org, key) = other_tenant(api, "Elsewhere").await;
    let credential = api
        .post(
            "/v1/auth/client_credentials",
            json!({"api_key_name": "theirs"}),
        )
        .key(&key)
        .expect(StatusCode::OK)
        .await["api_key_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let user = api
        .get("/v1/organizations/users")
        .key(&key)
        .expect(StatusCode::OK)
        .await["results"][0]["user_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let invitation = api
        .post(
            &format!("/api/v1/orgs/{org}/members"),
            json!({"email": "someone@elsewhere.example", "role": "viewer"}),
        )
        .key(&key)
        .expect(StatusCode::CREATED)
        .await["invitation_oid"]
        .as_str()
        .unwrap()
        .to_owned();
    let child = api
        .post("/v1/organizations", json!({"name": "Their Child"}))
        .key(&key)
        .expect(StatusCode::OK)
        .await["organization_id"]
        .as_str()
        .unwrap()
        .to_owned();
    api.post("/v1/dns", json!({"name": "theirs.example"}))
        .key(&key)
        .expect(StatusCode::CREATED)
        .await;
    let role = api
        .post(
            "/v1/organizations/roles",
            json!({"name": "Their Role", "permissions": ["dns:read"]}),
        )
        .key(&key)
        .expect(StatusCode::CREATED)
        .await["label"]
        .as_str()
        .unwrap()
        .to_owned();
    crate::domains::offer_test_tld(api).await;
    let contact = crate::domains::contact(api, &key).await;
    api.post(
        "/v1/domains",
        crate::domains::registration("theirs.test", &contact),
    )
    .key(&key)
    .expect(StatusCode::CREATED)
    .await;
    // Everywhere: the rule changes nothing for their key, wherever the tests call from.
    let rule = api
        .post(
            "/v1/organizations/ip-restrictions",
            json!({"ip_network": "0.0.0.0/0"}),
        )
        .key(&key)
        .expect(StatusCode::OK)
        .await["ip_restriction_id"]
        .to_string();
    let theirs = Theirs {
        org,
        credential,
        user,
        invitation,
        child,
        zone: "theirs.example.".into(),
        role,
        contact,
        domain: "theirs.test".into(),
        rule,
    };
    (theirs, key)
}

/// Each organization route of the dashboard, its `{organization}` left to fill, the others
/// named with the other tenant's objects: (method, path).
fn organization_routes(theirs: &Theirs) -> Vec<(&'static str, String)> {
    let Theirs {
        credential,
        user,
        invitation,
        child,
        zone,
        role,
        contact,
        domain,
        rule,
        ..
    } = theirs;
    vec![
        ("GET", String::new()),
        ("GET", "/audit".into()),
        ("GET", "/billing".into()),
        (
            "GET",
            "/billing/statement?start_date=2026-01-01&end_date=2026-12-31".into(),
        ),
        ("GET", "/contacts".into()),
        ("POST", "/contacts".into()),
        ("POST", format!("/contacts/{contact}/delete")),
        ("GET", "/credentials".into()),
        ("POST", "/credentials".into()),
        ("POST", format!("/credentials/{credential}/rotate")),
        ("POST", format!("/credentials/{credential}/revoke")),
        ("GET", "/danger-zone".into()),
        ("POST", "/danger-zone/ownership".into()),
        ("POST", "/danger-zone/ownership/withdraw".into()),
        ("POST", "/danger-zone/delete".into()),
        ("GET", "/dns".into()),
        ("POST", "/dns".into()),
        ("GET", format!("/dns/{zone}")),
        ("POST", format!("/dns/{zone}/rrsets")),
        ("POST", format!("/dns/{zone}/rrsets/remove")),
        ("POST", format!("/dns/{zone}/delete")),
        ("POST", format!("/dns/{zone}/dnssec")),
        ("GET", format!("/dns/{zone}/export")),
        ("GET", "/domains".into()),
        ("GET", "/domains/register?name=free.test".into()),
        ("POST", "/domains/register".into()),
        ("GET", format!("/domains/{domain}")),
        ("POST", format!("/domains/{domain}/renew")),
        ("POST", format!("/domains/{domain}/auto-renew")),
        ("POST", format!("/domains/{domain}/settings")),
        ("GET", "/ip-restrictions".into()),
        ("POST", "/ip-restrictions".into()),
        ("POST", format!("/ip-restrictions/{rule}/delete")),
        ("GET", "/people".into()),
        ("POST", "/people".into()),
        ("POST", "/people/invite".into()),
        ("POST", format!("/people/{user}/role")),
        ("POST", format!("/people/{user}/remove")),
        ("POST", format!("/invitations/{invitation}/revoke")),
        ("GET", "/roles".into()),
        ("POST", "/roles".into()),
        ("POST", format!("/roles/{role}")),
        ("POST", format!("/roles/{role}/delete")),
        ("GET", "/settings".into()),
        ("POST", "/settings".into()),
        ("GET", "/suborganizations".into()),
        ("POST", "/suborganizations".into()),
        ("POST", format!("/suborganizations/{child}/status")),
    ]
}

/// The routes of `web/mod.rs` that take an organization, as written there.
fn declared_organization_routes() -> Vec<String> {
    let source = include_str!("../../../src/web/mod.rs");
    source
        .match_indices("\"/orgs/{organization}")
        .map(|(at, _)| {
            let rest = &source[at + 1..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect()
}

#[tokio::test]
async fn no_dashboard_route_reaches_another_tenant() {
    for api in apis().await {
        person(&api, "web.sweep", "admin").await;
        let home = api.t.boot.organization_id.to_string();
        let (theirs, their_key) = their_objects(&api).await;
        let mut browser = Browser::new(&api);
        browser.sign_in("web.sweep", PASSWORD).await;
        let csrf = browser.get(&format!("/orgs/{home}")).await.field("csrf");
        // Every field any form takes, so no refusal comes before the look-up.
        let form = [
            ("csrf", csrf.as_str()),
            ("name", "www"),
            ("type", "A"),
            ("ttl", "60"),
            ("records", "192.0.2.9"),
            ("status", "inactive"),
            ("role", "viewer"),
            ("overlap_seconds", "0"),
            ("username", "sneaky"),
            ("email", "sneaky@elsewhere.example"),
            ("api_key_name", "sneaky"),
            ("renewal_mode", "expire"),
            ("ip_network", "198.51.100.0/24"),
            // Their organization's name, typed to confirm its deletion.
            ("confirm_name", "Elsewhere"),
            ("years", "1"),
            ("current_expiry_date", "2030-01-01"),
            ("expected_price", "0.00"),
        ];

        let routes = organization_routes(&theirs);
        // The sweep knows every organization route the dashboard declares.
        let declared = declared_organization_routes();
        assert!(
            declared.len() >= 19,
            "the routes were not read: {declared:?}"
        );
        let template = |path: &str| {
            path.split('?')
                .next()
                .unwrap()
                .replace(&theirs.credential, "{credential}")
                .replace(&theirs.user, "{user}")
                .replace(&theirs.invitation, "{invitation}")
                .replace(&theirs.child, "{child}")
                .replace(&theirs.zone, "{zone}")
                .replace(&format!("/roles/{}", theirs.role), "/roles/{label}")
                .replace(&theirs.contact, "{contact}")
                .replace(&theirs.domain, "{domain}")
                .replace(
                    &format!("/ip-restrictions/{}/", theirs.rule),
                    "/ip-restrictions/{rule}/",
                )
        };
        let swept: Vec<String> = routes
            .iter()
            .map(|(_, path)| format!("/orgs/{{organization}}{}", template(path)))
            .collect();
        for route in &declared {
            assert!(swept.contains(route), "the sweep does not cover {route}");
        }

        for (method, path) in &routes {
            // Their organization, and their object under ours (lists of ours are ours).
            let mut targets = vec![format!("/orgs/{}{path}", theirs.org)];
            if path.contains(&theirs.credential)
                || path.contains(&theirs.user)
                || path.contains(&theirs.invitation)
                || path.contains(&theirs.child)
                || path.contains(&theirs.zone)
                || path.contains(&format!("/roles/{}", theirs.role))
                || path.contains(&theirs.contact)
                || path.contains(&theirs.domain)
                || path.contains(&format!("/ip-restrictions/{}/", theirs.rule))
            {
                targets.push(format!("/orgs/{home}{path}"));
            }
            for target in targets {
                let answer = match *method {
                    "GET" => browser.get(&target).await,
                    _ => browser.post(&target, &form).await,
                };
                assert_eq!(
                    answer.status,
                    StatusCode::NOT_FOUND,
                    "{:?} {method} {target}: {}",
                    api.engine(),
                    answer.html
                );
            }
        }

        // Nothing of theirs changed.
        let rules = api
            .get("/v1/organizations/ip-restrictions")
            .key(&their_key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(rules.as_array().map(Vec::len), Some(1), "{rules}");
        let domain = api
            .get("/v1/domains/theirs.test")
            .key(&their_key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(domain["renewal_mode"], "renew", "{domain}");
        api.get(&format!("/v1/contacts/{}", theirs.contact))
            .key(&their_key)
            .expect(StatusCode::OK)
            .await;
        let credentials = api
            .get("/v1/auth/client_credentials?status=active")
            .key(&their_key)
            .expect(StatusCode::OK)
            .await;
        assert!(credentials.to_string().contains(&theirs.credential));
        let zone = api
            .get("/v1/dns/theirs.example")
            .key(&their_key)
            .expect(StatusCode::OK)
            .await;
        assert!(!zone.to_string().contains("192.0.2.9"), "{zone}");
        let users = api
            .get("/v1/organizations/users")
            .key(&their_key)
            .expect(StatusCode::OK)
            .await;
        assert!(users.to_string().contains(&theirs.user));
        assert!(!users.to_string().contains("sneaky"));
        let child = api
            .get(&format!("/v1/organizations/{}", theirs.child))
            .key(&their_key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(child["status"], "active", "{child}");
        let pending = api
            .get(&format!(
                "/api/v1/orgs/{}/invitations?status=pending",
                theirs.org
            ))
            .key(&their_key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(pending["invitations"].as_array().unwrap().len(), 1);
        let zones = api
            .get("/v1/dns")
            .key(&their_key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(zones["pagination"]["total_items"], 1, "{zones}");
        let role = api
            .get(&format!("/v1/organizations/roles/{}", theirs.role))
            .key(&their_key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(role["permissions"], json!(["dns:read"]), "{role}");
    }
}
