//! The roles page: built-in roles shown, a custom role made with the checklist, refused in the
//! API's words, changed (the form holds it), deleted; a built-in role stays.

use axum::http::StatusCode;
use serde_json::Value;

use crate::sign_in::{PASSWORD, person};
use crate::support::apis;

use super::Browser;

#[tokio::test]
async fn a_custom_role_is_made_changed_and_deleted_from_the_dashboard() {
    for api in apis().await {
        person(&api, "web.roles", "admin").await;
        let home = api.t.boot.organization_id.to_string();
        let page = format!("/orgs/{home}/roles");
        let mut browser = Browser::new(&api);
        browser.sign_in("web.roles", PASSWORD).await;
        let list = browser.get(&page).await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.html);
        assert!(list.html.contains("built-in"), "{}", list.html);
        assert!(list.html.contains("value=\"dns:manage\""), "the checklist");
        let csrf = list.field("csrf");

        let unnamed = browser
            .post(
                &page,
                &[("csrf", &csrf), ("name", ""), ("permissions", "dns:read")],
            )
            .await;
        assert_eq!(
            unnamed.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            unnamed.html
        );
        assert!(
            unnamed.html.contains("id=\"name-error\""),
            "{}",
            unnamed.html
        );
        // The boxes checked stay checked.
        assert!(
            unnamed.html.contains("value=\"dns:read\" checked"),
            "{}",
            unnamed.html
        );

        let made = browser
            .post(
                &page,
                &[
                    ("csrf", &csrf),
                    ("name", "Zone Editor"),
                    ("description", "Edits zones"),
                    ("permissions", "dns:read"),
                    ("permissions", "dns:manage"),
                ],
            )
            .await;
        assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.html);
        let roles = api
            .get("/v1/organizations/roles")
            .expect(StatusCode::OK)
            .await;
        let role = roles
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "Zone Editor")
            .cloned()
            .unwrap_or(Value::Null);
        assert_eq!(
            role["permissions"],
            serde_json::json!(["dns:read", "dns:manage"]),
            "{roles}"
        );
        let label = role["label"].as_str().unwrap().to_owned();

        // Change: the form holds the role, then its permissions are replaced.
        let edit = browser.get(&format!("{page}?edit={label}")).await;
        assert!(
            edit.html.contains("value=\"dns:manage\" checked"),
            "{}",
            edit.html
        );
        assert!(edit.html.contains("value=\"Zone Editor\""));
        let saved = browser
            .post(
                &format!("{page}/{label}"),
                &[
                    ("csrf", &csrf),
                    ("name", "Zone Reader"),
                    ("permissions", "dns:read"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.html);
        let changed = api
            .get(&format!("/v1/organizations/roles/{label}"))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(changed["permissions"], serde_json::json!(["dns:read"]));
        assert_eq!(changed["name"], "Zone Reader");

        // A built-in role cannot be deleted; the custom one can, once.
        let builtin = browser
            .post(&format!("{page}/admin/delete"), &[("csrf", &csrf)])
            .await;
        assert!(builtin.status.is_client_error(), "{}", builtin.html);
        let deleted = browser
            .post(&format!("{page}/{label}/delete"), &[("csrf", &csrf)])
            .await;
        assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.html);
        api.get(&format!("/v1/organizations/roles/{label}"))
            .expect(StatusCode::NOT_FOUND)
            .await;
        let again = browser
            .post(&format!("{page}/{label}/delete"), &[("csrf", &csrf)])
            .await;
        assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.html);
    }
}
