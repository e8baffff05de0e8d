//! The OpenAPI description of this server, generated from the endpoint table: every route with
//! its parameters, success and error statuses, and the permission it needs as
//! `x-required-permissions`, as in the OpusDNS description.

mod body;

use std::sync::OnceLock;

use axum::Json;
use axum::http::Method;
use serde_json::{Value, json};
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::path::{
    HttpMethod, Operation, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder};
use utoipa::openapi::security::{SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    ComponentsBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Required,
    ResponseBuilder, request_body::RequestBodyBuilder,
};
use utoipa::openapi::{ContentBuilder, Ref, RefOr};

use body::Referenced;
pub(crate) use body::{
    BodySchema, CREATED_AFTER, CREATED_BEFORE, PAGE, PAGE_SIZE, QueryKind, QueryParameter,
    SORTED_PAGES, number_or_decimal_text, param,
};

use crate::endpoint::{Access, Dialect, Endpoint};

/// The document, built once from the table.
pub(crate) async fn document() -> Json<Value> {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    Json(
        DOCUMENT
            .get_or_init(|| {
                let endpoints: Vec<Endpoint> = crate::endpoints();
                serde_json::to_value(describe(&endpoints)).expect("the document serializes")
            })
            .clone(),
    )
}

fn http_method(method: &Method) -> HttpMethod {
    match *method {
        Method::GET => HttpMethod::Get,
        Method::POST => HttpMethod::Post,
        Method::PUT => HttpMethod::Put,
        Method::PATCH => HttpMethod::Patch,
        Method::DELETE => HttpMethod::Delete,
        _ => unreachable!("the table uses only GET, POST, PUT, PATCH and DELETE"),
    }
}

/// `{name}` segments of a path, in order.
fn path_parameters(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
}

/// The error statuses an endpoint documents: what its access kind can answer, plus 409 where
/// a rule can refuse the change, and 503 while the database does not answer. NS1's dialect
/// says "invalid" with a 400 where the others send 422.
pub(crate) fn error_statuses(endpoint: &Endpoint) -> Vec<(u16, &'static str)> {
    let mut statuses = match endpoint.access {
        Access::Public if endpoint.operation_id == "issue_token" => vec![
            (401, "Wrong client secret"),
            (
                403,
                "Caller's address outside the organization's IP restrictions",
            ),
            (404, "Unknown client_id (organization)"),
            (422, "Malformed request"),
            (429, "Too many failed attempts from this address"),
        ],
        Access::Public if matches!(endpoint.operation_id, "healthz" | "readyz" | "openapi") => {
            vec![]
        }
        Access::Public => {
            let mut public = vec![
                (422, "Malformed request"),
                (429, "Too many attempts from this address"),
            ];
            if path_parameters(endpoint.path).next().is_some() {
                public.push((404, "Unknown, used or expired link"));
            }
            public
        }
        Access::Operator => vec![
            (401, "Missing, malformed or unknown operator key"),
            (404, "Not found"),
            (422, "Malformed request"),
            (
                429,
                "Too many failed authentication attempts from this address",
            ),
        ],
        Access::Authenticated | Access::Requires(_) => vec![
            (
                401,
                "Missing, malformed, unknown, revoked or expired credential",
            ),
            (
                403,
                "Permission, organization status or IP restriction refuses the request",
            ),
            (404, "Not found, or not in the caller's reach"),
            (422, "Malformed request"),
            (
                429,
                "Too many failed authentication attempts from this address",
            ),
        ],
    };
    for status in endpoint.also {
        statuses.push(match status {
            400 => (400, "The change would break a rule of the zone"),
            402 => (
                402,
                "The paying account cannot cover the price; nothing was done",
            ),
            409 => (409, "A rule of the resource refuses the change"),
            other => (*other, "See the API documentation"),
        });
    }
    if endpoint.dialect == Dialect::Ns1 {
        for status in &mut statuses {
            if status.0 == 422 {
                *status = (400, "Malformed request (\"invalid: …\")");
            }
        }
    }
    if !matches!(endpoint.operation_id, "healthz" | "openapi") {
        statuses.push((503, "The database does not answer; retry after Retry-After"));
    }
    statuses.sort_unstable_by_key(|(status, _)| *status);
    statuses.dedup_by_key(|(status, _)| *status);
    statuses
}

