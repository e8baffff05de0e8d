//! One error type for every use case, by meaning. Each dialect maps it to its wire shape in
//! one place; `Code` names the stable machine-readable reason.

use tenantry_core::{Denied, OrganizationId, Permission};
use tenantry_store::{StoreError, Unique};

/// Stable reasons a client can match on; the HTTP layer gives each its `ERROR_…` string,
/// `type` slug and title.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    Authentication,
    InvalidOrganizationCredentials,
    PermissionDenied,
    UserExists,
    UserCannotDeleteSelf,
    CannotDeleteOwner,
    UserIsLastAdmin,
    OrganizationNestingNotAllowed,
    OrganizationCannotDeleteSelf,
    IndependentBillingAttributesInvalid,
    IndependentBillingNotAllowed,
    BilledThroughParent,
    TransactionNotRefundable,
    RefundExceedsCharge,
    PlanNotAvailable,
    /// The same `Idempotency-Key` came with a different request.
    IdempotencyKeyReused,
    /// The first request with this `Idempotency-Key` is still running.
    IdempotencyKeyInUse,
    AttributeProtected,
    RoleNotAssignable,
    OnlyOwnerCanManageAdminRole,
    DuplicateRoleName,
    BuiltInRoleImmutable,
    RoleInUse,
    AlreadyBootstrapped,
    CredentialNotActive,
    CredentialAlreadyRotated,
    IpRestrictionExists,
    IpRestrictionLocksOutCaller,
    ZoneExists,
    /// A DNS request the server does not carry out (400 `ERROR_DNS`).
    Dns,
    RecordExists,
    TeamExists,
    TsigKeyExists,
    /// A TSIG key a secondary still names.
    TsigKeyInUse,
    /// Two changes of one zone at once: the later is refused, to be sent again.
    ZoneChanged,
    ApiKeyExists,
    OperatorExists,
    OperatorCannotDeleteSelf,
    LastOperator,
    /// The operator's TOTP code is wrong, stale or used already.
    TotpInvalid,
    InviteTokenInvalid,
    /// The account enrolled TOTP; the sign-in needs its code.
    TotpRequired,
    /// The current password given to change it is wrong.
    PasswordIncorrect,
    TotpAlreadyEnabled,
    TotpNotEnrolled,
    /// The call needs a person's session, and the caller is an API credential or operator.
    NotASession,
    MembershipExists,
    /// A live organization holds the slug already.
    SlugTaken,
    /// Only an owner of the organization may do this.
    OwnerOnly,
    /// The change would leave the organization without an owner.
    LastOwner,
    /// The organization is the user's home, not one they joined.
    HomeOrganization,
    /// A link to set a forgotten password that is unknown, used or expired.
    ResetLinkInvalid,
    InvitationExists,
    InvitationAccepted,
    InvitationRevoked,
    InvitationExpired,
    /// The invitation was sent to another address than the signed-in person's.
    InvitationForAnother,
    /// A sign-up for an address that has an account.
    AccountExists,
    /// The server's sign-up policy (`serve --signup`) does not let this sign-up through.
    SignUpDisabled,
    /// The caller's email address is not verified yet: no invitations, no payments.
    EmailNotVerified,
    EmailAlreadyVerified,
    /// A link to verify an address that is unknown, used or expired.
    VerificationLinkInvalid,
    /// An ownership transfer offered to someone who is not a member of the organization.
    TransferRecipientNotMember,
    /// An ownership transfer link that is not for the signed-in person.
    TransferForAnother,
    /// The organization still has suborganizations (or domains) and cannot be deleted.
    OrganizationNotEmpty,
    /// The organization owes money (a postpaid balance below zero) and cannot be deleted.
    BalanceOwed,
    DomainExists,
    /// The registry does not offer the name's TLD (400 `ERROR_TLD_NOT_AVAILABLE`).
    TldNotAvailable,
    /// A registration or renewal period the TLD does not allow.
    PeriodNotAllowed,
    /// A renewal's `current_expiry_date` is not the domain's: it was renewed meanwhile.
    DomainExpiryMismatch,
    /// The domain is not in a state that allows this (renewing one in redemption, restoring
    /// an active one).
    DomainNotActive,
    DomainNotRestorable,
    /// A client status (`clientUpdateProhibited`, `clientRenewProhibited`) refuses it.
    DomainStatusProhibited,
    /// A contact still names a domain.
    ContactInUse,
    /// The organization still holds registered domains.
    OrganizationHasDomains,
    /// A transfer that cannot be asked for or settled as asked (not registered here, locked,
    /// yours already, pending already, a wrong code, none pending).
    DomainTransferNotPossible,
    /// The registry could not be reached or did not answer; nothing is charged unless it
    /// acted, which the reconciler settles.
    RegistryUnavailable,
}

/// Which limit a 429 comes from, so its message says what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// Failed authentications with keys or tokens from one address.
    FailedAuthentications,
    /// Failed sign-ins of one account.
    FailedSignIns,
    /// The request quota of a credential (or an address without one).
    Requests,
}

