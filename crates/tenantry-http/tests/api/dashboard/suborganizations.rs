//! The suborganizations page: the list and its search, creation with the API's refusals next
//! to their fields, deactivation and activation, and another tenant's suborganization.

use axum::http::StatusCode;

use crate::sign_in::{PASSWORD, person};
use crate::support::{apis, other_tenant, suborg};

use super::Browser;

#[tokio::test]
async fn an_admin_creates_searches_and_deactivates_suborganizations() {
    for api in apis().await {
        person(&api, "web.reseller", "admin").await;
        let home = api.t.boot.organization_id.to_string();
        let page = format!("/orgs/{home}/suborganizations");
        let mut browser = Browser::new(&api);
        browser.sign_in("web.reseller", PASSWORD).await;
        let empty = browser.get(&page).await;
        assert_eq!(empty.status, StatusCode::OK, "{}", empty.html);
        assert!(empty.html.contains("No suborganization yet"));
        let csrf = empty.field("csrf");

        // The API's refusals, next to their fields, with what was typed kept.
        let refused = browser
            .post(
                &page,
                &[
                    ("csrf", &csrf),
                    ("name", "Kept Name"),
                    ("country_code", "XX"),
                ],
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            refused.html.contains("id=\"country_code-error\""),
            "{}",
            refused.html
        );
        assert!(refused.html.contains("value=\"Kept Name\""));
        let independent = browser
            .post(
                &page,
                &[
                    ("csrf", &csrf),
                    ("name", "Alone"),
                    ("billing_mode", "independent"),
                ],
            )
            .await;
        assert_eq!(independent.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            independent.html.contains("class=\"error\""),
            "{}",
            independent.html
        );

        let created = browser
            .post(&page, &[("csrf", &csrf), ("name", "Blue Harbour")])
            .await;
        assert_eq!(
            created.location(),
            format!("{page}?done=created#main"),
            "{}",
            created.html
        );
        suborg(&api, "Green Field").await;
        let listed = browser.get(&format!("{page}?done=created")).await;
        assert!(listed.html.contains("The suborganization is created"));
        assert!(listed.html.contains("Blue Harbour") && listed.html.contains("Green Field"));
        // The list only: the switcher names every suborganization.
        let searched = browser.get(&format!("{page}?search=harb")).await;
        let table = searched.html.split("<tbody>").nth(1).unwrap();
        assert!(table.contains("Blue Harbour"));
        assert!(!table.contains("Green Field"));
        let none = browser.get(&format!("{page}?search=nothing-like-it")).await;
        assert!(none.html.contains("No suborganization has a name like"));

        // Deactivated: nothing in it changes; activated again, it does.
        let (child, child_key) = suborg(&api, "Paused").await;
        let status = format!("{page}/{child}/status");
        let off = browser
            .post(&status, &[("csrf", &csrf), ("status", "inactive")])
            .await;
        assert_eq!(off.location(), format!("{page}?done=deactivated"));
        let frozen = api
            .post("/v1/users", serde_json::json!({"username": "paused-new"}))
            .key(&child_key)
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(frozen["code"], "ERROR_ORGANIZATION_INACTIVE");
        let on = browser
            .post(&status, &[("csrf", &csrf), ("status", "active")])
            .await;
        assert_eq!(on.location(), format!("{page}?done=activated"));
        api.post("/v1/users", serde_json::json!({"username": "paused-new"}))
            .key(&child_key)
            .expect(StatusCode::OK)
            .await;
        let nonsense = browser
            .post(&status, &[("csrf", &csrf), ("status", "paused")])
            .await;
        assert_eq!(nonsense.status, StatusCode::UNPROCESSABLE_ENTITY);
        let forged = browser
            .post(&status, &[("csrf", "forged"), ("status", "inactive")])
            .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);

        // Another tenant's organizations, as a page or as a target, are not found.
        let (other, _) = other_tenant(&api, "Elsewhere").await;
        let theirs = browser
            .get(&format!("/orgs/{other}/suborganizations"))
            .await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND);
        let into_theirs = browser
            .post(
                &format!("/orgs/{other}/suborganizations"),
                &[("csrf", &csrf), ("name", "Planted")],
            )
            .await;
        assert_eq!(into_theirs.status, StatusCode::NOT_FOUND);
        let flip_theirs = browser
            .post(
                &format!("{page}/{other}/status"),
                &[("csrf", &csrf), ("status", "inactive")],
            )
            .await;
        assert_eq!(flip_theirs.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn a_viewer_sees_the_list_but_creating_is_refused() {
    for api in apis().await {
        person(&api, "web.watcher", "viewer").await;
        suborg(&api, "Seen").await;
        let home = api.t.boot.organization_id.to_string();
        let page = format!("/orgs/{home}/suborganizations");
        let mut browser = Browser::new(&api);
        browser.sign_in("web.watcher", PASSWORD).await;
        let listed = browser.get(&page).await;
        assert!(listed.html.contains("Seen"), "{}", listed.html);
        let csrf = listed.field("csrf");
        let refused = browser
            .post(&page, &[("csrf", &csrf), ("name", "Not Mine To Make")])
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.html);
        assert!(refused.html.contains("class=\"error\""));
    }
}
