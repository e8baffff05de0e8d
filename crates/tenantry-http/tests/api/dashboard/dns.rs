//! The DNS pages: create a zone, add an rrset, see the API's validation message next to the
//! records for a bad one, edit (the form holds the rrset), remove it, download the zone file,
//! delete the zone; another tenant's zone, or one named under the wrong organization, is not
//! found.

use axum::http::StatusCode;

use crate::sign_in::{PASSWORD, person};
use crate::support::{apis, other_tenant};

use super::Browser;

#[tokio::test]
async fn a_zone_is_made_edited_exported_and_deleted_from_the_dashboard() {
    for api in apis().await {
        person(&api, "web.dns", "admin").await;
        let home = api.t.boot.organization_id.to_string();
        let list = format!("/orgs/{home}/dns");
        let mut browser = Browser::new(&api);
        browser.sign_in("web.dns", PASSWORD).await;
        let page = browser.get(&list).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        assert!(page.html.contains("No zone yet"), "{}", page.html);
        let csrf = page.field("csrf");

        let bad = browser
            .post(&list, &[("csrf", &csrf), ("name", "not a zone")])
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
        assert!(bad.html.contains("id=\"name-error\""), "{}", bad.html);

        let made = browser
            .post(&list, &[("csrf", &csrf), ("name", "Web-Zone.example")])
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.html);
        let zone_page = format!("/orgs/{home}/dns/web-zone.example.");
        assert_eq!(made.location(), zone_page);
        let zone = browser.get(&zone_page).await;
        assert_eq!(zone.status, StatusCode::OK, "{}", zone.html);
        assert!(zone.html.contains("the server&#39;s SOA"), "{}", zone.html);

        // A bad record: the API's message, next to the records.
        let rrsets = format!("{zone_page}/rrsets");
        let refused = browser
            .post(
                &rrsets,
                &[
                    ("csrf", &csrf),
                    ("name", "www"),
                    ("type", "A"),
                    ("ttl", "300"),
                    ("records", "192.0.2.1\n999.0.2.1"),
                ],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.html
        );
        assert!(
            refused.html.contains("id=\"records-error\""),
            "{}",
            refused.html
        );
        assert!(
            refused.html.contains("is not an IPv4 address"),
            "{}",
            refused.html
        );
        // What was sent stays in the form.
        assert!(refused.html.contains("999.0.2.1"), "{}", refused.html);
        let no_ttl = browser
            .post(
                &rrsets,
                &[
                    ("csrf", &csrf),
                    ("name", "www"),
                    ("type", "A"),
                    ("ttl", "soon"),
                    ("records", "192.0.2.1"),
                ],
            )
            .await;
        assert!(no_ttl.html.contains("id=\"ttl-error\""), "{}", no_ttl.html);

        let saved = browser
            .post(
                &rrsets,
                &[
                    ("csrf", &csrf),
                    ("name", "www"),
                    ("type", "A"),
                    ("ttl", "300"),
                    ("records", "192.0.2.1\n192.0.2.2"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
        let after = browser.get(saved.location()).await;
        assert!(after.html.contains("The rrset is saved"), "{}", after.html);
        assert!(after.html.contains("192.0.2.2"));
        let read = api
            .get("/v1/dns/web-zone.example")
            .expect(StatusCode::OK)
            .await;
        assert!(read.to_string().contains("192.0.2.2"), "{read}");

        // Edit: the form holds the rrset.
        let edit = browser.get(&format!("{zone_page}?name=www&type=A")).await;
        assert!(
            edit.html.contains(">192.0.2.1\n192.0.2.2</textarea>"),
            "{}",
            edit.html
        );

        // The zone file.
        let file = browser.get(&format!("{zone_page}/export")).await;
        assert_eq!(file.status, StatusCode::OK);
        assert!(
            file.html
                .contains("www.web-zone.example. 300 IN A 192.0.2.2"),
            "{}",
            file.html
        );

        // Removing the rrset, then the zone.
        let removed = browser
            .post(
                &format!("{rrsets}/remove"),
                &[("csrf", &csrf), ("name", "www"), ("type", "A")],
            )
            .await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.html);
        let apex_ns = browser
            .post(
                &format!("{rrsets}/remove"),
                &[("csrf", &csrf), ("name", "@"), ("type", "NS")],
            )
            .await;
        assert_eq!(
            apex_ns.status,
            StatusCode::CONFLICT,
            "the server's NS stays: {}",
            apex_ns.html
        );
        let deleted = browser
            .post(&format!("{zone_page}/delete"), &[("csrf", &csrf)])
            .await;
        assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.html);
        assert_eq!(deleted.location(), format!("/orgs/{home}/dns?done=deleted"));
        assert_eq!(browser.get(&zone_page).await.status, StatusCode::NOT_FOUND);
        // A form without this session's token changes nothing.
        let forged = browser
            .post(&list, &[("csrf", "forged"), ("name", "forged.example")])
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn another_tenant_s_zone_is_not_found_in_the_dashboard() {
    for api in apis().await {
        person(&api, "web.dns.other", "admin").await;
        let home = api.t.boot.organization_id.to_string();
        let (other_id, other_key) = other_tenant(&api, "Elsewhere").await;
        api.post("/v1/dns", serde_json::json!({"name": "theirs.example"}))
            .key(&other_key)
            .expect(StatusCode::CREATED)
            .await;
        let mut browser = Browser::new(&api);
        browser.sign_in("web.dns.other", PASSWORD).await;
        let csrf = browser
            .get(&format!("/orgs/{home}/dns"))
            .await
            .field("csrf");
        for path in [
            format!("/orgs/{home}/dns/theirs.example."),
            format!("/orgs/{home}/dns/theirs.example./export"),
            format!("/orgs/{other_id}/dns/theirs.example."),
            format!("/orgs/{other_id}/dns"),
            format!("/orgs/{home}/dns/not..a..zone"),
        ] {
            let page = browser.get(&path).await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}: {}", page.html);
        }
        for path in [
            format!("/orgs/{home}/dns/theirs.example./rrsets"),
            format!("/orgs/{home}/dns/theirs.example./delete"),
        ] {
            let page = browser
                .post(
                    &path,
                    &[
                        ("csrf", &csrf),
                        ("name", "www"),
                        ("type", "A"),
                        ("ttl", "60"),
                        ("records", "192.0.2.9"),
                    ],
                )
                .await;
            assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}: {}", page.html);
        }
        api.get("/v1/dns/theirs.example")
            .key(&other_key)
            .expect(StatusCode::OK)
            .await;
    }
}

