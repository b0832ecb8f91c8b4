#!/usr/bin/env bash
# The contract test: schemathesis generates requests from docs/api.openapi.yaml (examples,
# boundaries and violations of each schema, random data, and chains through the spec's links)
# and checks the running worker's answers: no 5xx, every status documented, the content type
# and the body conform to the schema, invalid input refused. Authenticated as the demo merchant
# (`sk_test_demo`). Settings: tests/contract/schemathesis.toml; hooks (every webhook endpoint
# it creates points at loopback): tests/contract/hooks.py. Bounded: a few examples per
# operation, one seed, a hard time limit (BDPAY_CONTRACT_MAX_SECS, 240 s). Prints its figures.
#
#   BDPAY_EDGE_URL=http://127.0.0.1:8787 scripts/contract.sh
set -euo pipefail
cd "$(dirname "$0")/.."
EDGE_URL=${BDPAY_EDGE_URL:?BDPAY_EDGE_URL must name the running worker}
STATE_DIR="${STATE_DIR:-.bdpay}"
VENV=${BDPAY_CONTRACT_VENV:-$STATE_DIR/contract-venv}
OUT=${BDPAY_CONTRACT_OUT:-$STATE_DIR/contract}
MAX_SECS=${BDPAY_CONTRACT_MAX_SECS:-240}
[[ -x "$VENV/bin/st" ]] || { echo "contract: no schemathesis in $VENV (scripts/bootstrap.sh --contract)" >&2; exit 1; }
rm -rf "$OUT" && mkdir -p "$OUT"

started=$(date +%s)
status=0
# The hooks module is found through PYTHONPATH; nothing is sent but to $EDGE_URL.
PYTHONPATH="$PWD/tests/contract" SCHEMATHESIS_HOOKS=hooks timeout --kill-after 10 "$MAX_SECS" \
  "$VENV/bin/st" --no-color --config-file tests/contract/schemathesis.toml run docs/api.openapi.yaml \
  --url "$EDGE_URL" -H "Authorization: Bearer sk_test_demo" \
  --report junit --report-junit-path "$OUT/junit.xml" >"$OUT/run.log" 2>&1 || status=$?
secs=$(( $(date +%s) - started ))
cat "$OUT/run.log"

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
