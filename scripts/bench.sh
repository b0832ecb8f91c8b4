#!/usr/bin/env bash
# `make bench`: every benchmark, printed. Machines are shared and noisy: compare within one run
# (the sandbox alone, an empty Rust worker and an empty page are measured beside our figures).
# How each figure is measured: docs/performance.md. BDPAY_BENCH_STEPS="5 6" runs only those steps
# (and step 4, the stack, when one of them needs it); unset, every step runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
EDGE_PORT=${BDPAY_BENCH_EDGE_PORT:-38787}
SANDBOX_PORT=${BDPAY_BENCH_SANDBOX_PORT:-38790}
EMPTY_PORT=${BDPAY_BENCH_EMPTY_PORT:-38788}
LOGS="$STATE_DIR/bench-logs"
rm -rf "$LOGS" "$STATE_DIR/bench-state" "$STATE_DIR/bench-empty-state"
mkdir -p "$LOGS"
trap 'stop_stack' EXIT

# start_empty_worker PORT PERSIST_DIR LOG SANDBOX_PORT: the baseline worker (tests/empty-worker) in
# its own `wrangler dev` and process group, as start_edge runs ours; its "calls" side calls the
# sandbox where ours calls a provider (a cheap GET). Sets EMPTY_PID (= its pgid).
start_empty_worker() {
  local port=$1 persist=$2 log=$3 sbx=$4
  setsid wrangler dev --config tests/empty-worker/wrangler.toml --local --ip 127.0.0.1 --port "$port" \
    --inspector-port "$((port + 1000))" --persist-to "$persist" --show-interactive-dev-session=false \
    --var "BENCH_OUTBOUND_URL:http://127.0.0.1:$sbx/__control/faults" \
    >"$log" 2>&1 </dev/null &
  STACK_PIDS+=($!)
  EMPTY_PID=$!
  wait_http "http://127.0.0.1:$port/healthz" 180 "empty worker (wrangler dev)" "$log"
}

# want N: whether step N is to run.
want() { [[ -z "${BDPAY_BENCH_STEPS:-}" || " ${BDPAY_BENCH_STEPS//,/ } " == *" $1 "* ]]; }
# step HEADING / took: a step's heading, and afterwards how long it took and how busy the machine was
# (other work on a shared machine slows latency figures most; CPU figures less).
step() { STEP_START=$SECONDS; say "$@"; }
took() {
  printf '  (step took %d s; load average %s on %s CPUs)\n' "$((SECONDS - STEP_START))" "$(cut -d' ' -f1 /proc/loadavg)" "$(nproc)"
}
needs_stack() { local n; for n in 4 5 6 7 8 9; do want "$n" && return 0; done; return 1; }

STACK_ENV=(BDPAY_EDGE_URL="http://127.0.0.1:$EDGE_PORT" BDPAY_SANDBOX_URL="http://127.0.0.1:$SANDBOX_PORT")

if want 1; then
  step "1/10 domain: money and phone parsing/formatting (criterion)"
  cargo bench -q -p bdpay-shared --bench domain 2>&1 | grep -E "^[a-z].*|time:" | sed 's/^/  /'
  took
fi

if want 2; then
  step "2/10 recon: the reconciliation matcher at 10k, 100k and 1M lines a side, beside a naive all-pairs loop at 10k"
  cargo bench -q -p bdpay-shared --features finance --bench recon 2>&1 | sed 's/^/  /'
  took
fi

if want 3; then
  step "3/10 the provider sandbox alone: grant + create + page + execute on loopback"
  cargo bench -q -p bdpay-sandbox --bench throughput 2>&1 | sed 's/^/  /'
  took
fi

if needs_stack; then
  step "4/10 starting the stack (worker on :$EDGE_PORT, sandbox on :$SANDBOX_PORT) and an empty Rust worker on :$EMPTY_PORT"
  start_sandbox "$SANDBOX_PORT" "$EDGE_PORT" "$LOGS/sandbox.log"
  start_edge "$EDGE_PORT" "$SANDBOX_PORT" "$STATE_DIR/bench-state" "$LOGS/edge.log"
  start_empty_worker "$EMPTY_PORT" "$STATE_DIR/bench-empty-state" "$LOGS/empty.log" "$SANDBOX_PORT"
  took
fi

if want 5; then
  step "5/10 the edge's CPU per request, ours minus an empty Rust worker and minus the runtime calls alone: status, create, confirm (bKash, Nagad), bKash return"
  env "${STACK_ENV[@]}" BDPAY_EMPTY_URL="http://127.0.0.1:$EMPTY_PORT" BDPAY_EDGE_PGID="$EDGE_PID" \
    BDPAY_EMPTY_PGID="$EMPTY_PID" cargo bench -q -p bdpay-tests --bench edge_load 2>&1 | grep -v "^$"
  took
fi

if want 6; then
  step "6/10 whole bKash checkouts at concurrency 8 and 32, beside the sandbox alone doing the provider's part"
  env "${STACK_ENV[@]}" BDPAY_EDGE_PGID="$EDGE_PID" cargo bench -q -p bdpay-tests --bench checkout_load 2>&1 | grep -v "^$"
  took
fi

if want 7; then
  step "7/10 a refund batch of ${BDPAY_BENCH_BATCH_LINES:-10000} lines end to end (the payments are made first, untimed)"
  env "${STACK_ENV[@]}" cargo bench -q -p bdpay-tests --bench refund_batch 2>&1 | grep -v "^$"
  took
fi

if want 8; then
  step "8/10 success under faults: ${BDPAY_BENCH_CHECKOUTS:-1000} checkouts while bKash fails 30 %, then is down; failover on and off"
  env "${STACK_ENV[@]}" cargo bench -q -p bdpay-tests --bench failover 2>&1 | grep -v "^$"
  took
fi

if want 9; then
  step "9/10 the widget: bytes a shopper downloads, first paint and interactive on Slow 3G and Slow 4G"
  BDPAY_EDGE_URL="http://127.0.0.1:$EDGE_PORT" scripts/bench-widget.sh
  took
fi

if want 10; then
  step "10/10 where the widget's bytes go: twiggy on the phone and desktop builds, by crate and by item"
  scripts/bench-widget.sh --bytes
  took
fi
