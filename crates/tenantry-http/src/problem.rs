//! RFC 9457 problem responses: the one place where an `AppError` becomes a status and a body.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tenantry_app::{AppError, Code, FieldError, NotFoundKind};

tokio::task_local! {
    /// The current request's id, for 500 bodies and logs.
    pub(crate) static REQUEST_ID: String;
}

/// `type` slug, title and `ERROR_…` code of each stable reason.
fn describe(code: Code) -> (&'static str, &'static str, &'static str) {
    const ORG: &str = "Organization Management Error";
    const USER: &str = "User Management Error";
    const DNS: &str = "DNS Error";
    const BILLING: &str = "Billing Error";
    const PLATFORM: &str = "Platform Error";
    match code {
        Code::Authentication => (
            "authentication",
            "Authentication Error",
            "ERROR_AUTHENTICATION",
        ),
        Code::InvalidOrganizationCredentials => (
            "invalid-organization-credentials",
            "Authentication Error",
            "ERROR_INVALID_ORGANIZATION_CREDENTIALS",
        ),
        Code::PermissionDenied => (
            "permission-denied",
            "Permission Denied",
            "ERROR_PERMISSION_DENIED",
        ),
        Code::UserExists => ("user-already-present", USER, "ERROR_USER_EXISTS"),
        Code::UserCannotDeleteSelf => (
            "user-cannot-delete-self",
            USER,
            "ERROR_USER_CANNOT_DELETE_SELF",
        ),
        Code::CannotDeleteOwner => ("cannot-delete-owner", USER, "ERROR_CANNOT_DELETE_OWNER"),
        Code::UserIsLastAdmin => ("user-is-last-admin", USER, "ERROR_USER_IS_LAST_ADMIN"),
        Code::OrganizationNestingNotAllowed => (
            "organization-nesting-not-allowed",
            ORG,
            "ERROR_ORGANIZATION_NESTING_NOT_ALLOWED",
        ),
        Code::OrganizationCannotDeleteSelf => (
            "organization-delete-not-allowed",
            ORG,
            "ERROR_ORGANIZATION_DELETE_NOT_ALLOWED",
        ),
        Code::IndependentBillingAttributesInvalid => (
            "independent-billing-attributes-invalid",
            ORG,
            "ERROR_INDEPENDENT_BILLING_ATTRIBUTES_INVALID",
        ),
        Code::IndependentBillingNotAllowed => (
            "independent-billing-not-allowed",
            ORG,
            "ERROR_INDEPENDENT_BILLING_NOT_ALLOWED",
        ),
        Code::BilledThroughParent => (
            "billed-through-parent",
            BILLING,
            "ERROR_BILLED_THROUGH_PARENT",
        ),
        Code::TransactionNotRefundable => (
            "transaction-not-refundable",
            BILLING,
            "ERROR_TRANSACTION_NOT_REFUNDABLE",
        ),
        Code::RefundExceedsCharge => (
            "refund-exceeds-charge",
            BILLING,
            "ERROR_REFUND_EXCEEDS_CHARGE",
        ),
        Code::PlanNotAvailable => ("plan-not-available", BILLING, "ERROR_PLAN_NOT_AVAILABLE"),
        Code::IdempotencyKeyReused => (
            "idempotency-key-reused",
            "Idempotency Error",
            "ERROR_IDEMPOTENCY_KEY_REUSED",
        ),
        Code::IdempotencyKeyInUse => (
            "idempotency-key-in-use",
            "Idempotency Error",
            "ERROR_IDEMPOTENCY_KEY_IN_USE",
        ),
        Code::AttributeProtected => (
            "organization-attribute-protected",
            ORG,
            "ERROR_ORGANIZATION_ATTRIBUTE_PROTECTED",
        ),
        Code::DuplicateRoleName => (
            "duplicate-role-name",
            "Role Management Error",
            "ERROR_DUPLICATE_ROLE_NAME",
        ),
        Code::BuiltInRoleImmutable => (
            "built-in-role-immutable",
            "Role Management Error",
            "ERROR_BUILT_IN_ROLE_IMMUTABLE",
        ),
        Code::RoleInUse => ("role-in-use", "Role Management Error", "ERROR_ROLE_IN_USE"),
        Code::OnlyOwnerCanManageAdminRole => (
            "only-owner-can-manage-admin-role",
            "User Management Error",
            "ERROR_ONLY_OWNER_CAN_MANAGE_ADMIN_ROLE",
        ),
        Code::RoleNotAssignable => (
            "role-not-assignable",
            "Role Management Error",
            "ERROR_ROLE_NOT_ASSIGNABLE",
        ),
        Code::AlreadyBootstrapped => (
            "already-bootstrapped",
            "Platform Error",
            "ERROR_ALREADY_BOOTSTRAPPED",
        ),
        Code::CredentialNotActive => (
            "organization-credential-not-active",
            ORG,
            "ERROR_ORGANIZATION_CREDENTIAL_NOT_ACTIVE",
        ),
        Code::CredentialAlreadyRotated => (
            "organization-credential-already-rotated",
            ORG,
            "ERROR_ORGANIZATION_CREDENTIAL_ALREADY_ROTATED",
        ),
        Code::IpRestrictionExists => ("ip-restriction-exists", ORG, "ERROR_IP_RESTRICTION_EXISTS"),
        Code::ZoneExists => ("dns-zone-exists", DNS, "ERROR_ZONE_EXISTS"),
        Code::Dns => ("dns", DNS, "ERROR_DNS"),
        Code::IpRestrictionLocksOutCaller => (
            "ip-restriction-locks-out-caller",
            ORG,
            "ERROR_IP_RESTRICTION_LOCKS_OUT_CALLER",
        ),
        Code::RecordExists => ("dns-record-exists", DNS, "ERROR_RECORD_EXISTS"),
        Code::TeamExists => ("team-exists", USER, "ERROR_TEAM_EXISTS"),
        Code::ApiKeyExists => ("api-key-exists", ORG, "ERROR_API_KEY_EXISTS"),
        Code::OperatorExists => ("operator-exists", PLATFORM, "ERROR_OPERATOR_EXISTS"),
        Code::OperatorCannotDeleteSelf => (
            "operator-cannot-delete-self",
            PLATFORM,
            "ERROR_OPERATOR_CANNOT_DELETE_SELF",
        ),
        Code::LastOperator => ("last-operator", PLATFORM, "ERROR_LAST_OPERATOR"),
        Code::TotpInvalid => ("totp-invalid", PLATFORM, "ERROR_TOTP_INVALID"),
        Code::InviteTokenInvalid => ("invite-token-invalid", USER, "ERROR_INVITE_TOKEN_INVALID"),
        Code::TotpRequired => (
            "totp-required",
            "Authentication Error",
            "ERROR_TOTP_REQUIRED",
        ),
        Code::PasswordIncorrect => ("password-incorrect", USER, "ERROR_PASSWORD_INCORRECT"),
        Code::TotpAlreadyEnabled => ("totp-already-enabled", USER, "ERROR_TOTP_ALREADY_ENABLED"),
        Code::TotpNotEnrolled => ("totp-not-enrolled", USER, "ERROR_TOTP_NOT_ENROLLED"),
        Code::NotASession => ("not-a-session", USER, "ERROR_NOT_A_SESSION"),
        Code::MembershipExists => ("membership-exists", USER, "ERROR_MEMBERSHIP_EXISTS"),
    }
}

