-- Finance (edge/src/finance; docs/reconciliation.md, docs/settlement.md, docs/beftn.md):
-- provider statements, the nightly reconciliation's reports, each merchant's finance settings
-- and the payees its settled money goes to. Money is INTEGER poisha; times unix ms (UTC);
-- `day` is a Dhaka calendar day, `YYYY-MM-DD`.

-- What reconciliation needs of an attempt: our reference at the provider, when it was paid
-- and the wallet that paid (masked, `01XX4567`). Rows written before this are NULL there.
ALTER TABLE payment_attempts ADD COLUMN invoice TEXT;
ALTER TABLE payment_attempts ADD COLUMN paid_at INTEGER;
ALTER TABLE payment_attempts ADD COLUMN payer_masked TEXT;

-- One statement per merchant, mode, provider and day: the CSV as received. An upload
-- replaces whatever was held; a fetch never replaces an upload.
CREATE TABLE statements (
  merchant_id TEXT NOT NULL REFERENCES merchants(id),
  mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  provider    TEXT NOT NULL CHECK (provider IN ('bkash', 'nagad')),
  day         TEXT NOT NULL,
  source      TEXT NOT NULL CHECK (source IN ('uploaded', 'fetched')),
  body        TEXT NOT NULL,
  lines       INTEGER NOT NULL,
  sha256      TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (merchant_id, mode, provider, day)
);

-- The last reconciliation of a day (a re-run replaces it). `summary` and `report` are JSON.
CREATE TABLE reconciliations (
  merchant_id TEXT NOT NULL REFERENCES merchants(id),
  mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  day         TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('complete', 'incomplete')),
  alarm       INTEGER NOT NULL,
  summary     TEXT NOT NULL,
  report      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (merchant_id, mode, day)
);

-- Per merchant and mode: where the nightly job fetches statements (a URL with `{date}`),
-- how Nagad settles (`standard` T+1, or `expedite` the same day for a fee), and the
-- originator named in the bulk-credit file's header.
CREATE TABLE merchant_finance (
  merchant_id          TEXT NOT NULL REFERENCES merchants(id),
  mode                 TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  bkash_statement_url  TEXT,
  nagad_statement_url  TEXT,
  nagad_speed          TEXT NOT NULL DEFAULT 'standard' CHECK (nagad_speed IN ('standard', 'expedite')),
  updated_at           INTEGER NOT NULL,
  PRIMARY KEY (merchant_id, mode)
);

-- Where settled money goes: the merchant's own account, or a marketplace's sellers (a
-- payment names its payee in `metadata.payee`). The account number is sealed with the data
-- key (bound to `payees/account/<id>`); only its last four digits are shown.
CREATE TABLE payees (
  id             TEXT PRIMARY KEY,          -- pye_…
  merchant_id    TEXT NOT NULL REFERENCES merchants(id),
  mode           TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  name           TEXT NOT NULL,
  account_enc    TEXT NOT NULL,
  account_last4  TEXT NOT NULL,
  routing_number TEXT NOT NULL,
  share_bp       INTEGER CHECK (share_bp IS NULL OR (share_bp > 0 AND share_bp <= 10000)),
  created_at     INTEGER NOT NULL,
  deleted_at     INTEGER
);
CREATE INDEX payees_by_merchant ON payees (merchant_id, mode, created_at);

-- Settleable money: the statement lines a day's reconciliation matched (exactly or fuzzily
-- at >= 0.95), with the payment they belong to; replaced on each run of that day. The
-- settlement calendar and the bulk-credit file read only these: nothing unmatched is paid out.
CREATE TABLE settleable (
  merchant_id TEXT NOT NULL REFERENCES merchants(id),
  mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  day         TEXT NOT NULL,             -- the statement's Dhaka day
  provider    TEXT NOT NULL CHECK (provider IN ('bkash', 'nagad')),
  line        INTEGER NOT NULL,          -- the statement's line number
  kind        TEXT NOT NULL CHECK (kind IN ('payment', 'refund')),
  payment_id  TEXT NOT NULL,
  amount_poisha INTEGER NOT NULL CHECK (amount_poisha > 0),
  fee_poisha  INTEGER NOT NULL CHECK (fee_poisha >= 0),
  at          INTEGER NOT NULL,          -- the provider's time of the line
  PRIMARY KEY (merchant_id, mode, day, provider, line)
);
