#!/usr/bin/env bash
# Installs, once per machine, every tool the build and the tests need, from the package
# registries this project may reach (crates.io, npm, Debian). Tools land in a stable cache
# ($GREENLIGHT_TOOLS, default ~/.cache/greenlight/tools) so later runs find them at once.
# Prints the PATH to use on stdout's last line (`eval "$(scripts/tools.sh --env)"`).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="${GREENLIGHT_TOOLS:-$HOME/.cache/greenlight/tools}"
mkdir -p "$tools"
export PATH="$tools/bin:$tools/node_modules/.bin:$PATH"

if [[ "${1:-}" == "--env" ]]; then
  echo "export PATH=\"$tools/bin:$tools/node_modules/.bin:\$PATH\""
  exit 0
fi

log() { echo "[tools] $*" >&2; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown >&2
fi

if ! cargo-leptos --version 2>/dev/null | grep -q '0.3.10'; then
  log "installing cargo-leptos 0.3.10 (about 20 minutes, once)"
  cargo install cargo-leptos --version 0.3.10 --locked --root "$tools" >&2
fi

# wasm-bindgen-cli must match the wasm-bindgen library in Cargo.lock exactly.
wb_version="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/"/,"",$3); print $3; exit}' "$here/Cargo.lock")"
if ! wasm-bindgen --version 2>/dev/null | grep -q " $wb_version\$"; then
  log "installing wasm-bindgen-cli $wb_version"
  cargo install wasm-bindgen-cli --version "$wb_version" --root "$tools" --force >&2
fi

if [[ ! -x "$tools/node_modules/.bin/sass" || ! -x "$tools/node_modules/.bin/wasm-opt" ]]; then
  log "installing sass and binaryen (wasm-opt) from npm"
  (cd "$tools" && [[ -f package.json ]] || echo '{"private":true}' > "$tools/package.json")
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error \
      sass@1.108.2 binaryen@132.0.0 >&2)
fi

# moto (AWS emulator) and cbor2 (for the CloudWatch CBOR shim) for the cloud adapter's
# contract tests, and aiosmtpd (the SMTP server the e-mail tests send to), in one virtualenv.
if [[ " $* " == *" --with-browser "* ]] && ! "$tools/moto-venv/bin/python" -c 'import moto, cbor2, aiosmtpd' 2>/dev/null; then
  log "installing moto[server], cbor2 and aiosmtpd from PyPI"
  python3 -m venv "$tools/moto-venv" >&2
  "$tools/moto-venv/bin/pip" install --quiet 'moto[server]==5.*' 'cbor2>=5' 'aiosmtpd==1.4.*' >&2
fi

# The real OpenID provider the single sign-on tests sign in through (panva/oidc-provider).
if [[ " $* " == *" --with-browser "* && ! -d "$here/testing/oidc/node_modules/oidc-provider" ]]; then
  log "installing the test OpenID provider from npm"
  (cd "$here/testing/oidc" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi

# oha, the HTTP load generator of the benchmarks (`scripts/tools.sh --with-bench`, as `make
# bench` runs it); the tests do not need it.
if [[ " $* " == *" --with-bench "* ]] && ! oha --version 2>/dev/null | grep -q '1.16.0'; then
  log "installing oha 1.16.0 (the benchmarks' load generator, a few minutes, once)"
  cargo install oha --version 1.16.0 --locked --root "$tools" >&2
fi

# Chromium only for the browser tests (`scripts/tools.sh --with-browser`, as the tests run it).
if [[ " $* " == *" --with-browser "* && ! -x /usr/bin/chromium ]]; then
  log "installing chromium from Debian"
  if [[ "$(id -u)" == 0 ]]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2
  else
    (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >&2
  fi
fi

log "tools ready in $tools"
