-- Invitations to join an organization, sent by email: pending until accepted, revoked or
-- past `expires_at` (then listed as expired). Only the link's digest is kept; a resend
-- replaces it. Twin of migrations/postgres/0013_invitations.sql.
CREATE TABLE invitations (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    -- Lower case.
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    token_digest BLOB NOT NULL,
    invited_by BLOB REFERENCES users (id),
    expires_at TEXT NOT NULL,
    created_on TEXT NOT NULL,
    accepted_on TEXT,
    accepted_by BLOB REFERENCES users (id),
    revoked_on TEXT
);
CREATE UNIQUE INDEX invitations_token ON invitations (token_digest);
CREATE INDEX invitations_org ON invitations (organization_id, created_on);
