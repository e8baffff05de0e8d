-- The DNSSEC keys of signed zones. Twin of migrations/postgres/0021_dnssec_keys.sql.
-- One row per key: its DNSKEY flags (257 a key signing key, 256 a zone signing key), its
-- algorithm, its tag, the public key in DNSKEY wire form, and the private key (PKCS#8)
-- sealed with the master key like the TOTP seeds. A zone is signed while it has keys.
CREATE TABLE dns_zone_keys (
    zone_id BLOB NOT NULL REFERENCES dns_zones (id) ON DELETE CASCADE,
    flags INTEGER NOT NULL,
    key_tag INTEGER NOT NULL,
    algorithm INTEGER NOT NULL,
    public_key BLOB NOT NULL,
    private_sealed BLOB NOT NULL,
    created_on TEXT NOT NULL,
    PRIMARY KEY (zone_id, flags, key_tag)
) WITHOUT ROWID;
