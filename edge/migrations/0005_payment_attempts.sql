-- Every attempt of a payment: one visit to one wallet's page. A payment keeps all of them
-- and follows each to its end, so a return, IPN or hint naming an earlier attempt's
-- reference still finds its payment here. Written by the payment's Durable Object (outbox),
-- newest version wins. Times in unix milliseconds.
CREATE TABLE payment_attempts (
  payment_id     TEXT NOT NULL REFERENCES payments(id),
  n              INTEGER NOT NULL,
  provider       TEXT NOT NULL CHECK (provider IN ('bkash', 'nagad')),
  provider_ref   TEXT NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('started', 'in_flight', 'unknown', 'paid', 'failed', 'cancelled', 'refunded')),
  provider_trx_id TEXT,
  created_at     INTEGER NOT NULL,
  version        INTEGER NOT NULL,
  PRIMARY KEY (payment_id, n)
);
CREATE INDEX payment_attempts_by_ref ON payment_attempts (provider, provider_ref);
CREATE INDEX payment_attempts_by_trx ON payment_attempts (provider, provider_trx_id);
