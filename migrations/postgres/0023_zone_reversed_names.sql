-- Each zone's name reversed character by character, so that the zones below a name (those
-- whose names end in ".name.") are one range of an index: the names starting with ".eman.".
-- A suffix LIKE on the name scanned every zone on each zone creation. Byte order ("C"), so
-- that the range holds exactly the names with that start, whatever the database's collation.
ALTER TABLE dns_zones ADD COLUMN reversed_name TEXT COLLATE "C";

UPDATE dns_zones SET reversed_name = reverse(name);

CREATE INDEX dns_zones_reversed_name ON dns_zones (reversed_name);
