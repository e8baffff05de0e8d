-- Sign-up with a verified address, and personal API keys. Twin of
-- migrations/postgres/0014_sign_up_and_personal_keys.sql.

-- When the user proved the address is theirs (its link followed, or an invitation to it
-- accepted). A person who signed up on their own starts without it and may not invite or
-- pay until then; people made by an administrator or the operator, and everyone from before
-- sign-up existed, count as verified from their creation.
ALTER TABLE users ADD COLUMN email_verified_on TEXT;
UPDATE users SET email_verified_on = created_on WHERE email IS NOT NULL;

-- Single-use links that verify an address: their digests, one per user at a time.
CREATE TABLE email_verification_tokens (
    token_digest BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users (id),
    expires_at TEXT NOT NULL,
    created_on TEXT NOT NULL
);
CREATE INDEX email_verification_tokens_user ON email_verification_tokens (user_id);

-- A personal API key is a session of its user that never signed in: its one token (kind
-- `personal_key`) acts as the user, and revoking the session revokes the key. Its name is
-- what tells it from a sign-in.
ALTER TABLE user_sessions ADD COLUMN key_name TEXT;
