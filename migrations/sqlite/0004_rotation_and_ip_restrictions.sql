-- Credential rotation and per-organization IP restrictions.
-- Twin of migrations/postgres/0004_rotation_and_ip_restrictions.sql.

-- A rotated credential points at the one it replaces; both stay listed.
ALTER TABLE api_keys ADD COLUMN rotated_from BLOB REFERENCES api_keys (id);
CREATE UNIQUE INDEX api_keys_rotated_from ON api_keys (rotated_from);

-- When an organization has any rule, its credentials work only from these networks.
-- AUTOINCREMENT: a deleted rule's id is never given to a new one.
CREATE TABLE ip_restrictions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    ip_network TEXT NOT NULL,
    created_on TEXT NOT NULL,
    last_used_on TEXT
);
CREATE UNIQUE INDEX ip_restrictions_org_network ON ip_restrictions (organization_id, ip_network);