/// A problem body; `extra` members sit at the top level beside the standard ones.
#[derive(Debug)]
pub(crate) struct Problem {
    status: StatusCode,
    body: Map<String, Value>,
}

impl Problem {
    fn new(
        status: StatusCode,
        kind: &str,
        title: &str,
        code: Option<&str>,
        detail: Option<String>,
    ) -> Self {
        let mut body = Map::new();
        body.insert("type".into(), kind.into());
        body.insert("title".into(), title.into());
        body.insert("status".into(), status.as_u16().into());
        if let Some(code) = code {
            body.insert("code".into(), code.into());
        }
        if let Some(detail) = detail {
            body.insert("detail".into(), detail.into());
        }
        Self { status, body }
    }

    fn coded(status: StatusCode, code: Code, detail: String) -> Self {
        let (kind, title, code) = describe(code);
        Self::new(status, kind, title, Some(code), Some(detail))
    }

    fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.body.insert(key.into(), value.into());
        self
    }

    /// A 500 that shows only the request id.
    pub(crate) fn internal() -> Self {
        let request_id = REQUEST_ID.try_with(Clone::clone).unwrap_or_default();
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal-server-error",
            "Internal Server Error",
            Some("ERROR_INTERNAL"),
            Some(format!(
                "An internal error occurred; quote request id {request_id}"
            )),
        )
        .with("request_id", request_id)
    }

    pub(crate) fn validation(errors: &[FieldError]) -> Self {
        let list: Vec<Value> = errors
            .iter()
            .map(|e| json!({"loc": e.loc, "msg": e.msg, "type": e.kind}))
            .collect();
        // `detail` repeats the first problem in words: some clients print only `detail`.
        let detail = errors.first().map(|first| {
            let more = match errors.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            format!("{}: {}{more}", first.loc.join("."), first.msg)
        });
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "request-validation-failed",
            "Request validation error.",
            None,
            detail,
        )
        .with("errors", list)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        (
            self.status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            axum::Json(Value::Object(self.body)),
        )
            .into_response()
    }
}

