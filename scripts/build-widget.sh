#!/usr/bin/env bash
# Builds the widget for the shopper's phone: the `widget` profile (LTO, abort on panic),
# wasm-bindgen's `web` target, wasm-opt -Oz, short import names, esbuild --minify. The loader
# mounts one build first, on phones and desktops alike: "phone", in Bangla or in English
# (features `bn`, `en`). It leaves out what few payments need: the manual-transfer screen, the
# step-up's code and the compliance fields (feature `manual`), and the QR code a desktop shows
# (feature `qr`). Each has a twin with them: "phone-*-manual" (`manual`) for phones and
# "desktop-*-manual" (`qr`, `manual`) for desktops, which the loader fetches only when a payment
# needs one of those screens (widget/src/lazy.rs).
# Output:
#   www/pkg/bdpay_widget.<hash>.js, www/pkg/bdpay_widget_bg.<hash>.wasm  (cached for a year)
#   www/bdpay.js  (the loader from widget/loader.js with those names written in; cached 5 min)
# Honours CARGO_TARGET_DIR. The previous build's files are kept, so a loader still cached
# by a browser finds its files during a deploy.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/widget-flags.sh
source scripts/widget-flags.sh
OUT=www/pkg
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$OUT"

# build VARIANT [cargo flags…]: one wasm + glue in $TMP/VARIANT, as small as we know how:
# wasm-opt -Oz; import/export names shortened (wasm-bindgen's carry a 16-digit hash each) and
# the glue rewritten to match (widget/tools/short-names.mjs checks it links); glue minified.
build() {
  local variant=$1 dir="$TMP/$1"
  shift
  cargo build -q -p bdpay-widget --profile widget --target wasm32-unknown-unknown "$@"
  wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section \
    --out-dir "$dir" "$WASM_IN"
  wasm-opt -Oz --strip-debug --strip-producers "${WASM_FEATURES[@]}" \
    "$dir/bdpay_widget_bg.wasm" -o "$dir/opt.wasm"
  wasm-opt --minify-imports-and-exports-and-modules "${WASM_FEATURES[@]}" \
    "$dir/opt.wasm" -o "$dir/bdpay_widget_bg.wasm" >"$dir/names.json"
  node widget/tools/short-names.mjs "$dir/names.json" "$dir/bdpay_widget.js" "$dir/bdpay_widget_bg.wasm" >/dev/null
  # Bundled from an entry that re-exports only what the loader calls (the init function and
  # mount), so esbuild drops wasm-bindgen's initSync and what only it uses (80 B gzip).
  printf 'export { default, mount } from "./bdpay_widget.js";\n' >"$dir/entry.js"
  esbuild "$dir/entry.js" --bundle --minify --format=esm --target=es2020 --log-level=warning \
    --outfile="$dir/glue.min.js"
  mv "$dir/glue.min.js" "$dir/bdpay_widget.js"
}

# publish FILE STEM EXT: copies FILE to www/pkg/STEM.<hash>.EXT and prints that path under www/.
publish() {
  local hash
  hash=$(sha256sum "$1" | cut -c1-12)
  cp "$1" "$OUT/$2.$hash.$3"
  touch "$OUT/$2.$hash.$3"
  echo "pkg/$2.$hash.$3"
}

echo "building widget (wasm-opt -Oz; phone and desktop builds, one per language)"
declare -A FEATURES=([phone-bn]=bn [phone-en]=en [phone-bn-manual]=bn,manual [phone-en-manual]=en,manual
  [desktop-bn-manual]=qr,bn,manual [desktop-en-manual]=qr,en,manual)
files="" manifest=""
for variant in phone-bn phone-en phone-bn-manual phone-en-manual desktop-bn-manual desktop-en-manual; do
  build "$variant" --no-default-features --features "${FEATURES[$variant]}"
  js=$(publish "$TMP/$variant/bdpay_widget.js" bdpay_widget js)
  wasm=$(publish "$TMP/$variant/bdpay_widget_bg.wasm" bdpay_widget_bg wasm)
  # The loader knows each build by its two hashes (it writes the names around them).
  js_hash=${js#pkg/bdpay_widget.} wasm_hash=${wasm#pkg/bdpay_widget_bg.}
  files+="\"$variant\":[\"${js_hash%.js}\",\"${wasm_hash%.wasm}\"],"
  manifest+="$variant www/$js www/$wasm"$'\n'
done

# The loader: the hashed names and the stylesheet (widget/widget.css without its comments and
# line breaks, as a JS string) written in, then minified (a classic script, not a module).
sed -e "s#__BDPAY_FILES__#{${files%,}}#" widget/loader.js >"$TMP/loader.src.js"
node -e '
  const fs = require("fs");
  const css = fs.readFileSync("widget/widget.css", "utf8").replace(/\/\*[\s\S]*?\*\//g, "")
    .split("\n").map((l) => l.trim()).join("");
  const src = fs.readFileSync(process.argv[1], "utf8");
  const parts = src.split("__BDPAY_CSS__");
  if (parts.length !== 2) throw new Error("loader.js must say __BDPAY_CSS__ exactly once");
  fs.writeFileSync(process.argv[2], parts.join(JSON.stringify(css)));
' "$TMP/loader.src.js" "$TMP/loader.js"
esbuild "$TMP/loader.js" --minify --target=es2020 --log-level=warning --outfile="$TMP/bdpay.js"
mv "$TMP/bdpay.js" www/bdpay.js
# For scripts/bench-widget.sh: which files each build is.
mkdir -p .bdpay
printf '%s' "$manifest" >.bdpay/widget-files.txt

# Keep this build's files and the previous build's; older ones go.
for pattern in 'bdpay_widget.*.js' 'bdpay_widget_bg.*.wasm'; do
  # shellcheck disable=SC2012 # names are ours: [a-z_.0-9] only
  ls -t "$OUT"/$pattern 2>/dev/null | tail -n +13 | xargs -r rm -f
done
rm -f "$OUT/bdpay_widget.js" "$OUT/bdpay_widget_bg.wasm" # the unhashed names of older builds
while read -r variant js wasm; do
  if [[ $variant == *-manual ]]; then
    printf '  %-17s %7d B gzip (%s + %s, only when a payment needs one of its screens)\n' "$variant" \
      "$(($(gzip -9c "$js" | wc -c) + $(gzip -9c "$wasm" | wc -c)))" "${js#www/}" "${wasm#www/}"
  else
    printf '  %-17s %7d B gzip (loader + %s + %s)\n' "$variant" \
      "$(($(gzip -9c www/bdpay.js | wc -c) + $(gzip -9c "$js" | wc -c) + $(gzip -9c "$wasm" | wc -c)))" "${js#www/}" "${wasm#www/}"
  fi
done <.bdpay/widget-files.txt
