//! Storage errors, reduced to what a use case can act on.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; which one, so each maps to its own answer.
    #[error("unique constraint violated: {0:?}")]
    UniqueViolation(Unique),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The COMMIT of a group of writes failed; none of them happened.
    #[error("group commit failed: {0}")]
    GroupCommit(std::sync::Arc<str>),
    #[error("stored value is not valid: {0}")]
    Corrupt(String),
    /// The database refused a purchase that would take its account below the floor; PostgreSQL
    /// reports the balance and the floor (in minor units) it saw.
    #[error("insufficient funds")]
    InsufficientFunds(Option<(i64, i64)>),
    /// A write or read was attempted with a proof that does not cover it: a defect in a use
    /// case, refused in every build.
    #[error("the authorization proof does not cover this action: {0}")]
    ProofMismatch(String),
}

impl StoreError {
    /// Whether the database could not be reached: stopped, restarting, unreachable, or every
    /// connection busy past the pool's wait. The same request may succeed later, unlike a
    /// defect.
    pub fn is_unavailable(&self) -> bool {
        let StoreError::Database(err) = self else {
            return false;
        };
        match err {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_) => true,
            // SQLSTATE class 08 (connection exception) and 57P (the server is shutting down
            // or starting).
            sqlx::Error::Database(db) => db
                .code()
                .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
            _ => false,
        }
    }
}

/// The unique constraints a client can run into, by meaning. Each is recognised from the
/// constraint's name (PostgreSQL) or from the columns or index SQLite names in its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unique {
    Username,
    Email,
    ZoneName,
    TeamName,
    OperatorUsername,
    RoleLabel,
    IpNetwork,
    /// A credential was rotated twice at once.
    CredentialSuccessor,
    /// An organization's slug is a live organization's already.
    OrganizationSlug,
    /// A live domain has the name already.
    DomainName,
    /// A TSIG key has the name already.
    TsigKeyName,
    /// Any other: a defect, never a client's doing.
    Other(String),
}

impl Unique {
    fn recognise(name_or_message: &str) -> Self {
        const KNOWN: [(&[&str], Unique); 11] = [
            (
                &["organizations_slug", "organizations.slug"],
                Unique::OrganizationSlug,
            ),
            (&["users_username_unique"], Unique::Username),
            (&["users_email_unique"], Unique::Email),
            (&["dns_zones_name", "dns_zones.name"], Unique::ZoneName),
            (&["domains_live_name", "domains.name"], Unique::DomainName),
            (
                &["dns_tsig_keys_pkey", "dns_tsig_keys.name"],
                Unique::TsigKeyName,
            ),
            (
                &["teams_org_name", "teams.organization_id, teams.name"],
                Unique::TeamName,
            ),
            (&["operators_username"], Unique::OperatorUsername),
            (
                &["roles_pkey", "roles.organization_id, roles.label"],
                Unique::RoleLabel,
            ),
            (
                &[
                    "ip_restrictions_org_network",
                    "ip_restrictions.organization_id, ip_restrictions.ip_network",
                ],
                Unique::IpNetwork,
            ),
            (
                &["api_keys_rotated_from", "api_keys.rotated_from"],
                Unique::CredentialSuccessor,
            ),
        ];
        KNOWN
            .into_iter()
            .find(|(names, _)| {
                names.iter().any(|name| {
                    name_or_message == *name
                        || name_or_message.ends_with(&format!("index '{name}'"))
                        || name_or_message.ends_with(&format!(": {name}"))
                })
            })
            .map_or_else(|| Unique::Other(name_or_message.to_owned()), |(_, u)| u)
    }
}

/// The message the billing triggers raise for a purchase below its account's floor.
const INSUFFICIENT_FUNDS: &str = "ERROR_INSUFFICIENT_FUNDS";

/// Maps a unique violation to `UniqueViolation`, so callers can answer 409 without parsing
/// engine-specific messages.
pub(crate) fn classify(err: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &err
        && db.is_unique_violation()
    {
        let name = db
            .constraint()
            .map(str::to_owned)
            .unwrap_or_else(|| db.message().to_owned());
        return StoreError::UniqueViolation(Unique::recognise(&name));
    }
    if let sqlx::Error::Database(db) = &err
        && db.message() == INSUFFICIENT_FUNDS
    {
        let seen = db
            .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
            .and_then(|pg| pg.detail())
            .and_then(|detail| {
                let (balance, floor) = detail.split_once(' ')?;
                Some((balance.parse().ok()?, floor.parse().ok()?))
            });
        return StoreError::InsufficientFunds(seen);
    }
    StoreError::Database(err)
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::Unique;

    #[test]
    fn constraints_are_recognised_by_postgres_name_and_by_sqlite_message() {
        assert_eq!(Unique::recognise("users_username_unique"), Unique::Username);
        assert_eq!(
            Unique::recognise("UNIQUE constraint failed: index 'users_email_unique'"),
            Unique::Email
        );
        assert_eq!(
            Unique::recognise("UNIQUE constraint failed: dns_zones.name"),
            Unique::ZoneName
        );
        assert_eq!(
            Unique::recognise("UNIQUE constraint failed: roles.organization_id, roles.label"),
            Unique::RoleLabel
        );
        // A slug or a domain must never read "user exists": unknown ones stay unknown.
        assert_eq!(
            Unique::recognise("organizations_slug_unique"),
            Unique::Other("organizations_slug_unique".into())
        );
    }
}