/// The error type of every handler.
#[derive(Debug)]
pub(crate) struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        ApiError(err)
    }
}

pub(crate) fn problem_of(err: &AppError) -> Problem {
    match err {
        AppError::NotFound { kind, id } => {
            let (kind_slug, title, code, detail, key) = match kind {
                NotFoundKind::Organization => (
                    "organization-not-found",
                    "Organization Management Error",
                    "ERROR_ORGANIZATION_NOT_FOUND",
                    "Organization not found",
                    "organization_id",
                ),
                NotFoundKind::Role => (
                    "role-not-found",
                    "Role Management Error",
                    "ERROR_ROLE_NOT_FOUND",
                    "Role not found",
                    "role_name",
                ),
                NotFoundKind::User => (
                    "user-not-found",
                    "User Management Error",
                    "ERROR_USER_NOT_FOUND",
                    "User not found",
                    "user_id",
                ),
                NotFoundKind::Credential => (
                    "organization-credential-not-found",
                    "Organization Management Error",
                    "ERROR_ORGANIZATION_CREDENTIAL_NOT_FOUND",
                    "Credential not found",
                    "credential_id",
                ),
                NotFoundKind::Zone => (
                    "dns-zone-not-found",
                    "DNS Error",
                    "ERROR_ZONE_NOT_FOUND",
                    "Zone not found",
                    "zone_name",
                ),
                NotFoundKind::Transaction => (
                    "billing-transaction-not-found",
                    "Billing Error",
                    "ERROR_BILLING_TRANSACTION_NOT_FOUND",
                    "Transaction not found",
                    "billing_transaction_id",
                ),
                NotFoundKind::Session => (
                    "session-not-found",
                    "User Management Error",
                    "ERROR_SESSION_NOT_FOUND",
                    "Session not found",
                    "session_id",
                ),
                NotFoundKind::Membership => (
                    "membership-not-found",
                    "User Management Error",
                    "ERROR_MEMBERSHIP_NOT_FOUND",
                    "Membership not found",
                    "user_id",
                ),
                NotFoundKind::Plan => (
                    "plan-not-found",
                    "Billing Error",
                    "ERROR_PLAN_NOT_FOUND",
                    "Plan not found",
                    "plan_id",
                ),
                NotFoundKind::Record => (
                    "dns-record-not-found",
                    "DNS Error",
                    "ERROR_RECORD_NOT_FOUND",
                    "Record not found",
                    "record",
                ),
                NotFoundKind::Team => (
                    "team-not-found",
                    "User Management Error",
                    "ERROR_TEAM_NOT_FOUND",
                    "Team not found",
                    "team_id",
                ),
                NotFoundKind::Operator => (
                    "operator-not-found",
                    "Platform Error",
                    "ERROR_OPERATOR_NOT_FOUND",
                    "Operator not found",
                    "operator_id",
                ),
                NotFoundKind::IpRestriction => (
                    "ip-restriction-not-found",
                    "Organization Management Error",
                    "ERROR_IP_RESTRICTION_NOT_FOUND",
                    "IP restriction not found",
                    "ip_restriction_id",
                ),
            };
            Problem::new(
                StatusCode::NOT_FOUND,
                kind_slug,
                title,
                Some(code),
                Some(detail.into()),
            )
            .with(key, id.as_str())
        }
        AppError::AlreadyExists(code, detail) | AppError::Conflict(code, detail) => {
            Problem::coded(StatusCode::CONFLICT, *code, detail.clone())
        }
        AppError::Invalid(errors) => Problem::validation(errors),
        AppError::Unprocessable(code, detail) => {
            Problem::coded(StatusCode::UNPROCESSABLE_ENTITY, *code, detail.clone())
        }
        AppError::Unauthenticated(code, detail) => {
            Problem::coded(StatusCode::UNAUTHORIZED, *code, detail.clone())
        }
        AppError::Forbidden(code, detail) => {
            Problem::coded(StatusCode::FORBIDDEN, *code, detail.clone())
        }
        AppError::BadRequest(code, detail) => {
            Problem::coded(StatusCode::BAD_REQUEST, *code, detail.clone())
        }
        AppError::DnsProtected {
            zone_name,
            rrset_name,
            rrset_type,
            reason,
        } => Problem::new(
            StatusCode::CONFLICT,
            "dns-protected-rrset",
            "DNS Error",
            Some("ERROR_DNS_PROTECTED_RRSET"),
            Some(format!(
                "The {rrset_type} rrset {rrset_name} is managed by the server and cannot be changed"
            )),
        )
        .with("zone_name", zone_name.as_str())
        .with("rrset_name", rrset_name.as_str())
        .with("rrset_type", rrset_type.as_str())
        .with("protected_reason", *reason),
        AppError::ZoneInvalid { zone_name, errors } => Problem::new(
            StatusCode::BAD_REQUEST,
            "dns-zone-validation",
            "DNS Error",
            Some("ERROR_ZONE_VALIDATION_FAILED"),
            Some("Zone validation failed".into()),
        )
        .with("zone_name", zone_name.as_str())
        .with("errors", errors.clone()),
        AppError::IpNotAllowed(ip) => Problem::new(
            StatusCode::FORBIDDEN,
            "ip-not-allowed",
            "Authentication Error",
            Some("ERROR_IP_NOT_ALLOWED"),
            Some(format!(
                "Requests from {ip} are not allowed: the organization accepts its credentials \
                 only from its IP restrictions"
            )),
        )
        .with("client_ip", ip.to_string()),
        AppError::IndependentBillingAttributesInvalid { invalid_fields } => Problem::coded(
            StatusCode::UNPROCESSABLE_ENTITY,
            Code::IndependentBillingAttributesInvalid,
            format!(
                "Independent billing requires: {}",
                invalid_fields.join(", ")
            ),
        )
        .with("invalid_fields", invalid_fields.clone()),
        AppError::InsufficientFunds {
            balance,
            price,
            available,
            currency,
        } => Problem::new(
            StatusCode::PAYMENT_REQUIRED,
            "insufficient-funds",
            "Billing Error",
            Some("ERROR_INSUFFICIENT_FUNDS"),
            Some(format!(
                "The paying account cannot cover {price} {cur}: {available} {cur} available \
                 (balance {balance} {cur}); the operation was not performed",
                cur = currency.as_str()
            )),
        )
        .with("balance", balance.to_string())
        .with("price", price.to_string())
        .with("available", available.to_string())
        .with("currency", currency.as_str()),
        AppError::OrganizationInactive(org) => Problem::new(
            StatusCode::FORBIDDEN,
            "organization-inactive",
            "Organization Inactive",
            Some("ERROR_ORGANIZATION_INACTIVE"),
            Some(
                "The organization is inactive: changes are refused until it is active again".into(),
            ),
        )
        .with("organization_id", org.to_string()),
        AppError::RoleConflict {
            code,
            role_name,
            binding_count,
            detail,
        } => {
            let problem = Problem::coded(StatusCode::CONFLICT, *code, detail.clone())
                .with("role_name", role_name.as_str());
            match binding_count {
                Some(count) => problem.with("binding_count", *count),
                None => problem,
            }
        }
        AppError::RateLimited(seconds, limit) => Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too Many Requests",
            Some("ERROR_RATE_LIMITED"),
            Some(limit.message().into()),
        )
        .with("retry_after", *seconds),
        AppError::Internal(message) => {
            let request_id = REQUEST_ID.try_with(Clone::clone).unwrap_or_default();
            tracing::error!(%request_id, error = %message, "internal error");
            Problem::internal()
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = problem_of(&self.0).into_response();
        if let AppError::RateLimited(seconds, _) = self.0 {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

pub(crate) async fn not_found_fallback() -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not-found",
        "Not Found",
        Some("ERROR_NOT_FOUND"),
        Some("No such endpoint".into()),
    )
}

pub(crate) async fn method_not_allowed_fallback() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method Not Allowed",
        Some("ERROR_METHOD_NOT_ALLOWED"),
        Some("This endpoint does not accept that method".into()),
    )
}
