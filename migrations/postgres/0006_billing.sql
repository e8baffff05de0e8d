-- Billing: plans, one account per paying organization, transactions, the append-only ledger,
-- price lists and idempotency keys. Twin of migrations/sqlite/0006_billing.sql.
-- Every amount is BIGINT minor units (cents) of the row's currency.

CREATE TABLE billing_plans (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL,
    plan_level INTEGER NOT NULL,
    amount BIGINT NOT NULL CHECK (amount >= 0),
    currency TEXT NOT NULL,
    period_value INTEGER NOT NULL,
    period_unit TEXT NOT NULL,
    status TEXT NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    updated_on TIMESTAMPTZ NOT NULL
);

-- `balance` is the sum of the account's ledger entries. The triggers below make recording a
-- succeeded transaction move it: a purchase (a transaction with a negative balance_change
-- whose action is not a wallet movement) is refused with ERROR_INSUFFICIENT_FUNDS when it
-- would take the balance below the floor (0 prepaid, minus the credit limit postpaid); the
-- balance then moves by an UPDATE naming the transaction (`last_transaction_id`), which
-- appends the ledger entry. A charge is therefore one INSERT.
CREATE TABLE billing_accounts (
    organization_id UUID PRIMARY KEY REFERENCES organizations (id),
    currency TEXT NOT NULL,
    billing_model TEXT NOT NULL,
    credit_limit BIGINT NOT NULL CHECK (credit_limit >= 0),
    balance BIGINT NOT NULL,
    last_transaction_id UUID,
    plan_id UUID REFERENCES billing_plans (id),
    created_on TIMESTAMPTZ NOT NULL,
    updated_on TIMESTAMPTZ NOT NULL
);
-- Organizations that existed before billing: every top-level and independent one pays.
INSERT INTO billing_accounts (organization_id, currency, billing_model, credit_limit, balance,
    created_on, updated_on)
SELECT id, COALESCE(currency, 'EUR'), 'prepaid', 0, 0, created_on, created_on
FROM organizations WHERE parent_id IS NULL OR billing_mode = 'independent';

CREATE TABLE billing_transactions (
    id UUID PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES billing_accounts (organization_id),
    organization_id UUID NOT NULL REFERENCES organizations (id),
    product_type TEXT NOT NULL,
    product_reference TEXT,
    action TEXT NOT NULL,
    volume TEXT NOT NULL,
    unit TEXT,
    price BIGINT NOT NULL,
    tax_rate TEXT NOT NULL,
    tax_amount BIGINT NOT NULL,
    amount BIGINT NOT NULL,
    balance_change BIGINT NOT NULL,
    currency TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    reference TEXT,
    refund_of UUID REFERENCES billing_transactions (id),
    created_on TIMESTAMPTZ NOT NULL,
    updated_on TIMESTAMPTZ NOT NULL,
    completed_on TIMESTAMPTZ
);
CREATE INDEX billing_transactions_account ON billing_transactions (account_id, created_on, id);
CREATE INDEX billing_transactions_org ON billing_transactions (organization_id, created_on, id);
CREATE INDEX billing_transactions_refund_of ON billing_transactions (refund_of)
    WHERE refund_of IS NOT NULL;

CREATE TABLE billing_ledger (
    id BIGSERIAL PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES billing_accounts (organization_id),
    transaction_id UUID NOT NULL REFERENCES billing_transactions (id),
    amount BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    created_on TIMESTAMPTZ NOT NULL
);
CREATE INDEX billing_ledger_account ON billing_ledger (account_id, id);

-- The ledger is append-only: the database itself refuses to change or remove an entry.
CREATE FUNCTION billing_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'billing ledger entries are append-only';
END;
$$;
CREATE TRIGGER billing_ledger_no_update BEFORE UPDATE OR DELETE ON billing_ledger
    FOR EACH ROW EXECUTE FUNCTION billing_ledger_append_only();

-- Every change of a balance appends its ledger entry; without a transaction to name (a
-- NULL last_transaction_id) the entry, and so the change, is refused.
CREATE FUNCTION billing_accounts_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO billing_ledger (account_id, transaction_id, amount, balance_after, created_on)
    VALUES (NEW.organization_id, NEW.last_transaction_id, NEW.balance - OLD.balance,
        NEW.balance, NEW.updated_on);
    RETURN NULL;
END;
$$;
CREATE TRIGGER billing_accounts_ledger AFTER UPDATE OF balance ON billing_accounts
    FOR EACH ROW EXECUTE FUNCTION billing_accounts_ledger();

-- Before a succeeded transaction is recorded: lock its account's row (concurrent charges
-- queue here and each sees the balance the previous one committed) and refuse a purchase
-- below the floor.
CREATE FUNCTION billing_transactions_check_floor() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    current_balance BIGINT;
    floor_balance BIGINT;
BEGIN
    SELECT balance, CASE WHEN billing_model = 'postpaid' THEN -credit_limit ELSE 0 END
    INTO current_balance, floor_balance
    FROM billing_accounts WHERE organization_id = NEW.account_id FOR UPDATE;
    IF NEW.balance_change < 0
        AND NEW.action NOT IN ('wallet_top_up', 'refund', 'adjustment')
        AND current_balance + NEW.balance_change < floor_balance THEN
        -- The transaction is aborted by this error, so the caller cannot read the account
        -- any more: the detail carries the balance and the floor.
        RAISE EXCEPTION 'ERROR_INSUFFICIENT_FUNDS'
            USING DETAIL = current_balance || ' ' || floor_balance;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER billing_transactions_check_floor BEFORE INSERT ON billing_transactions
    FOR EACH ROW WHEN (NEW.status = 'succeeded')
    EXECUTE FUNCTION billing_transactions_check_floor();

CREATE FUNCTION billing_transactions_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE billing_accounts SET balance = balance + NEW.balance_change,
        updated_on = NEW.created_on, last_transaction_id = NEW.id
    WHERE organization_id = NEW.account_id;
    RETURN NULL;
END;
$$;
CREATE TRIGGER billing_transactions_post AFTER INSERT ON billing_transactions
    FOR EACH ROW WHEN (NEW.status = 'succeeded')
    EXECUTE FUNCTION billing_transactions_post();

-- The operator's list prices, and per-organization overrides. An empty product_class
-- means the price applies to every class.
CREATE TABLE price_list (
    product_type TEXT NOT NULL,
    product_action TEXT NOT NULL,
    product_class TEXT NOT NULL,
    currency TEXT NOT NULL,
    price BIGINT NOT NULL CHECK (price >= 0),
    period_value INTEGER,
    period_unit TEXT,
    updated_on TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (product_type, product_action, product_class, currency)
);

CREATE TABLE price_overrides (
    organization_id UUID NOT NULL REFERENCES organizations (id),
    product_type TEXT NOT NULL,
    product_action TEXT NOT NULL,
    product_class TEXT NOT NULL,
    currency TEXT NOT NULL,
    price BIGINT NOT NULL CHECK (price >= 0),
    period_value INTEGER,
    period_unit TEXT,
    updated_on TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, product_type, product_action, product_class, currency)
);

-- A request's first response, replayed for retries with the same Idempotency-Key. `scope`
-- is who may replay it (an organization or an operator). The body is sealed under the
-- master key, since responses can carry secrets shown once. `status` is NULL while the
-- first request runs.
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint BYTEA NOT NULL,
    status INTEGER,
    response_sealed BYTEA,
    created_on TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_on);
