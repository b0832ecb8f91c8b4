#!/usr/bin/env bash
# `make fuzz`: builds the fuzz targets in fuzz/ (cargo-fuzz, libFuzzer, stable toolchain with
# `--sanitizer none`), runs each for FUZZ_SECONDS (60) and prints, per target, executions,
# executions per second and crashes. Usage: scripts/fuzz.sh [target…] (default: all).
# Corpora grow in fuzz/corpus/<target> (not committed; fuzz/seeds/<target> is); a crash
# leaves its input in fuzz/artifacts/<target>/ and the log in .bdpay/fuzz/<target>.log.
# Exits non-zero when any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH=${FUZZ_SECONDS:-60}
TARGETS=("$@")
if [[ ${#TARGETS[@]} -eq 0 ]]; then
  TARGETS=(money phone sns batch_input nagad_sealed provider_replies)
fi
# Its own target directory: the instrumented build must not evict the workspace's.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}/fuzz"
LOGS=.bdpay/fuzz
mkdir -p "$LOGS"

say() { printf 'fuzz: %s\n' "$*"; }
# No AddressSanitizer: it needs nightly's -Zsanitizer, and the code under test has no `unsafe`.
# -O: debug assertions and overflow checks come from fuzz/Cargo.toml's profile instead, which
# spares the RSA big-number code (three times slower with them).
FUZZ=(cargo fuzz run -O --sanitizer none)

say "building ${#TARGETS[@]} targets (instrumented; optimised, with debug assertions)"
: >"$LOGS/build.log"
for t in "${TARGETS[@]}"; do
  cargo fuzz build -O --sanitizer none "$t" >>"$LOGS/build.log" 2>&1 ||
    { tail -n 30 "$LOGS/build.log"; exit 1; }
done

# The figures libFuzzer prints at the end (-print_final_stats), or its last status line
# when a crash cut the run short.
figure() {
  local log=$1 stat=$2 field=$3 v
  v=$(grep -a "^stat::$stat:" "$log" | tail -n 1 | awk '{print $2}')
  if [[ -z "$v" ]]; then
    v=$(grep -a -E '^#[0-9]+' "$log" | tail -n 1 |
      awk -v f="$field" '{ if (f == "runs") { sub("#", "", $1); print $1 } else { for (i = 1; i < NF; i++) if ($i == "exec/s:") print $(i + 1) } }')
  fi
  echo "${v:-0}"
}

rows=()
crashed=0
for t in "${TARGETS[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t"
  before=$(find "fuzz/artifacts/$t" -type f | wc -l)
  say "$t: ${SECONDS_EACH} s"
  set +e
  "${FUZZ[@]}" "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
    -max_total_time="$SECONDS_EACH" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="fuzz/artifacts/$t/" >"$LOGS/$t.log" 2>&1
  status=$?
  set -e
  after=$(find "fuzz/artifacts/$t" -type f | wc -l)
  crashes=$((after - before))
  if [[ $status -ne 0 && $crashes -eq 0 ]]; then
    crashes="?"; say "$t: libFuzzer exited $status without an artifact; see $LOGS/$t.log"
  fi
  if [[ "$crashes" != 0 ]]; then
    crashed=1
    say "$t crashed: $(grep -a -m 1 -E "panicked at|ERROR: libFuzzer" "$LOGS/$t.log" || true)"
    find "fuzz/artifacts/$t" -type f -newer "$LOGS/build.log" -printf '      input: %p\n'
  fi
  rows+=("$t $(figure "$LOGS/$t.log" number_of_executed_units runs) $(figure "$LOGS/$t.log" average_exec_per_sec execs) $crashes")
done

echo
printf '%-18s %14s %10s %8s\n' target executions exec/s crashes
for r in "${rows[@]}"; do
  # shellcheck disable=SC2086
  printf '%-18s %14s %10s %8s\n' $r
done
echo "(each ${SECONDS_EACH} s, libFuzzer via cargo-fuzz, no sanitizer; a target stops at its first crash)"
exit "$crashed"
