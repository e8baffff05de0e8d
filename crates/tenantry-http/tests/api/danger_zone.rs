//! The danger zone of DomainGenius: passing an organization's ownership by a mailed offer,
//! and deleting an organization, owners only, with its unspent balance refunded against the
//! top-ups that funded it.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::domaingenius::member_roles;
use crate::mailbox;
use crate::sign_in::{PASSWORD, person, sign_in_with};
use crate::support::{Api, apis};

async fn session_of(api: &Api, login: &str) -> String {
    sign_in_with(api, login, PASSWORD).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `founder` founds `slug`; each of `members` (username, role) is invited and joins.
async fn crew(api: &Api, founder: &str, slug: &str, members: &[(&str, &str)]) -> String {
    let owner = session_of(api, founder).await;
    let org = api
        .post("/api/v1/orgs", json!({"name": slug, "slug": slug}))
        .bearer(&owner)
        .expect(StatusCode::CREATED)
        .await["oid"]
        .as_str()
        .unwrap()
        .to_owned();
    for (username, role) in members {
        api.post(
            &format!("/api/v1/orgs/{slug}/members"),
            json!({"email": format!("{username}@people.example"), "role": role}),
        )
        .bearer(&owner)
        .expect(StatusCode::CREATED)
        .await;
        let link = mailbox::links(api, "/invitations/").await.remove(0);
        api.call(Method::POST, &format!("/api/v1/invitations/{link}/accept"))
            .bearer(&session_of(api, username).await)
            .expect(StatusCode::OK)
            .await;
    }
    org
}

fn offer<'a>(api: &'a Api, slug: &str, email: &str, token: &str) -> crate::support::Call<'a> {
    api.post(
        &format!("/api/v1/orgs/{slug}/ownership-transfer"),
        json!({ "email": email }),
    )
    .bearer(token)
}

fn accept<'a>(api: &'a Api, link: &str, token: &str) -> crate::support::Call<'a> {
    api.call(
        Method::POST,
        &format!("/api/v1/ownership-transfers/{link}/accept"),
    )
    .bearer(token)
}

