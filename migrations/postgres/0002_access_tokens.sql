-- OAuth2 access tokens (client_credentials grant): only a SHA-256 digest of each token is kept.
-- PostgreSQL twin of migrations/sqlite/0002_access_tokens.sql.

CREATE TABLE access_tokens (
    token_digest BYTEA PRIMARY KEY,
    api_key_id UUID NOT NULL REFERENCES api_keys (id),
    expires_at TIMESTAMPTZ NOT NULL,
    created_on TIMESTAMPTZ NOT NULL
);
CREATE INDEX access_tokens_expiry ON access_tokens (expires_at);

-- The token grant finds the credential by its client secret within the organization.
CREATE INDEX api_keys_client_secret ON api_keys (organization_id, client_secret_digest);
