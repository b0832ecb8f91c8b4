#!/usr/bin/env bash
# `make bench`: every benchmark, printed. Machines are shared and noisy: compare ratios
# within one run (the sandbox alone and an empty page are measured beside our figures).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
EDGE_PORT=${BDPAY_BENCH_EDGE_PORT:-38787}
SANDBOX_PORT=${BDPAY_BENCH_SANDBOX_PORT:-38790}
LOGS="$STATE_DIR/bench-logs"
rm -rf "$LOGS" "$STATE_DIR/bench-state"
mkdir -p "$LOGS"
trap 'stop_stack' EXIT

say "1/8 domain: money and phone parsing/formatting (criterion)"
cargo bench -q -p bdpay-shared --bench domain 2>&1 | grep -E "^[a-z].*|time:" | sed 's/^/  /'

say "2/8 recon: the reconciliation matcher at 10k, 100k and 1M lines a side, beside a naive all-pairs loop at 10k"
cargo bench -q -p bdpay-shared --features finance --bench recon 2>&1 | sed 's/^/  /'

say "3/8 the provider sandbox alone: grant + create + page + execute on loopback"
cargo bench -q -p bdpay-sandbox --bench throughput 2>&1 | sed 's/^/  /'

say "4/8 starting the stack (worker on :$EDGE_PORT, sandbox on :$SANDBOX_PORT)"
start_sandbox "$SANDBOX_PORT" "$EDGE_PORT" "$LOGS/sandbox.log"
start_edge "$EDGE_PORT" "$SANDBOX_PORT" "$STATE_DIR/bench-state" "$LOGS/edge.log"
WORKERD_PIDS=$(pgrep -d, -f 'workerd serve' || true)

say "5/8 the edge under load: create, confirm, status"
BDPAY_EDGE_URL="http://127.0.0.1:$EDGE_PORT" BDPAY_SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT" \
  BDPAY_WORKERD_PIDS="$WORKERD_PIDS" cargo bench -q -p bdpay-tests --bench edge_load 2>&1 | grep -v "^$"

say "6/8 a refund batch of ${BDPAY_BENCH_BATCH_LINES:-10000} lines end to end (the payments are made first, untimed)"
BDPAY_EDGE_URL="http://127.0.0.1:$EDGE_PORT" BDPAY_SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT" \
  cargo bench -q -p bdpay-tests --bench refund_batch 2>&1 | grep -v "^$"

say "7/8 success under faults: ${BDPAY_BENCH_CHECKOUTS:-1000} checkouts while bKash fails 30 %, then is down; failover on and off"
BDPAY_EDGE_URL="http://127.0.0.1:$EDGE_PORT" BDPAY_SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT" \
  cargo bench -q -p bdpay-tests --bench failover 2>&1 | grep -v "^$"

say "8/8 the widget: bytes a shopper downloads, first paint and interactive on slow 3G"
BDPAY_EDGE_URL="http://127.0.0.1:$EDGE_PORT" scripts/bench-widget.sh
