-- Invitations to join an organization, sent by email: pending until accepted, revoked or
-- past `expires_at` (then listed as expired). Only the link's digest is kept; a resend
-- replaces it. Twin of migrations/sqlite/0013_invitations.sql.
CREATE TABLE invitations (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations (id),
    -- Lower case.
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    token_digest BYTEA NOT NULL,
    invited_by UUID REFERENCES users (id),
    expires_at TIMESTAMPTZ NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    accepted_on TIMESTAMPTZ,
    accepted_by UUID REFERENCES users (id),
    revoked_on TIMESTAMPTZ
);
CREATE UNIQUE INDEX invitations_token ON invitations (token_digest);
CREATE INDEX invitations_org ON invitations (organization_id, created_on);
