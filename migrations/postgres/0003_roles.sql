-- Custom roles: a named set of permissions per organization, next to the built-in roles.
-- Users and credentials hold a role by its label. Twin of migrations/sqlite/0003_roles.sql.

CREATE TABLE roles (
    organization_id UUID NOT NULL REFERENCES organizations (id),
    label TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    permissions JSONB NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    updated_on TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, label)
);

-- Counting a role's holders reads these.
CREATE INDEX users_org_role ON users (organization_id, role) WHERE deleted_on IS NULL;
CREATE INDEX api_keys_org_role ON api_keys (organization_id, role) WHERE revoked_on IS NULL;
