-- Each zone's name reversed character by character, so that the zones below a name (those
-- whose names end in ".name.") are one range of an index: the names starting with ".eman.".
-- A suffix LIKE on the name scanned every zone on each zone creation. Twin of
-- migrations/postgres/0023_zone_reversed_names.sql (SQLite has no reverse(): a recursive
-- query reverses the names already there).
ALTER TABLE dns_zones ADD COLUMN reversed_name TEXT;

UPDATE dns_zones SET reversed_name = (
    WITH RECURSIVE reversal(rest, done) AS (
        SELECT dns_zones.name, ''
        UNION ALL
        SELECT substr(rest, 2), substr(rest, 1, 1) || done FROM reversal WHERE rest <> ''
    )
    SELECT done FROM reversal WHERE rest = ''
);

CREATE INDEX dns_zones_reversed_name ON dns_zones (reversed_name);
