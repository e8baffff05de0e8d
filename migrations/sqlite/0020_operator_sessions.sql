-- The platform operator's sessions in the dashboard's console. Twin of
-- migrations/postgres/0020_operator_sessions.sql. A session's one token travels as the
-- console's cookie and is stored only as its SHA-256 digest; it ends when idle past
-- `idle_until`, at `expires_on` however busy, or when `ended_on` is set (signing out).
CREATE TABLE operator_sessions (
    id BLOB PRIMARY KEY,
    operator_id BLOB NOT NULL REFERENCES operators (id) ON DELETE CASCADE,
    token_digest BLOB NOT NULL UNIQUE,
    created_on TEXT NOT NULL,
    idle_until TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    ended_on TEXT
);

CREATE INDEX operator_sessions_operator ON operator_sessions (operator_id);
