-- Offers of an organization's ownership, from an owner to another member: pending until
-- accepted, cancelled (by the owner, or by a newer offer) or past `expires_at`. Only the
-- link's digest is kept. Twin of migrations/postgres/0015_ownership_transfers.sql.
CREATE TABLE ownership_transfers (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    from_user BLOB NOT NULL REFERENCES users (id),
    to_user BLOB NOT NULL REFERENCES users (id),
    token_digest BLOB NOT NULL,
    expires_at TEXT NOT NULL,
    created_on TEXT NOT NULL,
    accepted_on TEXT,
    cancelled_on TEXT
);
CREATE UNIQUE INDEX ownership_transfers_token ON ownership_transfers (token_digest);
-- At most one open offer per organization.
CREATE UNIQUE INDEX ownership_transfers_open ON ownership_transfers (organization_id)
    WHERE accepted_on IS NULL AND cancelled_on IS NULL;
