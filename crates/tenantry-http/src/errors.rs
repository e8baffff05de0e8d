//! The error registry: for every application error, its status and the stable words of its
//! body in each dialect. The OpusDNS dialect answers an RFC 9457 problem (`type` slug, title,
//! `ERROR_…` code); NS1 answers `{"message"}` with a status of its own (400 for any refusal:
//! its clients tell duplicates apart by the message, never by a 409) and, where its clients
//! match on one, a fixed text. `problem.rs` and `ns1/error.rs` shape bodies from an entry;
//! neither decides a status or a code.

use axum::http::StatusCode;
use tenantry_app::{AppError, Code, NotFoundKind};

/// What NS1 says for an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns1Text {
    /// A text its clients match on (`zone not found`, `Unknown user`, …).
    Fixed(&'static str),
    /// The error's own description.
    Described,
}

/// One error as every dialect answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub status: StatusCode,
    /// The problem's `type`.
    pub slug: &'static str,
    pub title: &'static str,
    /// The `ERROR_…` code; a request-validation problem has none (it lists `errors[]`).
    pub code: Option<&'static str>,
    pub ns1_status: StatusCode,
    pub ns1_text: Ns1Text,
}

/// What a missing object of each kind is called: the problem's slug, title, code, detail
/// and the member naming the id looked for, and NS1's text.
pub(crate) struct Missing {
    pub slug: &'static str,
    pub title: &'static str,
    pub code: &'static str,
    pub detail: &'static str,
    pub id_member: &'static str,
    pub ns1: &'static str,
}

const ORG: &str = "Organization Management Error";
const USER: &str = "User Management Error";
const DOMAIN: &str = "Domain Management Error";
const ROLE: &str = "Role Management Error";
const DNS: &str = "DNS Error";
const BILLING: &str = "Billing Error";
const PLATFORM: &str = "Platform Error";
const AUTHENTICATION: &str = "Authentication Error";
const IDEMPOTENCY: &str = "Idempotency Error";

