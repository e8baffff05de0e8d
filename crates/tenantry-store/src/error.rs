//! Storage errors, reduced to what a use case can act on.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; the name says which.
    #[error("unique constraint violated: {0}")]
    UniqueViolation(String),
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
        return StoreError::UniqueViolation(name);
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
