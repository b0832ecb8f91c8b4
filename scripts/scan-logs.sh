#!/usr/bin/env bash
# Fails if any log in DIR holds a full Bangladeshi mobile number, a bKash token, a test
# secret or key material. Masked numbers (01XX4567, 017****8575) pass.
# scripts/scan-logs-selftest.sh checks these rules against lines that must and must not hit.
set -euo pipefail
dir=${1:?usage: scan-logs.sh DIR}
patterns=(
  # A whole mobile number: eleven digits (or 880 and ten) standing alone. Not a run of digits
  # inside a hex identifier (mer_97b01407630652ad…): letters on either side mean it is part of
  # a word, and random ids held such runs often enough to fail a run now and then.
  '(^|[^0-9A-Za-z])(\+?880|0)1[3-9][0-9]{8}([^0-9A-Za-z]|$)'
  'eyJ[A-Za-z0-9_-]{10,}\.'                         # a JWT (bKash id_token / refresh_token)
  'sandboxTokenizedUser02@12345'                    # bKash password
  '2is7hdktrekvrbljjh44ll3d9l1dtjo4pasmjvs5vl5qr3fug4b' # bKash app secret
  'MII[A-Za-z0-9+/]{40,}'                           # DER key material
  'BEGIN [A-Z ]*PRIVATE KEY'
  'sk_(test|live)_[A-Za-z0-9]{4,}'                  # merchant secret keys
  '_secret_[A-Za-z0-9]{8,}'                         # client secrets
  'test_only_nagad_relay_key'                       # the relay's signing key (scripts/lib.sh)
)
found=0
for p in "${patterns[@]}"; do
  if grep -rEnI -- "$p" "$dir" >/tmp/scan-hit.$$ 2>/dev/null; then
    echo "log scan: pattern /$p/ found:" >&2
    head -n 5 /tmp/scan-hit.$$ | cut -c1-200 >&2
    found=1
  fi
done
rm -f /tmp/scan-hit.$$
if [[ $found -ne 0 ]]; then exit 1; fi
echo "log scan: $(find "$dir" -type f | wc -l) files, $(cat "$dir"/* 2>/dev/null | wc -l) lines, nothing leaked"