/// How a dialect's errors come: their media type and the schema (a component) of their body.
fn error_body(dialect: Dialect) -> (&'static str, &'static str) {
    match dialect {
        Dialect::Tenantry => ("application/problem+json", "Problem"),
        Dialect::Ns1 => ("application/json", "Ns1Error"),
        Dialect::DomainGenius => ("application/json", "DomainGeniusError"),
    }
}

/// The schema of a query parameter's value.
fn query_schema(kind: QueryKind) -> utoipa::openapi::schema::Schema {
    let schema = match kind {
        QueryKind::Integer => json!({"type": "integer"}),
        QueryKind::Text => json!({"type": "string"}),
        QueryKind::Boolean => json!({"type": "boolean"}),
        QueryKind::Time => json!({"type": "string", "format": "date-time"}),
        QueryKind::Date => json!({"type": "string", "format": "date"}),
        QueryKind::OneOf(words) => json!({"type": "string", "enum": words}),
    };
    serde_json::from_value(schema).expect("a schema object")
}

/// A content object: a body of `schema` (none: any body).
fn content(schema: Option<RefOr<Schema>>) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(schema).build()
}

fn operation(endpoint: &Endpoint, referenced: &mut Referenced) -> Operation {
    let (error_type, error_schema) = error_body(endpoint.dialect);
    let error_schema = RefOr::Ref(Ref::from_schema_name(error_schema));
    let mut body_schema = |body: Option<BodySchema>| body.map(|body| (body.schema)(referenced));
    let mut success = ResponseBuilder::new()
        .description(endpoint.success.canonical_reason().unwrap_or("Success"));
    if let Some(media_type) = endpoint.produces {
        success = success.content(media_type, content(body_schema(endpoint.response)));
    }
    let mut builder = OperationBuilder::new()
        .operation_id(Some(endpoint.operation_id))
        .summary(Some(endpoint.summary))
        .tag(endpoint.tag)
        .response(endpoint.success.as_u16().to_string(), success.build());
    if let Some(request) = body_schema(endpoint.request) {
        let mut body = RequestBodyBuilder::new().required(Some(Required::True));
        for media_type in endpoint.consumes {
            body = body.content(*media_type, content(Some(request.clone())));
        }
        builder = builder.request_body(Some(body.build()));
    }
    for parameter in &endpoint.query {
        builder = builder.parameter(
            ParameterBuilder::new()
                .name(parameter.name)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(parameter.description))
                .schema(Some(query_schema(parameter.kind)))
                .build(),
        );
    }
    for name in path_parameters(endpoint.path) {
        builder = builder.parameter(
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .build(),
        );
    }
    for (status, description) in error_statuses(endpoint) {
        builder = builder.response(
            status.to_string(),
            ResponseBuilder::new()
                .description(description)
                .content(error_type, content(Some(error_schema.clone())))
                .build(),
        );
    }
    match endpoint.access {
        Access::Public => builder.securities(Some(Vec::<SecurityRequirement>::new())),
        Access::Operator => builder.securities(Some([SecurityRequirement::new(
            "operator_key",
            Vec::<String>::new(),
        )])),
        Access::Authenticated => builder,
        Access::Requires(permission) => builder.extensions(Some(Extensions::from_iter([(
            "x-required-permissions",
            json!([permission.to_string()]),
        )]))),
    }
    .build()
}

