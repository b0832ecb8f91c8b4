-- Manual transfers (docs/design.md "Manual transfers"): when no wallet can take a payment, or
-- the merchant offers it always, the shopper sends the money with Send Money from their own
-- app to the merchant's wallet and quotes the transfer's TrxID. Times in unix milliseconds,
-- money in poisha, like 0001.

-- When each merchant offers it: `off` (the default), `fallback` (only when no wallet can take
-- the payment), `always` (beside the wallets). Set by operators (PUT /admin/merchants/{id}/manual_transfer).
ALTER TABLE merchants ADD COLUMN manual_transfer_mode TEXT NOT NULL DEFAULT 'off'
  CHECK (manual_transfer_mode IN ('off', 'fallback', 'always'));

-- The merchant's own wallets that receive manual transfers, one per provider. The number is
-- AES-256-GCM under the data key, bound to `merchant_wallets/number/<merchant>/<provider>`
-- (re-sealed by the key rotation), and masked (01XX4567) for operators' screens.
CREATE TABLE merchant_wallets (
  merchant_id   TEXT NOT NULL REFERENCES merchants(id),
  provider      TEXT NOT NULL CHECK (provider IN ('bkash', 'nagad')),
  number_masked TEXT NOT NULL,
  number_enc    TEXT NOT NULL,
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (merchant_id, provider)
);

-- Every manual transfer a shopper quoted. A TrxID pays for one payment only: the UNIQUE index
-- on (provider, trx_id) refuses it for a second one (409 trx_id_already_used). The payment's
-- Durable Object inserts the row when it takes the transfer; the status then follows the object
-- (its outbox), never leads it. `payment_id` names no foreign key: the payments row itself is
-- written through the outbox and may follow a moment later. The sender's number is encrypted,
-- bound to `manual_transfers/sender_phone/<mt_…>` (key rotation), and masked.
CREATE TABLE manual_transfers (
  id                  TEXT PRIMARY KEY,                -- mt_…
  payment_id          TEXT NOT NULL,                   -- pay_…
  merchant_id         TEXT NOT NULL REFERENCES merchants(id),
  mode                TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  provider            TEXT NOT NULL CHECK (provider IN ('bkash', 'nagad')),
  trx_id              TEXT NOT NULL,                   -- upper-case, as the provider writes it
  sender_phone_masked TEXT NOT NULL,
  sender_phone_enc    TEXT NOT NULL,
  amount_poisha       INTEGER NOT NULL CHECK (amount_poisha > 0),
  voucher_key         TEXT,                            -- the uploaded voucher in R2 (binding VOUCHERS)
  status              TEXT NOT NULL CHECK (status IN ('pending_review', 'verified', 'approved', 'rejected')),
  note                TEXT,                            -- the reviewer's note (at most 255 characters)
  created_at          INTEGER NOT NULL,
  decided_at          INTEGER
);
CREATE UNIQUE INDEX manual_transfers_by_trx ON manual_transfers (provider, trx_id);
CREATE INDEX manual_transfers_by_merchant ON manual_transfers (merchant_id, mode, status, created_at);
CREATE INDEX manual_transfers_by_payment ON manual_transfers (payment_id);
