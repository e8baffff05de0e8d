//! `/v1/dns-secondaries` and `/v1/dns-tsig-keys`: the operator allows secondaries zone
//! transfers and makes the keys that sign them, lists and removes both; bad input, unknown
//! ids, names and organizations, keys in use, and callers who are not operators are refused,
//! on both engines.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::apis;

#[tokio::test]
async fn the_operator_allows_lists_and_removes_secondaries() {
    for api in apis().await {
        let operator = api.t.boot.operator_api_key.clone();
        let organization = api.t.boot.organization_id.to_string();
        let everyone = api
            .post("/v1/dns-secondaries", json!({"network": "192.0.2.0/24"}))
            .key(&operator)
            .expect(StatusCode::CREATED)
            .await;
        assert!(
            everyone["secondary_id"]
                .as_str()
                .unwrap()
                .starts_with("secondary_")
        );
        assert_eq!(everyone["organization_id"], json!(null));
        assert_eq!(everyone["notify"], json!(null));
        let one = api
            .post(
                "/v1/dns-secondaries",
                json!({"organization_id": organization, "network": "2001:db8::53",
                       "notify": "[2001:db8::53]:53"}),
            )
            .key(&operator)
            .expect(StatusCode::CREATED)
            .await;
        assert_eq!(one["network"], "2001:db8::53/128", "{:?}", api.engine());
        assert_eq!(one["notify"], "[2001:db8::53]:53");
        assert_eq!(one["organization_id"], organization.as_str());

        let list = api
            .get("/v1/dns-secondaries")
            .key(&operator)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(list, json!([everyone, one]));

        let path = format!(
            "/v1/dns-secondaries/{}",
            everyone["secondary_id"].as_str().unwrap()
        );
        api.delete(&path)
            .key(&operator)
            .expect(StatusCode::NO_CONTENT)
            .await;
        let err = api
            .delete(&path)
            .key(&operator)
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(err["code"], "ERROR_SECONDARY_NOT_FOUND");
        let list = api
            .get("/v1/dns-secondaries")
            .key(&operator)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(list, json!([one]));
    }
}

#[tokio::test]
async fn bad_secondaries_and_callers_are_refused() {
    for api in apis().await {
        let operator = api.t.boot.operator_api_key.clone();
        let err = api
            .post(
                "/v1/dns-secondaries",
                json!({"network": "not a network", "notify": "192.0.2.1",
                       "organization_id": "zone_01h455vb4pex5vsknk084sn02q"}),
            )
            .key(&operator)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        let mut fields: Vec<_> = err["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["loc"][1].as_str().unwrap().to_owned())
            .collect();
        fields.sort();
        assert_eq!(fields, ["network", "notify", "organization_id"]);

        let unknown = tenantry_core::OrganizationId::generate().to_string();
        let err = api
            .post(
                "/v1/dns-secondaries",
                json!({"network": "192.0.2.1", "organization_id": unknown}),
            )
            .key(&operator)
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(err["code"], "ERROR_ORGANIZATION_NOT_FOUND", "{err}");

        let err = api
            .delete("/v1/dns-secondaries/not-an-id")
            .key(&operator)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(err["errors"][0]["loc"], json!(["path", "secondary_id"]));

        // An organization's own key is not an operator's.
        for call in [
            api.get("/v1/dns-secondaries"),
            api.post("/v1/dns-secondaries", json!({"network": "192.0.2.1"})),
        ] {
            call.expect(StatusCode::UNAUTHORIZED).await;
        }
        let list = api
            .get("/v1/dns-secondaries")
            .key(&operator)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(list, json!([]));
    }
}

#[tokio::test]
async fn the_operator_makes_tsig_keys_whose_secret_is_shown_once() {
    for api in apis().await {
        let operator = api.t.boot.operator_api_key.clone();
        let key = api
            .post("/v1/dns-tsig-keys", json!({"name": "Xfer.Example.NET"}))
            .key(&operator)
            .expect(StatusCode::CREATED)
            .await;
        assert_eq!(key["name"], "xfer.example.net.", "{:?}", api.engine());
        assert_eq!(key["algorithm"], "hmac-sha256");
        let secret = data_encoding::BASE64
            .decode(key["secret"].as_str().unwrap().as_bytes())
            .unwrap();
        assert_eq!(secret.len(), 32);
        let long = api
            .post(
                "/v1/dns-tsig-keys",
                json!({"name": "long.example.net.", "algorithm": "hmac-sha512"}),
            )
            .key(&operator)
            .expect(StatusCode::CREATED)
            .await;
        let long_secret = data_encoding::BASE64
            .decode(long["secret"].as_str().unwrap().as_bytes())
            .unwrap();
        assert_eq!(long_secret.len(), 64);

        // Listed without secrets.
        let list = api
            .get("/v1/dns-tsig-keys")
            .key(&operator)
            .expect(StatusCode::OK)
            .await;
        let names: Vec<_> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["long.example.net.", "xfer.example.net."]);
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .all(|k| k.get("secret").is_none())
        );

        // A name taken, a bad name or algorithm.
        let err = api
            .post("/v1/dns-tsig-keys", json!({"name": "xfer.example.net."}))
            .key(&operator)
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(err["code"], "ERROR_TSIG_KEY_EXISTS");
        let err = api
            .post(
                "/v1/dns-tsig-keys",
                json!({"name": "not a name", "algorithm": "hmac-md5"}),
            )
            .key(&operator)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(err["errors"].as_array().unwrap().len(), 2, "{err}");

        // A secondary names a key that exists, or is refused; a key in use stays.
        let err = api
            .post(
                "/v1/dns-secondaries",
                json!({"network": "192.0.2.53", "tsig_key": "missing.example.net."}),
            )
            .key(&operator)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(err["errors"][0]["loc"], json!(["body", "tsig_key"]));
        let secondary = api
            .post(
                "/v1/dns-secondaries",
                json!({"network": "192.0.2.53", "tsig_key": "xfer.example.net"}),
            )
            .key(&operator)
            .expect(StatusCode::CREATED)
            .await;
        assert_eq!(secondary["tsig_key"], "xfer.example.net.");
        let err = api
            .delete("/v1/dns-tsig-keys/xfer.example.net.")
            .key(&operator)
            .expect(StatusCode::CONFLICT)
            .await;
        assert_eq!(err["code"], "ERROR_TSIG_KEY_IN_USE");
        api.delete(&format!(
            "/v1/dns-secondaries/{}",
            secondary["secondary_id"].as_str().unwrap()
        ))
        .key(&operator)
        .expect(StatusCode::NO_CONTENT)
        .await;
        api.delete("/v1/dns-tsig-keys/xfer.example.net.")
            .key(&operator)
            .expect(StatusCode::NO_CONTENT)
            .await;
        let err = api
            .delete("/v1/dns-tsig-keys/xfer.example.net.")
            .key(&operator)
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(err["code"], "ERROR_TSIG_KEY_NOT_FOUND");
        let err = api
            .delete("/v1/dns-tsig-keys/not%20a%20name")
            .key(&operator)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(err["errors"][0]["loc"], json!(["path", "tsig_key_name"]));
        api.get("/v1/dns-tsig-keys")
            .expect(StatusCode::UNAUTHORIZED)
            .await;
    }
}
