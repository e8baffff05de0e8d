//! The registry a domain lives at, behind one trait: the use cases ask it to check, create,
//! renew, delete, restore and describe names, each operation named by a client operation id
//! (the domain's id) so that a crash after the registry acted can be settled by asking it
//! (`info`). One implementation today, the sandbox registry (`sandbox.rs`), kept in the same
//! database; an EPP client (RFC 5730–5734) implements the same trait: `check` is `<check>`
//! with the fee extension's premium flag, `create`/`renew`/`delete`/`info` their commands,
//! `restore` the RGP extension's restore request, and the operation id the `clTRID`.
//!
//! The TLD catalogue (periods, grace and redemption) is the platform's configuration, read by
//! the use cases whatever the registry.

pub mod sandbox;

use futures::future::BoxFuture;
use time::OffsetDateTime;

/// Whether a name can be registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    Available {
        premium: bool,
    },
    /// Held by someone (`"Domain exists"`) or reserved (`"Reserved"`).
    Taken {
        reason: &'static str,
    },
}

/// A name as the registry holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryDomain {
    pub roid: String,
    pub statuses: Vec<String>,
    pub expires_on: OffsetDateTime,
    /// The client operation that last changed it.
    pub last_operation: String,
    /// The client operation of a transfer asked for and not yet approved or rejected.
    pub pending_transfer: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryError {
    /// The registry refused: nothing was done (the name is taken, the object is gone, a
    /// registry rule).
    Refused(String),
    /// No answer: the operation may or may not have been done.
    Unreachable(String),
}

pub type RegistryResult<'a, T> = BoxFuture<'a, Result<T, RegistryError>>;

/// A registry's operations on names (fully qualified, lower case, without the final dot).
pub trait Registry: Send + Sync {
    fn check<'a>(&'a self, names: &'a [String]) -> RegistryResult<'a, Vec<Availability>>;

    /// Creates the name with its transfer authorization code.
    fn create<'a>(
        &'a self,
        operation: &'a str,
        name: &'a str,
        years: i64,
        auth_code: &'a str,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain>;

    /// Replaces the name's transfer authorization code.
    fn set_auth_code<'a>(
        &'a self,
        operation: &'a str,
        name: &'a str,
        auth_code: &'a str,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain>;

    /// Asks to transfer the name in with its code, for `years`: pending until the losing side
    /// approves or rejects it, or the TLD's delay passes (`transfer_resolve`). A wrong code,
    /// or a transfer pending already, is refused.
    fn transfer_request<'a>(
        &'a self,
        operation: &'a str,
        name: &'a str,
        auth_code: &'a str,
        years: i64,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain>;

    /// Approves (the expiry grows by the transfer's years, and its operation becomes the
    /// name's last) or rejects the pending transfer.
    fn transfer_resolve<'a>(
        &'a self,
        name: &'a str,
        approve: bool,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain>;

    /// Renews by `years` from `current_expiry`, which must be the registry's (as EPP's
    /// `<renew>` asks), so a repeated renewal does not extend twice.
    fn renew<'a>(
        &'a self,
        operation: &'a str,
        name: &'a str,
        current_expiry: OffsetDateTime,
        years: i64,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain>;

    /// Deletes: the name enters the redemption period (`redemptionPeriod`).
    fn delete<'a>(
        &'a self,
        operation: &'a str,
        name: &'a str,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain>;

    /// Restores a name in redemption.
    fn restore<'a>(
        &'a self,
        operation: &'a str,
        name: &'a str,
        now: OffsetDateTime,
    ) -> RegistryResult<'a, RegistryDomain>;

    /// Releases a name at the end of its redemption period.
    fn purge<'a>(&'a self, name: &'a str) -> RegistryResult<'a, ()>;

    fn info<'a>(&'a self, name: &'a str) -> RegistryResult<'a, Option<RegistryDomain>>;
}
