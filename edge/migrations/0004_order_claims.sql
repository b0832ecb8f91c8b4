-- One row per (merchant, order): which payment may take the shopper's money for it. A bKash
-- execute first claims the order (atomically, here); a payment that finds another payment's
-- claim does not execute. A payment whose money moved anyway (Nagad debits on its own page)
-- finds the order claimed and is refunded in full as a duplicate. Times in unix milliseconds.
CREATE TABLE order_claims (
  merchant_id TEXT NOT NULL REFERENCES merchants(id),
  order_id    TEXT NOT NULL,
  payment_id  TEXT NOT NULL,
  state       TEXT NOT NULL CHECK (state IN ('claimed', 'paid', 'released')),
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (merchant_id, order_id)
);
