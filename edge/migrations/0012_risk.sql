-- Risk, promotions, grey release and compliance (docs/risk.md).
--
-- payment_checkout: one row per payment, beside `payments`, written by the payment's
-- Durable Object (outbox) with the row, newest version wins. The risk rules count from it:
-- a phone's or a device's payments in the last 10 minutes and today, a phone's earlier
-- successes (by the keyed hash; never the number). The NID and the alternate phone are kept
-- sealed only in the payment's object; here only their masked forms. Times in unix ms.
CREATE TABLE payment_checkout (
  payment_id        TEXT PRIMARY KEY REFERENCES payments(id),
  merchant_id       TEXT NOT NULL,
  mode              TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  phone_hash        TEXT,              -- the payments row's customer_phone_hash, copied for the indexes
  device_hash       TEXT,              -- keyed hash of the widget's device id
  confirmed_at      INTEGER,           -- the first wallet page started (counts as a payment attempted)
  risk_score        INTEGER,
  risk_decision     TEXT CHECK (risk_decision IN ('allow', 'step_up', 'block')),
  risk_reasons      TEXT,              -- JSON [{"rule", "message", "message_bn"}]
  cohort            TEXT,
  promotion_provider TEXT,
  promotion_kind    TEXT CHECK (promotion_kind IN ('commission_free', 'cashback')),
  cashback_poisha   INTEGER NOT NULL DEFAULT 0,
  vat_poisha        INTEGER NOT NULL DEFAULT 0,
  withholding_poisha INTEGER NOT NULL DEFAULT 0,
  nid_masked        TEXT,
  alt_phone_masked  TEXT,
  created_at        INTEGER NOT NULL,
  version           INTEGER NOT NULL
);
CREATE INDEX payment_checkout_by_phone ON payment_checkout (merchant_id, mode, phone_hash, confirmed_at);
CREATE INDEX payment_checkout_by_device ON payment_checkout (merchant_id, mode, device_hash, confirmed_at);
CREATE INDEX payment_checkout_by_cohort ON payment_checkout (merchant_id, mode, created_at);

-- The shared blocklist: keyed hashes of phone numbers (never a number). An entry blocks the
-- phone at the merchant who added it, and at every merchant who opted in to the shared list
-- (merchant_settings), when the adder opted in too.
CREATE TABLE blocklist (
  id           TEXT PRIMARY KEY,       -- blk_…
  merchant_id  TEXT NOT NULL REFERENCES merchants(id),
  mode         TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  phone_hash   TEXT NOT NULL,
  phone_masked TEXT NOT NULL,          -- 01XX4567, for the merchant's own list
  reason       TEXT,
  created_at   INTEGER NOT NULL,
  UNIQUE (merchant_id, mode, phone_hash)
);
CREATE INDEX blocklist_by_phone ON blocklist (mode, phone_hash);

-- A merchant's checkout settings in one mode (a test key never changes live limits): risk
-- thresholds and weights, promotions, rollout, tax rates, the compliance threshold, the
-- shared blocklist opt-in. JSON, every field defaulted.
CREATE TABLE merchant_settings (
  merchant_id  TEXT NOT NULL REFERENCES merchants(id),
  mode         TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  body         TEXT NOT NULL,
  updated_at   INTEGER NOT NULL,
  PRIMARY KEY (merchant_id, mode)
);
