//! `GET /v1/openapi.json`: generated from the endpoint table, with each endpoint's permission
//! as `x-required-permissions`, matching the OpusDNS description wherever it names one.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use serde_json::json;
use tenantry_http::Access;

use crate::support::apis;

/// `"METHOD /path"` → the permissions the OpusDNS OpenAPI description requires (null where
/// it names none), taken from that description for every operation it has.
fn opusdns_permissions() -> BTreeMap<String, Option<Vec<String>>> {
    serde_json::from_str(include_str!("../data/opusdns-required-permissions.json")).unwrap()
}

/// The document passes `openapi-spec-validator` (from `.ci/test-requirements.txt`, in the
/// Python `TENANTRY_TEST_PYTHON` names; where that variable is set, as in CI, a Python without
/// the validator fails the test rather than skipping it).
#[test]
fn the_document_is_valid_openapi() {
    let named = std::env::var("TENANTRY_TEST_PYTHON").ok();
    let python = named.clone().unwrap_or_else(|| "python3".into());
    let has_validator = std::process::Command::new(&python)
        .args(["-c", "import openapi_spec_validator"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !has_validator {
        assert!(named.is_none(), "{python} lacks openapi-spec-validator");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("openapi.json");
    std::fs::write(&path, tenantry_http::openapi_document().to_string()).unwrap();
    let out = std::process::Command::new(&python)
        .args(["-m", "openapi_spec_validator"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn the_document_lists_every_route_with_its_permission() {
    let api = apis().await.remove(0);
    let doc = api
        .get("/v1/openapi.json")
        .anonymous()
        .expect(StatusCode::OK)
        .await;
    assert_eq!(doc, tenantry_http::openapi_document());
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for endpoint in tenantry_http::endpoints() {
        let operation = &doc["paths"][endpoint.path][endpoint.method.as_str().to_lowercase()];
        let what = format!("{} {}", endpoint.method, endpoint.path);
        assert_eq!(operation["operationId"], endpoint.operation_id, "{what}");
        let success = endpoint.success.as_u16().to_string();
        assert!(operation["responses"][&success].is_object(), "{what}");
        let declared = &operation["x-required-permissions"];
        match endpoint.access {
            Access::Requires(permission) => {
                assert_eq!(declared, &json!([permission.to_string()]), "{what}");
                assert!(operation["responses"]["403"].is_object(), "{what}");
            }
            Access::Authenticated | Access::Public | Access::Operator => {
                assert!(declared.is_null(), "{what}")
            }
        }
        if endpoint.access == Access::Operator {
            assert_eq!(
                operation["security"],
                json!([{"operator_key": []}]),
                "{what}"
            );
        }
        if endpoint.access == Access::Public {
            assert_eq!(operation["security"], json!([]), "{what}");
        }
        for name in endpoint.path.split('/').filter(|s| s.starts_with('{')) {
            let name = name.trim_matches(|c| c == '{' || c == '}');
            let parameters = operation["parameters"].as_array().unwrap();
            assert!(
                parameters
                    .iter()
                    .any(|p| p["name"] == name && p["in"] == "path"),
                "{what} documents {name}"
            );
        }
    }
}

#[test]
fn permissions_match_the_opusdns_description_wherever_it_names_them() {
    let reference = opusdns_permissions();
    let mut compared = 0;
    for endpoint in tenantry_http::endpoints() {
        let key = format!("{} {}", endpoint.method, endpoint.path);
        let Some(Some(theirs)) = reference.get(&key) else {
            continue;
        };
        compared += 1;
        let ours = match endpoint.access {
            Access::Requires(permission) => vec![permission.to_string()],
            Access::Authenticated | Access::Public | Access::Operator => vec![],
        };
        assert_eq!(&ours, theirs, "{key}");
    }
    // Our paths use the description's parameter names, so shared endpoints match by text;
    // this many at least (organizations, users, roles, IP restrictions) must have matched.
    assert!(compared >= 17, "only {compared} endpoints compared");
}

/// `/docs`: the reference page, public, lists every operation of the table.
#[tokio::test]
async fn the_reference_page_lists_every_operation() {
    let api = apis().await.remove(0);
    let mut browser = crate::dashboard::Browser::new(&api);
    let page = browser.get("/docs").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    for endpoint in tenantry_http::endpoints() {
        let shown = format!("{} {}", endpoint.method, endpoint.path);
        assert!(page.html.contains(&shown), "{shown} is not on the page");
    }
    assert!(page.html.contains("dns:manage"));
    assert!(page.html.contains("href=\"/v1/openapi.json\""));
}

/// The document is pinned in `docs/openapi.json`, so a change to any operation, body or
/// parameter shows in review. `TENANTRY_BLESS_OPENAPI=1` writes the new document there.
#[test]
fn the_document_matches_its_snapshot() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
    let document = serde_json::to_string_pretty(&tenantry_http::openapi_document()).unwrap() + "\n";
    if std::env::var_os("TENANTRY_BLESS_OPENAPI").is_some() {
        std::fs::write(path, &document).unwrap();
        return;
    }
    let pinned = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        pinned == document,
        "the OpenAPI document changed: review it, then run the tests with \
         TENANTRY_BLESS_OPENAPI=1 to update docs/openapi.json"
    );
}
