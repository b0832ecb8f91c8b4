#!/usr/bin/env bash
# `make bench` (widget part): the bytes a shopper's phone downloads for the widget (loader +
# glue + wasm: raw, gzip -9, brotli -q 11), then the median time to first paint and to
# interactive on the 4x-CPU phone over Slow 3G and Slow 4G (tests/e2e/bench.mjs), next to an empty page.
# Needs a built widget (make widget-build) and, for the timings, a running edge at
# BDPAY_EDGE_URL (default http://127.0.0.1:8787). BDPAY_BENCH_RUNS sets the runs (default 5).
# Budget (issue 6): at most 30 KB gzipped in all; first paint within 1.5 s on slow 3G.
#
# With --budget: the bytes only, and exit 1 when a phone build is over the budget (make test).
# With --bytes: where the bytes go instead (issue #17). The phone-bn and desktop-bn builds are
# built again exactly as scripts/build-widget.sh builds them, but with their function names
# kept, and read by twiggy (`twiggy top`, `twiggy dominators`; scripts/twiggy-summary.mjs sums
# them by crate). Each analysed copy is checked to be the shipped file once its names are
# stripped, so the figures are the shipped code's. Then the floor (widget/floor): the same stack
# doing the least a checkout does, built the same way, beside the phone build: how many of its
# bytes any widget on this stack costs, and how many are the features'. Needs twiggy (make bench
# installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f www/bdpay.js ]] || { echo "www/bdpay.js is missing: run make widget-build first" >&2; exit 1; }
# Which files each build is (written by scripts/build-widget.sh): "variant glue wasm" lines.
MANIFEST=.bdpay/widget-files.txt
[[ -f $MANIFEST ]] || { echo "$MANIFEST is missing: run make widget-build first" >&2; exit 1; }

