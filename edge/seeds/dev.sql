-- The demo merchant of the dev configuration, secret key `sk_test_demo` (test mode: it talks
-- to the sandbox). Applied by `make dev` and `make test` to the LOCAL database only, never by
-- `wrangler d1 migrations apply --remote`. key_hash = SHA-256("sk_test_demo").
INSERT OR IGNORE INTO merchants (id, name, created_at)
  VALUES ('mer_demo', 'Demo Shop', 0);
INSERT OR IGNORE INTO api_keys (key_hash, merchant_id, mode, prefix, created_at)
  VALUES ('5d48f1024f38b44ad9ddc03dc12b2a8287c7ec690065dcef384cb1fd1753626d', 'mer_demo', 'test', 'sk_test_demo', 0);
