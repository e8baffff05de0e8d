//! The endpoint table's row type and the guard that enforces each row's access rule.
//!
//! Every route is declared once, with what a caller needs to use it; the router, the
//! permission check and the generated OpenAPI document all come from the same rows.

use axum::extract::{FromRequestParts, Request, State};
use axum::handler::Handler;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, MethodRouter, on};
use axum::{Extension, middleware};
use tenantry_app::{Actor, AppError, FieldError, OperatorActor};
use tenantry_core::Permission;
use utoipa::ToSchema;

use crate::AppState;
use crate::extract::{OrgContext, authenticate, authenticate_operator};
use crate::idempotency;
use crate::ns1::error::Ns1Error;
use crate::openapi::{BodySchema, QueryParameter};
use crate::problem::ApiError;

/// What a caller needs to use an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No credential (probes, the token grant, the API description).
    Public,
    /// Any valid credential; the endpoint concerns the credential itself.
    Authenticated,
    /// A credential whose role grants this permission (the OpenAPI document's
    /// `x-required-permissions`). The use case still checks reach and organization status.
    Requires(Permission),
    /// A platform operator's key (`opo_…`): prices, plans and wallets.
    Operator,
}

/// The access of the endpoint rows of both dialects, over the permissions declared once in
/// `tenantry_core::perms`.
pub(crate) mod needs {
    use tenantry_core::perms;

    use super::Access;

    pub(crate) const ORG_READ: Access = Access::Requires(perms::ORG_READ);
    pub(crate) const DOMAINS_READ: Access = Access::Requires(perms::DOMAINS_READ);
    pub(crate) const DOMAINS_MANAGE: Access = Access::Requires(perms::DOMAINS_MANAGE);
    pub(crate) const DOMAINS_DELETE: Access = Access::Requires(perms::DOMAINS_DELETE);
    pub(crate) const EVENTS_READ: Access = Access::Requires(perms::EVENTS_READ);
    pub(crate) const EVENTS_MANAGE: Access = Access::Requires(perms::EVENTS_MANAGE);
    pub(crate) const ORG_MANAGE: Access = Access::Requires(perms::ORG_MANAGE);
    pub(crate) const ORG_DELETE: Access = Access::Requires(perms::ORG_DELETE);
    pub(crate) const USERS_READ: Access = Access::Requires(perms::USERS_READ);
    pub(crate) const USERS_MANAGE: Access = Access::Requires(perms::USERS_MANAGE);
    pub(crate) const USERS_DELETE: Access = Access::Requires(perms::USERS_DELETE);
    pub(crate) const KEYS_READ: Access = Access::Requires(perms::KEYS_READ);
    pub(crate) const KEYS_MANAGE: Access = Access::Requires(perms::KEYS_MANAGE);
    pub(crate) const KEYS_DELETE: Access = Access::Requires(perms::KEYS_DELETE);
    pub(crate) const TEAMS_READ: Access = Access::Requires(perms::TEAMS_READ);
    pub(crate) const TEAMS_MANAGE: Access = Access::Requires(perms::TEAMS_MANAGE);
    pub(crate) const TEAMS_DELETE: Access = Access::Requires(perms::TEAMS_DELETE);
    pub(crate) const AUDIT_READ: Access = Access::Requires(perms::AUDIT_READ);
    pub(crate) const DNS_READ: Access = Access::Requires(perms::DNS_READ);
    pub(crate) const DNS_MANAGE: Access = Access::Requires(perms::DNS_MANAGE);
    pub(crate) const DNS_DELETE: Access = Access::Requires(perms::DNS_DELETE);
    pub(crate) const BILLING_MANAGE: Access = Access::Requires(perms::BILLING_MANAGE);
    pub(crate) const CONTACTS_READ: Access = Access::Requires(perms::CONTACTS_READ);
    pub(crate) const CONTACTS_MANAGE: Access = Access::Requires(perms::CONTACTS_MANAGE);
    pub(crate) const CONTACTS_DELETE: Access = Access::Requires(perms::CONTACTS_DELETE);
    pub(crate) const OPERATOR: Access = Access::Operator;
}

/// The wire conventions of a row: its bodies and how it answers errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// The Tenantry API (OpusDNS-compatible): RFC 9457 problems with stable codes.
    Tenantry,
    /// The NS1-compatible API: `{"message": …}` errors with NS1's texts.
    Ns1,
    /// The DomainGenius-compatible API under `/api`: `{"error": {…}}` errors, translated from
    /// the problem (`dg/error.rs`).
    DomainGenius,
}

