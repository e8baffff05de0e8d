-- People who sign in: sessions (each a refresh-token family) with their access and refresh
-- tokens, TOTP and recovery codes for users, and memberships in organizations other than a
-- user's home one. SQLite twin of migrations/postgres/0008_people.sql.

ALTER TABLE users ADD COLUMN totp_secret_sealed BLOB;
-- Set once the user confirmed enrolment with a code; a seed without it is a pending enrolment.
ALTER TABLE users ADD COLUMN totp_enabled_on TEXT;
-- The last TOTP time step accepted from this user, so each code works once.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
-- Set while a user is deactivated: no sign-in, and their sessions end.
ALTER TABLE users ADD COLUMN deactivated_on TEXT;
ALTER TABLE users ADD COLUMN last_sign_in_on TEXT;

-- A session is one sign-in: every token rotated from it belongs to it, and revoking it ends
-- them all.
CREATE TABLE user_sessions (
    id BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users (id),
    client_ip TEXT,
    created_on TEXT NOT NULL,
    revoked_on TEXT
);
CREATE INDEX user_sessions_user ON user_sessions (user_id, created_on);

-- Only SHA-256 digests of tokens are kept. A refresh token is exchanged once (`used_on`);
-- presenting it again revokes its session.
CREATE TABLE session_tokens (
    token_digest BLOB PRIMARY KEY,
    session_id BLOB NOT NULL REFERENCES user_sessions (id),
    kind TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    created_on TEXT NOT NULL,
    used_on TEXT
);
CREATE INDEX session_tokens_session ON session_tokens (session_id);
CREATE INDEX session_tokens_expiry ON session_tokens (expires_at);

CREATE TABLE user_recovery_codes (
    user_id BLOB NOT NULL REFERENCES users (id),
    code_digest BLOB NOT NULL,
    used_on TEXT,
    PRIMARY KEY (user_id, code_digest)
);

-- A user's role in an organization other than its home one.
CREATE TABLE memberships (
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    user_id BLOB NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    created_on TEXT NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

-- The table holds NS1's invite tokens (an operator's password reset is one kind); its name
-- now says so.
ALTER TABLE password_resets RENAME TO invite_tokens;
