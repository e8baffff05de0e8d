-- The last serial of each deleted zone's name. Twin of
-- migrations/postgres/0022_retired_zone_serials.sql. A zone made again under a name starts
-- above it, so the secondaries that still hold the old zone take the new one (a serial at or
-- below theirs would look old to them).
CREATE TABLE dns_retired_serials (
    name TEXT PRIMARY KEY,
    serial INTEGER NOT NULL
) WITHOUT ROWID;
