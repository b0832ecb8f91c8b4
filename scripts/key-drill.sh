#!/usr/bin/env bash
# The key-rotation drill (tests/tests/it/keys.rs), by hand: the worker under TEST key k1,
# part 1; the worker restarted on the same persisted state with TEST key k2 current and k1
# old, part 2 (reads, rotation, every ciphertext in D1 under k2). Needs `make build` first.
# Ports: BDPAY_DRILL_EDGE_PORT (default 48787), BDPAY_DRILL_SANDBOX_PORT (48790).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
EDGE_PORT=${BDPAY_DRILL_EDGE_PORT:-48787}
SANDBOX_PORT=${BDPAY_DRILL_SANDBOX_PORT:-48790}
STATE="$STATE_DIR/key-drill-state"
LOGS="$STATE_DIR/key-drill-logs"
rm -rf "$STATE" "$LOGS"
mkdir -p "$LOGS"
trap 'stop_stack' EXIT
export BDPAY_WEBHOOK_RETRY_BASE_SECS=1
export BDPAY_EDGE_URL="http://127.0.0.1:$EDGE_PORT" BDPAY_SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT"
export BDPAY_PERSIST_DIR="$STATE"

say "1/2 worker under TEST key k1"
start_sandbox "$SANDBOX_PORT" "$EDGE_PORT" "$LOGS/sandbox.log"
start_edge "$EDGE_PORT" "$SANDBOX_PORT" "$STATE" "$LOGS/edge-k1.log"
cargo test -q -p bdpay-tests -- --ignored --exact keys::key_drill_1_under_k1 --nocapture
stop_stack

say "2/2 restarted: TEST key k2 current, k1 old (same persisted state)"
start_sandbox "$SANDBOX_PORT" "$EDGE_PORT" "$LOGS/sandbox.log"
BDPAY_TEST_DATA_KEY_ID=k2 start_edge "$EDGE_PORT" "$SANDBOX_PORT" "$STATE" "$LOGS/edge-k2.log"
cargo test -q -p bdpay-tests -- --ignored --exact keys::key_drill_2_under_k2 --nocapture
stop_stack
scripts/scan-logs.sh "$LOGS"
say "key drill passed"
