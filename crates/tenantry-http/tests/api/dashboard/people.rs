//! The people page: a new user with the API's refusals next to their fields, a role change,
//! an invitation mailed and revoked, removal, and another tenant's people not found.

use axum::http::StatusCode;

use crate::sign_in::{PASSWORD, person};
use crate::support::{apis, other_tenant};

use super::{Browser, Page};

/// The list's row of `who`.
fn person_row(page: &Page, who: &str) -> String {
    page.html
        .split("<tbody>")
        .nth(1)
        .and_then(|table| table.split("<tr>").find(|row| row.contains(who)))
        .unwrap_or_else(|| panic!("{who} is listed: {}", page.html))
        .to_owned()
}

/// The path of the form on the row that names `who`, ending in `action`.
fn row_form(page: &Page, who: &str, action: &str) -> String {
    let row = page
        .html
        .split("<tr>")
        .find(|row| row.contains(who))
        .unwrap_or_else(|| panic!("{who} is listed: {}", page.html));
    let end = row.find(&format!("/{action}\"")).unwrap() + action.len() + 1;
    let start = row[..end].rfind("action=\"").unwrap() + "action=\"".len();
    row[start..end].to_owned()
}

#[tokio::test]
async fn an_admin_adds_invites_changes_and_removes_people() {
    for api in apis().await {
        person(&api, "web.people", "admin").await;
        let home = api.t.boot.organization_id.to_string();
        let page = format!("/orgs/{home}/people");
        let mut browser = Browser::new(&api);
        browser.sign_in("web.people", PASSWORD).await;
        let listed = browser.get(&page).await;
        assert_eq!(listed.status, StatusCode::OK, "{}", listed.html);
        assert!(listed.html.contains("web.people") && listed.html.contains(">you<"));
        let csrf = listed.field("csrf");

        let refused = browser
            .post(
                &page,
                &[
                    ("csrf", &csrf),
                    ("username", "x"),
                    ("email", "not-an-address"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.html.contains("id=\"email-error\""),
            "{}",
            refused.html
        );
        let added = browser
            .post(
                &page,
                &[
                    ("csrf", &csrf),
                    ("username", "new.hand"),
                    ("email", "new.hand@people.example"),
                    ("first_name", "New"),
                    ("role", "viewer"),
                ],
            )
            .await;
        assert_eq!(
            added.location(),
            format!("{page}?done=created#main"),
            "{}",
            added.html
        );
        let listed = browser.get(&page).await;
        assert!(listed.html.contains("new.hand"));

        // A role change, and one to a role that does not exist (refused above the list).
        let role = row_form(&listed, "new.hand", "role");
        let changed = browser
            .post(&role, &[("csrf", &csrf), ("role", "dns_manager")])
            .await;
        assert_eq!(changed.location(), format!("{page}?done=role#main"));
        let user = api
            .get("/v1/organizations/users?search=new.hand")
            .expect(StatusCode::OK)
            .await["results"][0]
            .clone();
        assert_eq!(user["role"], "dns_manager", "{user}");
        let ghost = browser
            .post(&role, &[("csrf", &csrf), ("role", "ghost")])
            .await;
        // A role that does not exist is not found, said above the list.
        assert_eq!(ghost.status, StatusCode::NOT_FOUND, "{}", ghost.html);
        assert!(ghost.html.contains("class=\"error\" role=\"alert\""));
        assert!(ghost.html.contains("new.hand"), "the list is shown with it");
        // A refusal of a row's action is told above the list, in the API's words.
        let me = api
            .get("/v1/organizations/users?search=web.people")
            .expect(StatusCode::OK)
            .await["results"][0]["user_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let myself = browser
            .post(&format!("{page}/{me}/remove"), &[("csrf", &csrf)])
            .await;
        assert_eq!(myself.status, StatusCode::FORBIDDEN, "{}", myself.html);
        assert!(myself.html.contains("class=\"error\" role=\"alert\""));
        assert!(myself.html.contains("You cannot delete yourself"));

        // An invitation: mailed, listed while pending, revoked.
        let bad_invite = browser
            .post(
                &format!("{page}/invite"),
                &[
                    ("csrf", &csrf),
                    ("invite_email", "nobody"),
                    ("invite_role", "viewer"),
                ],
            )
            .await;
        assert_eq!(bad_invite.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad_invite.html.contains("id=\"invite_email-error\""));
        let invited = browser
            .post(
                &format!("{page}/invite"),
                &[
                    ("csrf", &csrf),
                    ("invite_email", "guest@elsewhere.example"),
                    ("invite_role", "viewer"),
                ],
            )
            .await;
        assert_eq!(
            invited.location(),
            format!("{page}?done=invited#main"),
            "{}",
            invited.html
        );
        let mailed = crate::mailbox::deliver(&api).await;
        let token = mailed
            .iter()
            .find(|m| m.is_to("guest@elsewhere.example"))
            .and_then(|m| m.link("/invitations/"))
            .expect("the invitation is mailed");
        let pending = browser.get(&page).await;
        assert!(pending.html.contains("guest@elsewhere.example"));
        let revoke = row_form(&pending, "guest@elsewhere.example", "revoke");
        let revoked = browser.post(&revoke, &[("csrf", &csrf)]).await;
        assert_eq!(revoked.location(), format!("{page}?done=revoked#main"));
        assert!(
            !browser
                .get(&page)
                .await
                .html
                .contains("guest@elsewhere.example")
        );
        // Its link says so.
        let dead = Browser::new(&api)
            .get(&format!("/invitations/{token}"))
            .await;
        assert_eq!(dead.status, StatusCode::CONFLICT, "{}", dead.html);

        // Removal deletes one of the organization's own users.
        let remove = row_form(&browser.get(&page).await, "new.hand", "remove");
        let removed = browser.post(&remove, &[("csrf", &csrf)]).await;
        assert_eq!(removed.location(), format!("{page}?done=removed#main"));
        assert!(!browser.get(&page).await.html.contains("new.hand"));

        // Another tenant's people and page: not found.
        let (other, other_key) = other_tenant(&api, "Elsewhere").await;
        assert_eq!(
            browser.get(&format!("/orgs/{other}/people")).await.status,
            StatusCode::NOT_FOUND
        );
        let theirs = api
            .get("/v1/organizations/users")
            .key(&other_key)
            .expect(StatusCode::OK)
            .await["results"][0]["user_id"]
            .as_str()
            .unwrap()
            .to_owned();
        for action in ["role", "remove"] {
            let answer = browser
                .post(
                    &format!("{page}/{theirs}/{action}"),
                    &[("csrf", &csrf), ("role", "viewer")],
                )
                .await;
            assert_eq!(answer.status, StatusCode::NOT_FOUND, "{action}");
        }
        let their_invitation = api
            .post(
                &format!("/api/v1/orgs/{other}/members"),
                serde_json::json!({"email": "someone@elsewhere.example", "role": "viewer"}),
            )
            .key(&other_key)
            .expect(StatusCode::CREATED)
            .await["invitation_oid"]
            .as_str()
            .unwrap()
            .to_owned();
        for path in [
            format!("/orgs/{home}/invitations/{their_invitation}/revoke"),
            format!("/orgs/{other}/invitations/{their_invitation}/revoke"),
        ] {
            let answer = browser.post(&path, &[("csrf", &csrf)]).await;
            assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        }
        let still = api
            .get(&format!("/api/v1/orgs/{other}/invitations?status=pending"))
            .key(&other_key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(still["invitations"].as_array().unwrap().len(), 1, "{still}");
        let forged = browser
            .post(&page, &[("csrf", "forged"), ("username", "sneaky")])
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
    }
}

#[tokio::test]
async fn an_invitation_s_link_signs_up_a_newcomer_and_lets_a_person_accept() {
    for api in apis().await {
        person(&api, "web.inviter", "admin").await;
        // Someone with an account elsewhere (a customer's user).
        let (_, crew_key) = crate::support::suborg(&api, "Crew").await;
        api.post(
            "/v1/users",
            serde_json::json!({"username": "crew.mate", "email": "crew.mate@crew.example",
                               "password": PASSWORD, "role": "viewer"}),
        )
        .key(&crew_key)
        .expect(StatusCode::OK)
        .await;
        let home = api.t.boot.organization_id.to_string();
        let page = format!("/orgs/{home}/people");
        let mut admin = Browser::new(&api);
        admin.sign_in("web.inviter", PASSWORD).await;
        let csrf = admin.get(&page).await.field("csrf");
        let invite = |email: &'static str| {
            [
                ("csrf", csrf.clone()),
                ("invite_email", email.to_owned()),
                ("invite_role", "viewer".to_owned()),
            ]
        };
        for email in ["fresh@newcomer.example", "crew.mate@crew.example"] {
            let form = invite(email);
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let sent = admin.post(&format!("{page}/invite"), &pairs).await;
            assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.html);
        }
        let mailed = crate::mailbox::deliver(&api).await;
        let token_to = |to: &str| {
            mailed
                .iter()
                .find(|m| m.is_to(to))
                .and_then(|m| m.link("/invitations/"))
                .unwrap()
        };
        let tokens = [
            token_to("fresh@newcomer.example"),
            token_to("crew.mate@crew.example"),
        ];

        // A newcomer makes an account through the link, then signs in with the address.
        let mut newcomer = Browser::new(&api);
        let link = format!("/invitations/{}", tokens[0]);
        let offer = newcomer.get(&link).await;
        assert_eq!(offer.status, StatusCode::OK, "{}", offer.html);
        assert!(offer.html.contains("fresh@newcomer.example"));
        let csrf = offer.field("csrf");
        let weak = newcomer
            .post(
                &link,
                &[
                    ("csrf", &csrf),
                    ("name", "Fresh Face"),
                    ("password", "short"),
                ],
            )
            .await;
        assert_eq!(
            weak.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            weak.html
        );
        assert!(weak.html.contains("value=\"Fresh Face\""));
        assert!(weak.html.contains("id=\"password-error\""), "{}", weak.html);
        // A name is the use case's rule too (the new organization is named after it).
        let nameless = newcomer
            .post(
                &link,
                &[("csrf", &csrf), ("name", "   "), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(nameless.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            nameless.html.contains("id=\"name-error\""),
            "{}",
            nameless.html
        );
        let forged = newcomer
            .post(
                &link,
                &[("csrf", "forged"), ("name", "X"), ("password", PASSWORD)],
            )
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let joined = newcomer
            .post(
                &link,
                &[
                    ("csrf", &csrf),
                    ("name", "Fresh Face"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(joined.location(), "/sign-in?joined=1", "{}", joined.html);
        assert!(
            newcomer
                .get("/sign-in?joined=1")
                .await
                .html
                .contains("Your account is made")
        );
        let signed_in = newcomer.sign_in("fresh@newcomer.example", PASSWORD).await;
        assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
        let member = newcomer.get(&format!("/orgs/{home}")).await;
        assert_eq!(member.status, StatusCode::OK, "{}", member.html);
        // Used once: the link says it was.
        assert_eq!(newcomer.get(&link).await.status, StatusCode::CONFLICT);

        // Someone else signed in is refused, on the link's page.
        let link = format!("/invitations/{}", tokens[1]);
        let not_theirs = newcomer.get(&link).await;
        let refused = newcomer
            .post(&link, &[("csrf", &not_theirs.field("csrf"))])
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.html);
        assert!(refused.html.contains("sent to another address"));

        // Its addressee, with an account elsewhere, accepts signed in.
        let mut known = Browser::new(&api);
        known.sign_in("crew.mate", PASSWORD).await;
        let offer = known.get(&link).await;
        assert!(offer.html.contains("Accept and join"), "{}", offer.html);
        let forged = known.post(&link, &[("csrf", "forged")]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        let accepted = known.post(&link, &[("csrf", &offer.field("csrf"))]).await;
        assert_eq!(
            accepted.location(),
            format!("/orgs/{home}"),
            "{}",
            accepted.html
        );
        let listed = admin.get(&page).await;
        let row = person_row(&listed, "crew.mate");
        assert!(row.contains("<span class=\"badge\">member</span>"), "{row}");
        assert_eq!(
            listed.html.matches("crew.mate@crew.example").count(),
            1,
            "no pending invitation"
        );

        // A member's role here changes; removed, they leave, and stay a user at home.
        let csrf = listed.field("csrf");
        let role = row_form(&listed, "crew.mate@crew.example", "role");
        let changed = admin
            .post(&role, &[("csrf", &csrf), ("role", "dns_manager")])
            .await;
        assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.html);
        assert!(
            person_row(&admin.get(&page).await, "crew.mate")
                .contains("value=\"dns_manager\" selected")
        );
        let remove = row_form(&admin.get(&page).await, "crew.mate@crew.example", "remove");
        let removed = admin.post(&remove, &[("csrf", &csrf)]).await;
        assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.html);
        assert!(!admin.get(&page).await.html.contains("crew.mate"));
        let at_home = api
            .get("/v1/organizations/users")
            .key(&crew_key)
            .expect(StatusCode::OK)
            .await;
        assert!(at_home.to_string().contains("crew.mate"), "{at_home}");

        assert_eq!(
            newcomer.get("/invitations/not-a-real-token").await.status,
            StatusCode::NOT_FOUND
        );
    }
}
