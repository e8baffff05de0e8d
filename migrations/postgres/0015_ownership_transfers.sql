-- Offers of an organization's ownership, from an owner to another member: pending until
-- accepted, cancelled (by the owner, or by a newer offer) or past `expires_at`. Only the
-- link's digest is kept. Twin of migrations/sqlite/0015_ownership_transfers.sql.
CREATE TABLE ownership_transfers (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations (id),
    from_user UUID NOT NULL REFERENCES users (id),
    to_user UUID NOT NULL REFERENCES users (id),
    token_digest BYTEA NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    accepted_on TIMESTAMPTZ,
    cancelled_on TIMESTAMPTZ
);
CREATE UNIQUE INDEX ownership_transfers_token ON ownership_transfers (token_digest);
-- At most one open offer per organization.
CREATE UNIQUE INDEX ownership_transfers_open ON ownership_transfers (organization_id)
    WHERE accepted_on IS NULL AND cancelled_on IS NULL;
