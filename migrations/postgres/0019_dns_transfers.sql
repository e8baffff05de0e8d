-- Zone transfers to secondary name servers. Twin of migrations/sqlite/0019_dns_transfers.sql.
-- TSIG keys (RFC 8945) that sign zone transfers: the key's name (a DNS name, as the
-- secondaries' configuration names it), its algorithm, and the secret sealed with the master
-- key like the TOTP seeds.
CREATE TABLE dns_tsig_keys (
    name TEXT PRIMARY KEY,
    algorithm TEXT NOT NULL,
    secret_sealed BYTEA NOT NULL,
    created_on TIMESTAMPTZ NOT NULL
);

-- A secondary may transfer (AXFR, IXFR) the zones of one organization, or of every
-- organization when organization_id is NULL, from the addresses in `network`, signed with the
-- TSIG key `tsig_key` when it is set; when `notify` (an address and port) is set, it is sent
-- NOTIFY after each change of those zones.
CREATE TABLE dns_secondaries (
    id UUID PRIMARY KEY,
    organization_id UUID REFERENCES organizations (id) ON DELETE CASCADE,
    network TEXT NOT NULL,
    notify TEXT,
    tsig_key TEXT REFERENCES dns_tsig_keys (name),
    created_on TIMESTAMPTZ NOT NULL
);

-- Each change of a zone, by the serial it made (RFC 1995's IXFR): the SOA before and after,
-- the rrsets removed (as they were) and added (as they became), as JSON arrays of
-- {name, type, ttl, records}. Written in the change's transaction; the oldest entries of a
-- zone beyond the configured depth are dropped there too.
CREATE TABLE dns_zone_journal (
    zone_id UUID NOT NULL REFERENCES dns_zones (id) ON DELETE CASCADE,
    serial_to BIGINT NOT NULL,
    serial_from BIGINT NOT NULL,
    soa_from TEXT NOT NULL,
    soa_to TEXT NOT NULL,
    removed JSONB NOT NULL,
    added JSONB NOT NULL,
    PRIMARY KEY (zone_id, serial_to)
);
