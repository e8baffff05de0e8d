-- People who sign in: sessions (each a refresh-token family) with their access and refresh
-- tokens, TOTP and recovery codes for users, and memberships in organizations other than a
-- user's home one. PostgreSQL twin of migrations/sqlite/0008_people.sql.

ALTER TABLE users ADD COLUMN totp_secret_sealed BYTEA;
-- Set once the user confirmed enrolment with a code; a seed without it is a pending enrolment.
ALTER TABLE users ADD COLUMN totp_enabled_on TIMESTAMPTZ;
-- The last TOTP time step accepted from this user, so each code works once.
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
-- Set while a user is deactivated: no sign-in, and their sessions end.
ALTER TABLE users ADD COLUMN deactivated_on TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN last_sign_in_on TIMESTAMPTZ;

-- A session is one sign-in: every token rotated from it belongs to it, and revoking it ends
-- them all.
CREATE TABLE user_sessions (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id),
    client_ip TEXT,
    created_on TIMESTAMPTZ NOT NULL,
    revoked_on TIMESTAMPTZ
);
CREATE INDEX user_sessions_user ON user_sessions (user_id, created_on);

-- Only SHA-256 digests of tokens are kept. A refresh token is exchanged once (`used_on`);
-- presenting it again revokes its session.
CREATE TABLE session_tokens (
    token_digest BYTEA PRIMARY KEY,
    session_id UUID NOT NULL REFERENCES user_sessions (id),
    kind TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    used_on TIMESTAMPTZ
);
CREATE INDEX session_tokens_session ON session_tokens (session_id);
CREATE INDEX session_tokens_expiry ON session_tokens (expires_at);

CREATE TABLE user_recovery_codes (
    user_id UUID NOT NULL REFERENCES users (id),
    code_digest BYTEA NOT NULL,
    used_on TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_digest)
);

-- A user's role in an organization other than its home one.
CREATE TABLE memberships (
    organization_id UUID NOT NULL REFERENCES organizations (id),
    user_id UUID NOT NULL REFERENCES users (id),
    role TEXT NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

-- The table holds NS1's invite tokens (an operator's password reset is one kind); its name
-- now says so.
ALTER TABLE password_resets RENAME TO invite_tokens;
