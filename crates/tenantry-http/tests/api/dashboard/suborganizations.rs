//! The suborganizations page: the list and its search, creation with the API's refusals next
//! to their fields, deactivation and activation, and another tenant's suborganization.

use axum::http::StatusCode;

use serde_json::json;

use crate::sign_in::{PASSWORD, person, sign_in};
use crate::support::{apis, other_tenant, suborg};

use super::{Browser, Page};

/// The list's rows only: the switcher names every suborganization too.
fn rows(page: &Page) -> String {
    page.html
        .split("<tbody>")
        .nth(1)
        .map(|table| {
            table
                .split("</tbody>")
                .next()
                .unwrap_or_default()
                .to_owned()
        })
        .unwrap_or_default()
}

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
        let table = rows(&listed);
        assert!(table.contains("Blue Harbour") && table.contains("Green Field"));
        let searched = rows(&browser.get(&format!("{page}?search=harb")).await);
        assert!(searched.contains("Blue Harbour"));
        assert!(!searched.contains("Green Field"));
        let none = browser.get(&format!("{page}?search=nothing-like-it")).await;
        assert!(none.html.contains("No suborganization has a name like"));

        // One made here is deactivated from here too (its maker is also its owner).
        let blue = rows(&browser.get(&page).await)
            .split("<tr>")
            .find(|row| row.contains("Blue Harbour"))
            .map(|row| {
                let start = row.find(&format!("{page}/")).unwrap();
                let end = row[start..].find('"').unwrap() + start;
                row[start..end].to_owned()
            })
            .unwrap();
        let blue_off = browser
            .post(&blue, &[("csrf", &csrf), ("status", "inactive")])
            .await;
        assert_eq!(blue_off.status, StatusCode::SEE_OTHER, "{}", blue_off.html);

        // Deactivated: nothing in it changes; activated again, it does.
        let (child, child_key) = suborg(&api, "Paused").await;
        let status = format!("{page}/{child}/status");
        let off = browser
            .post(&status, &[("csrf", &csrf), ("status", "inactive")])
            .await;
        assert_eq!(off.location(), format!("{page}?done=inactive#main"));
        let paused_row = |page: &Page| {
            rows(page)
                .split("<tr>")
                .find(|row| row.contains("Paused"))
                .unwrap()
                .to_owned()
        };
        let listed = browser.get(&format!("{page}?done=inactive")).await;
        assert!(listed.html.contains("is deactivated"));
        assert!(paused_row(&listed).contains("badge inactive"));
        let frozen = api
            .post("/v1/users", serde_json::json!({"username": "paused-new"}))
            .key(&child_key)
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(frozen["code"], "ERROR_ORGANIZATION_INACTIVE");
        let on = browser
            .post(&status, &[("csrf", &csrf), ("status", "active")])
            .await;
        assert_eq!(on.location(), format!("{page}?done=active#main"));
        assert!(!paused_row(&browser.get(&page).await).contains("badge inactive"));
        api.post("/v1/users", serde_json::json!({"username": "paused-new"}))
            .key(&child_key)
            .expect(StatusCode::OK)
            .await;
        let nonsense = browser
            .post(&status, &[("csrf", &csrf), ("status", "paused")])
            .await;
        assert_eq!(nonsense.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            nonsense.html.contains("must be active or inactive"),
            "the API's words, above the list: {}",
            nonsense.html
        );
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
        assert_eq!(listed.status, StatusCode::OK);
        assert!(rows(&listed).contains("Seen"), "{}", listed.html);
        let csrf = listed.field("csrf");
        let refused = browser
            .post(&page, &[("csrf", &csrf), ("name", "Not Mine To Make")])
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.html);
        assert!(refused.html.contains("class=\"error\" role=\"alert\""));
        assert!(refused.html.contains("value=\"Not Mine To Make\""), "kept");
        assert!(!rows(&browser.get(&page).await).contains("Not Mine To Make"));
    }
}

#[tokio::test]
async fn each_organization_lists_its_own_suborganizations() {
    for api in apis().await {
        // An admin at home who founded a second top-level organization of their own.
        person(&api, "web.founder", "admin").await;
        let token = sign_in(&api, "web.founder").await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let founded = api
            .post(
                "/api/v1/orgs",
                json!({"name": "Second Shop", "slug": "second-shop"}),
            )
            .bearer(&token)
            .expect(StatusCode::CREATED)
            .await["oid"]
            .as_str()
            .unwrap()
            .to_owned();
        suborg(&api, "Home Child").await;
        let home = api.t.boot.organization_id.to_string();
        let mut browser = Browser::new(&api);
        browser.sign_in("web.founder", PASSWORD).await;
        let theirs = format!("/orgs/{founded}/suborganizations");
        let form = browser.get(&theirs).await;
        let created = browser
            .post(
                &theirs,
                &[("csrf", &form.field("csrf")), ("name", "Second Child")],
            )
            .await;
        assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.html);
        let second = rows(&browser.get(&theirs).await);
        assert!(second.contains("Second Child") && !second.contains("Home Child"));
        let first = rows(&browser.get(&format!("/orgs/{home}/suborganizations")).await);
        assert!(first.contains("Home Child") && !first.contains("Second Child"));
    }
}
