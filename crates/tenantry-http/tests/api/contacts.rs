//! `/v1/contacts…`: made with checked values, listed with filters and sorts, read, deleted;
//! never changed; another organization's contact is not found.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{apis, error_fields, other_tenant, suborg};

fn contact(first_name: &str, email: &str, country: &str, postal_code: &str) -> Value {
    json!({"first_name": first_name, "last_name": "Example", "email": email,
           "phone": "+1.2125552368", "street": "1 Main Street", "city": "Springfield",
           "postal_code": postal_code, "country": country, "disclose": false})
}

fn names(page: &Value) -> Vec<&str> {
    page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["first_name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_contact_is_created_read_listed_and_deleted() {
    for api in apis().await {
        let mut body = contact("Grace", "grace@example.com", "gb", "ec1a1bb");
        body["org"] = json!("Example Ltd");
        body["fax"] = json!("+44.2071234568");
        let created = api
            .post("/v1/contacts", body)
            .expect(StatusCode::CREATED)
            .await;
        let id = created["contact_id"].as_str().unwrap().to_owned();
        assert!(id.starts_with("contact_"), "{created}");
        assert_eq!(
            created["organization_id"],
            api.t.boot.organization_id.to_string()
        );
        // Kept in the registries' form: the country's code upper case, the postcode with
        // its space.
        assert_eq!(
            (created["country"].as_str(), created["postal_code"].as_str()),
            (Some("GB"), Some("EC1A 1BB"))
        );
        assert_eq!(created["org"], "Example Ltd");
        assert_eq!(created["state"], Value::Null);
        assert_eq!(created["attribute_sets"], json!([]));
        let read = api
            .get(&format!("/v1/contacts/{id}"))
            .expect(StatusCode::OK)
            .await;
        assert_eq!(read, created);

        // Contacts cannot be changed: there is no such route.
        api.call(Method::PATCH, &format!("/v1/contacts/{id}"))
            .json(json!({"first_name": "Changed"}))
            .expect(StatusCode::METHOD_NOT_ALLOWED)
            .await;

        api.delete(&format!("/v1/contacts/{id}"))
            .expect(StatusCode::NO_CONTENT)
            .await;
        let gone = api
            .get(&format!("/v1/contacts/{id}"))
            .expect(StatusCode::NOT_FOUND)
            .await;
        assert_eq!(
            (gone["code"].as_str(), gone["contact_id"].as_str()),
            (Some("ERROR_CONTACT_NOT_FOUND"), Some(id.as_str()))
        );
        api.delete(&format!("/v1/contacts/{id}"))
            .expect(StatusCode::NOT_FOUND)
            .await;
        let malformed = api
            .get("/v1/contacts/contact_nope")
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(malformed["errors"][0]["loc"], json!(["path", "contact_id"]));

        // The audit trail names the contact, without its address.
        let audit = api
            .get(&format!("/v1/audit-logs?target_id={id}"))
            .expect(StatusCode::OK)
            .await;
        let actions: Vec<&str> = audit["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["contact.deleted", "contact.created"]);
        assert!(!audit.to_string().contains("Main Street"), "{audit}");
    }
}

#[tokio::test]
async fn bad_contacts_name_every_refused_field() {
    for api in apis().await {
        let body = json!({"first_name": "", "last_name": "Example", "email": "not-an-address",
                          "phone": "212-555-2368", "fax": "555", "street": "1 Main Street",
                          "city": "Springfield", "postal_code": "1234", "country": "US",
                          "disclose": true});
        let refused = api
            .post("/v1/contacts", body)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        let mut fields = error_fields(&refused);
        fields.sort();
        assert_eq!(
            fields,
            ["email", "fax", "first_name", "phone", "postal_code"]
        );
        // Postal codes follow the country's format; a country that is not one is refused.
        for (country, postal_code, field) in [
            ("DE", "1011", "postal_code"),
            ("NL", "AB 1234", "postal_code"),
            ("ZZ", "12345", "country"),
        ] {
            let refused = api
                .post(
                    "/v1/contacts",
                    contact("Bad", "bad@example.com", country, postal_code),
                )
                .expect(StatusCode::UNPROCESSABLE_ENTITY)
                .await;
            assert_eq!(error_fields(&refused), [field], "{country} {postal_code}");
        }
        let mut missing = contact("Missing", "m@example.com", "US", "10005");
        missing.as_object_mut().unwrap().remove("phone");
        let refused = api
            .post("/v1/contacts", missing)
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(error_fields(&refused), ["phone"]);
        // Nothing was made.
        let page = api.get("/v1/contacts").expect(StatusCode::OK).await;
        assert_eq!(page["pagination"]["total_items"], 0);
    }
}

#[tokio::test]
async fn contacts_are_filtered_sorted_and_paged() {
    for api in apis().await {
        for (name, email, country, postal) in [
            ("Carol", "carol@example.com", "US", "10005"),
            ("alice", "Alice@Example.com", "DE", "10115"),
            ("Bob", "bob@example.org", "US", "94105-1234"),
        ] {
            api.post("/v1/contacts", contact(name, email, country, postal))
                .expect(StatusCode::CREATED)
                .await;
        }
        let list = |query: &str| api.get(&format!("/v1/contacts?{query}"));
        let newest_first = list("").expect(StatusCode::OK).await;
        assert_eq!(names(&newest_first), ["Bob", "alice", "Carol"]);
        let by_email = list("sort_by=email&sort_order=asc")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(names(&by_email), ["alice", "Bob", "Carol"]);
        for (query, expected) in [
            ("country=us", vec!["Carol", "Bob"]),
            ("email=alice@example.com", vec!["alice"]),
            ("search=EXAMPLE.ORG", vec!["Bob"]),
            ("first_name=Carol", vec!["Carol"]),
        ] {
            let page = list(&format!("{query}&sort_by=first_name&sort_order=desc"))
                .expect(StatusCode::OK)
                .await;
            assert_eq!(names(&page), expected, "{query}");
        }
        let second = list("page=2&page_size=2&sort_by=created_on&sort_order=asc")
            .expect(StatusCode::OK)
            .await;
        assert_eq!(names(&second), ["Bob"]);
        assert_eq!(second["pagination"]["total_items"], 3);
        let refused = list("sort_by=street")
            .expect(StatusCode::UNPROCESSABLE_ENTITY)
            .await;
        assert_eq!(error_fields(&refused), ["sort_by"]);
    }
}

#[tokio::test]
async fn contacts_belong_to_their_organization() {
    for api in apis().await {
        let (child, child_key) = suborg(&api, "Client").await;
        let (_, stranger_key) = other_tenant(&api, "Stranger").await;
        // The parent makes one for its suborganization through the organization context.
        let made = api
            .post(
                "/v1/contacts",
                contact("Dana", "dana@example.com", "FR", "75001"),
            )
            .header("x-organization-context", &child)
            .expect(StatusCode::CREATED)
            .await;
        assert_eq!(made["organization_id"], child.as_str());
        let path = format!("/v1/contacts/{}", made["contact_id"].as_str().unwrap());
        api.get(&path).key(&child_key).expect(StatusCode::OK).await;
        // Another tenant neither reads, lists nor deletes it.
        api.get(&path)
            .key(&stranger_key)
            .expect(StatusCode::NOT_FOUND)
            .await;
        api.delete(&path)
            .key(&stranger_key)
            .expect(StatusCode::NOT_FOUND)
            .await;
        let theirs = api
            .get("/v1/contacts")
            .key(&stranger_key)
            .expect(StatusCode::OK)
            .await;
        assert_eq!(theirs["pagination"]["total_items"], 0);
        // The parent's own list holds its own contacts only.
        let own = api.get("/v1/contacts").expect(StatusCode::OK).await;
        assert_eq!(own["pagination"]["total_items"], 0);
        // A DNS manager has no contacts permission.
        let dns_manager = api
            .post(
                "/v1/auth/client_credentials",
                json!({"role": "dns_manager"}),
            )
            .header("x-organization-context", &child)
            .expect(StatusCode::OK)
            .await;
        let refused = api
            .get("/v1/contacts")
            .key(dns_manager["api_key"].as_str().unwrap())
            .expect(StatusCode::FORBIDDEN)
            .await;
        assert_eq!(refused["code"], "ERROR_PERMISSION_DENIED");
    }
}
