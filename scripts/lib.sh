# shellcheck shell=bash
# The local stack (provider sandbox + worker in `wrangler dev`), started and stopped the same
# way by dev.sh, test.sh and bench.sh. Sourced, not run. Each service runs in its own process
# group so stop_stack ends it and everything it spawned (workerd).

STACK_PIDS=()
STATE_DIR="${STATE_DIR:-.bdpay}"

say() { printf '\033[1m%s\033[0m\n' "$*"; }

# wait_http URL SECONDS NAME LOG: polls until URL answers 2xx, else shows the log and fails.
wait_http() {
  local url=$1 secs=$2 name=$3 log=$4 i
  for ((i = 0; i < secs * 4; i++)); do
    if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then return 0; fi
    sleep 0.25
  done
  echo "$name did not answer at $url within ${secs}s; its log ($log):" >&2
  tail -n 40 "$log" >&2
  return 1
}

# Test keys from tests/sandbox/test-keys as bare base64 DER, the form providers hand out.
der_b64() { grep -v -- '-----' "$1" | tr -d '\n\r '; }

# test_data_keys: the TEST data keys (never live). Default: the first test key, id k1 (unset
# BDPAY_DATA_KEY_ID reads as k1). BDPAY_TEST_DATA_KEY_ID=k2: a second TEST key is current and
# k1 stays readable, as after a rotation (the key-rotation drill, tests/tests/it/keys.rs).
TEST_DATA_KEY_1="dGVzdC1vbmx5LWRhdGEta2V5LTMyLWJ5dGVzLWxvbmc="
TEST_DATA_KEY_2="dGVzdC1vbmx5LXNlY29uZC1rZXktMzItYnl0ZXMtISE="
test_data_keys() {
  if [[ "${BDPAY_TEST_DATA_KEY_ID:-k1}" == "k2" ]]; then
    printf 'BDPAY_DATA_KEY="%s"\nBDPAY_DATA_KEY_ID="k2"\nBDPAY_DATA_KEYS_OLD="k1:%s"\n' "$TEST_DATA_KEY_2" "$TEST_DATA_KEY_1"
  else
    printf 'BDPAY_DATA_KEY="%s"\n' "$TEST_DATA_KEY_1"
  fi
}

# write_dev_vars FILE: the dev configuration's secrets (all sandbox test values, clearly marked).
write_dev_vars() {
  local keys=tests/sandbox/test-keys
  mkdir -p "$(dirname "$1")"
  cat >"$1" <<VARS
# Written by scripts/lib.sh: TEST secrets for the local sandbox only. Never use them live.
BKASH_PASSWORD="sandboxTokenizedUser02@12345"
BKASH_APP_SECRET="2is7hdktrekvrbljjh44ll3d9l1dtjo4pasmjvs5vl5qr3fug4b"
NAGAD_MERCHANT_PRIVATE_KEY="$(der_b64 $keys/nagad-merchant.key.pem)"
NAGAD_PG_PUBLIC_KEY="$(der_b64 $keys/nagad-gateway.pub.pem)"
BKASH_SNS_CERT_PEM_B64="$(base64 -w0 $keys/sns-signing.cert.pem)"
$(test_data_keys)
BDPAY_HASH_KEY="dGVzdC1vbmx5LWhhc2gta2V5LWZvci1waG9uZS1sb29rdXBz"
BDPAY_DEMO_WEBHOOK_SECRET="$DEMO_WEBHOOK_SECRET"
BDPAY_ADMIN_TOKEN="$TEST_ADMIN_TOKEN"
SMS_API_KEY="test_only_sms_api_key_0001"
VARS
  # With the Nagad relay in the stack (BDPAY_RELAY_PORT): the key the edge signs relayed calls with.
  if [[ -n "${BDPAY_RELAY_PORT:-}" ]]; then
    echo "NAGAD_EGRESS_RELAY_KEY=\"$RELAY_TEST_KEY\"" >>"$1"
  fi
}

