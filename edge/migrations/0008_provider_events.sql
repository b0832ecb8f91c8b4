-- Provider health events (provider.degraded, provider.down, provider.up; edge/src/health)
-- concern no payment: events.payment_id may now be NULL. SQLite cannot relax a NOT NULL in
-- place, so the table is rebuilt with the same rows and indexes (nothing references it by a
-- foreign key).
CREATE TABLE events_new (
  id          TEXT PRIMARY KEY,                 -- evt_…
  merchant_id TEXT NOT NULL,
  mode        TEXT NOT NULL,
  type        TEXT NOT NULL,
  payment_id  TEXT,                             -- NULL for provider.* events
  refund_id   TEXT,
  payload     TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
INSERT INTO events_new (id, merchant_id, mode, type, payment_id, refund_id, payload, created_at)
  SELECT id, merchant_id, mode, type, payment_id, refund_id, payload, created_at FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_by_merchant ON events (merchant_id, created_at);
CREATE INDEX events_by_payment ON events (payment_id);
