-- TEST ONLY, applied by `make test` to its LOCAL database (never `make dev`, never remote):
-- a live-mode key for the demo merchant, `sk_live_test_only_demo_0001`, and one live event
-- (stamped now, so the nightly retention keeps it during the run),
-- so the tests can check that a test key never sees live objects (and the other way round).
-- key_hash = SHA-256("sk_live_test_only_demo_0001").
INSERT OR IGNORE INTO api_keys (key_hash, merchant_id, mode, prefix, created_at)
  VALUES ('2d2427a76f63a11a3b76d90b683a803265dc0f400018e1b516951d05cf5ab11a', 'mer_demo', 'live',
          'sk_live_test', 0);
INSERT OR IGNORE INTO events (id, merchant_id, mode, type, payment_id, refund_id, payload, created_at)
  VALUES ('evt_livetestonly000000000000', 'mer_demo', 'live', 'payment.succeeded',
          'pay_livetestonly000000000000', NULL,
          '{"id":"evt_livetestonly000000000000","object":"event","type":"payment.succeeded","livemode":true}',
          CAST(strftime('%s', 'now') AS INTEGER) * 1000);
