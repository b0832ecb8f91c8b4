#!/usr/bin/env bash
# `make dev`: the provider sandbox on :8790, the worker on :8787 (local D1, Durable Objects,
# KV, cron), the demo shop at http://127.0.0.1:8787/. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
EDGE_PORT=${BDPAY_EDGE_PORT:-8787}
SANDBOX_PORT=${BDPAY_SANDBOX_PORT:-8790}
mkdir -p "$STATE_DIR/logs"
trap 'echo; say "stopping"; stop_stack; exit 0' INT TERM
trap 'stop_stack' EXIT

say "starting the provider sandbox on :$SANDBOX_PORT"
start_sandbox "$SANDBOX_PORT" "$EDGE_PORT" "$STATE_DIR/logs/sandbox.log"
say "starting the worker on :$EDGE_PORT (wrangler dev --local)"
start_edge "$EDGE_PORT" "$SANDBOX_PORT" "$STATE_DIR/dev-state" "$STATE_DIR/logs/edge.log"
register_demo_webhook "$EDGE_PORT" "$STATE_DIR/dev-state" \
  || say "could not register the demo webhook endpoint (see $STATE_DIR/logs/edge.log)"

cat <<BANNER

  bdpay is running.
    demo shop     http://127.0.0.1:$EDGE_PORT/
    health        http://127.0.0.1:$EDGE_PORT/healthz
    widget        http://127.0.0.1:$EDGE_PORT/bdpay.js
    sandbox       http://127.0.0.1:$SANDBOX_PORT/__control/ledger
    merchant key  sk_test_demo
    onboarding    BDPAY_ADMIN_TOKEN=$TEST_ADMIN_TOKEN cargo run -q -p bdpay-admin -- merchants list (TEST token)
    webhooks      http://127.0.0.1:$EDGE_PORT/demo/webhooks (the demo's receiver; secret $DEMO_WEBHOOK_SECRET, TEST ONLY)
    logs          $STATE_DIR/logs/{edge,sandbox}.log (following the worker's below)
  Ctrl-C stops everything.

BANNER
setsid tail -n +1 -f "$STATE_DIR/logs/edge.log" &
TAIL=$!
STACK_PIDS+=("$TAIL")
wait -n "${STACK_PIDS[@]}" 2>/dev/null || true
say "a service stopped; shutting down"
