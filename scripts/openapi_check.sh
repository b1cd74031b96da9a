#!/usr/bin/env bash
# The OpenAPI document checked as a CI team that generates clients from it would: starts the
# given greenlight binary on a free loopback port with a fresh SQLite database (the instant
# sandbox cloud, no demo data, an admin token, one registered and deployed build, a seeded
# history), fetches /api/v1/openapi.json, validates it with openapi-spec-validator, then runs
# schemathesis against the running server: every check, every phase, a bounded number of
# examples and a fixed seed so that a run is repeatable. Any failure fails the script.
#
#   scripts/openapi_check.sh path/to/greenlight
#
# Both tools install from PyPI into ${GREENLIGHT_TOOLS:-~/.cache/greenlight/tools}/api-venv.
set -euo pipefail

bin="$(cd "$(dirname "${1:?path to the greenlight binary}")" && pwd)/$(basename "$1")"
tools="${GREENLIGHT_TOOLS:-$HOME/.cache/greenlight/tools}"
venv="$tools/api-venv"
schemathesis_version="4.32.5"
validator_version="0.9.0"
log() { printf '[openapi] %s\n' "$*" >&2; }

installed() {
  "$venv/bin/python" - "$schemathesis_version" "$validator_version" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
sys.exit(0 if (version("schemathesis"), version("openapi-spec-validator")) == tuple(sys.argv[1:]) else 1)
PY
}
if ! installed; then
  log "installing schemathesis $schemathesis_version and openapi-spec-validator $validator_version from PyPI"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet "schemathesis==$schemathesis_version" \
    "openapi-spec-validator==$validator_version" >&2
fi

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
cat >"$work/greenlight.toml" <<'TOML'
engine_poll = "200ms"

[cloud]
sandbox_pace = "instant"

[[environments]]
name = "test"
title = "TEST"
strategy = "target-group"
verify_window = "1s"

[[environments]]
name = "staging"
title = "STAGING"
strategy = "alb-listener"
desired_capacity = 2
verify_window = "1s"
requires_signoff = true

[[environments]]
name = "prod"
title = "PROD"
strategy = "elastic-ip"
verify_window = "1s"
requires_signoff = true
four_eyes = true
TOML
export GREENLIGHT_CONFIG="$work/greenlight.toml"
export GREENLIGHT_DATABASE_URL="sqlite://$work/api.db" GREENLIGHT_LISTEN="127.0.0.1:$port" GREENLIGHT_DEMO=false

"$bin" migrate >/dev/null
# An admin, so that role checks never hide a validation path.
head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n' | "$bin" user add fuzz --role admin --password-stdin >/dev/null
token="$("$bin" token create fuzz --name openapi 2>/dev/null)"
"$bin" seed-history --count 60 --builds 6 >/dev/null

(cd "$work" && exec "$bin" serve >"$work/server.log" 2>&1) &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -fs "$base/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
fail() { log "$*"; echo "--- server log" >&2; tail -50 "$work/server.log" >&2; exit 1; }

api() { curl -sS -H "Authorization: Bearer $token" -H 'Content-Type: application/json' "$@"; }
# The build the document's examples name, deployed into the first environment, so that the
# GET-by-version paths and the deployment paths see a 200 (or a 409) and not only 404s.
code="$(api -o /dev/null -w '%{http_code}' -X POST "$base/api/v1/builds" -d '{
  "version": "1.4.2", "revision": "9fceb02d0ae598e95dc970b74767f19372d61af8",
  "artifact": {"ami_id": "ami-0123456789abcdef0"},
  "changes": [{"revision": "9fceb02", "summary": "Fix login", "author": "ana"}],
  "ci_url": "https://ci.example.com/run/7"}')"
[[ "$code" == 201 ]] || fail "seeding build 1.4.2 answered $code"
code="$(api -o /dev/null -w '%{http_code}' -X POST "$base/api/v1/environments/test/deployments" -d '{"build": "1.4.2"}')"
[[ "$code" == 202 ]] || fail "deploying 1.4.2 into test answered $code"
for _ in $(seq 1 100); do
  [[ "$(api "$base/api/v1/deployments?environment=test&build=1.4.2")" == *'"outcome":"succeeded"'* ]] && break
  sleep 0.2
done

log "validating the document"
curl -fsS "$base/api/v1/openapi.json" -o "$work/openapi.json" || fail "no document"
"$venv/bin/openapi-spec-validator" "$work/openapi.json" || fail "the document is not valid OpenAPI"

