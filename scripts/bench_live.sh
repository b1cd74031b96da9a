#!/usr/bin/env bash
# Live stream benchmark: starts the release binary (sandbox, one refresh a second) and runs
# scripts/bench_live.py with 1,000 server-sent-events clients: RSS idle and with the clients,
# and the time one round of fleet events takes to reach them all.
#   scripts/bench_live.sh <greenlight binary> [clients]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:?path to the greenlight binary}"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
printf 'fleet_refresh = "1s"\n' >"$work/greenlight.toml"
export GREENLIGHT_CONFIG="$work/greenlight.toml"
export GREENLIGHT_DATABASE_URL="sqlite://$work/live.db" GREENLIGHT_LISTEN="127.0.0.1:$port" GREENLIGHT_DEMO=true
"$bin" migrate >/dev/null
printf 'bench-password-123' | "$bin" user add bench --role viewer --password-stdin >/dev/null
token="$("$bin" token create bench --name bench 2>/dev/null)"
(cd "$work" && exec "$bin" serve >"$work/server.log" 2>&1) &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
# The demo brings its fleets up through the engine; let it settle before measuring.
sleep 20
ulimit -n 8192 2>/dev/null || true
python3 "$here/scripts/bench_live.py" "http://127.0.0.1:$port" "$token" "$server" "${2:-1000}"
