#!/usr/bin/env bash
# Installs what bdpay's commands need, only what is missing, only from package registries:
# the wasm target, the pinned wasm-bindgen CLI and worker-build, npm packages from the
# lockfile (wrangler + workerd, Node 22, binaryen, esbuild, playwright-core) and, with
# --browser, Debian's chromium + chromedriver. With --fuzz, only what `make fuzz` needs: the
# pinned cargo-fuzz and a C++ compiler for libFuzzer. With --bench, what only `make bench`
# needs: the pinned twiggy. With --contract, the contract test's
# schemathesis (tests/contract/requirements.txt, every version pinned) in a venv under .bdpay/.
# Quick (< 1 s) when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${WASM_BINDGEN_VERSION:?run through make}" "${WORKER_BUILD_VERSION:?run through make}"

say() { printf 'bootstrap: %s\n' "$*"; }

if [[ "${1:-}" == "--fuzz" ]]; then
  : "${CARGO_FUZZ_VERSION:?run through make}"
  if [[ "$(cargo fuzz --version 2>/dev/null)" != "cargo-fuzz $CARGO_FUZZ_VERSION" ]]; then
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION (about 3 min)"
    cargo install -q cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --force
  fi
  if ! command -v c++ >/dev/null; then
    # libfuzzer-sys compiles LLVM's libFuzzer (C++) when the fuzz targets build.
    say "installing Debian's g++ (libFuzzer is C++)"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq g++ >/dev/null
  fi
  exit 0
fi

if [[ "${1:-}" == "--bench" ]]; then
  # twiggy for `make bench`'s "where the widget's bytes go" (scripts/bench-widget.sh --bytes).
  : "${TWIGGY_VERSION:?run through make}"
  if [[ "$(twiggy --version 2>/dev/null)" != "twiggy-opt $TWIGGY_VERSION" ]]; then
    say "installing twiggy $TWIGGY_VERSION (about 2 min)"
    cargo install -q twiggy --version "$TWIGGY_VERSION" --locked --force
  fi
  exit 0
fi

if [[ "${1:-}" == "--contract" ]]; then
  venv="${STATE_DIR:-.bdpay}/contract-venv" req=tests/contract/requirements.txt
  if ! cmp -s "$req" "$venv/installed-requirements.txt" || [[ ! -x "$venv/bin/st" ]]; then
    if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
      say "installing Debian's python3-venv"
      SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
      $SUDO apt-get update -qq
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3 python3-venv >/dev/null
    fi
    say "installing schemathesis for the contract test into $venv (about 1 min)"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check --no-input -r "$req"
    cp "$req" "$venv/installed-requirements.txt"
  fi
  exit 0
fi

# The pin in Cargo.toml must equal the CLI's version (wasm-bindgen refuses a mismatch).
if ! grep -q "^wasm-bindgen = \"=$WASM_BINDGEN_VERSION\"" Cargo.toml; then
  say "Cargo.toml must pin wasm-bindgen = \"=$WASM_BINDGEN_VERSION\" (Makefile's WASM_BINDGEN_VERSION)"; exit 1
fi

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"; rustup target add wasm32-unknown-unknown
fi

if [[ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
  # Without --locked: the registry mirror lacks one of its locked dependencies (docs/toolchain.md).
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 min)"
  cargo install -q wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if [[ "$(worker-build --version 2>/dev/null)" != "$WORKER_BUILD_VERSION" ]]; then
  say "installing worker-build $WORKER_BUILD_VERSION (about 2 min)"
  cargo install -q worker-build --version "$WORKER_BUILD_VERSION" --force
fi

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "npm ci (wrangler, node 22, binaryen, esbuild, playwright-core)"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.package-lock.json
fi

if [[ "${1:-}" == "--browser" ]]; then
  if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver || ! -d /usr/share/fonts/truetype/noto ]]; then
    say "installing Debian's $APT_PACKAGES_BROWSER"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $APT_PACKAGES_BROWSER >/dev/null
  fi
fi
