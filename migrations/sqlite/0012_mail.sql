-- Mail waiting to be sent: queued in the transaction of the change that causes it, delivered
-- by the background sender, with retries. The message (which may hold a single-use link) is
-- sealed with the master key, like TOTP seeds. Twin of migrations/postgres/0012_mail.sql.
CREATE TABLE mail_outbox (
    id BLOB PRIMARY KEY,
    sealed_message BLOB NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_on TEXT NOT NULL,
    -- A sender claims a message until then, so two servers never send it twice at once.
    claimed_until TEXT,
    last_error TEXT,
    created_on TEXT NOT NULL
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_on);

-- Single-use links to set a forgotten password: their digests, one per user at a time.
CREATE TABLE password_reset_tokens (
    token_digest BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users (id),
    expires_at TEXT NOT NULL,
    created_on TEXT NOT NULL
);
CREATE INDEX password_reset_tokens_user ON password_reset_tokens (user_id);