# What the document cannot say, because it depends on the server's state or configuration
# rather than on a request's shape (the document names each case in its descriptions): a
# schema-valid request may still fail a gate (412), ask for a scale the environment cannot
# take or already runs (422), or roll back to a release that never ran there or runs now
# (422). Everything else keeps schemathesis's defaults.
cat >"$work/schemathesis.toml" <<'TOML'
[auth.openapi.bearer]
bearer = "${GREENLIGHT_FUZZ_TOKEN}"

[[operations]]
include-operation-id = ["deploy", "promote", "preview_promotion"]
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "412"]

[[operations]]
include-operation-id = ["scale", "roll_back"]
checks.positive_data_acceptance.expected-statuses = ["2xx", "401", "403", "404", "409", "422"]
TOML
# Rules the document cannot state are steered rather than allowed: a history range whose end
# is before its start is not generated, and a sign-off names a configured environment when it
# names a well-formed one (so a 422 from either still means the document is wrong). To get
# past lookups to the gates, conflicts and successes, three in four well-formed environment
# names in a path are configured ones, and half the builds a deploy names are the seeded one.
cat >"$work/greenlight_hooks.py" <<'PYTHON'
"""Schemathesis hooks: the history's date order and the configured environment names."""
import re

import schemathesis

ENVIRONMENTS = ("test", "staging", "prod")
NAME = re.compile(r"[a-z0-9-]{1,32}")


@schemathesis.hook
def filter_query(ctx, query):
    if ctx.operation is None or not ctx.operation.path.startswith("/api/v1/deployments"):
        return True
    start, end = (query or {}).get("from"), (query or {}).get("to")
    if isinstance(start, str) and isinstance(end, str) and start.strip() and end.strip():
        return start.strip() <= end.strip()
    return True


# The document's pattern for a version: only a request that already keeps to the schema is
# steered to the seeded build, so a schema-violating one stays as generated and is refused.
VERSION = re.compile(
    r"(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})\.(0|[1-9][0-9]{0,8})"
    r"(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?"
)


def checksum(text):
    """Stable across runs, unlike hash()."""
    return sum(map(ord, text))


def configured(name, keep_unknown):
    """A configured environment for a well-formed name (all, or three in four)."""
    if not isinstance(name, str) or not NAME.fullmatch(name) or name in ENVIRONMENTS:
        return name
    if keep_unknown and checksum(name) % 4 == 0:
        return name
    return ENVIRONMENTS[checksum(name) % len(ENVIRONMENTS)]


@schemathesis.hook
def map_path_parameters(ctx, path_parameters):
    if isinstance(path_parameters, dict) and "environment" in path_parameters:
        name = configured(path_parameters["environment"], keep_unknown=True)
        path_parameters = dict(path_parameters, environment=name)
    return path_parameters


@schemathesis.hook
def map_body(ctx, body):
    if ctx.operation is None or not isinstance(body, dict):
        return body
    if ctx.operation.path.endswith("/signoffs") and "environment" in body:
        body = dict(body, environment=configured(body["environment"], keep_unknown=False))
    if ctx.operation.path.endswith("/deployments") and isinstance(body.get("build"), str):
        build = body["build"]
        if len(build) <= 64 and VERSION.fullmatch(build) and checksum(build) % 2 == 0:
            body = dict(body, build="1.4.2")
    return body
PYTHON

log "fuzzing the API with schemathesis"
# The event stream never ends by design, so a fuzzer waiting for its body would wait forever
# (tests/api/live_api.rs reads it); the sandbox's fault injection would switch off the very
# cloud the other operations are fuzzed against (tests/api/metrics.rs covers it).
cd "$work"
GREENLIGHT_FUZZ_TOKEN="$token" PYTHONPATH="$work" SCHEMATHESIS_HOOKS=greenlight_hooks \
  "$venv/bin/schemathesis" --config-file "$work/schemathesis.toml" \
  run "$base/api/v1/openapi.json" --url "$base" \
  --checks all --phases examples,coverage,fuzzing,stateful \
  --max-examples "${OPENAPI_MAX_EXAMPLES:-50}" --seed 7 --generation-database none \
  --workers 1 --no-color --exclude-operation-id stream_events --exclude-tag sandbox \
  || fail "schemathesis found failures"
log "document valid, API conforms"
