-- The NS1 dialect: operators as people, teams, permission maps held by a user or key itself,
-- and password reset tokens. Twin of migrations/sqlite/0007_ns1.sql.

ALTER TABLE operators ADD COLUMN username TEXT;
ALTER TABLE operators ADD COLUMN email TEXT;
ALTER TABLE operators ADD COLUMN password_hash TEXT;
-- The last TOTP time step accepted from this operator, so each code works once.
ALTER TABLE operators ADD COLUMN totp_last_step BIGINT;
ALTER TABLE operators ADD COLUMN last_access_on TIMESTAMPTZ;
-- Only `tenantry bootstrap` made operators before; it calls its operator this.
UPDATE operators SET username = 'operator' WHERE username IS NULL;
CREATE UNIQUE INDEX operators_username ON operators (lower(username));

-- A team grants its permission map (and its IP allow lists) to its member users and keys.
CREATE TABLE teams (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations (id),
    name TEXT NOT NULL,
    permissions JSONB NOT NULL,
    ip_whitelist JSONB NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    updated_on TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX teams_org_name ON teams (organization_id, name);

-- A member is a user or an API key (their ids never collide); `position` keeps the order
-- the client gave.
CREATE TABLE team_members (
    team_id UUID NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    principal_id UUID NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (team_id, principal_id)
);
CREATE INDEX team_members_principal ON team_members (principal_id, position);

-- What a user or key holds beyond its role: an NS1 permission map (NULL: the role decides)
-- and its IP allow list.
CREATE TABLE principal_grants (
    principal_id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations (id),
    permissions JSONB,
    ip_whitelist JSONB NOT NULL,
    ip_whitelist_strict BOOLEAN NOT NULL
);
CREATE INDEX principal_grants_org ON principal_grants (organization_id);

-- An operator's invite token for a user: stored as a digest, used once, then deleted.
CREATE TABLE password_resets (
    token_digest BYTEA PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id),
    expires_at TIMESTAMPTZ NOT NULL,
    created_on TIMESTAMPTZ NOT NULL
);
CREATE INDEX password_resets_user ON password_resets (user_id);