# The Nagad relay's signing key (TEST ONLY, local stack): start_relay gives it to the relay as
# BDPAY_RELAY_KEY, the dev vars give it to the edge as NAGAD_EGRESS_RELAY_KEY.
RELAY_TEST_KEY="test_only_nagad_relay_key_local_stack_0001"

# start_relay PORT SANDBOX_PORT LOG: the Nagad egress relay (target/release/bdpay-relay) in front
# of the sandbox's Nagad API; start_edge routes Nagad through it when BDPAY_RELAY_PORT is set.
start_relay() {
  local port=$1 sbx=$2 log=$3
  BDPAY_RELAY_KEY="$RELAY_TEST_KEY" setsid target/release/bdpay-relay --listen "127.0.0.1:$port" \
    --nagad-base-url "http://127.0.0.1:$sbx/nagad/remote-payment-gateway-1.0/api/dfs" >"$log" 2>&1 </dev/null &
  STACK_PIDS+=($!)
  # Any answer will do (an unsigned call is a 403): curl without -f.
  local i
  for ((i = 0; i < 40; i++)); do
    if curl -sS -o /dev/null --max-time 2 "http://127.0.0.1:$port/" 2>/dev/null; then return 0; fi
    sleep 0.25
  done
  echo "relay did not answer at 127.0.0.1:$port within 10s; its log ($log):" >&2
  tail -n 40 "$log" >&2
  return 1
}

# The operators' token for /admin/… (TEST ONLY; tests/support/lib.rs ADMIN_TOKEN).
TEST_ADMIN_TOKEN="adm_test_only_operator_token_0001"

# The demo shop's webhook signing secret (TEST ONLY): the dev vars give it to the demo's
# receiver (/demo/webhooks), register_demo_webhook registers the endpoint with it.
DEMO_WEBHOOK_SECRET="whsec_test_only_demo_shop_webhook_secret_0001"

# register_demo_webhook EDGE_PORT PERSIST_DIR: the dev configuration's webhook endpoint, the
# demo shop's own receiver, registered through the public API once per local database.
register_demo_webhook() {
  local port=$1 persist=$2 marker="$2/demo-webhook-endpoint.id"
  [[ -s "$marker" ]] && return 0
  curl -fsS -X POST "http://127.0.0.1:$port/v1/webhook_endpoints" \
    -H "Authorization: Bearer sk_test_demo" -H "Content-Type: application/json" \
    -d "{\"url\":\"http://127.0.0.1:$port/demo/webhooks\",\"events\":[\"*\"],\"secret\":\"$DEMO_WEBHOOK_SECRET\"}" \
    -o "$marker.tmp" || return 1
  # Keep the endpoint's id, not its secret.
  grep -o '"id":"we_[a-z0-9]*"' "$marker.tmp" >"$marker" && rm -f "$marker.tmp"
}

# start_sandbox PORT EDGE_PORT LOG
start_sandbox() {
  local port=$1 edge=$2 log=$3
  setsid target/release/bdpay-sandbox --port "$port" \
    --bkash-webhook-url "http://127.0.0.1:$edge/v1/ipn/bkash" \
    --nagad-ipn-url "http://127.0.0.1:$edge/v1/ipn/nagad" >"$log" 2>&1 &
  STACK_PIDS+=($!)
  wait_http "http://127.0.0.1:$port/__control/faults" 30 sandbox "$log"
}

