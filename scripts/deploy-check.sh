#!/usr/bin/env bash
# `make deploy-check`: `wrangler deploy --dry-run` for each deployment in wrangler.toml
# (staging, production). It bundles the built worker and validates the configuration and
# bindings without contacting Cloudflare. Also run by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
out="$STATE_DIR/deploy-check"
rm -rf "$out"
for env in staging production; do
  log="$out/$env.log"
  mkdir -p "$out/$env"
  if ! CI=true wrangler deploy --dry-run --env "$env" --outdir "$out/$env" >"$log" 2>&1; then
    echo "deploy-check: wrangler deploy --dry-run --env $env failed:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  grep -q -- '--dry-run: exiting now' "$log" || { echo "deploy-check: $env: no dry-run confirmation" >&2; exit 1; }
  echo "deploy-check: $env ok ($(du -sk "$out/$env" | cut -f1) KB bundled)"
done