#[tokio::test]
async fn ownership_passes_only_when_the_member_accepts_the_owners_offer() {
    for api in apis().await {
        for name in ["founder", "heir", "deputy", "outsider"] {
            person(&api, name, "member").await;
        }
        crew(
            &api,
            "founder",
            "acme",
            &[("heir", "member"), ("deputy", "admin")],
        )
        .await;
        let founder = session_of(&api, "founder").await;
        let heir = session_of(&api, "heir").await;
        let deputy = session_of(&api, "deputy").await;
        let outsider = session_of(&api, "outsider").await;

        // Owners only, to a member.
        let refused = offer(&api, "acme", "heir@people.example", &deputy)
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_OWNER_ONLY");
        let refused = offer(&api, "acme", "outsider@people.example", &founder)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(
            refused["error"]["code"],
            "ERROR_TRANSFER_RECIPIENT_NOT_MEMBER"
        );
        let refused = offer(&api, "acme", "founder@people.example", &founder)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_VALIDATION");
        api.get("/api/v1/orgs/acme/ownership-transfer")
            .bearer(&founder)
            .expect(StatusCode::NOT_FOUND)
            .await;

        // An offer, withdrawn: its link stops working.
        offer(&api, "acme", "heir@people.example", &founder)
            .expect(StatusCode::CREATED)
            .await;
        let withdrawn = mailbox::links(&api, "/ownership-transfers/")
            .await
            .remove(0);
        api.delete("/api/v1/orgs/acme/ownership-transfer")
            .bearer(&deputy)
            .expect(StatusCode::FORBIDDEN)
            .await;
        api.delete("/api/v1/orgs/acme/ownership-transfer")
            .bearer(&founder)
            .expect(StatusCode::NO_CONTENT)
            .await;
        let refused = accept(&api, &withdrawn, &heir)
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(
            refused["error"]["code"],
            "ERROR_OWNERSHIP_TRANSFER_NOT_FOUND"
        );

        // A new offer: pending until the heir accepts; nobody else can.
        let made = offer(&api, "acme", "Heir@People.example", &founder)
            .expect(StatusCode::CREATED)
            .await;
        assert_eq!(made["status"], "pending");
        let link = mailbox::links(&api, "/ownership-transfers/")
            .await
            .remove(0);
        let pending = api
            .get("/api/v1/orgs/acme/ownership-transfer")
            .bearer(&deputy)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            (pending["to_email"].as_str(), pending["status"].as_str()),
            (Some("heir@people.example"), Some("pending"))
        );
        let members = api
            .get("/api/v1/orgs/acme/members")
            .bearer(&founder)
            .expect(StatusCode::OK)
            .await;
        assert!(member_roles(&members).contains(&("founder".into(), "owner".into())));
        assert!(member_roles(&members).contains(&("heir".into(), "member".into())));
        for wrong in [&outsider, &deputy] {
            let refused = accept(&api, &link, wrong)
                .expect(StatusCode::FORBIDDEN)
                .await;
            assert_eq!(
                refused["error"]["code"],
                "ERROR_TRANSFER_FOR_ANOTHER_PERSON"
            );
        }
        let accepted = accept(&api, &link, &heir).expect(StatusCode::OK).await;
        assert_eq!(accepted["role"], "owner");
        let members = api
            .get("/api/v1/orgs/acme/members")
            .bearer(&heir)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(
            member_roles(&members),
            [
                ("deputy".to_owned(), "admin".to_owned()),
                ("founder".to_owned(), "admin".to_owned()),
                ("heir".to_owned(), "owner".to_owned()),
            ]
        );
        accept(&api, &link, &heir)
            .expect(StatusCode::NOT_FOUND)
            .await;
        // The previous owner is an admin now: no more offers from them.
        let refused = offer(&api, "acme", "deputy@people.example", &founder)
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_OWNER_ONLY");
        let events = api
            .get("/api/v1/orgs/acme/audit-logs")
            .bearer(&heir)
            .expect(StatusCode::OK)
            .await
            .to_string();
        for action in [
            "organization.ownership_offered",
            "organization.ownership_offer_cancelled",
            "organization.ownership_transferred",
        ] {
            assert!(events.contains(action), "{action} is audited");
        }
    }
}