/// One row of the endpoint table.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub method: Method,
    /// axum's path syntax, which is also OpenAPI's: `/v1/users/{user_id}`.
    pub path: &'static str,
    pub operation_id: &'static str,
    pub summary: &'static str,
    pub tag: &'static str,
    pub access: Access,
    pub success: StatusCode,
    /// Error statuses beyond the ones every endpoint of its access kind can answer (409 when
    /// a rule of the resource can refuse the change, 400 for a DNS change the zone refuses).
    pub also: &'static [u16],
    pub dialect: Dialect,
    /// Whether the handler reads `X-Organization-Context` itself (it takes the `OrgContext`
    /// extractor: it lists or creates inside that organization). For any other row the guard
    /// narrows the caller's reach to that organization (an operator's row refuses it).
    pub scoped: bool,
    /// The media type of the success answer's body (`None`: no body).
    pub produces: Option<&'static str>,
    /// The body the handler reads.
    pub request: Option<BodySchema>,
    /// The media types the body may come in.
    pub consumes: &'static [&'static str],
    /// The JSON body of the success answer.
    pub response: Option<BodySchema>,
    /// The query parameters the handler reads.
    pub query: Vec<QueryParameter>,
    /// The handler's extractors, as Rust names them (the tests check the rows against them).
    pub extractors: &'static str,
}

/// A row and the handler serving it.
pub(crate) struct Bound {
    pub endpoint: Endpoint,
    pub handler: MethodRouter<AppState>,
}

/// Builds a row; `success` is the status of the success path.
#[allow(clippy::too_many_arguments)]
pub(crate) fn row<H, T>(
    method: Method,
    path: &'static str,
    operation_id: &'static str,
    tag: &'static str,
    summary: &'static str,
    access: Access,
    success: u16,
    handler: H,
) -> Bound
where
    H: Handler<T, AppState>,
    T: 'static,
{
    let filter = MethodFilter::try_from(method.clone()).expect("a routable method");
    Bound {
        endpoint: Endpoint {
            method,
            path,
            operation_id,
            summary,
            tag,
            access,
            success: StatusCode::from_u16(success).expect("a valid status"),
            also: &[],
            dialect: Dialect::Tenantry,
            scoped: reads_org_context::<T>(),
            produces: (success != 204).then_some("application/json"),
            request: None,
            consumes: &["application/json"],
            response: None,
            query: Vec::new(),
            extractors: std::any::type_name::<T>(),
        },
        handler: on(filter, handler),
    }
}

/// Whether a handler with the extractors `T` reads `X-Organization-Context`: decided from the
/// handler's own signature, so no row is marked otherwise than it behaves (the tests below
/// pin it on known rows).
fn reads_org_context<T: 'static>() -> bool {
    std::any::type_name::<T>().contains("OrgContext")
}

impl Bound {
    /// Adds error statuses the endpoint can answer.
    pub(crate) fn also(mut self, statuses: &'static [u16]) -> Self {
        self.endpoint.also = statuses;
        self
    }

    /// Marks a row of the DomainGenius dialect.
    pub(crate) fn domaingenius(mut self) -> Self {
        self.endpoint.dialect = Dialect::DomainGenius;
        self
    }

    /// The media type of the success answer's body, where it is not JSON (`None`: no body).
    pub(crate) fn produces(mut self, media_type: Option<&'static str>) -> Self {
        self.endpoint.produces = media_type;
        self
    }

    /// The JSON body the handler reads, from its wire type.
    pub(crate) fn body<B: ToSchema>(mut self) -> Self {
        self.endpoint.request = Some(BodySchema::of::<B>());
        self
    }

    /// The body the handler reads, from its wire type, in the media types it takes.
    pub(crate) fn body_as<B: ToSchema>(mut self, media_types: &'static [&'static str]) -> Self {
        self.endpoint.consumes = media_types;
        self.body::<B>()
    }

    /// The JSON body of the success answer, from its wire type.
    pub(crate) fn answers<W: ToSchema>(mut self) -> Self {
        self.endpoint.response = Some(BodySchema::of::<W>());
        self
    }

    /// Query parameters the handler reads (added to any declared before).
    pub(crate) fn query(mut self, parameters: &[QueryParameter]) -> Self {
        self.endpoint.query.extend_from_slice(parameters);
        self
    }

    /// Marks a row of the NS1 dialect.
    pub(crate) fn ns1(mut self) -> Self {
        self.endpoint.dialect = Dialect::Ns1;
        self
    }

    /// The handler behind its access rule.
    pub(crate) fn guarded(self, state: &AppState) -> (Endpoint, MethodRouter<AppState>) {
        let handler = match self.endpoint.access {
            Access::Public => self.handler,
            access => self
                .handler
                .route_layer(middleware::from_fn_with_state(state.clone(), guard))
                .route_layer(Extension(Rules {
                    access,
                    dialect: self.endpoint.dialect,
                    scoped: self.endpoint.scoped,
                })),
        };
        (self.endpoint, handler)
    }
}

