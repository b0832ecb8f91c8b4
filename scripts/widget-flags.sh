# How the widget's wasm is compiled: sourced by scripts/build-widget.sh, which ships it, and by
# scripts/bench-widget.sh --bytes, which must build the same wasm again to analyse it.
# Sets CARGO_PROFILE_WIDGET_OPT_LEVEL, the wasm target's RUSTFLAGS, WASM_IN and WASM_FEATURES.

# The profile's opt-level "z" (Cargo.toml). The budget is gzip bytes, so the setting that is
# smaller after compression wins, and which one that is has changed with the code: "s" won on
# 2026-11-26 (25.8 KB against 26.3 KB of wasm); "z" wins since 2026-12-06 (phone-bn 30,935 →
# 30,388 B in all, desktop-bn 45,687 → 43,662 B). CARGO_PROFILE_WIDGET_OPT_LEVEL=s compares.
export CARGO_PROFILE_WIDGET_OPT_LEVEL=${CARGO_PROFILE_WIDGET_OPT_LEVEL:-z}
# Panic locations name their source files: the crate registry's path on the building machine
# is cut off them (about 50 B gzip, and no machine's paths in a shipped file).
remap=""
for d in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do remap+=" --remap-path-prefix=$d="; done
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${remap# }"
# What cargo writes, and the wasm features wasm-opt may use (every browser we support has them).
WASM_IN="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/widget/bdpay_widget.wasm"
# shellcheck disable=SC2034 # used by the scripts that source this file
WASM_FEATURES=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types --enable-multivalue)
