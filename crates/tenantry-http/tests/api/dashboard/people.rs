//! The people page: a new user with the API's refusals next to their fields, a role change,
//! an invitation mailed and revoked, removal, and another tenant's people not found.

use axum::http::StatusCode;

use crate::sign_in::{PASSWORD, person};
use crate::support::{apis, other_tenant};

use super::{Browser, Page};

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
        assert!(ghost.status.is_client_error(), "{}", ghost.html);
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
        assert!(mailed.iter().any(|m| m.is_to("guest@elsewhere.example")));
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
        let forged = browser
            .post(&page, &[("csrf", "forged"), ("username", "sneaky")])
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
    }
}
