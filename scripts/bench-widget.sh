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

# The hashed names the loader carries: phone build first, then desktop (widget/loader.js).
mapfile -t FILES < <(grep -o 'pkg/bdpay_widget[a-z_]*\.[0-9a-f]*\.\(js\|wasm\)' www/bdpay.js)
PHONE_JS=www/${FILES[2]} PHONE_WASM=www/${FILES[3]} DESK_JS=www/${FILES[0]} DESK_WASM=www/${FILES[1]}

sizes() { # FILE → "raw gzip brotli"
  echo "$(wc -c <"$1") $(gzip -9c "$1" | wc -c) $(brotli -c -q 11 "$1" | wc -c)"
}
row() { # LABEL RAW GZ BR
  printf '  %-34s %8s %8s %8s\n' "$1" "$2" "$3" "$4"
}
total() { # FILE… → sums
  local r=0 g=0 b=0 f s
  for f in "$@"; do
    read -r s1 s2 s3 <<<"$(sizes "$f")"
    r=$((r + s1)) g=$((g + s2)) b=$((b + s3))
  done
  echo "$r $g $b"
}

echo "widget bytes (what a shopper's phone downloads; B)"
row "file" raw gzip brotli
for f in www/bdpay.js "$PHONE_JS" "$PHONE_WASM"; do
  read -r r g b <<<"$(sizes "$f")"
  row "${f#www/}" "$r" "$g" "$b"
done
read -r r g b <<<"$(total www/bdpay.js "$PHONE_JS" "$PHONE_WASM")"
row "phone total (budget 30 KB gzip)" "$r" "$g" "$b"
budget=30720
if ((g <= budget)); then echo "  within budget: $g B of $budget B gzip"; else echo "  OVER BUDGET: $g B of $budget B gzip"; fi
read -r r g b <<<"$(sizes "$DESK_WASM")"
row "desktop wasm (with QR) instead" "$r" "$g" "$b"
read -r r g b <<<"$(total www/bdpay.js "$DESK_JS" "$DESK_WASM")"
row "desktop total" "$r" "$g" "$b"

EDGE=${BDPAY_EDGE_URL:-http://127.0.0.1:8787}
if ! curl -fsS -o /dev/null --max-time 3 "$EDGE/healthz"; then
  echo "timing skipped: no edge answers at $EDGE (make dev, or set BDPAY_EDGE_URL)"
  exit 0
fi
PATH="$PWD/node_modules/.bin:$PATH" BDPAY_EDGE_URL=$EDGE node tests/e2e/bench.mjs
