-- TEST ONLY, applied by `make test` to its LOCAL database (never `make dev`, never remote):
-- one live event of the demo merchant (stamped now, so the nightly retention keeps it during
-- the run), so the tests can check that a test key never sees live objects (and the other way
-- round). The demo merchant and its live key (`sk_live_test_only_demo_0001`) are made through
-- the admin API by scripts/lib.sh seed_demo_merchant.
INSERT OR IGNORE INTO events (id, merchant_id, mode, type, payment_id, refund_id, payload, created_at)
  VALUES ('evt_livetestonly000000000000', 'mer_demo', 'live', 'payment.succeeded',
          'pay_livetestonly000000000000', NULL,
          '{"id":"evt_livetestonly000000000000","object":"event","type":"payment.succeeded","livemode":true}',
          CAST(strftime('%s', 'now') AS INTEGER) * 1000);
