-- Every live organization has a slug, unique on the platform (stored lower case); a deleted
-- organization's slug is free again. Organizations made before slugs get `org-<org_id>`,
-- unique as their org_ids are. Twin of migrations/postgres/0011_organization_slugs.sql.
ALTER TABLE organizations ADD COLUMN slug TEXT NOT NULL DEFAULT '';
UPDATE organizations SET slug = 'org-' || CAST(org_id AS TEXT);
CREATE UNIQUE INDEX organizations_slug ON organizations (slug) WHERE deleted_on IS NULL;
