-- Contacts: the people and companies domains are registered to, per organization. Immutable
-- once made (as in the reference): a change is a new contact. Twin of
-- migrations/postgres/0010_contacts.sql.
CREATE TABLE contacts (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL,
    fax TEXT,
    street TEXT NOT NULL,
    city TEXT NOT NULL,
    state TEXT,
    postal_code TEXT NOT NULL,
    country TEXT NOT NULL,
    org TEXT,
    title TEXT,
    disclose BOOLEAN NOT NULL,
    created_on TEXT NOT NULL
);
-- Lists page by (organization, sort column, id).
CREATE INDEX contacts_org_created ON contacts (organization_id, created_on, id);
