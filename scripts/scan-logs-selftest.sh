#!/usr/bin/env bash
# Checks scripts/scan-logs.sh itself: each line under "leaks" must fail the scan on its own,
# and the lines under "clean" (masked numbers, ids that hold digit runs) must pass together.
# Run by scripts/test.sh before it scans the run's logs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

leaks=(
  '{"level":"info","msisdn":"01712345678"}'
  '01912345678 at the start of a line'
  'customer +8801712345678 paid'
  '{"customerMsisdn":"8801812345678"}'
  'token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.sig'
  'key sk_test_notarealkey0000'
  '-----BEGIN RSA PRIVATE KEY-----'
)
clean=(
  # Seen in CI: a merchant id whose hex held 0 1 4 and eight digits.
  '{"key":"key_0106ef1157bee19d","merchant":"mer_97b01407630652ad8d15df40","msg":"api_key_issued"}'
  '{"msisdn":"01XX4567","wallet":"017****8575"}'
  '{"amount_poisha":"017123456789","at":1765000000000}'
  'trx BFD90JRLHH order ord_01712345678x'
)

failed=0
for i in "${!leaks[@]}"; do
  mkdir -p "$tmp/leak$i"
  printf '%s\n' "${leaks[$i]}" >"$tmp/leak$i/edge.log"
  if "$here/scan-logs.sh" "$tmp/leak$i" >/dev/null 2>&1; then
    echo "scan-logs self-test: missed a leak: ${leaks[$i]}" >&2
    failed=1
  fi
done
mkdir -p "$tmp/clean"
printf '%s\n' "${clean[@]}" >"$tmp/clean/edge.log"
if ! "$here/scan-logs.sh" "$tmp/clean" >/dev/null 2>"$tmp/clean.err"; then
  echo "scan-logs self-test: flagged a clean line:" >&2
  cat "$tmp/clean.err" >&2
  failed=1
fi
if [[ $failed -ne 0 ]]; then exit 1; fi
echo "scan-logs self-test: ${#leaks[@]} leaks caught, ${#clean[@]} clean lines passed"