# start_edge PORT SANDBOX_PORT PERSIST_DIR LOG: migrations, wrangler dev, then (dev workers) the
# demo merchant through the operators' own path (seed_demo_merchant).
start_edge() {
  local port=$1 sbx=$2 persist=$3 log=$4 vars="$STATE_DIR/dev.vars"
  write_dev_vars "$vars"
  local env_files=(--env-file "$vars") relay_vars=()
  [[ -n "${BDPAY_RELAY_PORT:-}" ]] && relay_vars=(--var "NAGAD_EGRESS_RELAY:http://127.0.0.1:$BDPAY_RELAY_PORT/")
  [[ -f .dev.vars ]] && env_files+=(--env-file .dev.vars)
  CI=true wrangler d1 migrations apply DB --local --persist-to "$persist" >"$log.migrate" 2>&1 \
    || { cat "$log.migrate" >&2; return 1; }
  # make test adds its own fixture (BDPAY_TEST_SEED=edge/seeds/test.sql): a live event.
  if [[ -n "${BDPAY_TEST_SEED:-}" ]]; then
    wrangler d1 execute DB --local --persist-to "$persist" --file "$BDPAY_TEST_SEED" >>"$log.migrate" 2>&1 \
      || { cat "$log.migrate" >&2; return 1; }
  fi
  setsid wrangler dev --local --ip 127.0.0.1 --port "$port" --inspector-port "$((port + 1000))" \
    --persist-to "$persist" --test-scheduled --show-interactive-dev-session=false "${env_files[@]}" \
    --var "BKASH_BASE_URL:http://127.0.0.1:$sbx/bkash/v1.2.0-beta/tokenized/checkout" \
    --var "BKASH_REFUND_BASE_URL:http://127.0.0.1:$sbx/bkash" \
    --var "BKASH_SNS_CERT_HOSTS:127.0.0.1:$sbx" \
    --var "NAGAD_BASE_URL:http://127.0.0.1:$sbx/nagad/remote-payment-gateway-1.0/api/dfs" "${relay_vars[@]}" \
    --var "SMS_GATEWAY_URL:http://127.0.0.1:$sbx/sms/api/smsapi" --var "SMS_SENDER_ID:bdpay" \
    --var "PUBLIC_ORIGIN:http://127.0.0.1:$port" --var "BDPAY_ENV:${BDPAY_ENV_FOR_EDGE:-dev}" \
    --var "BDPAY_GEO_STAND_IN:${BDPAY_GEO_STAND_IN:-BD-C}" \
    --var "BDPAY_WEBHOOK_RETRY_BASE_SECS:${BDPAY_WEBHOOK_RETRY_BASE_SECS:-60}" \
    --var "BDPAY_REFUND_GIVE_UP_SECS:${BDPAY_REFUND_GIVE_UP_SECS:-21600}" \
    --var "BDPAY_BREAKER_COOLDOWN_SECS:${BDPAY_BREAKER_COOLDOWN_SECS:-30}" >"$log" 2>&1 </dev/null &
  STACK_PIDS+=($!)
  EDGE_PID=$!
  wait_http "http://127.0.0.1:$port/healthz" 180 "worker (wrangler dev)" "$log"
  if [[ "${BDPAY_ENV_FOR_EDGE:-dev}" == dev ]]; then
    seed_demo_merchant "$port" "$persist" >>"$log.migrate" 2>&1 || { cat "$log.migrate" >&2; return 1; }
    seed_demo_finance "$port" "$sbx" >>"$log.migrate" 2>&1 || { cat "$log.migrate" >&2; return 1; }
    seed_demo_settings "$port" >>"$log.migrate" 2>&1 || { cat "$log.migrate" >&2; return 1; }
  fi
}

# admin ARGS…: bdpay-admin (target/release) against the worker on $ADMIN_PORT with the TEST
# admin token. Its answers may hold a key: they go to /dev/null, never to a log. "Already
# exists" (409) counts as done, so a database seeded before is seeded again harmlessly.
admin() {
  local out
  out=$(BDPAY_ADMIN_TOKEN="$TEST_ADMIN_TOKEN" BDPAY_EDGE_URL="http://127.0.0.1:$ADMIN_PORT" \
    target/release/bdpay-admin "$@" 2>&1 >/dev/null) && return 0
  [[ "$out" == *"answered 409"* ]] && return 0
  echo "bdpay-admin $1 $2: $out" >&2
  return 1
}

