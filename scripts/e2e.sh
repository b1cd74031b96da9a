#!/usr/bin/env bash
# Browser end-to-end tests: starts the release binary on a free loopback port with a fresh
# database (an admin, a CI token, 200 history rows), runs end2end/run.mjs in Chromium, stops.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:?path to the greenlight binary}"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export GREENLIGHT_DATABASE_URL="sqlite://$work/e2e.db" GREENLIGHT_LISTEN="127.0.0.1:$port" GREENLIGHT_DEMO=false
password="e2e-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"

"$bin" migrate >/dev/null
printf '%s' "$password" | "$bin" user add e2e --role admin --password-stdin >/dev/null
token="$("$bin" token create e2e --name e2e 2>/dev/null)"
"$bin" seed-history --count 200 --builds 20 >/dev/null

(cd "$work" && exec "$bin" serve >"$work/server.log" 2>&1) &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done

cd "$here/end2end"
[[ -d node_modules/playwright-core ]] || npm ci --no-audit --no-fund --loglevel=error
BASE_URL="http://127.0.0.1:$port" E2E_USER=e2e E2E_PASSWORD="$password" E2E_TOKEN="$token" \
  ARTIFACTS="${ARTIFACTS:-$here/end2end/artifacts}" node run.mjs || { echo "--- server log"; tail -50 "$work/server.log"; exit 1; }
