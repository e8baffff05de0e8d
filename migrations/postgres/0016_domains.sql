-- Domains: the sandbox registry (its TLD catalogue, reserved names and the objects it holds,
-- as a real registry would), the platform's domains of each organization with their contacts,
-- and holds on billing accounts for purchases that wait on a registry. Twin of
-- migrations/sqlite/0016_domains.sql.

-- The TLDs the sandbox registry offers, kept by the platform operator.
CREATE TABLE registry_tlds (
    tld TEXT PRIMARY KEY,
    -- The registration and renewal periods allowed, in years, comma-separated ("1,2,5,10").
    periods TEXT NOT NULL,
    -- Days after expiry during which an auto-renewed domain can still be deleted for a
    -- refund of the renewal, and days a deleted domain can be restored.
    grace_days BIGINT NOT NULL,
    redemption_days BIGINT NOT NULL,
    -- How long a transfer-in waits before it completes (0: at once).
    transfer_delay_seconds BIGINT NOT NULL,
    -- Second-level labels of at most this many characters are premium (0: none are), at
    -- the list price times the multiplier.
    premium_max_length BIGINT NOT NULL,
    premium_multiplier BIGINT NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    updated_on TIMESTAMPTZ NOT NULL
);

-- Names nobody may register.
CREATE TABLE registry_reserved_names (
    name TEXT PRIMARY KEY,
    created_on TIMESTAMPTZ NOT NULL
);

-- What the sandbox registry holds: one row per registered name, with the id of the last
-- client operation that changed it (so a crash after the registry answered can be settled).
CREATE TABLE registry_objects (
    name TEXT PRIMARY KEY,
    roid TEXT NOT NULL,
    statuses TEXT NOT NULL,
    expires_on TIMESTAMPTZ NOT NULL,
    last_operation TEXT NOT NULL,
    -- The digest of the transfer authorization code (none until one is set).
    auth_code_digest BYTEA,
    -- A transfer asked for by a client operation, for this many years, pending since then.
    transfer_operation TEXT,
    transfer_years BIGINT,
    transfer_requested_on TIMESTAMPTZ,
    created_on TIMESTAMPTZ NOT NULL,
    updated_on TIMESTAMPTZ NOT NULL
);

-- The platform's domains. `state`: `registering` (waiting on the registry), `transferring`
-- (a transfer in, waiting on the registry and the losing side), `active`, `redemption`
-- (deleted, restorable until `purge_on`) or `gone` (purged, failed or transferred away). One
-- live row per name, besides a transfer in. `pending_operation` (`create:<id>`, `renew:<id>`, `restore:<id>`) names the
-- registry operation in flight: one at a time, settled by the reconciler after a crash.
CREATE TABLE domains (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations (id),
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
    period_years BIGINT NOT NULL,
    create_zone BOOLEAN NOT NULL,
    pending_operation TEXT,
    -- The transfer authorization code, sealed with the master key.
    auth_code_sealed BYTEA,
    registered_on TIMESTAMPTZ,
    expires_on TIMESTAMPTZ,
    deleted_on TIMESTAMPTZ,
    purge_on TIMESTAMPTZ,
    created_on TIMESTAMPTZ NOT NULL,
    updated_on TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX domains_live_name ON domains (name) WHERE state NOT IN ('gone', 'transferring');
-- One transfer in per name at a time.
CREATE UNIQUE INDEX domains_transfer_name ON domains (name) WHERE state = 'transferring';
CREATE INDEX domains_org ON domains (organization_id, created_on, id);
-- The list's default order (by name), over the domains it shows.
CREATE INDEX domains_org_name ON domains (organization_id, name, id) WHERE state <> 'gone';

CREATE TABLE domain_contacts (
    domain_id UUID NOT NULL REFERENCES domains (id),
    role TEXT NOT NULL,
    contact_id UUID NOT NULL REFERENCES contacts (id),
    PRIMARY KEY (domain_id, role)
);
CREATE INDEX domain_contacts_contact ON domain_contacts (contact_id);

-- Money set aside on an account for a purchase waiting on a registry: it counts against the
-- balance (or credit limit) until captured (the charge is recorded) or released.
CREATE TABLE billing_holds (
    id UUID PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES organizations (id),
    organization_id UUID NOT NULL REFERENCES organizations (id),
    amount BIGINT NOT NULL,
    -- What the hold is for (a domain's id), and the purchase it pays, as the use case that
    -- settles it reads it back (JSON).
    subject TEXT NOT NULL,
    purpose TEXT NOT NULL,
    state TEXT NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    settled_on TIMESTAMPTZ
);
CREATE INDEX billing_holds_open ON billing_holds (account_id) WHERE state = 'held';
CREATE INDEX billing_holds_subject ON billing_holds (subject);

-- A purchase may not spend money set aside by a hold: the floor a charge is checked against
-- rises by the account's open holds (a hold is captured, no longer open, before its own
-- charge is recorded).
CREATE OR REPLACE FUNCTION billing_transactions_check_floor() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    current_balance BIGINT;
    floor_balance BIGINT;
BEGIN
    SELECT balance, CASE WHEN billing_model = 'postpaid' THEN -credit_limit ELSE 0 END
    INTO current_balance, floor_balance
    FROM billing_accounts WHERE organization_id = NEW.account_id FOR UPDATE;
    floor_balance := floor_balance + (SELECT COALESCE(SUM(amount), 0) FROM billing_holds
        WHERE account_id = NEW.account_id AND state = 'held');
    IF NEW.balance_change < 0
        AND NEW.action NOT IN ('wallet_top_up', 'refund', 'adjustment')
        AND current_balance + NEW.balance_change < floor_balance THEN
        -- The transaction is aborted by this error, so the caller cannot read the account
        -- any more: the detail carries the balance and the floor (open holds included).
        RAISE EXCEPTION 'ERROR_INSUFFICIENT_FUNDS'
            USING DETAIL = current_balance || ' ' || floor_balance;
    END IF;
    RETURN NEW;
END;
$$;

-- Leases of the platform's periodic jobs: one server process runs a job at a time, even when
-- several share the database; a lease not renewed before `expires_at` passes to another.
CREATE TABLE job_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