#[tokio::test]
async fn a_zone_is_signed_and_unsigned_from_its_page_with_its_ds_shown() {
    for api in apis().await {
        person(&api, "web.dnssec", "admin").await;
        let home = api.t.boot.organization_id.to_string();
        let mut browser = Browser::new(&api);
        browser.sign_in("web.dnssec", PASSWORD).await;
        let list = format!("/orgs/{home}/dns");
        let csrf = browser.get(&list).await.field("csrf");
        browser
            .post(&list, &[("csrf", &csrf), ("name", "signed-web.example")])
            .await;
        let zone_page = format!("/orgs/{home}/dns/signed-web.example.");
        let page = browser.get(&zone_page).await;
        assert!(page.html.contains("Sign this zone"), "{}", page.html);

        let signed = browser
            .post(
                &format!("{zone_page}/dnssec"),
                &[("csrf", &csrf), ("sign", "on")],
            )
            .await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.html);
        let page = browser.get(signed.location()).await;
        assert!(page.html.contains("The zone is signed"), "{}", page.html);
        let dnssec = api
            .get("/v1/dns/signed-web.example/dnssec")
            .expect(StatusCode::OK)
            .await;
        for ds in dnssec["ds_records"].as_array().unwrap() {
            assert!(page.html.contains(ds.as_str().unwrap()), "{}", page.html);
        }
        assert!(
            page.html.contains("DNSKEY"),
            "the keys are among the rrsets"
        );

        // Asked again (an old page sent twice): the API's refusal, on the page.
        let again = browser
            .post(
                &format!("{zone_page}/dnssec"),
                &[("csrf", &csrf), ("sign", "on")],
            )
            .await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.html);
        assert!(again.html.contains("already enabled"), "{}", again.html);

        let unsigned = browser
            .post(
                &format!("{zone_page}/dnssec"),
                &[("csrf", &csrf), ("sign", "off")],
            )
            .await;
        assert_eq!(unsigned.status, StatusCode::SEE_OTHER, "{}", unsigned.html);
        let page = browser.get(unsigned.location()).await;
        assert!(page.html.contains("no longer signed"), "{}", page.html);
        assert!(page.html.contains("Sign this zone"));
    }
}
