#!/usr/bin/env bash
# Everything CI runs: fmt, clippy, unit + integration tests on SQLite and on PostgreSQL (a
# throwaway cluster), the release build, the OpenAPI document validated and the API fuzzed
# against it with schemathesis, and the browser end-to-end tests.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
# A stable target dir outside the clone keeps reruns on one machine warm.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/greenlight/target}"
# Incremental state only pays off while editing; in a shared cache it just piles up.
export CARGO_INCREMENTAL=0
# Each clone's workspace crates are built afresh next to the cached dependencies; keep the
# cache from growing without bound by dropping it when it passes 25 GB.
if [[ -d "$CARGO_TARGET_DIR" ]] && (( $(du -sk "$CARGO_TARGET_DIR" | cut -f1) > 25 * 1024 * 1024 )); then
  echo "[test] target cache over 25 GB; starting it afresh"
  rm -rf "$CARGO_TARGET_DIR"
fi
step() { printf '\n=== %s (%s)\n' "$*" "$(date +%T)"; }

step "tools"
scripts/tools.sh --with-browser
eval "$(scripts/tools.sh --env)"

step "format"
cargo fmt --all -- --check

step "clippy"
# Per package: app is built once for the server (ssr) and once for the browser (hydrate).
cargo clippy -p server -p app --all-targets -- -D warnings
cargo clippy -p app -p frontend --features app/hydrate --target wasm32-unknown-unknown -- -D warnings

step "tests on SQLite"
cargo test -p server -p app

step "tests on PostgreSQL"
pgdir="$(mktemp -d)/pg"
pg_url="$(scripts/pg.sh start "$pgdir")"
trap 'scripts/pg.sh stop "$pgdir"' EXIT
GREENLIGHT_TEST_POSTGRES="$pg_url" cargo test -p server --test api --test engine
scripts/pg.sh stop "$pgdir"
trap - EXIT

step "release build"
cargo leptos build --release --split --precompress

step "OpenAPI document and API fuzzing"
scripts/openapi_check.sh "$CARGO_TARGET_DIR/release/greenlight"

step "browser end-to-end"
scripts/e2e.sh "$CARGO_TARGET_DIR/release/greenlight"

step "all green"