pub(crate) fn missing(kind: NotFoundKind) -> Missing {
    let (slug, title, code, detail, id_member, ns1) = match kind {
        NotFoundKind::Organization => (
            "organization-not-found",
            ORG,
            "ERROR_ORGANIZATION_NOT_FOUND",
            "Organization not found",
            "organization_id",
            "organization not found",
        ),
        NotFoundKind::Role => (
            "role-not-found",
            ROLE,
            "ERROR_ROLE_NOT_FOUND",
            "Role not found",
            "role_name",
            "role not found",
        ),
        NotFoundKind::User => (
            "user-not-found",
            USER,
            "ERROR_USER_NOT_FOUND",
            "User not found",
            "user_id",
            "Unknown user",
        ),
        NotFoundKind::Credential => (
            "organization-credential-not-found",
            ORG,
            "ERROR_ORGANIZATION_CREDENTIAL_NOT_FOUND",
            "Credential not found",
            "credential_id",
            "api key not found",
        ),
        NotFoundKind::Zone => (
            "dns-zone-not-found",
            DNS,
            "ERROR_ZONE_NOT_FOUND",
            "Zone not found",
            "zone_name",
            "zone not found",
        ),
        NotFoundKind::Transaction => (
            "billing-transaction-not-found",
            BILLING,
            "ERROR_BILLING_TRANSACTION_NOT_FOUND",
            "Transaction not found",
            "billing_transaction_id",
            "transaction not found",
        ),
        NotFoundKind::Session => (
            "session-not-found",
            USER,
            "ERROR_SESSION_NOT_FOUND",
            "Session not found",
            "session_id",
            "session not found",
        ),
        NotFoundKind::Membership => (
            "membership-not-found",
            USER,
            "ERROR_MEMBERSHIP_NOT_FOUND",
            "Membership not found",
            "user_id",
            "membership not found",
        ),
        NotFoundKind::Plan => (
            "plan-not-found",
            BILLING,
            "ERROR_PLAN_NOT_FOUND",
            "Plan not found",
            "plan_id",
            "plan not found",
        ),
        NotFoundKind::Record => (
            "dns-record-not-found",
            DNS,
            "ERROR_RECORD_NOT_FOUND",
            "Record not found",
            "record",
            "record not found",
        ),
        NotFoundKind::Team => (
            "team-not-found",
            USER,
            "ERROR_TEAM_NOT_FOUND",
            "Team not found",
            "team_id",
            "team not found",
        ),
        NotFoundKind::Operator => (
            "operator-not-found",
            PLATFORM,
            "ERROR_OPERATOR_NOT_FOUND",
            "Operator not found",
            "operator_id",
            "operator not found",
        ),
        NotFoundKind::Contact => (
            "contact-not-found",
            "Contact Management Error",
            "ERROR_CONTACT_NOT_FOUND",
            "Contact not found",
            "contact_id",
            "contact not found",
        ),
        NotFoundKind::Invitation => (
            "invitation-not-found",
            USER,
            "ERROR_INVITATION_NOT_FOUND",
            "Invitation not found",
            "invitation_id",
            "invitation not found",
        ),
        NotFoundKind::PersonalKey => (
            "personal-key-not-found",
            USER,
            "ERROR_PERSONAL_KEY_NOT_FOUND",
            "Personal API key not found",
            "key_oid",
            "personal key not found",
        ),
        NotFoundKind::OwnershipTransfer => (
            "ownership-transfer-not-found",
            ORG,
            "ERROR_OWNERSHIP_TRANSFER_NOT_FOUND",
            "Ownership transfer not found",
            "transfer",
            "ownership transfer not found",
        ),
        NotFoundKind::Domain => (
            "domain-not-found",
            DOMAIN,
            "ERROR_DOMAIN_NOT_FOUND",
            "Domain not found",
            "domain_name",
            "domain not found",
        ),
        NotFoundKind::Event => (
            "event-not-found",
            "Event Management Error",
            "ERROR_EVENT_NOT_FOUND",
            "Event not found",
            "event_id",
            "event not found",
        ),
        NotFoundKind::Tld => (
            "tld-not-found",
            DOMAIN,
            "ERROR_TLD_NOT_FOUND",
            "TLD not found",
            "tld",
            "tld not found",
        ),
        NotFoundKind::Secondary => (
            "secondary-not-found",
            "DNS Management Error",
            "ERROR_SECONDARY_NOT_FOUND",
            "Secondary name server not found",
            "secondary_id",
            "secondary not found",
        ),
        NotFoundKind::TsigKey => (
            "tsig-key-not-found",
            "DNS Management Error",
            "ERROR_TSIG_KEY_NOT_FOUND",
            "TSIG key not found",
            "tsig_key_name",
            "tsig key not found",
        ),
        NotFoundKind::IpRestriction => (
            "ip-restriction-not-found",
            ORG,
            "ERROR_IP_RESTRICTION_NOT_FOUND",
            "IP restriction not found",
            "ip_restriction_id",
            "whitelist not found",
        ),
    };
    Missing {
        slug,
        title,
        code,
        detail,
        id_member,
        ns1,
    }
}

