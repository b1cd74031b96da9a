#!/usr/bin/env bash
# Benchmark: BENCH_ROWS deployment records (default 100,000) in a fresh database (SQLite, or
# BENCH_DATABASE_URL=postgres://…), then: page timings (p50/p99) beside a static file from the
# same server and the compressed first-load weights (bench.py); every history filter, a page deep
# by cursor and the export's first bytes (bench_history.py) with the plans the database uses
# (`greenlight history-plans`); and each page under 50 concurrent clients beside a static file of
# its size, with the server's memory (bench_load.py, needs `oha`: scripts/tools.sh --with-bench).
#   scripts/bench.sh <greenlight binary> [requests per row]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:?path to the greenlight binary}"
rows="${BENCH_ROWS:-100000}"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export GREENLIGHT_DATABASE_URL="${BENCH_DATABASE_URL:-sqlite://$work/bench.db}" GREENLIGHT_LISTEN="127.0.0.1:$port" GREENLIGHT_DEMO=false
"$bin" migrate >/dev/null
printf 'bench-password-123' | "$bin" user add bench --role viewer --password-stdin >/dev/null
token="$("$bin" token create bench --name bench 2>/dev/null)"
start=$(date +%s)
"$bin" seed-history --count "$rows" --builds 500 >/dev/null
echo "seeded $rows deployments over 500 builds in $(( $(date +%s) - start )) s (${GREENLIGHT_DATABASE_URL%%:*})"
(cd "$work" && exec "$bin" serve >"$work/server.log" 2>&1) &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
python3 "$here/scripts/bench.py" "http://127.0.0.1:$port" "$token" "${2:-200}"
"$bin" history-plans | grep -v "^ " | python3 "$here/scripts/bench_history.py" "http://127.0.0.1:$port" "$token" "$rows" "${2:-200}"
echo
echo "how the database runs each filter:"
"$bin" history-plans | sed 's/^/  /'
if command -v oha >/dev/null; then
  python3 "$here/scripts/bench_load.py" "http://127.0.0.1:$port" "$token" "$server" 50 "${BENCH_LOAD_SECONDS:-10}"
else
  echo "(no oha on PATH: scripts/tools.sh --with-bench installs it; the load figures are skipped)"
fi
