-- Billing: plans, one account per paying organization, transactions, the append-only ledger,
-- price lists and idempotency keys. Twin of migrations/postgres/0006_billing.sql.
-- Every amount is BIGINT minor units (cents) of the row's currency.

CREATE TABLE billing_plans (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    plan_level INTEGER NOT NULL,
    amount BIGINT NOT NULL CHECK (amount >= 0),
    currency TEXT NOT NULL,
    period_value INTEGER NOT NULL,
    period_unit TEXT NOT NULL,
    status TEXT NOT NULL,
    created_on TEXT NOT NULL,
    updated_on TEXT NOT NULL
);

-- `balance` is the sum of the account's ledger entries. The triggers below make recording a
-- succeeded transaction move it: a purchase (a transaction with a negative balance_change
-- whose action is not a wallet movement) is refused with ERROR_INSUFFICIENT_FUNDS when it
-- would take the balance below the floor (0 prepaid, minus the credit limit postpaid); the
-- balance then moves by an UPDATE naming the transaction (`last_transaction_id`), which
-- appends the ledger entry. A charge is therefore one INSERT.
CREATE TABLE billing_accounts (
    organization_id BLOB PRIMARY KEY REFERENCES organizations (id),
    currency TEXT NOT NULL,
    billing_model TEXT NOT NULL,
    credit_limit BIGINT NOT NULL CHECK (credit_limit >= 0),
    balance BIGINT NOT NULL,
    last_transaction_id BLOB,
    plan_id BLOB REFERENCES billing_plans (id),
    created_on TEXT NOT NULL,
    updated_on TEXT NOT NULL
);
-- Organizations that existed before billing: every top-level and independent one pays.
INSERT INTO billing_accounts (organization_id, currency, billing_model, credit_limit, balance,
    created_on, updated_on)
SELECT id, COALESCE(currency, 'EUR'), 'prepaid', 0, 0, created_on, created_on
FROM organizations WHERE parent_id IS NULL OR billing_mode = 'independent';

CREATE TABLE billing_transactions (
    id BLOB PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES billing_accounts (organization_id),
    organization_id BLOB NOT NULL REFERENCES organizations (id),
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
    refund_of BLOB REFERENCES billing_transactions (id),
    created_on TEXT NOT NULL,
    updated_on TEXT NOT NULL,
    completed_on TEXT
);
CREATE INDEX billing_transactions_account ON billing_transactions (account_id, created_on, id);
CREATE INDEX billing_transactions_org ON billing_transactions (organization_id, created_on, id);
CREATE INDEX billing_transactions_refund_of ON billing_transactions (refund_of)
    WHERE refund_of IS NOT NULL;

CREATE TABLE billing_ledger (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BLOB NOT NULL REFERENCES billing_accounts (organization_id),
    transaction_id BLOB NOT NULL REFERENCES billing_transactions (id),
    amount BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    created_on TEXT NOT NULL
);
CREATE INDEX billing_ledger_account ON billing_ledger (account_id, id);

-- The ledger is append-only: the database itself refuses to change or remove an entry.
CREATE TRIGGER billing_ledger_no_update BEFORE UPDATE ON billing_ledger
BEGIN
    SELECT RAISE(ABORT, 'billing ledger entries are append-only');
END;
CREATE TRIGGER billing_ledger_no_delete BEFORE DELETE ON billing_ledger
BEGIN
    SELECT RAISE(ABORT, 'billing ledger entries are append-only');
END;

-- Every change of a balance appends its ledger entry; without a transaction to name (a
-- NULL last_transaction_id) the entry, and so the change, is refused.
CREATE TRIGGER billing_accounts_ledger AFTER UPDATE OF balance ON billing_accounts
BEGIN
    INSERT INTO billing_ledger (account_id, transaction_id, amount, balance_after, created_on)
    VALUES (NEW.organization_id, NEW.last_transaction_id, NEW.balance - OLD.balance,
        NEW.balance, NEW.updated_on);
END;

-- Before a succeeded transaction is recorded: refuse a purchase below the floor (the single
-- writing connection orders concurrent charges).
CREATE TRIGGER billing_transactions_check_floor BEFORE INSERT ON billing_transactions
WHEN NEW.status = 'succeeded' AND NEW.balance_change < 0
    AND NEW.action NOT IN ('wallet_top_up', 'refund', 'adjustment')
BEGIN
    SELECT RAISE(ABORT, 'ERROR_INSUFFICIENT_FUNDS')
    FROM billing_accounts
    WHERE organization_id = NEW.account_id
        AND balance + NEW.balance_change
            < CASE WHEN billing_model = 'postpaid' THEN -credit_limit ELSE 0 END;
END;

CREATE TRIGGER billing_transactions_post AFTER INSERT ON billing_transactions
WHEN NEW.status = 'succeeded'
BEGIN
    UPDATE billing_accounts SET balance = balance + NEW.balance_change,
        updated_on = NEW.created_on, last_transaction_id = NEW.id
    WHERE organization_id = NEW.account_id;
END;

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
    updated_on TEXT NOT NULL,
    PRIMARY KEY (product_type, product_action, product_class, currency)
);

CREATE TABLE price_overrides (
    organization_id BLOB NOT NULL REFERENCES organizations (id),
    product_type TEXT NOT NULL,
    product_action TEXT NOT NULL,
    product_class TEXT NOT NULL,
    currency TEXT NOT NULL,
    price BIGINT NOT NULL CHECK (price >= 0),
    period_value INTEGER,
    period_unit TEXT,
    updated_on TEXT NOT NULL,
    PRIMARY KEY (organization_id, product_type, product_action, product_class, currency)
);

-- A request's first response, replayed for retries with the same Idempotency-Key. `scope`
-- is who may replay it (an organization or an operator). The body is sealed under the
-- master key, since responses can carry secrets shown once. `status` is NULL while the
-- first request runs.
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint BLOB NOT NULL,
    status INTEGER,
    response_sealed BLOB,
    created_on TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_on);
