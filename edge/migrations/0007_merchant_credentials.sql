-- Each merchant's own bKash and Nagad credentials, set by operators (`bdpay-admin
-- credentials set`) and never readable back through any API. `sealed` is the whole credential
-- as JSON, AES-256-GCM under the data key, bound to
-- `merchant_credentials/sealed/<merchant>/<mode>/<provider>`; `account` is the one part that
-- is not secret (the bKash username, the Nagad merchant id) so an operator can tell which
-- account is set. A merchant without a row here uses the deployment's own credentials
-- (wrangler vars and secrets), as a single-shop deployment does.
CREATE TABLE merchant_credentials (
  merchant_id TEXT NOT NULL REFERENCES merchants(id),
  mode        TEXT NOT NULL CHECK (mode IN ('test', 'live')),
  provider    TEXT NOT NULL CHECK (provider IN ('bkash', 'nagad')),
  account     TEXT NOT NULL,
  sealed      TEXT NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (merchant_id, mode, provider)
);
