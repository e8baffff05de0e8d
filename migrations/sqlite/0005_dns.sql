-- DNS zones and their record sets. Twin of migrations/postgres/0005_dns.sql.

-- A zone name (lower case, absolute, with the trailing dot) is unique on the platform.
-- The SOA record is not stored: it is built from the zone's serial and the server's settings.
CREATE TABLE dns_zones (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    name TEXT NOT NULL,
    dnssec_status TEXT NOT NULL,
    serial INTEGER NOT NULL,
    created_on TEXT NOT NULL,
    updated_on TEXT NOT NULL
);
CREATE UNIQUE INDEX dns_zones_name ON dns_zones (name);
CREATE INDEX dns_zones_org_name ON dns_zones (organization_id, name);

-- One row per name and type: changing one rrset writes one row, whatever the zone's size.
-- `records` is the JSON array of rdata strings in canonical presentation format.
CREATE TABLE dns_rrsets (
    zone_id BLOB NOT NULL REFERENCES dns_zones (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    ttl INTEGER NOT NULL,
    records TEXT NOT NULL,
    PRIMARY KEY (zone_id, name, type)
) WITHOUT ROWID;
