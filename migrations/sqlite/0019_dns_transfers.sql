-- Zone transfers to secondary name servers. Twin of migrations/postgres/0019_dns_transfers.sql.
-- TSIG keys (RFC 8945) that sign zone transfers: the key's name (a DNS name, as the
-- secondaries' configuration names it), its algorithm, and the secret sealed with the master
-- key like the TOTP seeds.
CREATE TABLE dns_tsig_keys (
    name TEXT PRIMARY KEY,
    algorithm TEXT NOT NULL,
    secret_sealed BLOB NOT NULL,
    created_on TEXT NOT NULL
);

-- A secondary may transfer (AXFR, IXFR) the zones of one organization, or of every
-- organization when organization_id is NULL, from the addresses in `network`, signed with the
-- TSIG key `tsig_key` when it is set; when `notify` (an address and port) is set, it is sent
-- NOTIFY after each change of those zones.
CREATE TABLE dns_secondaries (
    id BLOB PRIMARY KEY,
    organization_id BLOB REFERENCES organizations (id) ON DELETE CASCADE,
    network TEXT NOT NULL,
    notify TEXT,
    tsig_key TEXT REFERENCES dns_tsig_keys (name),
    created_on TEXT NOT NULL
);

-- Each change of a zone, by the serial it made (RFC 1995's IXFR): the SOA before and after,
-- the rrsets removed (as they were) and added (as they became), as JSON arrays of
-- {name, type, ttl, records}. Written in the change's transaction; the oldest entries of a
-- zone beyond the configured depth are dropped there too.
CREATE TABLE dns_zone_journal (
    zone_id BLOB NOT NULL REFERENCES dns_zones (id) ON DELETE CASCADE,
    serial_to INTEGER NOT NULL,
    serial_from INTEGER NOT NULL,
    soa_from TEXT NOT NULL,
    soa_to TEXT NOT NULL,
    removed TEXT NOT NULL,
    added TEXT NOT NULL,
    PRIMARY KEY (zone_id, serial_to)
) WITHOUT ROWID;