impl Limit {
    pub fn message(self) -> &'static str {
        match self {
            Limit::FailedAuthentications => {
                "Too many failed authentication attempts from this address"
            }
            Limit::FailedSignIns => "Too many failed sign-ins for this account; try again later",
            Limit::Requests => "Request quota exceeded; slow down and retry after the wait",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotFoundKind {
    Organization,
    Role,
    User,
    Credential,
    IpRestriction,
    Zone,
    Transaction,
    Plan,
    Record,
    Team,
    Operator,
    Session,
    Membership,
    Contact,
    Invitation,
    PersonalKey,
    OwnershipTransfer,
    Domain,
    Tld,
    Event,
    Secondary,
    TsigKey,
}

/// One entry of a request-validation error: where (`["body", "username"]`), what, and a
/// machine-readable type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub loc: Vec<String>,
    pub msg: String,
    pub kind: String,
}

impl FieldError {
    pub fn body(field: &str, msg: impl Into<String>) -> Self {
        FieldError {
            loc: vec!["body".into(), field.into()],
            msg: msg.into(),
            kind: "value_error".into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{kind:?} {id} not found")]
    NotFound { kind: NotFoundKind, id: String },
    #[error("{1}")]
    AlreadyExists(Code, String),
    #[error("request validation failed")]
    Invalid(Vec<FieldError>),
    /// A business rule refused a well-formed request (422 with a code).
    #[error("{1}")]
    Unprocessable(Code, String),
    #[error("{1}")]
    Unauthenticated(Code, String),
    #[error("{1}")]
    Forbidden(Code, String),
    #[error("{1}")]
    Conflict(Code, String),
    /// A well-formed request the server refuses to carry out (400).
    #[error("{1}")]
    BadRequest(Code, String),
    /// A role cannot be created, changed or deleted as asked.
    #[error("{detail}")]
    RoleConflict {
        code: Code,
        role_name: String,
        binding_count: Option<i64>,
        detail: String,
    },
    /// Too many failed attempts from this client; retry after this many seconds.
    #[error("too many failed attempts; retry after {0} s")]
    RateLimited(u64, Limit),
    /// A write to an rrset the server owns (the SOA, the apex NS, DNSSEC material).
    #[error("the {rrset_type} rrset {rrset_name} is managed by the server")]
    DnsProtected {
        zone_name: String,
        rrset_name: String,
        rrset_type: String,
        reason: &'static str,
    },
    /// A change would leave the zone breaking a rule; `errors` groups the problems by kind
    /// and name.
    #[error("zone validation failed")]
    ZoneInvalid {
        zone_name: String,
        errors: serde_json::Value,
    },
    /// The organization accepts its credentials only from other networks.
    #[error("requests from {0} are not allowed")]
    IpNotAllowed(std::net::IpAddr),
    /// Independent billing needs these organization fields.
    #[error("independent billing requires {}", invalid_fields.join(", "))]
    IndependentBillingAttributesInvalid { invalid_fields: Vec<String> },
    /// A charge would take the paying account below its floor; nothing was done.
    #[error("insufficient funds: {price} needed, {available} available")]
    InsufficientFunds {
        balance: tenantry_core::billing::Minor,
        price: tenantry_core::billing::Minor,
        available: tenantry_core::billing::Minor,
        currency: tenantry_core::values::Currency,
    },
    #[error("organization {0} is inactive")]
    OrganizationInactive(OrganizationId),
    /// A status of the domain forbids its deletion.
    #[error("{domain_name} cannot be deleted while it has {}", prohibiting_statuses.join(", "))]
    DomainDeleteProhibited {
        domain_name: String,
        prohibiting_statuses: Vec<String>,
    },
    /// The price the client expected is not the price.
    #[error("expected {expected_price}, the price is {actual_price}")]
    PremiumPriceMismatch {
        expected_price: String,
        actual_price: String,
    },
    /// The registry did not answer (502): whatever it did is settled by the reconciler.
    #[error("{1}")]
    Upstream(Code, String),
    /// The database cannot be reached now; retry after this many seconds.
    #[error("the database is unavailable; retry after {0} s")]
    Unavailable(u64),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn not_found(kind: NotFoundKind, id: impl ToString) -> Self {
        AppError::NotFound {
            kind,
            id: id.to_string(),
        }
    }

    pub fn invalid_field(field: &str, msg: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError::body(field, msg)])
    }

    pub fn permission_denied(permission: Permission) -> Self {
        AppError::Forbidden(
            Code::PermissionDenied,
            format!("Insufficient permissions to perform this action (requires {permission})"),
        )
    }

    /// Maps a policy refusal; "not in reach" looks exactly like "does not exist".
    pub fn from_denied(denied: Denied, kind: NotFoundKind, id: impl ToString) -> Self {
        match denied {
            Denied::NotFound => AppError::not_found(kind, id),
            Denied::Forbidden(permission) => AppError::permission_denied(permission),
            Denied::OrganizationInactive(org) => AppError::OrganizationInactive(org),
        }
    }
}

/// How long a client is asked to wait when the database cannot be reached: a restart or a
/// failover takes seconds.
const RETRY_WHEN_UNAVAILABLE: u64 = 2;

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::UniqueViolation(Unique::Username | Unique::Email) => {
                AppError::AlreadyExists(
                    Code::UserExists,
                    "User with username or email already exists".into(),
                )
            }
            StoreError::UniqueViolation(Unique::DomainName) => AppError::AlreadyExists(
                Code::DomainExists,
                "The domain is registered already".into(),
            ),
            StoreError::UniqueViolation(Unique::OrganizationSlug) => AppError::AlreadyExists(
                Code::SlugTaken,
                "Another organization has this slug; choose another".into(),
            ),
            other if other.is_unavailable() => {
                tracing::warn!(error = %other, "database unavailable");
                AppError::Unavailable(RETRY_WHEN_UNAVAILABLE)
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;
