#!/usr/bin/env bash
# `make bench` (widget part): the bytes a shopper's phone downloads for the widget (loader +
# glue + wasm: raw, gzip -9, brotli -q 11), then the median time to first paint and to
# interactive on the slow-3G, 4x-CPU phone (tests/e2e/bench.mjs), next to an empty page.
# Needs a built widget (make widget-build) and, for the timings, a running edge at
# BDPAY_EDGE_URL (default http://127.0.0.1:8787). BDPAY_BENCH_RUNS sets the runs (default 5).
# Budget (issue 6): at most 30 KB gzipped in all; first paint within 1.5 s on slow 3G.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f www/bdpay.js ]] || { echo "www/bdpay.js is missing: run make widget-build first" >&2; exit 1; }

# Which files each build is (written by scripts/build-widget.sh): "variant glue wasm" lines.
MANIFEST=.bdpay/widget-files.txt
[[ -f $MANIFEST ]] || { echo "$MANIFEST is missing: run make widget-build first" >&2; exit 1; }

sizes() { # FILE → "raw gzip brotli" (brotli by Node's zlib: no CLI to install)
  echo "$(wc -c <"$1") $(gzip -9c "$1" | wc -c) $(node -e 'const z=require("zlib"),fs=require("fs");
process.stdout.write(String(z.brotliCompressSync(fs.readFileSync(process.argv[1]),
{params:{[z.constants.BROTLI_PARAM_QUALITY]:11}}).length))' "$1")"
}
row() { # LABEL RAW GZ BR
  printf '  %-50s %8s %8s %8s\n' "$1" "$2" "$3" "$4"
}

echo "widget bytes: what a shopper downloads (B; the loader picks one build by screen and data-lang)"
row "file" raw gzip brotli
read -r r g b <<<"$(sizes www/bdpay.js)"
row "bdpay.js (loader)" "$r" "$g" "$b"
budget=30720
over=0
while read -r variant js wasm; do
  read -r jr jg jb <<<"$(sizes "$js")"
  read -r wr wg wb <<<"$(sizes "$wasm")"
  row "$variant: ${js#www/}" "$jr" "$jg" "$jb"
  row "$variant: ${wasm#www/}" "$wr" "$wg" "$wb"
  total=$((g + jg + wg))
  row "$variant: TOTAL loader + glue + wasm" "$((r + jr + wr))" "$total" "$((b + jb + wb))"
  # A "-manual" twin is fetched only when a payment needs the manual-transfer screen, after
  # its phone build: outside the first-screen budget.
  if [[ $variant == phone-* && $variant != *-manual ]] && ((total > budget)); then over=1; fi
done <"$MANIFEST"
if ((over)); then
  echo "  OVER BUDGET: a phone build is above $budget B gzip"
else
  echo "  phone builds within the budget of $budget B (30 KB) gzip; desktop builds add the QR encoder and the"
  echo "  manual-transfer screen, which a phone fetches (its -manual twin) only when a payment needs it"
fi

EDGE=${BDPAY_EDGE_URL:-http://127.0.0.1:8787}
if ! curl -fsS -o /dev/null --max-time 3 "$EDGE/healthz" 2>/dev/null; then
  echo "timing skipped: no edge answers at $EDGE (make dev, or set BDPAY_EDGE_URL)"
  exit 0
fi
PATH="$PWD/node_modules/.bin:$PATH" BDPAY_EDGE_URL=$EDGE node tests/e2e/bench.mjs
