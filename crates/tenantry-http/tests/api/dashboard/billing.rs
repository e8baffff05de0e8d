//! The billing page: the balance, transactions filtered and by pages, the statement download
//! with its range checked next to its fields, and another tenant's billing not found.

use axum::http::StatusCode;

use crate::domains::credit;
use crate::sign_in::{PASSWORD, person};
use crate::support::{apis, other_tenant};

use super::Browser;

#[tokio::test]
async fn a_person_reads_the_balance_transactions_and_a_statement() {
    for api in apis().await {
        person(&api, "web.money", "viewer").await;
        let home = api.t.boot.organization_id.to_string();
        let page = format!("/orgs/{home}/billing");
        let mut browser = Browser::new(&api);
        browser.sign_in("web.money", PASSWORD).await;
        let none = browser.get(&page).await;
        assert_eq!(none.status, StatusCode::OK, "{}", none.html);
        assert!(none.html.contains("No transaction matches"));
        for _ in 0..27 {
            credit(&api, "1.50").await;
        }
        let first = browser.get(&page).await;
        assert!(first.html.contains("40.50 EUR"), "{}", first.html);
        assert_eq!(first.html.matches("1.50 EUR").count(), 25);
        assert!(first.html.contains("Page 1 of 2"));
        let second = browser.get(&format!("{page}?page=2")).await;
        assert_eq!(second.html.matches("1.50 EUR").count(), 2);
        let charges = browser.get(&format!("{page}?action=create")).await;
        assert!(charges.html.contains("No transaction matches"));
        let top_ups = browser.get(&format!("{page}?action=wallet_top_up")).await;
        assert_eq!(top_ups.html.matches("1.50 EUR").count(), 25);
        let unknown = browser.get(&format!("{page}?action=bribe")).await;
        assert!(
            unknown.html.contains("id=\"action-error\""),
            "{}",
            unknown.html
        );
        let bad_day = browser.get(&format!("{page}?from=yesterday")).await;
        assert!(bad_day.html.contains("id=\"from-error\""));

        let today = api.t.app.now().date().to_string();
        let csv = browser
            .get(&format!(
                "{page}/statement?start_date={today}&end_date={today}"
            ))
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(
            csv.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/csv")
        );
        assert!(
            csv.headers["content-disposition"]
                .to_str()
                .unwrap()
                .contains("attachment")
        );
        // The API's file: a header, then one line per top-up of the day.
        let lines: Vec<&str> = csv.html.lines().collect();
        assert_eq!(lines.len(), 28, "{}", csv.html);
        assert!(lines[0].starts_with("billing_transaction_id,"));
        assert!(
            lines[1..]
                .iter()
                .all(|line| line.contains(",wallet_top_up,"))
        );
        let backwards = browser
            .get(&format!(
                "{page}/statement?start_date={today}&end_date=2000-01-01"
            ))
            .await;
        assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            backwards.html.contains("id=\"end_date-error\""),
            "{}",
            backwards.html
        );
        let missing = browser
            .get(&format!("{page}/statement?end_date={today}"))
            .await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(missing.html.contains("id=\"start_date-error\""));

        let (other, _) = other_tenant(&api, "Elsewhere").await;
        assert_eq!(
            browser.get(&format!("/orgs/{other}/billing")).await.status,
            StatusCode::NOT_FOUND
        );
        let theirs = browser
            .get(&format!(
                "/orgs/{other}/billing/statement?start_date={today}&end_date={today}"
            ))
            .await;
        assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    }
}
