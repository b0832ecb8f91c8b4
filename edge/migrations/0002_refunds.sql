-- Refunds, as each payment's Durable Object decided them (written through its outbox,
-- never leading it). Money in poisha, times in unix milliseconds, like 0001.

CREATE TABLE refunds (
  id                  TEXT PRIMARY KEY,      -- re_…
  payment_id          TEXT NOT NULL REFERENCES payments(id),
  merchant_id         TEXT NOT NULL REFERENCES merchants(id),
  amount_poisha       INTEGER NOT NULL CHECK (amount_poisha > 0),
  currency            TEXT NOT NULL DEFAULT 'BDT',
  reason              TEXT,
  status              TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'requires_manual')),
  provider            TEXT NOT NULL,         -- bkash | nagad
  provider_refund_ref TEXT,                  -- bKash refundTrxId / Nagad cancelTrxId
  error_code          TEXT,
  error_provider_code TEXT,
  idempotency_key     TEXT,                  -- the merchant's key, or a batch's `rb_…:line`
  note                TEXT,                  -- finance's note when settled by hand
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);
CREATE INDEX refunds_by_payment ON refunds (payment_id, created_at);
CREATE INDEX refunds_by_merchant ON refunds (merchant_id, created_at);
CREATE INDEX refunds_by_status ON refunds (status, updated_at);
