-- Signed webhooks to the merchant: endpoints, the events the ledger recorded, a delivery
-- queue per (event, endpoint), and every delivery attempt. Times are unix milliseconds.

-- The signing secret is needed to sign, so it is kept, encrypted (AES-256-GCM under
-- BDPAY_DATA_KEY); it is shown to the merchant once, at creation.
CREATE TABLE webhook_endpoints (
  id          TEXT PRIMARY KEY,                 -- we_…
  merchant_id TEXT NOT NULL REFERENCES merchants(id),
  mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  url         TEXT NOT NULL,
  events      TEXT NOT NULL,                    -- '*' or ',payment.succeeded,refund.failed,'
  secret_enc  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  deleted_at  INTEGER
);
CREATE INDEX webhook_endpoints_by_merchant ON webhook_endpoints (merchant_id, mode);

-- One row per event; the id is derived from (payment, version, refund), so a retried
-- ledger batch inserts nothing twice. `payload` is the exact JSON body sent.
CREATE TABLE events (
  id          TEXT PRIMARY KEY,                 -- evt_…
  merchant_id TEXT NOT NULL,
  mode        TEXT NOT NULL,
  type        TEXT NOT NULL,
  payment_id  TEXT NOT NULL,
  refund_id   TEXT,
  payload     TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX events_by_merchant ON events (merchant_id, created_at);
CREATE INDEX events_by_payment ON events (payment_id);

-- What remains to deliver: one row per (event, endpoint) the event matched when recorded.
CREATE TABLE webhook_queue (
  event_id     TEXT NOT NULL,
  endpoint_id  TEXT NOT NULL,
  merchant_id  TEXT NOT NULL,
  state        TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts     INTEGER NOT NULL DEFAULT 0,
  first_at     INTEGER NOT NULL,                -- start of the retry window (redelivery restarts it)
  next_at      INTEGER NOT NULL,
  PRIMARY KEY (event_id, endpoint_id)
);
CREATE INDEX webhook_queue_due ON webhook_queue (merchant_id, state, next_at);

-- Every attempt: when, where, and what came back (HTTP status, or an error code).
CREATE TABLE webhook_deliveries (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id     TEXT NOT NULL,
  endpoint_id  TEXT NOT NULL,
  attempt      INTEGER NOT NULL,
  http_status  INTEGER,
  error        TEXT,                            -- timeout | network | …
  duration_ms  INTEGER NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id, created_at);
