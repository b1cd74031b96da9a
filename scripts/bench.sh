#!/usr/bin/env bash
# Benchmark: 100,000 deployment records in a fresh SQLite database, then page timings (p50/p99)
# beside a static file from the same server, and the compressed first-load weight.
#   scripts/bench.sh <greenlight binary> [requests per row]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:?path to the greenlight binary}"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export GREENLIGHT_DATABASE_URL="${BENCH_DATABASE_URL:-sqlite://$work/bench.db}" GREENLIGHT_LISTEN="127.0.0.1:$port" GREENLIGHT_DEMO=false
"$bin" migrate >/dev/null
printf 'bench-password-123' | "$bin" user add bench --role viewer --password-stdin >/dev/null
token="$("$bin" token create bench --name bench 2>/dev/null)"
start=$(date +%s)
"$bin" seed-history --count 100000 --builds 500 >/dev/null
echo "seeded 100000 deployments over 500 builds in $(( $(date +%s) - start )) s ($GREENLIGHT_DATABASE_URL)"
(cd "$work" && exec "$bin" serve >"$work/server.log" 2>&1) &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
python3 "$here/scripts/bench.py" "http://127.0.0.1:$port" "$token" "${2:-200}"