# seed_demo_merchant EDGE_PORT PERSIST_DIR: the dev configuration's demo merchant, made the way
# an operator onboards a shop (bdpay-admin → the admin API), once per local database: `mer_demo`,
# its documented TEST key `sk_test_demo` (a chosen key: only a dev worker takes one), and its own
# sandbox credentials for both wallets (the published bKash sandbox set; the TEST Nagad keys).
# make test (BDPAY_TEST_SEED set) also gives it a live key, sk_live_test_only_demo_0001 (TEST ONLY).
seed_demo_merchant() {
  local marker="$2/demo-merchant.seeded" keys=tests/sandbox/test-keys
  [[ -f "$marker" ]] && return 0
  ADMIN_PORT=$1
  admin merchants create --id mer_demo --name "Demo Shop" || return 1
  admin keys issue --merchant mer_demo --mode test --key sk_test_demo || return 1
  if [[ -n "${BDPAY_TEST_SEED:-}" ]]; then
    admin keys issue --merchant mer_demo --mode live --key sk_live_test_only_demo_0001 || return 1
  fi
  BKASH_PASSWORD="sandboxTokenizedUser02@12345" BKASH_APP_SECRET="2is7hdktrekvrbljjh44ll3d9l1dtjo4pasmjvs5vl5qr3fug4b" \
    admin credentials set --merchant mer_demo --mode test --provider bkash \
    --username sandboxTokenizedUser02 --app-key 4f6o0cjiki2rfm34kfdadl1eqq || return 1
  admin credentials set --merchant mer_demo --mode test --provider nagad --merchant-id 683002007104225 \
    --private-key-file "$keys/nagad-merchant.key.pem" --pg-public-key-file "$keys/nagad-gateway.pub.pem" || return 1
  touch "$marker"
}

# seed_demo_finance EDGE_PORT SANDBOX_PORT: the demo merchant's statement URLs, the sandbox's
# statement exports (its own bKash account only), set on every start (the sandbox's port may
# differ between dev and test; PUT is idempotent).
seed_demo_finance() {
  ADMIN_PORT=$1
  local base="http://127.0.0.1:$2/__control/statements"
  admin finance set --merchant mer_demo --mode test \
    --bkash-statement-url "$base/bkash/{date}?format=csv&merchant=sandboxTokenizedUser02" \
    --nagad-statement-url "$base/nagad/{date}?format=csv" --nagad-settlement standard
}

# seed_demo_settings EDGE_PORT: the demo merchant's checkout settings (docs/risk.md), set on
# every start. Its velocity, new-customer and device limits are OFF: the demo shop and the
# tests pay hundreds of times a run from the same few sandbox wallets and one browser. Every
# other merchant (bdpay-admin merchants create) starts with the defaults, and the risk tests
# use merchants of their own.
seed_demo_settings() {
  local key keys=(sk_test_demo)
  [[ -n "${BDPAY_TEST_SEED:-}" ]] && keys+=(sk_live_test_only_demo_0001)
  for key in "${keys[@]}"; do
    curl -fsS -o /dev/null -X PUT "http://127.0.0.1:$1/v1/settings" \
      -H "authorization: Bearer $key" -H "content-type: application/json" \
      -d '{"risk": {"phone_payments_per_10_min": null, "phone_amount_per_day": null,
           "device_payments_per_10_min": null, "device_amount_per_day": null,
           "new_customer_max": null, "device_max_phones_per_day": null}}' || return 1
  done
}

# restart_edge PORT SANDBOX_PORT PERSIST_DIR LOG: kills the worker (as a crash would: no
# graceful stop) and starts it again on the same local state.
restart_edge() {
  kill -KILL -- "-$EDGE_PID" 2>/dev/null || true
  for _ in $(seq 40); do kill -0 "$EDGE_PID" 2>/dev/null || break; sleep 0.25; done
  start_edge "$@"
}

stop_stack() {
  local pid
  for pid in "${STACK_PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${STACK_PIDS[@]}"; do
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  done
  STACK_PIDS=()
}
