-- Foundation schema: organizations, users, API credentials, attributes, operators, audit trail.
-- SQLite twin of migrations/postgres/0001_foundation.sql (ids BLOB, times TEXT, JSON TEXT).

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
-- NS1 numbers organizations from 2000.
INSERT INTO counters (name, value) VALUES ('org_id', 1999);

CREATE TABLE operators (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    key_digest BLOB NOT NULL UNIQUE,
    totp_secret_sealed BLOB NOT NULL,
    created_on TEXT NOT NULL
);

CREATE TABLE organizations (
    id BLOB PRIMARY KEY,
    org_id BIGINT NOT NULL UNIQUE,
    parent_id BLOB REFERENCES organizations (id),
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    billing_mode TEXT NOT NULL,
    address_1 TEXT,
    address_2 TEXT,
    city TEXT,
    state TEXT,
    postal_code TEXT,
    country_code TEXT,
    currency TEXT,
    default_locale TEXT,
    business_number TEXT,
    tax_id TEXT,
    tax_id_type TEXT,
    tax_rate TEXT,
    created_on TEXT NOT NULL,
    updated_on TEXT NOT NULL,
    deleted_on TEXT
);
CREATE INDEX organizations_parent ON organizations (parent_id, created_on, id) WHERE deleted_on IS NULL;

CREATE TABLE organization_attributes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    private BOOLEAN NOT NULL,
    protected BOOLEAN NOT NULL,
    created_on TEXT NOT NULL,
    updated_on TEXT NOT NULL,
    UNIQUE (organization_id, key)
);

CREATE TABLE users (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    username TEXT NOT NULL,
    email TEXT,
    first_name TEXT,
    last_name TEXT,
    locale TEXT,
    phone TEXT,
    role TEXT NOT NULL,
    password_hash TEXT,
    attributes TEXT NOT NULL,
    created_on TEXT NOT NULL,
    updated_on TEXT NOT NULL,
    deleted_on TEXT
);
-- Uniqueness ignores case and frees the name once the user is deleted.
CREATE UNIQUE INDEX users_username_unique ON users (lower(username)) WHERE deleted_on IS NULL;
CREATE UNIQUE INDEX users_email_unique ON users (lower(email)) WHERE deleted_on IS NULL;
-- Listing and counting live users reads only this index.
CREATE INDEX users_org_created ON users (organization_id, created_on, id) WHERE deleted_on IS NULL;

CREATE TABLE api_keys (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    created_by BLOB REFERENCES users (id),
    name TEXT,
    description TEXT,
    role TEXT NOT NULL,
    key_digest BLOB NOT NULL,
    client_secret_digest BLOB NOT NULL,
    expires_at TEXT,
    last_used_on TEXT,
    created_on TEXT NOT NULL,
    revoked_on TEXT
);
CREATE INDEX api_keys_org ON api_keys (organization_id, created_on);

CREATE TABLE audit_events (
    id BLOB PRIMARY KEY,
    organization_id BLOB,
    actor_kind TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT NOT NULL,
    changes TEXT NOT NULL,
    request_id TEXT,
    client_ip TEXT,
    created_on TEXT NOT NULL
);
CREATE INDEX audit_events_org ON audit_events (organization_id, created_on);