/// The OpenAPI document of `endpoints`.
pub(crate) fn describe(endpoints: &[Endpoint]) -> OpenApi {
    let mut paths = PathsBuilder::new();
    let mut referenced = Referenced::new();
    for endpoint in endpoints {
        paths = paths.path(
            endpoint.path,
            PathItem::new(
                http_method(&endpoint.method),
                operation(endpoint, &mut referenced),
            ),
        );
    }
    let problem: utoipa::openapi::schema::Schema = serde_json::from_value(json!({
        "type": "object",
        "description": "RFC 9457 problem details; `code` is the stable reason (ERROR_…).",
        "properties": {
            "type": {"type": "string"}, "title": {"type": "string"},
            "status": {"type": "integer"}, "code": {"type": "string"},
            "detail": {"type": "string"},
            "errors": {
                "description": "The fields that did not validate (a list), or the rules of \
                    the zone a change breaks (an object by rule)",
                "oneOf": [{"type": "array", "items": {"type": "object"}}, {"type": "object"}]
            }
        },
        "required": ["type", "title", "status"]
    }))
    .expect("a schema object");
    let ns1_error: utoipa::openapi::schema::Schema = serde_json::from_value(json!({
        "type": "object",
        "description": "NS1's error body.",
        "properties": {"message": {"type": "string"}},
        "required": ["message"]
    }))
    .expect("a schema object");
    let domaingenius_error: utoipa::openapi::schema::Schema = serde_json::from_value(json!({
        "type": "object",
        "description": "DomainGenius's error body; `code` is the stable reason (ERROR_…).",
        "properties": {"error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"}, "message": {"type": "string"},
                "status": {"type": "integer"},
                "fields": {"type": "array", "items": {"type": "object"}}
            },
            "required": ["code", "message", "status"]
        }},
        "required": ["error"]
    }))
    .expect("a schema object");
    let mut components = ComponentsBuilder::new();
    let mut named = std::collections::BTreeMap::new();
    for (name, schema) in referenced {
        if let Some(earlier) = named.insert(name.clone(), schema.clone()) {
            assert!(
                earlier == schema,
                "two wire types share the schema name {name}: rename one"
            );
        }
    }
    for (name, schema) in named {
        components = components.schema(name, schema);
    }
    let components = components
        .schema("Problem", problem)
        .schema("Ns1Error", ns1_error)
        .schema("DomainGeniusError", domaingenius_error)
        .security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("X-Api-Key"))),
        )
        .security_scheme(
            "operator_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-Api-Key",
                "A platform operator's key (opo_…), made by `tenantry bootstrap`",
            ))),
        )
        .security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        )
        .build();
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Tenantry API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Organizations, users, roles, credentials and audit trail of a Tenantry \
                     server (OpusDNS-compatible).",
                ))
                .build(),
        )
        .paths(paths.build())
        .components(Some(components))
        .security(Some([
            SecurityRequirement::new("api_key", Vec::<String>::new()),
            SecurityRequirement::new("bearer", Vec::<String>::new()),
        ]))
        .build()
}

#[cfg(test)]
mod tests {
    /// A row describes the body its handler reads, and no other: the schema's type is found
    /// among the handler's extractors, and a handler reading a JSON body has a schema.
    #[test]
    fn every_json_body_a_handler_reads_is_described_from_its_type() {
        for row in crate::endpoints() {
            // A handler taking raw bytes reads them itself (the token grant: a form or JSON).
            let reads_json = row.extractors.contains("JsonBody<");
            let reads_bytes = row.extractors.ends_with("Bytes)");
            match row.request {
                Some(body) => assert!(
                    row.extractors.contains(body.type_name) || reads_bytes,
                    "{} describes {} but reads {}",
                    row.operation_id,
                    body.type_name,
                    row.extractors
                ),
                None => assert!(
                    !reads_json,
                    "{} reads a JSON body without a schema",
                    row.operation_id
                ),
            }
        }
    }

    /// A handler reading the query string declares its parameters, and one that does not
    /// declares none.
    #[test]
    fn every_handler_reading_the_query_declares_its_parameters() {
        let mismatched: Vec<&str> = crate::endpoints()
            .iter()
            .filter(|row| row.extractors.contains("QueryParams") == row.query.is_empty())
            .map(|row| row.operation_id)
            .collect();
        assert!(
            mismatched.is_empty(),
            "query parameters undeclared or surplus: {mismatched:?}"
        );
    }

    /// Every JSON answer has a schema.
    #[test]
    fn every_json_answer_is_described() {
        let undescribed: Vec<&str> = crate::endpoints()
            .iter()
            .filter(|row| row.produces == Some("application/json"))
            .filter(|row| row.response.is_none())
            .map(|row| row.operation_id)
            .collect();
        assert!(
            undescribed.is_empty(),
            "JSON answers without a schema: {undescribed:?}"
        );
    }
}