/// The problem `type` slug, title and `ERROR_…` code of each stable reason.
pub(crate) fn describe(code: Code) -> (&'static str, &'static str, &'static str) {
    match code {
        Code::Authentication => ("authentication", AUTHENTICATION, "ERROR_AUTHENTICATION"),
        Code::InvalidOrganizationCredentials => (
            "invalid-organization-credentials",
            AUTHENTICATION,
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
            IDEMPOTENCY,
            "ERROR_IDEMPOTENCY_KEY_REUSED",
        ),
        Code::IdempotencyKeyInUse => (
            "idempotency-key-in-use",
            IDEMPOTENCY,
            "ERROR_IDEMPOTENCY_KEY_IN_USE",
        ),
        Code::AttributeProtected => (
            "organization-attribute-protected",
            ORG,
            "ERROR_ORGANIZATION_ATTRIBUTE_PROTECTED",
        ),
        Code::DuplicateRoleName => ("duplicate-role-name", ROLE, "ERROR_DUPLICATE_ROLE_NAME"),
        Code::BuiltInRoleImmutable => (
            "built-in-role-immutable",
            ROLE,
            "ERROR_BUILT_IN_ROLE_IMMUTABLE",
        ),
        Code::RoleInUse => ("role-in-use", ROLE, "ERROR_ROLE_IN_USE"),
        Code::OnlyOwnerCanManageAdminRole => (
            "only-owner-can-manage-admin-role",
            USER,
            "ERROR_ONLY_OWNER_CAN_MANAGE_ADMIN_ROLE",
        ),
        Code::RoleNotAssignable => ("role-not-assignable", ROLE, "ERROR_ROLE_NOT_ASSIGNABLE"),
        Code::AlreadyBootstrapped => (
            "already-bootstrapped",
            PLATFORM,
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
        Code::TsigKeyExists => ("dns-tsig-key-exists", DNS, "ERROR_TSIG_KEY_EXISTS"),
        Code::TsigKeyInUse => ("dns-tsig-key-in-use", DNS, "ERROR_TSIG_KEY_IN_USE"),
        Code::ZoneChanged => ("dns-zone-changed", DNS, "ERROR_ZONE_CHANGED"),
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
        Code::TotpRequired => ("totp-required", AUTHENTICATION, "ERROR_TOTP_REQUIRED"),
        Code::PasswordIncorrect => ("password-incorrect", USER, "ERROR_PASSWORD_INCORRECT"),
        Code::TotpAlreadyEnabled => ("totp-already-enabled", USER, "ERROR_TOTP_ALREADY_ENABLED"),
        Code::TotpNotEnrolled => ("totp-not-enrolled", USER, "ERROR_TOTP_NOT_ENROLLED"),
        Code::NotASession => ("not-a-session", USER, "ERROR_NOT_A_SESSION"),
        Code::MembershipExists => ("membership-exists", USER, "ERROR_MEMBERSHIP_EXISTS"),
        Code::SlugTaken => ("slug-taken", ORG, "ERROR_SLUG_TAKEN"),
        Code::OwnerOnly => ("owner-only", ORG, "ERROR_OWNER_ONLY"),
        Code::LastOwner => ("last-owner", ORG, "ERROR_LAST_OWNER"),
        Code::HomeOrganization => ("home-organization", USER, "ERROR_HOME_ORGANIZATION"),
        Code::ResetLinkInvalid => ("reset-link-invalid", USER, "ERROR_RESET_LINK_INVALID"),
        Code::InvitationExists => ("invitation-exists", USER, "ERROR_INVITATION_EXISTS"),
        Code::InvitationAccepted => ("invitation-accepted", USER, "ERROR_INVITATION_ACCEPTED"),
        Code::InvitationRevoked => ("invitation-revoked", USER, "ERROR_INVITATION_REVOKED"),
        Code::InvitationExpired => ("invitation-expired", USER, "ERROR_INVITATION_EXPIRED"),
        Code::InvitationForAnother => (
            "invitation-for-another",
            USER,
            "ERROR_INVITATION_FOR_ANOTHER_ADDRESS",
        ),
        Code::AccountExists => ("account-exists", USER, "ERROR_ACCOUNT_EXISTS"),
        Code::SignUpDisabled => ("signup-disabled", USER, "ERROR_SIGNUP_DISABLED"),
        Code::EmailNotVerified => ("email-not-verified", USER, "ERROR_EMAIL_NOT_VERIFIED"),
        Code::EmailAlreadyVerified => (
            "email-already-verified",
            USER,
            "ERROR_EMAIL_ALREADY_VERIFIED",
        ),
        Code::VerificationLinkInvalid => (
            "verification-link-invalid",
            USER,
            "ERROR_VERIFICATION_LINK_INVALID",
        ),
        Code::TransferRecipientNotMember => (
            "transfer-recipient-not-member",
            ORG,
            "ERROR_TRANSFER_RECIPIENT_NOT_MEMBER",
        ),
        Code::TransferForAnother => (
            "transfer-for-another",
            ORG,
            "ERROR_TRANSFER_FOR_ANOTHER_PERSON",
        ),
        Code::OrganizationNotEmpty => (
            "organization-not-empty",
            ORG,
            "ERROR_ORGANIZATION_NOT_EMPTY",
        ),
        Code::BalanceOwed => ("balance-owed", ORG, "ERROR_BALANCE_OWED"),
        Code::DomainExists => ("domain-exists", DOMAIN, "ERROR_DOMAIN_EXISTS"),
        Code::TldNotAvailable => ("tld-not-available", DOMAIN, "ERROR_TLD_NOT_AVAILABLE"),
        Code::PeriodNotAllowed => ("period-not-allowed", DOMAIN, "ERROR_PERIOD_NOT_ALLOWED"),
        Code::DomainExpiryMismatch => (
            "domain-expiry-mismatch",
            DOMAIN,
            "ERROR_DOMAIN_EXPIRY_MISMATCH",
        ),
        Code::DomainNotActive => ("domain-not-active", DOMAIN, "ERROR_DOMAIN_NOT_ACTIVE"),
        Code::DomainNotRestorable => (
            "domain-not-restorable",
            DOMAIN,
            "ERROR_DOMAIN_NOT_RESTORABLE",
        ),
        Code::DomainStatusProhibited => (
            "domain-status-prohibited",
            DOMAIN,
            "ERROR_DOMAIN_STATUS_PROHIBITED",
        ),
        Code::ContactInUse => (
            "contact-in-use",
            "Contact Management Error",
            "ERROR_CONTACT_IN_USE",
        ),
        Code::OrganizationHasDomains => (
            "organization-has-domains",
            ORG,
            "ERROR_ORGANIZATION_HAS_DOMAINS",
        ),
        Code::DomainTransferNotPossible => (
            "domain-transfer-not-possible",
            DOMAIN,
            "ERROR_DOMAIN_TRANSFER_NOT_POSSIBLE",
        ),
        Code::RegistryUnavailable => ("registry-unavailable", DOMAIN, "ERROR_REGISTRY_UNAVAILABLE"),
    }
}

/// An error named by its code, as each dialect answers it.
fn coded(status: StatusCode, code: Code, ns1_status: StatusCode, ns1_text: Ns1Text) -> Entry {
    let (slug, title, code) = describe(code);
    Entry {
        status,
        slug,
        title,
        code: Some(code),
        ns1_status,
        ns1_text,
    }
}

/// An error with words of its own rather than a `Code`.
fn named(
    status: StatusCode,
    (slug, title, code): (&'static str, &'static str, &'static str),
    ns1_status: StatusCode,
    ns1_text: Ns1Text,
) -> Entry {
    Entry {
        status,
        slug,
        title,
        code: Some(code),
        ns1_status,
        ns1_text,
    }
}

/// The registry's entry for `err`.
pub(crate) fn entry(err: &AppError) -> Entry {
    use Ns1Text::{Described, Fixed};
    const REFUSED: StatusCode = StatusCode::BAD_REQUEST;
    match err {
        AppError::NotFound { kind, .. } => {
            let missing = missing(*kind);
            named(
                StatusCode::NOT_FOUND,
                (missing.slug, missing.title, missing.code),
                StatusCode::NOT_FOUND,
                Fixed(missing.ns1),
            )
        }
        AppError::AlreadyExists(Code::ZoneExists, _) => coded(
            StatusCode::CONFLICT,
            Code::ZoneExists,
            REFUSED,
            Fixed("zone already exists"),
        ),
        AppError::AlreadyExists(code, _) | AppError::Conflict(code, _) => {
            coded(StatusCode::CONFLICT, *code, REFUSED, Described)
        }
        AppError::RoleConflict { code, .. } => {
            coded(StatusCode::CONFLICT, *code, REFUSED, Described)
        }
        AppError::Invalid(_) => Entry {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            slug: "request-validation-failed",
            title: "Request validation error.",
            code: None,
            ns1_status: REFUSED,
            ns1_text: Described,
        },
        AppError::Unprocessable(code, _) => {
            coded(StatusCode::UNPROCESSABLE_ENTITY, *code, REFUSED, Described)
        }
        AppError::IndependentBillingAttributesInvalid { .. } => coded(
            StatusCode::UNPROCESSABLE_ENTITY,
            Code::IndependentBillingAttributesInvalid,
            REFUSED,
            Described,
        ),
        AppError::BadRequest(code, _) => coded(REFUSED, *code, REFUSED, Described),
        AppError::Unauthenticated(code, _) => coded(
            StatusCode::UNAUTHORIZED,
            *code,
            StatusCode::UNAUTHORIZED,
            Fixed("Authentication required"),
        ),
        AppError::Forbidden(Code::PermissionDenied, _) => coded(
            StatusCode::FORBIDDEN,
            Code::PermissionDenied,
            StatusCode::FORBIDDEN,
            Fixed("Insufficient permissions"),
        ),
        AppError::Forbidden(code, _) => coded(
            StatusCode::FORBIDDEN,
            *code,
            StatusCode::FORBIDDEN,
            Described,
        ),
        AppError::IpNotAllowed(_) => named(
            StatusCode::FORBIDDEN,
            ("ip-not-allowed", AUTHENTICATION, "ERROR_IP_NOT_ALLOWED"),
            StatusCode::FORBIDDEN,
            Described,
        ),
        AppError::OrganizationInactive(_) => named(
            StatusCode::FORBIDDEN,
            (
                "organization-inactive",
                "Organization Inactive",
                "ERROR_ORGANIZATION_INACTIVE",
            ),
            StatusCode::FORBIDDEN,
            Described,
        ),
        AppError::DnsProtected { .. } => named(
            StatusCode::CONFLICT,
            ("dns-protected-rrset", DNS, "ERROR_DNS_PROTECTED_RRSET"),
            REFUSED,
            Described,
        ),
        AppError::ZoneInvalid { .. } => named(
            REFUSED,
            ("dns-zone-validation", DNS, "ERROR_ZONE_VALIDATION_FAILED"),
            REFUSED,
            Described,
        ),
        AppError::InsufficientFunds { .. } => named(
            StatusCode::PAYMENT_REQUIRED,
            ("insufficient-funds", BILLING, "ERROR_INSUFFICIENT_FUNDS"),
            StatusCode::PAYMENT_REQUIRED,
            Described,
        ),
        AppError::RateLimited(..) => named(
            StatusCode::TOO_MANY_REQUESTS,
            ("rate-limited", "Too Many Requests", "ERROR_RATE_LIMITED"),
            StatusCode::TOO_MANY_REQUESTS,
            Fixed("rate limit exceeded"),
        ),
        AppError::Unavailable(_) => named(
            StatusCode::SERVICE_UNAVAILABLE,
            (
                "service-unavailable",
                "Service Unavailable",
                "ERROR_SERVICE_UNAVAILABLE",
            ),
            StatusCode::SERVICE_UNAVAILABLE,
            Fixed("service unavailable"),
        ),
        AppError::Upstream(code, _) => coded(
            StatusCode::BAD_GATEWAY,
            *code,
            StatusCode::BAD_GATEWAY,
            Described,
        ),
        AppError::DomainDeleteProhibited { .. } => named(
            StatusCode::CONFLICT,
            (
                "domain-delete-prohibited",
                DOMAIN,
                "ERROR_DOMAIN_DELETE_PROHIBITED",
            ),
            REFUSED,
            Described,
        ),
        AppError::PremiumPriceMismatch { .. } => named(
            StatusCode::CONFLICT,
            (
                "premium-price-mismatch",
                DOMAIN,
                "ERROR_PREMIUM_PRICE_MISMATCH",
            ),
            REFUSED,
            Described,
        ),
        AppError::Internal(_) => named(
            StatusCode::INTERNAL_SERVER_ERROR,
            (
                "internal-server-error",
                "Internal Server Error",
                "ERROR_INTERNAL",
            ),
            StatusCode::INTERNAL_SERVER_ERROR,
            Described,
        ),
    }
}

/// The `Retry-After` an error's answer carries, in every dialect.
pub(crate) fn retry_after(err: &AppError) -> Option<u64> {
    match err {
        AppError::RateLimited(seconds, _) | AppError::Unavailable(seconds) => Some(*seconds),
        _ => None,
    }
}
