-- Keys issued through the admin API (`bdpay-admin`): a secret key reads and writes, a
-- restricted (`rk_…`) key only reads (finance views). Existing keys are secret keys.
ALTER TABLE api_keys ADD COLUMN kind TEXT NOT NULL DEFAULT 'secret' CHECK (kind IN ('secret', 'read_only'));
CREATE INDEX api_keys_by_merchant ON api_keys (merchant_id);
CREATE UNIQUE INDEX api_keys_by_prefix ON api_keys (prefix);