#[tokio::test]
async fn an_offer_lapses_when_its_sender_is_no_longer_an_owner() {
    for api in apis().await {
        for name in ["first-owner", "taker"] {
            person(&api, name, "member").await;
        }
        let second = person(&api, "second-owner", "member").await;
        let org = crew(&api, "first-owner", "twin", &[("taker", "member")]).await;
        crate::domaingenius::join(&api, &org, &second, "owner").await;
        offer(
            &api,
            "twin",
            "taker@people.example",
            &session_of(&api, "first-owner").await,
        )
        .expect(StatusCode::CREATED)
        .await;
        let link = mailbox::links(&api, "/ownership-transfers/")
            .await
            .remove(0);
        let first = api
            .get("/api/v1/orgs/twin/members")
            .bearer(&session_of(&api, "second-owner").await)
            .expect(StatusCode::OK)
            .await["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["username"] == "first-owner")
            .unwrap()["user_oid"]
            .as_str()
            .unwrap()
            .to_owned();
        api.patch(
            &format!("/api/v1/orgs/twin/members/{first}"),
            json!({"role": "admin"}),
        )
        .bearer(&session_of(&api, "second-owner").await)
        .expect(StatusCode::NO_CONTENT)
        .await;
        let refused = accept(&api, &link, &session_of(&api, "taker").await)
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_OWNER_ONLY");
    }
}

#[tokio::test]
async fn an_offer_lapses_when_its_recipient_left() {
    for api in apis().await {
        for name in ["keeper", "leaver"] {
            person(&api, name, "member").await;
        }
        crew(&api, "keeper", "leaving", &[("leaver", "member")]).await;
        offer(
            &api,
            "leaving",
            "leaver@people.example",
            &session_of(&api, "keeper").await,
        )
        .expect(StatusCode::CREATED)
        .await;
        let link = mailbox::links(&api, "/ownership-transfers/")
            .await
            .remove(0);
        let leaver = session_of(&api, "leaver").await;
        let me = api
            .get("/v1/users/me")
            .bearer(&leaver)
            .expect(StatusCode::OK)
            .await["user_id"]
            .as_str()
            .unwrap()
            .to_owned();
        api.delete(&format!("/api/v1/orgs/leaving/members/{me}"))
            .bearer(&leaver)
            .expect(StatusCode::NO_CONTENT)
            .await;
        let refused = accept(&api, &link, &leaver)
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(
            refused["error"]["code"],
            "ERROR_TRANSFER_RECIPIENT_NOT_MEMBER"
        );
    }
}

#[tokio::test]
async fn an_organization_that_owes_money_is_not_deleted_until_settled() {
    for api in apis().await {
        person(&api, "debtor", "member").await;
        let org = crew(&api, "debtor", "owing", &[]).await;
        let debtor = session_of(&api, "debtor").await;
        wallet(
            &api,
            &org,
            "adjustments",
            json!({"amount": "-5.00", "reason": "late fee"}),
        )
        .await;
        let refused = api
            .delete("/api/v1/orgs/owing")
            .bearer(&debtor)
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_BALANCE_OWED");
        wallet(
            &api,
            &org,
            "credits",
            json!({"amount": "5.00", "reference": "settle"}),
        )
        .await;
        let deleted = api
            .delete("/api/v1/orgs/owing")
            .bearer(&debtor)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(deleted["refund"]["total"], "0.00");
        assert_eq!(deleted["refund"]["refunds"], json!([]));
        let unknown = api
            .get(&format!(
                "/v1/organizations/{}/audit-logs",
                "organization_01h45ytscbebyvny4gc8cr8ma2"
            ))
            .key(&api.t.boot.operator_api_key)
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(unknown["code"], "ERROR_ORGANIZATION_NOT_FOUND");
    }
}

#[tokio::test]
async fn money_no_top_up_funded_is_paid_out_by_one_adjustment() {
    for api in apis().await {
        person(&api, "gifted", "member").await;
        let org = crew(&api, "gifted", "gifted", &[]).await;
        wallet(
            &api,
            &org,
            "credits",
            json!({"amount": "10.00", "reference": "card-9"}),
        )
        .await;
        wallet(
            &api,
            &org,
            "adjustments",
            json!({"amount": "3.00", "reason": "goodwill"}),
        )
        .await;
        let deleted = api
            .delete("/api/v1/orgs/gifted")
            .bearer(&session_of(&api, "gifted").await)
            .expect(StatusCode::OK)
            .await;
        let refunds = &deleted["refund"]["refunds"];
        assert_eq!(deleted["refund"]["total"], "13.00");
        assert_eq!(
            (
                refunds[0]["amount"].as_str(),
                refunds[0]["payment_reference"].as_str()
            ),
            (Some("10.00"), Some("card-9"))
        );
        assert_eq!(refunds[1]["amount"], "3.00");
        assert!(refunds[1]["payment_reference"].is_null());
        assert_eq!(refunds.as_array().unwrap().len(), 2);
    }
}

#[tokio::test]
async fn an_offer_lapses_after_seven_days_and_a_new_one_replaces_it() {
    for api in apis().await {
        for name in ["elder", "junior"] {
            person(&api, name, "member").await;
        }
        crew(&api, "elder", "lapse", &[("junior", "member")]).await;
        let elder = session_of(&api, "elder").await;
        offer(&api, "lapse", "junior@people.example", &elder)
            .expect(StatusCode::CREATED)
            .await;
        let link = mailbox::links(&api, "/ownership-transfers/")
            .await
            .remove(0);
        api.t
            .clock
            .advance(time::Duration::days(7) + time::Duration::seconds(1));
        let junior = session_of(&api, "junior").await;
        let elder = session_of(&api, "elder").await;
        let shown = api
            .get("/api/v1/orgs/lapse/ownership-transfer")
            .bearer(&elder)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(shown["status"], "expired");
        accept(&api, &link, &junior)
            .expect(StatusCode::NOT_FOUND)
            .await;
        // A new offer replaces the expired one.
        offer(&api, "lapse", "junior@people.example", &elder)
            .expect(StatusCode::CREATED)
            .await;
        let fresh = mailbox::links(&api, "/ownership-transfers/")
            .await
            .remove(0);
        accept(&api, &fresh, &junior).expect(StatusCode::OK).await;
    }
}

#[tokio::test]
async fn an_organization_whose_people_alone_own_another_is_not_deleted() {
    for api in apis().await {
        let home = api
            .post(
                "/v1/organizations",
                json!({"name": "Homebase", "users": [{"username": "homebody", "email": "homebody@homebase.example", "password": PASSWORD}]}),
            )
            .expect(StatusCode::OK)
            .await["organization_id"]
            .as_str()
            .unwrap()
            .to_owned();
        api.post(
            "/api/v1/orgs",
            json!({"name": "Elsewhere", "slug": "elsewhere"}),
        )
        .bearer(&session_of(&api, "homebody").await)
        .expect(StatusCode::CREATED)
        .await;
        let refused = api
            .delete(&format!("/v1/organizations/{home}"))
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(refused["code"], "ERROR_LAST_OWNER");
        assert!(refused["detail"].as_str().unwrap().contains("Elsewhere"));
        api.get(&format!("/v1/organizations/{home}"))
            .expect(StatusCode::OK)
            .await;
    }
}

/// The operator's wallet operation on `org`.
async fn wallet(api: &Api, org: &str, operation: &str, body: Value) {
    api.post(
        &format!("/v1/organizations/{org}/billing/wallet/{operation}"),
        body,
    )
    .key(&api.t.boot.operator_api_key)
    .expect(StatusCode::OK)
    .await;
}

#[tokio::test]
async fn deleting_an_organization_refunds_its_balance_newest_top_up_first_and_frees_its_zones() {
    for api in apis().await {
        for name in ["closer", "aide", "watcher"] {
            person(&api, name, "member").await;
        }
        let org = crew(
            &api,
            "closer",
            "closing",
            &[("aide", "admin"), ("watcher", "member")],
        )
        .await;
        let closer = session_of(&api, "closer").await;
        wallet(
            &api,
            &org,
            "credits",
            json!({"amount": "10.00", "reference": "pay-1"}),
        )
        .await;
        wallet(
            &api,
            &org,
            "credits",
            json!({"amount": "25.00", "reference": "pay-2"}),
        )
        .await;
        wallet(
            &api,
            &org,
            "adjustments",
            json!({"amount": "-5.00", "reason": "fee"}),
        )
        .await;
        api.post("/v1/dns", json!({"name": "closing.example"}))
            .bearer(&closer)
            .header("x-organization-context", &org)
            .expect(StatusCode::CREATED)
            .await;
        let child = api
            .post(
                "/v1/organizations",
                json!({"name": "Closing Branch", "parent_organization_id": org}),
            )
            .bearer(&closer)
            .expect(StatusCode::OK)
            .await["organization_id"]
            .as_str()
            .unwrap()
            .to_owned();

        // Owners only; not while a suborganization remains.
        for (who, code) in [
            ("aide", "ERROR_OWNER_ONLY"),
            ("watcher", "ERROR_PERMISSION_DENIED"),
        ] {
            let refused = api
                .delete("/api/v1/orgs/closing")
                .bearer(&session_of(&api, who).await)
                .expect(StatusCode::FORBIDDEN)
                .await;
            assert_eq!(refused["error"]["code"], code);
        }
        let refused = api
            .delete("/api/v1/orgs/closing")
            .bearer(&closer)
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(refused["error"]["code"], "ERROR_ORGANIZATION_NOT_EMPTY");
        let branch = api
            .delete(&format!("/api/v1/orgs/{child}"))
            .bearer(&closer)
            .expect(StatusCode::OK)
            .await;
        assert!(branch["refund"].is_null(), "billed through its parent");
        // An open invitation and an API key of the organization, which the deletion ends.
        api.post(
            "/api/v1/orgs/closing/members",
            json!({"email": "late@example.com", "role": "viewer"}),
        )
        .bearer(&closer)
        .expect(StatusCode::CREATED)
        .await;
        let invitation = mailbox::links(&api, "/invitations/").await.remove(0);
        let org_key = api
            .post(
                "/v1/auth/client_credentials",
                json!({"api_key_name": "closing"}),
            )
            .bearer(&closer)
            .header("x-organization-context", &org)
            .expect(StatusCode::OK)
            .await["api_key"]
            .as_str()
            .unwrap()
            .to_owned();

        let deleted = api
            .delete("/api/v1/orgs/closing")
            .bearer(&closer)
            .expect(StatusCode::OK)
            .await;
        let refund = &deleted["refund"];
        assert_eq!(
            (refund["currency"].as_str(), refund["total"].as_str()),
            (Some("EUR"), Some("30.00"))
        );
        let lines: Vec<_> = refund["refunds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["amount"].as_str().unwrap(),
                    r["payment_reference"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(lines, [("25.00", "pay-2"), ("5.00", "pay-1")]);

        let refused = api
            .post(
                &format!("/api/v1/invitations/{invitation}/accept"),
                json!({"name": "Late", "password": PASSWORD}),
            )
            .anonymous()
            .send()
            .await;
        assert_eq!(
            refused.1["error"]["code"], "ERROR_INVITATION_REVOKED",
            "{refused:?}"
        );
        api.get("/v1/organizations")
            .key(&org_key)
            .expect(StatusCode::UNAUTHORIZED)
            .await;

        // Gone for everyone; its people's membership with it; its zone's name free again.
        api.get("/api/v1/orgs/closing")
            .bearer(&closer)
            .expect(StatusCode::NOT_FOUND)
            .await;
        let switcher = api
            .get("/api/v1/orgs")
            .bearer(&session_of(&api, "aide").await)
            .expect(StatusCode::OK)
            .await;
        assert!(!switcher.to_string().contains("closing"));
        api.post("/v1/dns", json!({"name": "closing.example"}))
            .expect(StatusCode::CREATED)
            .await;
        // The slug is free again too.
        let check = api
            .get("/api/v1/orgs/check-slug?slug=closing")
            .bearer(&closer)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(check["available"], true);

        // The balance is exactly zero, and the owner has a receipt.
        let mut read = api.t.database.db.read().await.unwrap();
        let account = tenantry_store::billing::accounts::get(&mut read, org.parse().unwrap())
            .await
            .unwrap()
            .unwrap();
        drop(read);
        assert_eq!(account.balance.0, 0);
        let mail = mailbox::deliver(&api).await;
        let receipt = mail
            .iter()
            .find(|m| m.is_to("closer@people.example"))
            .expect("a receipt to the owner");
        assert!(
            receipt.text.contains("25.00 EUR to payment pay-2"),
            "{}",
            receipt.text
        );

        // The operator still reads its trail.
        let trail = api
            .get(&format!("/v1/organizations/{org}/audit-logs"))
            .key(&api.t.boot.operator_api_key)
            .expect(StatusCode::OK)
            .await
            .to_string();
        let first_refund = refund["refunds"][0]["transaction_oid"].as_str().unwrap();
        assert!(
            trail.contains("organization.deleted") && trail.contains(first_refund),
            "{trail}"
        );
    }
}
