//! `GET /docs`: the API reference as a page, read from the endpoint table the router, the
//! permission guard and `/v1/openapi.json` come from: each operation of each dialect with its
//! path, what a caller needs, its success and the errors it documents. Public, like the
//! OpenAPI document; its stylesheet is the dashboard's, compiled into the binary.

use askama::Template;
use axum::response::Response;

use super::render;
use crate::endpoint::{Access, Dialect, Endpoint};
use crate::openapi::error_statuses;

struct Operation {
    method: String,
    path: &'static str,
    summary: &'static str,
    access: String,
    success: u16,
    errors: String,
}

struct Group {
    title: String,
    /// The anchor of the group: its dialect and tag.
    anchor: String,
    operations: Vec<Operation>,
}

#[derive(Template)]
#[template(path = "api_reference.html")]
struct ReferencePage {
    groups: Vec<Group>,
}

fn dialect_title(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Tenantry => "Tenantry API (OpusDNS)",
        Dialect::Ns1 => "NS1",
        Dialect::DomainGenius => "DomainGenius",
    }
}

fn access(endpoint: &Endpoint) -> String {
    match endpoint.access {
        Access::Public => "no credential".into(),
        Access::Authenticated => "any credential".into(),
        Access::Requires(permission) => permission.to_string(),
        Access::Operator => "the platform operator's key".into(),
    }
}

/// The operations grouped by dialect, then by tag, in the table's order.
fn groups(endpoints: &[Endpoint]) -> Vec<Group> {
    let mut groups: Vec<Group> = Vec::new();
    for endpoint in endpoints {
        let title = format!("{} · {}", dialect_title(endpoint.dialect), endpoint.tag);
        let operation = Operation {
            method: endpoint.method.to_string(),
            path: endpoint.path,
            summary: endpoint.summary,
            access: access(endpoint),
            success: endpoint.success.as_u16(),
            errors: error_statuses(endpoint)
                .iter()
                .map(|(status, _)| status.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        };
        match groups.iter_mut().find(|group| group.title == title) {
            Some(group) => group.operations.push(operation),
            None => groups.push(Group {
                anchor: title
                    .to_lowercase()
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                    .collect(),
                title,
                operations: vec![operation],
            }),
        }
    }
    groups
}

pub(crate) async fn page() -> Response {
    render::page(&ReferencePage {
        groups: groups(&crate::endpoints()),
    })
}
