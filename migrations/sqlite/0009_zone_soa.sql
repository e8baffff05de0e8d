-- A zone's own SOA timers, in seconds; NULL is the server's. Twin of
-- migrations/postgres/0009_zone_soa.sql.
ALTER TABLE dns_zones ADD COLUMN soa_refresh INTEGER CHECK (soa_refresh BETWEEN 1 AND 2147483647);
ALTER TABLE dns_zones ADD COLUMN soa_retry INTEGER CHECK (soa_retry BETWEEN 1 AND 2147483647);
ALTER TABLE dns_zones ADD COLUMN soa_expire INTEGER CHECK (soa_expire BETWEEN 1 AND 2147483647);
ALTER TABLE dns_zones ADD COLUMN soa_minimum INTEGER CHECK (soa_minimum BETWEEN 1 AND 2147483647);