/// What the guard enforces for a row, and how it words a refusal.
#[derive(Debug, Clone, Copy)]
struct Rules {
    access: Access,
    dialect: Dialect,
    scoped: bool,
}

/// `X-Organization-Context` sent to an operator's row: operators act on an organization
/// through its path or on its behalf (`KEY!org_id`), so the header is refused, not ignored.
fn context_not_taken() -> ApiError {
    ApiError(AppError::Invalid(vec![FieldError {
        loc: vec!["header".into(), "X-Organization-Context".into()],
        msg: "an operator's route acts on no organization's behalf: name the organization in \
              the path, or act on its behalf with KEY!org_id"
            .into(),
        kind: "value_error".into(),
    }]))
}

fn refusal(err: ApiError, dialect: Dialect) -> Response {
    match dialect {
        // DomainGenius bodies are made from the problem on the way out (`dg/error.rs`).
        Dialect::Tenantry | Dialect::DomainGenius => err.into_response(),
        Dialect::Ns1 => Ns1Error::from(err).into_response(),
    }
}

/// The actor the guard authenticated, handed on to the `Caller` extractor.
#[derive(Clone)]
pub(crate) struct Authenticated(pub Actor);

/// The operator the guard authenticated, handed on to the `OperatorCaller` extractor.
#[derive(Clone)]
pub(crate) struct AuthenticatedOperator(pub OperatorActor);

/// Authenticates the caller and checks the row's permission before the handler runs, so a
/// caller without it is refused the same way whatever it asks for. A keyed write then goes
/// through the idempotency layer.
async fn guard(
    State(state): State<AppState>,
    Extension(Rules {
        access,
        dialect,
        scoped,
    }): Extension<Rules>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let context_sent = parts.headers.contains_key("x-organization-context");
    let scope = if access == Access::Operator {
        let operator = match authenticate_operator(&mut parts, &state).await {
            Ok(operator) => operator,
            Err(err) => return refusal(err, dialect),
        };
        if context_sent {
            return refusal(context_not_taken(), dialect);
        }
        let scope = format!("operator:{}", operator.id());
        parts.extensions.insert(AuthenticatedOperator(operator));
        scope
    } else {
        let actor = match authenticate(&mut parts, &state).await {
            Ok(actor) => actor,
            Err(err) => return refusal(err, dialect),
        };
        // A row that takes no organization of its own acts inside the one the header names:
        // the caller's reach is narrowed to it, so the header is never ignored.
        let actor = match (
            context_sent && !scoped,
            OrgContext::from_request_parts(&mut parts, &state).await,
        ) {
            (false, _) => actor,
            (true, Ok(OrgContext(Some(context)))) => {
                match state.app.act_inside(actor, context).await {
                    Ok(inside) => inside,
                    Err(err) => return refusal(ApiError(err), dialect),
                }
            }
            (true, Ok(OrgContext(None))) => actor,
            (true, Err(err)) => return refusal(err, dialect),
        };
        if let Access::Requires(permission) = access
            && !actor.principal.holds_anywhere(permission)
        {
            return refusal(ApiError(AppError::permission_denied(permission)), dialect);
        }
        // A replayed response may carry what only its first caller was allowed to see (a
        // new credential's secret), so keys are per credential, its tokens included.
        let scope = format!("actor:{}", actor.audit_id());
        parts.extensions.insert(Authenticated(actor));
        scope
    };
    idempotency::run(&state, scope, Request::from_parts(parts, body), next).await
}

#[cfg(test)]
mod tests {
    /// The rows whose handlers take `OrgContext` are found from their signatures: pinned here
    /// on rows of each kind, so a change in how the compiler names types cannot go unnoticed.
    #[test]
    fn the_rows_that_act_inside_another_organization_are_found_from_their_handlers() {
        let scoped = |operation: &str| {
            crate::api::endpoints()
                .into_iter()
                .find(|row| row.endpoint.operation_id == operation)
                .unwrap_or_else(|| panic!("{operation} is a row"))
                .endpoint
                .scoped
        };
        for operation in ["list_zones", "create_zone", "list_contacts", "create_user"] {
            assert!(scoped(operation), "{operation} takes the header");
        }
        for operation in [
            "get_zone",
            "get_current_user",
            "list_organizations",
            "get_domain",
        ] {
            assert!(!scoped(operation), "{operation} is narrowed by the guard");
        }
    }
}
