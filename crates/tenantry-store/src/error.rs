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
}

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
    StoreError::Database(err)
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