if [[ "${1:-}" == "--bytes" ]]; then
  if ! command -v twiggy >/dev/null; then
    echo "  skipped: twiggy is not installed (make bench installs it: scripts/bootstrap.sh --bench)"
    exit 0
  fi
  # As scripts/build-widget.sh: the same flags (the same wasm), its features per variant.
  # shellcheck source=scripts/widget-flags.sh
  source scripts/widget-flags.sh
  declare -A FEATURES=([phone-bn]=bn [desktop-bn-manual]=qr,bn,manual)
  TMP=$(mktemp -d)
  trap 'rm -rf "$TMP"' EXIT
  echo "  $(twiggy --version | sed 's/twiggy-opt/twiggy/') on the Bangla builds (the English ones differ in their strings only)"
  for variant in phone-bn desktop-bn-manual; do
    shipped=$(awk -v v="$variant" '$1 == v { print $3 }' "$MANIFEST")
    dir="$TMP/$variant"
    cargo build -q -p bdpay-widget --profile widget --target wasm32-unknown-unknown \
      --no-default-features --features "${FEATURES[$variant]}"
    wasm-bindgen --target web --no-typescript --out-dir "$dir" "$WASM_IN"
    wasm-opt -Oz -g --strip-producers "${WASM_FEATURES[@]}" "$dir/bdpay_widget_bg.wasm" -o "$dir/named.wasm"
    # The check: names stripped and imports shortened as the build does, it must be the shipped file.
    wasm-opt --strip-debug --strip-producers "${WASM_FEATURES[@]}" "$dir/named.wasm" -o "$dir/stripped.wasm"
    wasm-opt --minify-imports-and-exports-and-modules "${WASM_FEATURES[@]}" "$dir/stripped.wasm" \
      -o "$dir/check.wasm" >/dev/null
    echo
    if cmp -s "$dir/check.wasm" "$shipped"; then
      echo "  $variant (${shipped#www/}): the analysed copy, names stripped, is the shipped file byte for byte"
    elif [[ $(wc -c <"$dir/check.wasm") == $(wc -c <"$shipped") ]]; then
      echo "  $variant (${shipped#www/}): the analysed copy, names stripped, has the shipped file's size; $(cmp -l \
        "$dir/check.wasm" "$shipped" | wc -l) bytes differ in place (with names kept, wasm-opt orders a few functions otherwise)"
    else
      echo "  $variant (${shipped#www/}): NOT the shipped file once stripped ($(wc -c <"$dir/check.wasm") B against"
      echo "  $(wc -c <"$shipped") B): is www/pkg from an older build? (make widget-build) The figures below are of the analysed copy"
    fi
    twiggy top -n 100000 -f json "$dir/named.wasm" >"$dir/top.json"
    twiggy dominators -f json "$dir/named.wasm" >"$dir/dominators.json"
    node scripts/twiggy-summary.mjs "$dir/top.json" "$dir/dominators.json" "$(wc -c <"$shipped")"
  done
  # The floor (widget/floor): the stack alone doing the least a checkout does, built and
  # shortened exactly as scripts/build-widget.sh builds a variant; beside it the phone build.
  dir="$TMP/floor"
  cargo build -q -p bdpay-widget-floor --profile widget --target wasm32-unknown-unknown
  wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
    --out-dir "$dir" "${WASM_IN%/*}/bdpay_widget_floor.wasm"
  wasm-opt -Oz --strip-debug --strip-producers "${WASM_FEATURES[@]}" "$dir/bdpay_widget_floor_bg.wasm" -o "$dir/opt.wasm"
  wasm-opt --minify-imports-and-exports-and-modules "${WASM_FEATURES[@]}" "$dir/opt.wasm" \
    -o "$dir/floor.wasm" >"$dir/names.json"
  node widget/tools/short-names.mjs "$dir/names.json" "$dir/bdpay_widget_floor.js" "$dir/floor.wasm" >/dev/null
  printf 'export { default, mount } from "./bdpay_widget_floor.js";\n' >"$dir/entry.js"
  esbuild "$dir/entry.js" --bundle --minify --format=esm --target=es2020 --log-level=warning --outfile="$dir/floor.js"
  gz() { gzip -9c "$1" | wc -c; }
  read -r _ phone_js_file phone_wasm_file < <(grep '^phone-bn ' "$MANIFEST")
  loader=$(gz www/bdpay.js)
  floor_js=$(gz "$dir/floor.js") floor_wasm=$(gz "$dir/floor.wasm")
  phone_js=$(gz "$phone_js_file") phone_wasm=$(gz "$phone_wasm_file")
  floor=$((loader + floor_js + floor_wasm)) phone=$((loader + phone_js + phone_wasm))
  echo
  echo "  the floor (widget/floor: the same stack and build, one button, one fetch, one timer, no feature), gzip:"
  printf '    %-34s %7s %7s %7s %8s\n' "" loader glue wasm "in all"
  printf '    %-34s %7d %7d %7d %8d\n' "floor" "$loader" "$floor_js" "$floor_wasm" "$floor"
  printf '    %-34s %7d %7d %7d %8d\n' "phone-bn (what a phone loads first)" "$loader" "$phone_js" "$phone_wasm" "$phone"
  echo "    the features take $((phone - floor)) B of phone-bn's $phone; at 20,480 B in all they would have $((20480 - floor)) B"
  exit 0
fi


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
  # make test holds the phone builds to the budget (scripts/test.sh); make bench only says so.
  [[ "${1:-}" == "--budget" ]] && exit 1
else
  echo "  phone builds within the budget of $budget B (30 KB) gzip; desktop builds add the QR encoder and the"
  echo "  manual-transfer screen, which a phone fetches (its -manual twin) only when a payment needs it"
fi
[[ "${1:-}" == "--budget" ]] && exit 0

EDGE=${BDPAY_EDGE_URL:-http://127.0.0.1:8787}
if ! curl -fsS -o /dev/null --max-time 3 "$EDGE/healthz" 2>/dev/null; then
  echo "timing skipped: no edge answers at $EDGE (make dev, or set BDPAY_EDGE_URL)"
  exit 0
fi
PATH="$PWD/node_modules/.bin:$PATH" BDPAY_EDGE_URL=$EDGE node tests/e2e/bench.mjs
