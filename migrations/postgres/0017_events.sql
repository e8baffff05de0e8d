-- Events an organization's integrations poll (`GET /v1/events`) and acknowledge: written in
-- the transaction of each domain, contact and billing change, with its audit event (a
-- transactional outbox). Twin of migrations/sqlite/0017_events.sql.
CREATE TABLE events (
    id UUID PRIMARY KEY,
    organization_id UUID NOT NULL REFERENCES organizations (id),
    object_type TEXT NOT NULL,
    object_id TEXT NOT NULL,
    type TEXT NOT NULL,
    subtype TEXT NOT NULL,
    message TEXT NOT NULL,
    created_on TIMESTAMPTZ NOT NULL,
    acknowledged_on TIMESTAMPTZ
);
CREATE INDEX events_org ON events (organization_id, created_on, id);
