//! Transactions: filters, sorting, paging and CSV statements.

use super::*;

#[tokio::test]
async fn transactions_filter_sort_and_page() {
    for api in apis().await {
        let parent = top(&api);
        price_zones(&api, "1.00").await;
        credit(&api, &parent, "10").await;
        assert_eq!(zone(&api, "a.example", None).await.0, StatusCode::CREATED);
        assert_eq!(zone(&api, "b.example", None).await.0, StatusCode::CREATED);
        let a = transactions(&api, &parent, api.key(), "product_reference=a.example.").await;
        assert_eq!(a.len(), 1);
        wallet(
            &api,
            &parent,
            "refunds",
            json!({"billing_transaction_id": a[0]["billing_transaction_id"], "reason": "r"}),
        )
        .expect(StatusCode::OK)
        .await;
        wallet(
            &api,
            &parent,
            "adjustments",
            json!({"amount": "-1", "reason": "r"}),
        )
        .expect(StatusCode::OK)
        .await;

        let all = transactions(&api, &parent, api.key(), "").await;
        assert_eq!(all.len(), 5, "{:?}", api.engine());
        let by_action =
            transactions(&api, &parent, api.key(), "sort_by=action&sort_order=asc").await;
        assert_eq!(
            field(&by_action, "action"),
            ["adjustment", "create", "create", "refund", "wallet_top_up"]
        );
        let by_type = transactions(
            &api,
            &parent,
            api.key(),
            "sort_by=product_type&sort_order=desc",
        )
        .await;
        assert_eq!(
            field(&by_type, "product_type"),
            [
                "zones",
                "zones",
                "zones",
                "account_wallet",
                "account_wallet"
            ]
        );
        for (query, expected) in [
            ("product_type=zones", 3),
            ("product_type=account_wallet", 2),
            ("action=create", 2),
            ("action=refund", 1),
            ("status=succeeded", 5),
            ("status=failed", 0),
            ("product_reference=a.example.", 2),
            ("product_reference=missing.example.", 0),
            ("created_after=2000-01-01T00:00:00Z", 5),
            ("created_after=2999-01-01T00:00:00Z", 0),
            ("created_before=2000-01-01T00:00:00Z", 0),
            ("created_before=2999-01-01T00:00:00Z", 5),
            (
                "completed_after=2000-01-01T00:00:00Z&completed_before=2999-01-01T00:00:00Z",
                5,
            ),
            ("completed_before=2000-01-01T00:00:00Z", 0),
            ("product_type=zones&action=create", 2),
        ] {
            let (status, body) = api
                .get(&format!(
                    "/v1/organizations/{parent}/transactions?page_size=1000&{query}"
                ))
                .send()
                .await;
            assert_eq!(status, StatusCode::OK, "{query}: {body}");
            assert_eq!(
                body["results"].as_array().unwrap().len(),
                expected,
                "{query} {:?}",
                api.engine()
            );
        }
        // Newest first by default; pages.
        let page = api
            .get(&format!(
                "/v1/organizations/{parent}/transactions?page_size=2&page=3"
            ))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(page["results"].as_array().unwrap().len(), 1);
        assert_eq!(page["pagination"]["total_items"], 5);
        assert_eq!(page["pagination"]["total_pages"], 3);
        assert_eq!(page["results"][0]["action"], "wallet_top_up");
        for query in [
            "product_type=bogus",
            "action=fly",
            "status=done",
            "sort_by=price",
            "sort_order=up",
            "created_after=yesterday",
            "completed_before=2026-01-01",
        ] {
            let err = api
                .get(&format!("/v1/organizations/{parent}/transactions?{query}"))
                .expect(StatusCode::UNPROCESSABLE_ENTITY)
                .await;
            assert_eq!(err["errors"][0]["loc"][0], "query", "{query}");
        }
        api.get(&format!(
            "/v1/organizations/{parent}/transactions/not-an-id"
        ))
        .expect(StatusCode::UNPROCESSABLE_ENTITY)
        .await;
        // Another tenant reaches none of it.
        let (_, stranger_key) = other_tenant(&api, "Stranger").await;
        api.get(&format!("/v1/organizations/{parent}/transactions"))
            .key(&stranger_key)
            .expect(StatusCode::NOT_FOUND)
            .await;
        let id = all[0]["billing_transaction_id"].as_str().unwrap();
        api.get(&format!("/v1/organizations/{parent}/transactions/{id}"))
            .key(&stranger_key)
            .expect(StatusCode::NOT_FOUND)
            .await;
    }
}

