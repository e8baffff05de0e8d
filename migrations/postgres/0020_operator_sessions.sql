-- The platform operator's sessions in the dashboard's console. Twin of
-- migrations/sqlite/0020_operator_sessions.sql. A session's one token travels as the
-- console's cookie and is stored only as its SHA-256 digest; it ends when idle past
-- `idle_until`, at `expires_on` however busy, or when `ended_on` is set (signing out).
CREATE TABLE operator_sessions (
    id UUID PRIMARY KEY,
    operator_id UUID NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    token_digest BYTEA NOT NULL UNIQUE,
    created_on TIMESTAMPTZ NOT NULL,
    idle_until TIMESTAMPTZ NOT NULL,
    expires_on TIMESTAMPTZ NOT NULL,
    ended_on TIMESTAMPTZ
);

CREATE INDEX operator_sessions_operator ON operator_sessions (operator_id);
