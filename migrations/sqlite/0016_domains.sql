-- Domains: the sandbox registry (its TLD catalogue, reserved names and the objects it holds,
-- as a real registry would), the platform's domains of each organization with their contacts,
-- and holds on billing accounts for purchases that wait on a registry. Twin of
-- migrations/postgres/0016_domains.sql.

-- The TLDs the sandbox registry offers, kept by the platform operator.
CREATE TABLE registry_tlds (
    tld TEXT PRIMARY KEY,
    -- The registration and renewal periods allowed, in years, comma-separated ("1,2,5,10").
    periods TEXT NOT NULL,
    -- Days after expiry during which an auto-renewed domain can still be deleted for a
    -- refund of the renewal, and days a deleted domain can be restored.
    grace_days INTEGER NOT NULL,
    redemption_days INTEGER NOT NULL,
    -- How long a transfer-in waits before it completes (0: at once).
    transfer_delay_seconds INTEGER NOT NULL,
    -- Second-level labels of at most this many characters are premium (0: none are), at
    -- the list price times the multiplier.
    premium_max_length INTEGER NOT NULL,
    premium_multiplier INTEGER NOT NULL,
    created_on TEXT NOT NULL,
    updated_on TEXT NOT NULL
);

-- Names nobody may register.
CREATE TABLE registry_reserved_names (
    name TEXT PRIMARY KEY,
    created_on TEXT NOT NULL
);

-- What the sandbox registry holds: one row per registered name, with the id of the last
-- client operation that changed it (so a crash after the registry answered can be settled).
CREATE TABLE registry_objects (
    name TEXT PRIMARY KEY,
    roid TEXT NOT NULL,
    statuses TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    last_operation TEXT NOT NULL,
    -- The digest of the transfer authorization code (none until one is set).
    auth_code_digest BLOB,
    -- A transfer asked for by a client operation, for this many years, pending since then.
    transfer_operation TEXT,
    transfer_years BIGINT,
    transfer_requested_on TEXT,
    created_on TEXT NOT NULL,
    updated_on TEXT NOT NULL
);

-- The platform's domains. `state`: `registering` (waiting on the registry), `transferring`
-- (a transfer in, waiting on the registry and the losing side), `active`, `redemption`
-- (deleted, restorable until `purge_on`) or `gone` (purged, failed or transferred away). One
-- live row per name, besides a transfer in. `pending_operation` (`create:<id>`, `renew:<id>`, `restore:<id>`) names the
-- registry operation in flight: one at a time, settled by the reconciler after a crash.
CREATE TABLE domains (
    id BLOB PRIMARY KEY,
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    name TEXT NOT NULL,
    sld TEXT NOT NULL,
    tld TEXT NOT NULL,
    roid TEXT,
    state TEXT NOT NULL,
    renewal_mode TEXT NOT NULL,
    client_statuses TEXT NOT NULL,
    registry_statuses TEXT NOT NULL,
    nameservers TEXT NOT NULL,
    is_premium BOOLEAN NOT NULL,
    period_years INTEGER NOT NULL,
    create_zone BOOLEAN NOT NULL,
    pending_operation TEXT,
    -- The transfer authorization code, sealed with the master key.
    auth_code_sealed BLOB,
    registered_on TEXT,
    expires_on TEXT,
    deleted_on TEXT,
    purge_on TEXT,
    created_on TEXT NOT NULL,
    updated_on TEXT NOT NULL
);
CREATE UNIQUE INDEX domains_live_name ON domains (name) WHERE state NOT IN ('gone', 'transferring');
-- One transfer in per name at a time.
CREATE UNIQUE INDEX domains_transfer_name ON domains (name) WHERE state = 'transferring';
CREATE INDEX domains_org ON domains (organization_id, created_on, id);
-- The list's default order (by name), over the domains it shows.
CREATE INDEX domains_org_name ON domains (organization_id, name, id) WHERE state <> 'gone';

CREATE TABLE domain_contacts (
    domain_id BLOB NOT NULL REFERENCES domains (id),
    role TEXT NOT NULL,
    contact_id BLOB NOT NULL REFERENCES contacts (id),
    PRIMARY KEY (domain_id, role)
);
CREATE INDEX domain_contacts_contact ON domain_contacts (contact_id);

-- Money set aside on an account for a purchase waiting on a registry: it counts against the
-- balance (or credit limit) until captured (the charge is recorded) or released.
CREATE TABLE billing_holds (
    id BLOB PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES organizations (id),
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    amount BIGINT NOT NULL,
    -- What the hold is for (a domain's id), and the purchase it pays, as the use case that
    -- settles it reads it back (JSON).
    subject TEXT NOT NULL,
    purpose TEXT NOT NULL,
    state TEXT NOT NULL,
    created_on TEXT NOT NULL,
    settled_on TEXT
);
CREATE INDEX billing_holds_open ON billing_holds (account_id) WHERE state = 'held';
CREATE INDEX billing_holds_subject ON billing_holds (subject);

-- A purchase may not spend money set aside by a hold: the floor a charge is checked against
-- rises by the account's open holds (a hold is captured, no longer open, before its own
-- charge is recorded).
DROP TRIGGER billing_transactions_check_floor;
CREATE TRIGGER billing_transactions_check_floor BEFORE INSERT ON billing_transactions
WHEN NEW.status = 'succeeded' AND NEW.balance_change < 0
    AND NEW.action NOT IN ('wallet_top_up', 'refund', 'adjustment')
BEGIN
    SELECT RAISE(ABORT, 'ERROR_INSUFFICIENT_FUNDS')
    FROM billing_accounts
    WHERE organization_id = NEW.account_id
        AND balance + NEW.balance_change
            < CASE WHEN billing_model = 'postpaid' THEN -credit_limit ELSE 0 END
              + (SELECT COALESCE(SUM(amount), 0) FROM billing_holds
                 WHERE account_id = NEW.account_id AND state = 'held');
END;

-- Leases of the platform's periodic jobs: one server process runs a job at a time, even when
-- several share the database; a lease not renewed before `expires_at` passes to another.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
