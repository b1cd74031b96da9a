#!/usr/bin/env bash
# Browser end-to-end tests: starts the release binary on a free loopback port with a fresh
# database (an admin, a QA user, a viewer, tokens, 200 history rows) and a pipeline on the
# instant sandbox with short verify windows and config with secrets (the sandbox simulates
# their SSM parameters), a real OpenID provider and a real SMTP server on loopback, runs
# end2end/run.mjs in Chromium, stops.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:?path to the greenlight binary}"
work="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
# A real OpenID provider for single sign-on (panva/oidc-provider; testing/oidc), its issuer on
# localhost: another site than Greenlight's 127.0.0.1, as a real provider is.
oidc_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export E2E_OIDC_SECRET="oidc-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
cat >"$work/accounts.json" <<'JSON'
{ "rita": { "groups": ["release-managers", "staff"], "name": "Rita" }, "nobody": { "groups": ["contractors"] } }
JSON
[[ -d "$here/testing/oidc/node_modules/oidc-provider" ]] || (cd "$here/testing/oidc" && npm ci --no-audit --no-fund --loglevel=error)
OIDC_PORT="$oidc_port" OIDC_CLIENT_ID=greenlight OIDC_CLIENT_SECRET="$E2E_OIDC_SECRET" \
  OIDC_REDIRECT_URI="http://127.0.0.1:$port/auth/oidc/callback" \
  OIDC_POST_LOGOUT_REDIRECT_URI="http://127.0.0.1:$port/login" OIDC_ACCOUNTS="$work/accounts.json" \
  node "$here/testing/oidc/provider.mjs" >"$work/oidc.log" 2>&1 &
oidc=$!
# A real SMTP server (aiosmtpd; testing/smtp) with STARTTLS and AUTH for the e-mail channel.
tools="${GREENLIGHT_TOOLS:-$HOME/.cache/greenlight/tools}"
export E2E_MAIL_DIR="$work/mail" E2E_SMTP_PASSWORD="smtp-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mkdir -p "$E2E_MAIL_DIR"
# A webhook whose URL is a secret and whose receiver is down (port 9 refuses): its failures are
# logged, and the log must not carry the URL, the key or the SMTP password (checked at the end).
export E2E_HOOK_URL="http://127.0.0.1:9/hooks/hook-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export E2E_HOOK_KEY="key-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s' "$E2E_SMTP_PASSWORD" >"$work/smtp-password"
"$tools/moto-venv/bin/python" "$here/testing/smtp/server.py" --dir "$E2E_MAIL_DIR" --mode starttls \
  --login greenlight --password-file "$work/smtp-password" >"$work/smtp.out" 2>"$work/smtp.log" &
