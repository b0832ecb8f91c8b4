# bdpay: the three commands. `make dev` runs everything locally, `make test` runs every
# test, `make bench` prints the figures. Each installs what is missing first (scripts/bootstrap.sh)
# and is quick when it is there.
#
# Pinned tool versions live HERE (the npm ones in package.json + package-lock.json, the
# compiler in rust-toolchain.toml). WASM_BINDGEN_VERSION must equal the `wasm-bindgen = "=…"`
# pin in Cargo.toml: bootstrap checks it.
export WASM_BINDGEN_VERSION := 0.2.130
export WORKER_BUILD_VERSION := 0.8.7
# cargo-fuzz for `make fuzz` (libFuzzer on the stable toolchain, `--sanitizer none`).
export CARGO_FUZZ_VERSION := 0.13.2
# twiggy for `make bench`'s "where the widget's bytes go" (its --version says "twiggy-opt 0.8.0").
export TWIGGY_VERSION := 0.8.0
export APT_PACKAGES_BROWSER := chromium chromium-driver fonts-noto-core

SHELL := /bin/bash
ROOT := $(CURDIR)
export PATH := $(ROOT)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export WRANGLER_SEND_METRICS := false
export WASM_BINDGEN_BIN := $(HOME)/.cargo/bin/wasm-bindgen
export ESBUILD_BIN := $(ROOT)/node_modules/.bin/esbuild
export WASM_OPT_BIN := $(ROOT)/node_modules/.bin/wasm-opt
export BDPAY_GIT_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

SHARED_SOURCES := $(shell find shared/src -name '*.rs' 2>/dev/null) Cargo.toml Cargo.lock shared/Cargo.toml
EDGE_SOURCES := $(shell find edge/src -name '*.rs' 2>/dev/null) $(SHARED_SOURCES) edge/Cargo.toml
WIDGET_SOURCES := $(shell find widget/src -name '*.rs' 2>/dev/null) $(SHARED_SOURCES) widget/Cargo.toml

.PHONY: deploy-check dev test bench fuzz bootstrap bootstrap-browser bootstrap-contract bootstrap-bench build edge-build widget-build sandbox-build relay-build admin-build empty-worker-build clean help

help:
	@echo "make dev    - sandbox + worker + demo shop at http://127.0.0.1:8787/ (Ctrl-C stops all)"
	@echo "make test   - every test (unit, property, browser, integration, end-to-end)"
	@echo "make bench  - benchmarks, printed"
	@echo "make deploy-check - wrangler deploy --dry-run for staging and production"
	@echo "make fuzz   - each fuzz target for 60 s (FUZZ_SECONDS=…), figures printed"

dev: bootstrap build
	@scripts/dev.sh

test: bootstrap bootstrap-browser bootstrap-contract
	@scripts/test.sh

bench: bootstrap bootstrap-browser bootstrap-bench build empty-worker-build
	@scripts/bench.sh

# Needs only cargo-fuzz (bootstrap --fuzz), not the wasm/npm tools the other commands use.
fuzz:
	@scripts/bootstrap.sh --fuzz
	@scripts/fuzz.sh

# `wrangler deploy --dry-run` for both deployments (builds and validates; sends nothing).
deploy-check: bootstrap edge-build
	@scripts/deploy-check.sh

bootstrap:
	@scripts/bootstrap.sh

bootstrap-browser:
	@scripts/bootstrap.sh --browser

# twiggy for make bench (bootstrap --bench).
bootstrap-bench:
	@scripts/bootstrap.sh --bench

# schemathesis for the contract test (a venv under .bdpay/, from tests/contract/requirements.txt).
bootstrap-contract:
	@scripts/bootstrap.sh --contract

build: edge-build widget-build sandbox-build relay-build admin-build

# The worker: wasm + JS shim in edge/build/ (rebuilt only when Rust sources change).
edge-build: edge/build/index.js
edge/build/index.js: $(EDGE_SOURCES)
	@echo "building edge (worker-build --profile edge)"
	@cd edge && worker-build --profile edge >/dev/null
	@touch $@

# The widget: content-hashed glue + wasm in www/pkg and the loader www/bdpay.js naming them.
widget-build: www/bdpay.js
www/bdpay.js: $(WIDGET_SOURCES) widget/loader.js widget/widget.css widget/tools/short-names.mjs scripts/build-widget.sh scripts/widget-flags.sh
	@scripts/build-widget.sh

# make bench's baseline: an empty Rust worker with the edge's worker crate and profile (tests/empty-worker).
empty-worker-build: tests/empty-worker/build/index.js
tests/empty-worker/build/index.js: $(wildcard tests/empty-worker/src/*.rs) tests/empty-worker/Cargo.toml Cargo.lock
	@echo "building the empty worker (worker-build --profile edge)"
	@cd tests/empty-worker && worker-build --profile edge >/dev/null
	@touch $@

sandbox-build:
	@cargo build -q -p bdpay-sandbox --release

# The Nagad egress relay (target/release/bdpay-relay): make test sends every Nagad call through it.
relay-build:
	@cargo build -q -p bdpay-relay --release

# The operators' CLI (target/release/bdpay-admin): make dev and make test seed the demo merchant with it.
admin-build:
	@cargo build -q -p bdpay-admin --release

clean:
	rm -rf edge/build tests/empty-worker/build www/pkg www/bdpay.js .bdpay
