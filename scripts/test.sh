#!/usr/bin/env bash
# `make test`: every test, in the order that fails fastest. Host unit and property tests,
# lints, the widget in headless Chromium, then the real worker (wrangler dev, local D1/DO/KV)
# against the provider sandbox over HTTP (integration, end to end, restart drills, the
# contract test against docs/api.openapi.yaml), then a scan of every log for leaked secrets.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
EDGE_PORT=${BDPAY_TEST_EDGE_PORT:-18787}
SANDBOX_PORT=${BDPAY_TEST_SANDBOX_PORT:-18790}
# Every Nagad call of the edge goes through the egress relay (bdpay-relay), as live.
export BDPAY_RELAY_PORT=${BDPAY_TEST_RELAY_PORT:-$((SANDBOX_PORT + 2))}
LOGS="$STATE_DIR/test-logs"
rm -rf "$LOGS" "$STATE_DIR/test-state" "$STATE_DIR/prod-state"
mkdir -p "$LOGS"
trap 'stop_stack' EXIT
started=$(date +%s)

say "1/6 host tests: shared, edge logic, sandbox (unit, property, sandbox over HTTP)"
cargo test -q --workspace --exclude bdpay-tests --exclude bdpay-widget
cargo test -q -p bdpay-widget --lib

say "2/6 lints (rustfmt, clippy -D warnings: host and wasm32)"
cargo fmt --all --check
cargo clippy -q --workspace --exclude bdpay-edge --exclude bdpay-widget --all-targets -- -D warnings
cargo clippy -q -p bdpay-edge -p bdpay-widget -p bdpay-widget-floor -p bdpay-shared --target wasm32-unknown-unknown -- -D warnings

say "3/6 widget in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 \
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p bdpay-widget --target wasm32-unknown-unknown --test web

say "4/6 build: edge (worker-build), widget (wasm-opt), sandbox, relay; deploy check (dry run)"
make --no-print-directory build
scripts/bench-widget.sh --budget
scripts/deploy-check.sh

say "5/6 integration and end to end: worker on :$EDGE_PORT against the sandbox on :$SANDBOX_PORT (Nagad via the relay on :$BDPAY_RELAY_PORT)"
# Merchant webhooks retry on a 1 s base here (60 s live) so the retry tests take seconds.
export BDPAY_WEBHOOK_RETRY_BASE_SECS=1
# A refund the provider never lists needs a person after 60 s here (6 h live).
export BDPAY_REFUND_GIVE_UP_SECS=60
# A provider's breaker lets a probe through 2 s after it opened here (30 s live).
export BDPAY_BREAKER_COOLDOWN_SECS=2
# Test fixtures beside the dev seed: a live key and a live event (edge/seeds/test.sql).
export BDPAY_TEST_SEED=edge/seeds/test.sql
start_sandbox "$SANDBOX_PORT" "$EDGE_PORT" "$LOGS/sandbox.log"
start_relay "$BDPAY_RELAY_PORT" "$SANDBOX_PORT" "$LOGS/relay.log"
start_edge "$EDGE_PORT" "$SANDBOX_PORT" "$STATE_DIR/test-state" "$LOGS/edge.log"
BDPAY_EDGE_URL="http://127.0.0.1:$EDGE_PORT" BDPAY_SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT" \
  BDPAY_PERSIST_DIR="$STATE_DIR/test-state" \
  cargo test -q -p bdpay-tests -- --test-threads 4
# Tests that write the local D1 directly (wrangler d1 execute) run alone: while wrangler holds
# the database the worker may get SQLITE_BUSY, which would fail a test running beside them.
# So does the provider-health drill: it takes bKash down for everyone (and leaves it up).
BDPAY_EDGE_URL="http://127.0.0.1:$EDGE_PORT" BDPAY_SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT" \
  BDPAY_PERSIST_DIR="$STATE_DIR/test-state" \
  cargo test -q -p bdpay-tests -- --ignored --test-threads 1 \
  hardening::a_crashed_requests_key_is_taken_over_after_a_minute \
  hardening::a_refund_re_run_after_a_crash_finds_the_refund_already_made \
  hardening::the_nightly_cron_deletes_only_what_is_past_its_retention \
  health::provider_health_bkash_down_is_announced_once_and_a_probe_brings_it_up \
  outage::both_wallets_down_the_checkout_still_succeeds
say "   end to end: the demo shop in headless Chromium (360x740, slow 3G, 4x CPU)"
BDPAY_EDGE_URL="http://127.0.0.1:$EDGE_PORT" BDPAY_SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT" \
  BDPAY_E2E_OUT="$STATE_DIR/e2e" node tests/e2e/run.mjs
say "   end to end: the finance view at 360x740 in Bangla and English (a day reconciled through the API)"
BDPAY_EDGE_URL="http://127.0.0.1:$EDGE_PORT" BDPAY_SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT" \
  BDPAY_E2E_OUT="$STATE_DIR/e2e" node tests/e2e/finance.mjs
BDPAY_EDGE_URL="http://127.0.0.1:$EDGE_PORT" BDPAY_SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT" BDPAY_E2E_OUT="$STATE_DIR/e2e" node tests/e2e/risk.mjs
say "   restart drills: the worker killed mid-payment (executes in flight) and mid-batch, and back under a new data key"
drill() {
  BDPAY_EDGE_URL="http://127.0.0.1:$EDGE_PORT" BDPAY_SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT" \
    BDPAY_PERSIST_DIR="$STATE_DIR/test-state" BDPAY_BATCH_LINES=60 \
    cargo test -q -p bdpay-tests -- --ignored --exact --test-threads 2 "$@"
}
drill restart::payment_restart_drill_1_executes_in_flight refunds::batch::batch_restart_drill_1_post \
  keys::key_drill_1_under_k1
# Restarted on the same state with a new data key (TEST key k2 current, k1 old): the key drill
# reads old data, rotates everything to k2, and checks D1 holds nothing under k1 any more.
BDPAY_TEST_DATA_KEY_ID=k2 restart_edge "$EDGE_PORT" "$SANDBOX_PORT" "$STATE_DIR/test-state" \
  "$LOGS/edge-after-restart.log"
drill restart::payment_restart_drill_2_every_payment_settles_once refunds::batch::batch_restart_drill_2_check \
  keys::key_drill_2_under_k2
say "   production by default: a worker with BDPAY_ENV=staging behaves as production"
PROD_PORT=$((EDGE_PORT + 10))
BDPAY_ENV_FOR_EDGE=staging start_edge "$PROD_PORT" "$SANDBOX_PORT" "$STATE_DIR/prod-state" "$LOGS/edge-production.log"
BDPAY_PROD_EDGE_URL="http://127.0.0.1:$PROD_PORT" cargo test -q -p bdpay-tests -- --ignored --exact \
  production::an_unknown_bdpay_env_is_production_no_demo_routes_no_test_ipn_rules
say "   contract: schemathesis against docs/api.openapi.yaml (every route, bounded in time)"
# Last while the stack is up: it registers webhook endpoints (loopback only) for the demo merchant.
BDPAY_EDGE_URL="http://127.0.0.1:$EDGE_PORT" scripts/contract.sh
stop_stack

say "6/6 log scan: no full phone number, token or secret in any log"
scripts/scan-logs-selftest.sh
scripts/scan-logs.sh "$LOGS"

say "all tests passed in $(( $(date +%s) - started ))s"
