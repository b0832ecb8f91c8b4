-- The ledger merchants and finance query. The payment's Durable Object is the source of
-- truth; these rows are written after it (through its outbox) and never lead it.
-- Money is INTEGER poisha (1 taka = 100 poisha): exact, and SUM() stays exact.
-- Times are INTEGER unix milliseconds (UTC).

CREATE TABLE merchants (
  id          TEXT PRIMARY KEY,          -- mer_…
  name        TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);

-- Secret keys are never stored: only their SHA-256 (hex). `prefix` is what a dashboard shows.
CREATE TABLE api_keys (
  key_hash    TEXT PRIMARY KEY,
  merchant_id TEXT NOT NULL REFERENCES merchants(id),
  mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  prefix      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);

CREATE TABLE payments (
  id                    TEXT PRIMARY KEY,  -- pay_…
  merchant_id           TEXT NOT NULL REFERENCES merchants(id),
  mode                  TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  order_id              TEXT NOT NULL,
  amount_poisha         INTEGER NOT NULL CHECK (amount_poisha > 0),
  refunded_poisha       INTEGER NOT NULL DEFAULT 0 CHECK (refunded_poisha >= 0),
  currency              TEXT NOT NULL DEFAULT 'BDT',
  status                TEXT NOT NULL,
  provider              TEXT,              -- bkash | nagad, once confirmed
  provider_ref          TEXT,              -- bKash paymentID / Nagad paymentReferenceId
  provider_trx_id       TEXT,              -- bKash trxID / Nagad issuerPaymentRefNo
  customer_phone_masked TEXT,              -- 01XX4567
  customer_phone_hash   TEXT,              -- keyed hash, for look-ups
  customer_phone_enc    TEXT,              -- AES-GCM, key from a secret
  return_url            TEXT,
  metadata              TEXT,              -- JSON object from the merchant
  error_code            TEXT,
  error_provider_code   TEXT,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL,
  version               INTEGER NOT NULL   -- the object's write sequence: older writes are ignored
);
CREATE INDEX payments_by_order ON payments (merchant_id, order_id);
CREATE INDEX payments_by_provider_ref ON payments (provider, provider_ref);
CREATE INDEX payments_by_created ON payments (merchant_id, created_at);

-- Append only: every status move, as the payment's object made it.
CREATE TABLE payment_events (
  payment_id   TEXT NOT NULL REFERENCES payments(id),
  version      INTEGER NOT NULL,
  status       TEXT NOT NULL,
  reason       TEXT NOT NULL,             -- what moved it: confirm, execute, verify, ipn, alarm, expiry…
  detail       TEXT,                      -- JSON, masked
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (payment_id, version)
);

-- Idempotency-Key: the same key and body answer the same; another body is a conflict.
CREATE TABLE idempotency_keys (
  merchant_id   TEXT NOT NULL,
  key           TEXT NOT NULL,
  request_hash  TEXT NOT NULL,             -- SHA-256 of method, path and body
  status_code   INTEGER NOT NULL,
  response      TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  PRIMARY KEY (merchant_id, key)
);

-- Every call to a provider, masked: no token, key, phone number or raw payload.
CREATE TABLE provider_calls (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  payment_id   TEXT,
  provider     TEXT NOT NULL,
  op           TEXT NOT NULL,
  http_status  INTEGER,
  provider_code TEXT,
  outcome      TEXT NOT NULL,             -- ok | declined | unknown | error
  latency_ms   INTEGER NOT NULL,
  created_at   INTEGER NOT NULL
);
CREATE INDEX provider_calls_by_time ON provider_calls (provider, created_at);
