//! The operator's TLD catalogue and reserved list.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::apis;

#[tokio::test]
async fn the_operator_keeps_the_catalogue_and_everyone_reads_it() {
    for api in apis().await {
        let operator = api.t.boot.operator_api_key.clone();
        let put = |tld: &str, body: serde_json::Value| {
            api.call(Method::PUT, &format!("/v1/tlds/{tld}"))
                .key(&operator)
                .json(body)
        };
        let made = put(
            "Shop",
            json!({"periods": [5, 1, 1], "premium_max_length": 2}),
        )
        .expect(StatusCode::OK)
        .await;
        assert_eq!(
            (
                made["tld"].as_str(),
                made["periods"].clone(),
                made["grace_days"].as_i64()
            ),
            (Some("shop"), json!([1, 5]), Some(30))
        );
        let refused = put(
            "shop",
            json!({"periods": [0, 11], "grace_days": -1, "premium_multiplier": 0}),
        )
        .expect(StatusCode::UNPROCESSABLE_ENTITY)
        .await;
        let fields = refused["errors"].to_string();
        for field in ["periods", "grace_days", "premium_multiplier"] {
            assert!(fields.contains(field), "{field}: {fields}");
        }
        put("not_a_tld", json!({"periods": [1]}))
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        // An organization's key reads the catalogue but cannot change it.
        let listed = api.get("/v1/tlds").expect(StatusCode::OK).await;
        assert_eq!(listed[0]["tld"], "shop");
        api.call(Method::PUT, "/v1/tlds/shop")
            .json(json!({"periods": [1]}))
            .expect(StatusCode::UNAUTHORIZED)
            .await;
        // Reserved names.
        api.call(Method::PUT, "/v1/registry/reserved-names/Brand.shop")
            .key(&operator)
            .expect(StatusCode::OK)
            .await;
        let reserved = api
            .get("/v1/registry/reserved-names")
            .key(&operator)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(reserved, json!(["brand.shop"]));
        let check = api
            .get("/v1/domains/check?domains=brand.shop")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(check["results"][0]["reason"], "Reserved");
        api.delete("/v1/registry/reserved-names/brand.shop")
            .key(&operator)
            .expect(StatusCode::NO_CONTENT)
            .await;
        api.delete("/v1/registry/reserved-names/brand.shop")
            .key(&operator)
            .expect(StatusCode::NOT_FOUND)
            .await;
        api.delete("/v1/tlds/shop")
            .key(&operator)
            .expect(StatusCode::NO_CONTENT)
            .await;
        let gone = api
            .delete("/v1/tlds/shop")
            .key(&operator)
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(gone["code"], "ERROR_TLD_NOT_FOUND");
        let check = api
            .get("/v1/domains/check?domains=brand.shop")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(check["results"][0]["error"]["type"], "tld_not_supported");
    }
}
