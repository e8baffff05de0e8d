//! The domain and contact pages: an availability search, a registration at the price shown
//! (a changed price refused, an account that cannot cover it told so, nothing charged),
//! automatic renewal switched off, a renewal at its price; contacts made (a bad field named
//! next to it) and a contact in use refused deletion.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::domains::{balance, ready};
use crate::sign_in::{PASSWORD, person};
use crate::support::apis;

use super::Browser;

#[tokio::test]
async fn a_domain_is_found_registered_at_its_price_and_renewed_from_the_dashboard() {
    for api in apis().await {
        let contact = ready(&api, "3.00").await;
        person(&api, "web.domains", "admin").await;
        let home = api.t.boot.organization_id.to_string();
        let list = format!("/orgs/{home}/domains");
        let mut browser = Browser::new(&api);
        browser.sign_in("web.domains", PASSWORD).await;
        let page = browser.get(&list).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        assert!(page.html.contains("No domain yet"), "{}", page.html);
        let csrf = page.field("csrf");

        // The search: available, premium with its price, and a TLD not offered.
        let found = browser
            .get(&format!("{list}?check=web-journey.test+abc.test+x.invalid"))
            .await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.html);
        assert!(
            found
                .html
                .contains("/domains/register?name=web-journey.test"),
            "{}",
            found.html
        );
        assert!(found.html.contains("premium, 10.00 EUR"), "{}", found.html);
        assert!(found.html.contains("not offered"), "{}", found.html);

        // The price, beside the balance.
        let register = format!("{list}/register");
        let form = browser
            .get(&format!("{register}?name=web-journey.test"))
            .await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.html);
        assert!(form.html.contains("1.00 EUR"), "{}", form.html);
        assert!(form.html.contains("3.00 EUR"), "{}", form.html);
        assert_eq!(form.field("expected_price"), "1.00");
        let two_years = browser
            .get(&format!("{register}?name=web-journey.test&years=2"))
            .await;
        assert_eq!(two_years.field("expected_price"), "2.00");
        let not_allowed = browser
            .get(&format!("{register}?name=web-journey.test&years=3"))
            .await;
        assert!(
            not_allowed.html.contains("is not a period"),
            "{}",
            not_allowed.html
        );

        let send = |name: &'static str, years: &'static str, price: &'static str| {
            vec![
                ("csrf", csrf.clone()),
                ("name", name.to_owned()),
                ("years", years.to_owned()),
                ("expected_price", price.to_owned()),
                ("registrant", contact.clone()),
                ("auto_renew", "on".to_owned()),
            ]
        };
        let post = async |browser: &mut Browser<'_>, fields: Vec<(&str, String)>| {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            browser.post(&register, &fields).await
        };
        // A price that is not the one shown is refused, and nothing is charged.
        let changed = post(&mut browser, send("web-journey.test", "1", "0.50")).await;
        assert_eq!(changed.status, StatusCode::CONFLICT, "{}", changed.html);
        assert!(
            changed.html.contains("not the 0.50 expected"),
            "{}",
            changed.html
        );
        assert_eq!(balance(&api).await, "3.00");

        let made = post(&mut browser, send("web-journey.test", "1", "1.00")).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.html);
        let domain_page = format!("{list}/web-journey.test");
        assert_eq!(made.location(), format!("{domain_page}?done=registered"));
        assert_eq!(balance(&api).await, "2.00");

        // The account cannot cover a premium name: the API's words, nothing charged.
        let premium = post(&mut browser, send("abc.test", "1", "10.00")).await;
        assert_eq!(
            premium.status,
            StatusCode::PAYMENT_REQUIRED,
            "{}",
            premium.html
        );
        assert!(
            premium.html.contains("cannot cover 10.00 EUR"),
            "{}",
            premium.html
        );
        assert_eq!(balance(&api).await, "2.00");

        let shown = browser.get(&format!("{domain_page}?done=registered")).await;
        assert_eq!(shown.status, StatusCode::OK, "{}", shown.html);
        assert!(shown.html.contains("is registered"), "{}", shown.html);
        assert!(shown.html.contains("Ada Lovelace"), "{}", shown.html);
        assert!(shown.html.contains("Renew for 1.00 EUR"), "{}", shown.html);
        let expiry = shown.field("current_expiry_date");

        let off = browser
            .post(
                &format!("{domain_page}/auto-renew"),
                &[("csrf", &csrf), ("renewal_mode", "expire")],
            )
            .await;
        assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.html);
        let read = api
            .get("/v1/domains/web-journey.test")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(read["renewal_mode"], "expire", "{read}");

        let renewed = browser
            .post(
                &format!("{domain_page}/renew"),
                &[
                    ("csrf", &csrf),
                    ("years", "1"),
                    ("current_expiry_date", &expiry),
                    ("expected_price", "1.00"),
                ],
            )
            .await;
        assert_eq!(renewed.status, StatusCode::SEE_OTHER, "{}", renewed.html);
        assert_eq!(balance(&api).await, "1.00");
        // The same form again (a reload of an old page) does not renew twice.
        let again = browser
            .post(
                &format!("{domain_page}/renew"),
                &[
                    ("csrf", &csrf),
                    ("years", "1"),
                    ("current_expiry_date", &expiry),
                    ("expected_price", "1.00"),
                ],
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.html);
        assert!(again.html.contains("renewed meanwhile"), "{}", again.html);
        assert_eq!(balance(&api).await, "1.00");

        // Contacts and name servers, read as the API's update: saved, then a bad host is
        // refused next to the form with what was typed kept.
        let second = api
            .post(
                "/v1/contacts",
                json!({"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com",
                "phone": "+1.2025550100", "street": "1 Navy Way", "city": "Arlington",
                "postal_code": "22201", "country": "US", "disclose": false}),
            )
            .expect(StatusCode::CREATED)
            .await["contact_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let settings = format!("{domain_page}/settings");
        let saved = browser
            .post(
                &settings,
                &[
                    ("csrf", &csrf),
                    ("registrant", &contact),
                    ("admin", &second),
                    ("tech", ""),
                    ("billing", ""),
                    ("nameservers", "ns1.example.net\r\n ns2.example.net \r\n"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
        let read = api
            .get("/v1/domains/web-journey.test")
            .expect(StatusCode::OK)
            .await;
        let hosts: Vec<&str> = read["nameservers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|ns| ns["hostname"].as_str().unwrap())
            .collect();
        assert_eq!(hosts, ["ns1.example.net", "ns2.example.net"], "{read}");
        let roles: Vec<(&str, &str)> = read["contacts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["contact_type"].as_str().unwrap(),
                    c["contact_id"].as_str().unwrap(),
                )
            })
            .collect();
        assert!(roles.contains(&("admin", second.as_str())), "{read}");
        let shown = browser.get(&format!("{domain_page}?done=settings")).await;
        assert!(shown.html.contains("Grace Hopper"), "{}", shown.html);
        assert!(
            shown.html.contains("name servers are changed"),
            "{}",
            shown.html
        );
        let refused = browser
            .post(
                &settings,
                &[
                    ("csrf", &csrf),
                    ("registrant", &contact),
                    ("nameservers", "not a host!"),
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
            refused.html.contains("id=\"nameservers-error\""),
            "{}",
            refused.html
        );
        assert!(
            refused.html.contains("not a host!</textarea>"),
            "{}",
            refused.html
        );
        let unchanged = api
            .get("/v1/domains/web-journey.test")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(unchanged["nameservers"], read["nameservers"]);

        // A name the organization does not hold is not found.
        let missing = browser.get(&format!("{list}/nothing-here.test")).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.html);
    }
}

#[tokio::test]
async fn contacts_are_made_and_one_in_use_is_not_deleted() {
    for api in apis().await {
        let used = ready(&api, "5.00").await;
        api.post(
            "/v1/domains",
            crate::domains::registration("in-use.test", &used),
        )
        .expect(StatusCode::CREATED)
        .await;
        person(&api, "web.contacts", "admin").await;
        let home = api.t.boot.organization_id.to_string();
        let list = format!("/orgs/{home}/contacts");
        let mut browser = Browser::new(&api);
        browser.sign_in("web.contacts", PASSWORD).await;
        let page = browser.get(&list).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        assert!(page.html.contains("Ada Lovelace"), "{}", page.html);
        let csrf = page.field("csrf");

        let mut fields = vec![
            ("csrf", csrf.as_str()),
            ("first_name", "Grace"),
            ("last_name", "Hopper"),
            ("email", "grace@example.com"),
            ("phone", "555 0100"),
            ("street", "1 Compiler Way"),
            ("city", "Arlington"),
            ("postal_code", "22201"),
            ("country", "US"),
        ];
        let refused = browser.post(&list, &fields).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.html
        );
        assert!(
            refused.html.contains("id=\"phone-error\""),
            "{}",
            refused.html
        );
        assert!(refused.html.contains("1 Compiler Way"), "{}", refused.html);
        fields[4] = ("phone", "+1.5550100");
        let made = browser.post(&list, &fields).await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.html);
        let contacts: Value = api
            .get("/v1/contacts?search=Hopper")
            .expect(StatusCode::OK)
            .await;
        let grace = contacts["results"][0]["contact_id"]
            .as_str()
            .unwrap()
            .to_owned();

        let in_use = browser
            .post(&format!("{list}/{used}/delete"), &[("csrf", &csrf)])
            .await;
        assert_eq!(in_use.status, StatusCode::CONFLICT, "{}", in_use.html);
        let deleted = browser
            .post(&format!("{list}/{grace}/delete"), &[("csrf", &csrf)])
            .await;
        assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.html);
        api.get(&format!("/v1/contacts/{grace}"))
            .expect(StatusCode::NOT_FOUND)
            .await;
    }
}
