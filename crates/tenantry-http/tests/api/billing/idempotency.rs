//! `Idempotency-Key`: retries replay the first answer and charge once.

use super::*;

#[tokio::test]
async fn a_retried_credit_with_the_same_idempotency_key_moves_the_balance_once() {
    for api in apis().await {
        let parent = top(&api);
        let body = json!({"amount": "5.00", "reference": "wire-1"});
        let send = |key: &str, body: Value| {
            wallet(&api, &parent, "credits", body)
                .header("idempotency-key", key)
                .send_with_headers()
        };
        let (status, headers, first) = send("credit-1", body.clone()).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        assert!(headers.get("idempotent-replayed").is_none());
        let (status, headers, again) = send("credit-1", body.clone()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            headers
                .get("idempotent-replayed")
                .map(|v| v.to_str().unwrap()),
            Some("true"),
            "{:?}",
            api.engine()
        );
        assert_eq!(again, first);
        assert_eq!(balance(&api, &parent).await, "5.00");
        assert_eq!(transactions(&api, &parent, api.key(), "").await.len(), 1);

        let (status, _, err) =
            send("credit-1", json!({"amount": "6.00", "reference": "wire-1"})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(err["code"], "ERROR_IDEMPOTENCY_KEY_REUSED");
        assert_eq!(balance(&api, &parent).await, "5.00");
        // The same key on another path is a different request too.
        let (status, _, err) = wallet(&api, &parent, "adjustments", body.clone())
            .header("idempotency-key", "credit-1")
            .send_with_headers()
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(err["code"], "ERROR_IDEMPOTENCY_KEY_REUSED");
        // Another key runs.
        let (status, headers, other) = send("credit-2", body.clone()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(headers.get("idempotent-replayed").is_none());
        assert_ne!(other["credit_id"], first["credit_id"]);
        assert_eq!(balance(&api, &parent).await, "10.00");

        // Reads ignore the header.
        let (_, headers, _) = api
            .get(&format!("/v1/organizations/{parent}"))
            .header("idempotency-key", "credit-1")
            .send_with_headers()
            .await;
        assert!(headers.get("idempotent-replayed").is_none());

        // After a day the key is free again.
        api.t.clock.advance(time::Duration::hours(25));
        let (status, headers, later) = send("credit-1", body.clone()).await;
        assert_eq!(status, StatusCode::OK, "{later}");
        assert!(headers.get("idempotent-replayed").is_none());
        assert_ne!(later["credit_id"], first["credit_id"]);
        assert_eq!(balance(&api, &parent).await, "15.00");
    }
}

#[tokio::test]
async fn a_retried_zone_creation_creates_and_charges_once_and_keys_are_per_organization() {
    for api in apis().await {
        let parent = top(&api);
        let (child, _) = suborg(&api, "Child").await;
        price_zones(&api, "1.50").await;
        credit(&api, &parent, "10").await;
        let create = |name: &str, key: &str| {
            api.post("/v1/dns", json!({ "name": name }))
                .header("idempotency-key", key)
                .send_with_headers()
        };
        let (status, _, first) = create("once.example", "zone-1").await;
        assert_eq!(status, StatusCode::CREATED, "{first}");
        let (status, headers, again) = create("once.example", "zone-1").await;
        assert_eq!(status, StatusCode::CREATED, "{again}");
        assert_eq!(again, first);
        assert_eq!(
            headers
                .get("idempotent-replayed")
                .map(|v| v.to_str().unwrap()),
            Some("true")
        );
        let charged =
            transactions(&api, &parent, api.key(), "product_reference=once.example.").await;
        assert_eq!(charged.len(), 1, "{:?}", api.engine());
        assert_eq!(balance(&api, &parent).await, "8.50");
        let zones = api.get("/v1/dns").expect(StatusCode::OK).await;
        assert_eq!(zones["pagination"]["total_items"], 1);
        // Without the key, a retry is a new request: the zone exists.
        let (status, _, err) = api
            .post("/v1/dns", json!({"name": "once.example"}))
            .send_with_headers()
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(err["code"], "ERROR_ZONE_EXISTS");
        // The same key in a suborganization's context is a different request.
        let (status, _, err) = api
            .post("/v1/dns", json!({"name": "once.example"}))
            .header("x-organization-context", &child)
            .header("idempotency-key", "zone-1")
            .send_with_headers()
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
        assert_eq!(err["code"], "ERROR_IDEMPOTENCY_KEY_REUSED");

        // Another tenant's key of the same name is its own.
        let (stranger, stranger_key) = other_tenant(&api, "Stranger").await;
        credit(&api, &stranger, "10").await;
        let (status, headers, theirs) = api
            .post("/v1/dns", json!({"name": "theirs.example"}))
            .key(&stranger_key)
            .header("idempotency-key", "zone-1")
            .send_with_headers()
            .await;
        assert_eq!(status, StatusCode::CREATED, "{theirs}");
        assert!(headers.get("idempotent-replayed").is_none());
        assert_eq!(theirs["zone_name"], "theirs.example.");
        assert_eq!(
            organization(&api, &stranger, &stranger_key).await["account_balance"],
            "8.50"
        );
        // A malformed key is refused before anything runs.
        let (status, _, err) = api
            .post("/v1/dns", json!({"name": "long.example"}))
            .header("idempotency-key", &"k".repeat(256))
            .send_with_headers()
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            err["errors"][0]["loc"],
            json!(["header", "Idempotency-Key"])
        );
        assert_eq!(balance(&api, &parent).await, "8.50");
    }
}