smtp=$!
trap 'kill $oidc $smtp 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do grep -q '^ready ' "$work/smtp.out" 2>/dev/null && break; sleep 0.1; done
smtp_port="$(sed -n 's/^ready //p' "$work/smtp.out")"
[[ -n "$smtp_port" ]] || { echo "the test SMTP server did not start"; cat "$work/smtp.log"; exit 1; }
{
cat <<TOML
public_url = "http://127.0.0.1:$port"
TOML
cat <<'TOML'
engine_poll = "200ms"
fleet_refresh = "1s"

[cloud]
sandbox_pace = "instant"

[[environments]]
name = "test"
title = "TEST"
strategy = "target-group"
verify_window = "2s"
warm_retention = "10m"

[environments.config]
LOG_LEVEL = "debug"
API_KEY = { secret = "ssm:/app/test/api_key" }

[[environments]]
name = "staging"
title = "STAGING"
strategy = "alb-listener"
desired_capacity = 2
verify_window = "2s"
requires_signoff = true
four_eyes = true

[[environments.hooks]]
name = "smoke"
kind = "acceptance"
timeout = "1m"
command = ["sh", "-c", 'echo "checking $GREENLIGHT_NEW_FLEET"; echo 3 checks green']

[[environments]]
name = "prod"
title = "PROD"
strategy = "elastic-ip"
verify_window = "2s"
requires_signoff = true
four_eyes = true
bake_image = true
cutover = "manual"

[environments.config]
LOG_LEVEL = "warn"
API_KEY = { secret = "ssm:/app/prod/api_key" }
TOML
cat <<TOML

[auth.oidc]
issuer = "http://localhost:$oidc_port"
client_id = "greenlight"
client_secret = { env = "E2E_OIDC_SECRET" }
scopes = ["openid", "profile", "groups"]
label = "Test provider"
role_mapping = { "release-managers" = "engineer", "qa" = "qa" }

[notifications.smtp]
host = "localhost"
port = $smtp_port
username = "greenlight"
password = { env = "E2E_SMTP_PASSWORD" }
from = "Greenlight <greenlight@example.com>"
ca_file = "$E2E_MAIL_DIR/ca.pem"

[[notifications.channels]]
name = "ops-hook"
kind = "webhook"
url = { env = "E2E_HOOK_URL" }
secret = { env = "E2E_HOOK_KEY" }

[[notifications.channels]]
name = "release-mail"
kind = "email"
to = ["Release Team <release@example.com>"]

[[notifications.rules]]
events = ["deployment.failed", "deployment.rolled_back"]
channels = ["release-mail", "ops-hook"]
TOML
} >"$work/greenlight.toml"
export GREENLIGHT_CONFIG="$work/greenlight.toml"
export GREENLIGHT_DATABASE_URL="sqlite://$work/e2e.db" GREENLIGHT_LISTEN="127.0.0.1:$port" GREENLIGHT_DEMO=false
secret() { printf 'e2e-%s' "$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"; }
password="$(secret)" qa_password="$(secret)" viewer_password="$(secret)"

"$bin" migrate >/dev/null
printf '%s' "$password" | "$bin" user add e2e --role admin --password-stdin >/dev/null
printf '%s' "$qa_password" | "$bin" user add quinn --role qa --password-stdin >/dev/null
printf '%s' "$viewer_password" | "$bin" user add vic --role viewer --password-stdin >/dev/null
token="$("$bin" token create e2e --name e2e 2>/dev/null)"
viewer_token="$("$bin" token create vic --name e2e 2>/dev/null)"
"$bin" seed-history --count 200 --builds 20 >/dev/null

(cd "$work" && RUST_LOG="info,greenlight=debug,sqlx=warn,tower_sessions=warn" exec "$bin" serve >"$work/server.log" 2>&1) &
server=$!
trap 'kill $server $oidc $smtp 2>/dev/null || true; wait $server $oidc $smtp 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done

cd "$here/end2end"
[[ -d node_modules/playwright-core ]] || npm ci --no-audit --no-fund --loglevel=error
BASE_URL="http://127.0.0.1:$port" E2E_USER=e2e E2E_PASSWORD="$password" E2E_TOKEN="$token" \
  E2E_QA_PASSWORD="$qa_password" E2E_VIEWER_PASSWORD="$viewer_password" E2E_VIEWER_TOKEN="$viewer_token" \
  ARTIFACTS="${ARTIFACTS:-$here/end2end/artifacts}" node run.mjs || { echo "--- server log"; tail -50 "$work/server.log"; exit 1; }
for name in E2E_HOOK_URL E2E_HOOK_KEY E2E_SMTP_PASSWORD E2E_OIDC_SECRET; do
  if grep -qF -- "${!name#http://127.0.0.1:9}" "$work/server.log"; then
    echo "FAIL the server log carries the secret in $name"; exit 1
  fi
done
grep -q 'a notification was not delivered' "$work/server.log" \
  || { echo "FAIL the failing webhook's delivery errors were never logged (the secrets check saw nothing)"; exit 1; }
echo "ok   the server log carries no channel URL, signing key, SMTP password or client secret"
