#!/usr/bin/env bash
# The contract test: schemathesis generates requests from docs/api.openapi.yaml (examples,
# boundaries and violations of each schema, random data, and chains through the spec's links)
# and checks the running worker's answers: no 5xx, every status documented, the content type
# and the body conform to the schema, invalid input refused. Authenticated as the demo merchant
# (`sk_test_demo`), except the checkout settings and the blocklist: those run as a merchant of
# the contract test's own (`mer_contract`, made here through the admin API with the TEST admin
# token of scripts/lib.sh), so nothing generated can switch the demo merchant's risk limits on or
# block a wallet the other suites pay with. Settings: tests/contract/schemathesis.toml; hooks
# (every webhook endpoint it creates points at loopback; the contract merchant never shares its
# blocklist): tests/contract/hooks.py. Bounded: a few examples per operation, one seed, a hard
# time limit (BDPAY_CONTRACT_MAX_SECS, 300 s). Prints its figures. Dev workers only (a chosen key).
#
#   BDPAY_EDGE_URL=http://127.0.0.1:8787 scripts/contract.sh
set -euo pipefail
cd "$(dirname "$0")/.."
EDGE_URL=${BDPAY_EDGE_URL:?BDPAY_EDGE_URL must name the running worker}
STATE_DIR="${STATE_DIR:-.bdpay}"
VENV=${BDPAY_CONTRACT_VENV:-$STATE_DIR/contract-venv}
OUT=${BDPAY_CONTRACT_OUT:-$STATE_DIR/contract}
MAX_SECS=${BDPAY_CONTRACT_MAX_SECS:-300}
[[ -x "$VENV/bin/st" ]] || { echo "contract: no schemathesis in $VENV (scripts/bootstrap.sh --contract)" >&2; exit 1; }
rm -rf "$OUT" && mkdir -p "$OUT"

# The contract test's own merchant and its TEST key (TEST ONLY, like sk_test_demo), made once
# per database ("already exists", 409, counts as made). Its answers may hold a key: not logged.
source scripts/lib.sh  # TEST_ADMIN_TOKEN
export BDPAY_CONTRACT_KEY="sk_test_contract_only_0001"
contract_admin() {
  local code
  code=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -X POST "$EDGE_URL$1" \
    -H "Authorization: Bearer $TEST_ADMIN_TOKEN" -H "Content-Type: application/json" -d "$2") || code=000
  [[ "$code" == 201 || "$code" == 409 ]] || { echo "contract: POST $1 answered $code" >&2; return 1; }
}
contract_admin /admin/merchants '{"id":"mer_contract","name":"Contract test"}'
contract_admin /admin/merchants/mer_contract/keys "{\"mode\":\"test\",\"key\":\"$BDPAY_CONTRACT_KEY\"}"
# The key must work, and the merchant must not share its blocklist (left over from a run before).
shares=$(curl -fsS --max-time 10 -X PUT "$EDGE_URL/v1/settings" -H "Authorization: Bearer $BDPAY_CONTRACT_KEY" \
  -H "Content-Type: application/json" -d '{"shared_blocklist": false}') \
  || { echo "contract: the contract merchant's key was refused" >&2; exit 1; }
[[ "$shares" == *'"shared_blocklist":false'* ]] || { echo "contract: mer_contract still shares its blocklist" >&2; exit 1; }
# What the run must leave as it found it, whatever it generates: the demo merchant's checkout
# settings and blocklist (checked after the run, and put back if they changed).
demo_get() { curl -fsS --max-time 10 "$EDGE_URL$1" -H "Authorization: Bearer sk_test_demo"; }
demo_settings=$(demo_get /v1/settings)
demo_blocklist=$(demo_get /v1/blocklist)

started=$(date +%s)
status=0
# The hooks module is found through PYTHONPATH; nothing is sent but to $EDGE_URL.
PYTHONPATH="$PWD/tests/contract" SCHEMATHESIS_HOOKS=hooks timeout --kill-after 10 "$MAX_SECS" \
  "$VENV/bin/st" --no-color --config-file tests/contract/schemathesis.toml run docs/api.openapi.yaml \
  --url "$EDGE_URL" -H "Authorization: Bearer sk_test_demo" \
  --report junit --report-junit-path "$OUT/junit.xml" >"$OUT/run.log" 2>&1 || status=$?
secs=$(( $(date +%s) - started ))
cat "$OUT/run.log"

settings_after=$(demo_get /v1/settings || echo unread)
blocklist_after=$(demo_get /v1/blocklist || echo unread)
if [[ "$settings_after" != "$demo_settings" || "$blocklist_after" != "$demo_blocklist" ]]; then
  echo "contract: FAILED the demo merchant's settings or blocklist changed during the run; putting them back"
  curl -fsS -o /dev/null --max-time 10 -X PUT "$EDGE_URL/v1/settings" -H "Authorization: Bearer sk_test_demo" \
    -H "Content-Type: application/json" -d "$demo_settings" || true
  for id in $(grep -o 'blk_[a-z0-9]\{24\}' <<<"$blocklist_after" | sort -u); do
    [[ "$demo_blocklist" == *"$id"* ]] || curl -fsS -o /dev/null --max-time 10 -X DELETE "$EDGE_URL/v1/blocklist/$id" \
      -H "Authorization: Bearer sk_test_demo" || true
  done
  status=1
fi

# Figures: one JUnit test case per operation (and one for the stateful run); calls from the log.
"$VENV/bin/python" - "$OUT/junit.xml" "$secs" "$OUT/run.log" <<'PY' || status=1
import sys, xml.etree.ElementTree as ET
path, secs, log = sys.argv[1], sys.argv[2], sys.argv[3]
lines = open(log, encoding="utf-8", errors="replace").read().splitlines()
calls = next((lines[i + 1].strip() for i, l in enumerate(lines[:-1]) if l.strip() == "Test cases:"), "?")
try:
    root = ET.parse(path).getroot()
except (OSError, ET.ParseError) as e:
    print(f"contract: no report ({e})"); sys.exit(1)
cases = root.findall(".//testcase")
failed = [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
skipped = [c for c in cases if c.find("skipped") is not None]
passed = len(cases) - len(failed) - len(skipped)
for c in failed:
    print(f"contract: FAILED {c.get('name')}")
print(f"contract: {len(cases)} operations (the stateful run counted as one), test cases: {calls}, in {secs}s")
print(f"contract: {passed} passed, {len(failed)} failed, {len(skipped)} skipped")
sys.exit(1 if failed else 0)
PY
exit "$status"