/// A statement's CSV rows (header first), its content type and disposition.
async fn statement(api: &Api, org: &str, key: &str, query: &str) -> (Vec<Vec<String>>, String) {
    let (status, headers, body) = api
        .get(&format!(
            "/v1/organizations/{org}/billing/statement?{query}"
        ))
        .key(key)
        .send_with_headers()
        .await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    let text = body["raw"].as_str().expect("a CSV body").to_owned();
    let rows = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect::<Vec<Vec<String>>>();
    let header = text
        .lines()
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    let mut all = vec![header];
    all.extend(rows);
    let content_type = headers["content-type"].to_str().unwrap().to_owned();
    (all, content_type)
}

#[tokio::test]
async fn a_statement_is_the_ranges_transactions_as_csv() {
    for api in apis().await {
        let parent = top(&api);
        let (child, child_key) = suborg(&api, "Child").await;
        price_zones(&api, "1.00").await;
        // The days the transactions fall on (two, if midnight passes during the test).
        let first_day = api.t.clock.now().date();
        credit(&api, &parent, "10").await;
        assert_eq!(zone(&api, "a.example", None).await.0, StatusCode::CREATED);
        assert_eq!(
            zone(&api, "kid.example", Some(&child)).await.0,
            StatusCode::CREATED
        );
        let today = api.t.clock.now().date();
        let yesterday = first_day.previous_day().unwrap();
        let tomorrow = today.next_day().unwrap();

        let (rows, content_type) = statement(
            &api,
            &parent,
            api.key(),
            &format!("start_date={first_day}&end_date={today}"),
        )
        .await;
        assert!(content_type.starts_with("text/csv"), "{content_type}");
        assert_eq!(rows[0][0], "billing_transaction_id");
        assert_eq!(rows[0][1], "created_on");
        let column = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
        assert_eq!(rows.len(), 4, "{rows:?} {:?}", api.engine());
        // Oldest first.
        let actions: Vec<_> = rows[1..]
            .iter()
            .map(|r| r[column("action")].clone())
            .collect();
        assert_eq!(actions, ["wallet_top_up", "create", "create"]);
        let sum: i64 = rows[1..]
            .iter()
            .map(|r| cents(&json!(r[column("balance_change")])))
            .sum();
        assert_eq!(sum, cents(&balance(&api, &parent).await));
        assert_eq!(rows[3][column("product_reference")], "kid.example.");
        assert_eq!(rows[3][column("organization_id")], child);

        let (wide, _) = statement(
            &api,
            &parent,
            api.key(),
            &format!("start_date={yesterday}&end_date={tomorrow}"),
        )
        .await;
        assert_eq!(wide, rows);
        let (before, _) = statement(
            &api,
            &parent,
            api.key(),
            &format!("start_date=2000-01-01&end_date={yesterday}"),
        )
        .await;
        assert_eq!(before.len(), 1, "only the header: {before:?}");
        assert_eq!(before[0], rows[0]);
        // The child's statement has its own purchase only.
        let (theirs, _) = statement(
            &api,
            &child,
            &child_key,
            &format!("start_date={first_day}&end_date={today}"),
        )
        .await;
        assert_eq!(theirs.len(), 2);
        assert_eq!(theirs[1][column("product_reference")], "kid.example.");

        for (query, field) in [
            (String::new(), "start_date"),
            (format!("start_date={today}"), "end_date"),
            (format!("end_date={today}"), "start_date"),
            (
                format!("start_date={today}&end_date={yesterday}"),
                "end_date",
            ),
            (
                "start_date=2026-13-01&end_date=2026-12-01".to_owned(),
                "start_date",
            ),
            (
                format!("start_date={today}T00:00:00Z&end_date={today}"),
                "start_date",
            ),
        ] {
            let err = api
                .get(&format!(
                    "/v1/organizations/{parent}/billing/statement?{query}"
                ))
                .expect(StatusCode::UNPROCESSABLE_ENTITY)
                .await;
            assert_eq!(err["errors"][0]["loc"], json!(["query", field]), "{query}");
        }
    }
}
