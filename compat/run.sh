#!/usr/bin/env bash
# Runs the real clients against a local Tenantry: octoDNS with octodns-opusdns
# (octodns_check.py), certbot-dns-opusdns's client (certbot_check.py), ns1-python over
# the HTTPS listener (ns1_check.py), the DomainGenius guide's curl calls
# (domaingenius_seed.sh), and schemathesis against the vendor's published OpenAPI for the
# domain, contact and event routes (conformance.sh).
#
#   compat/run.sh
#
# Makes a Python virtualenv with the pinned clients (compat/requirements.txt; COMPAT_VENV
# picks its place), builds the release binary, starts `tenantry serve` on 127.0.0.1 over a fresh
# SQLite database with a bootstrapped tenant, runs both checks and stops the server.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

venv=${COMPAT_VENV:-$root/target/compat-venv}
if [[ ! -x $venv/bin/python ]]; then
  python3 -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --disable-pip-version-check -r compat/requirements.txt
# schemathesis, for the conformance check, in a virtualenv of its own (its dependencies are
# not the clients').
st_venv=${CONFORMANCE_VENV:-$root/target/conformance-venv}
if [[ ! -x $st_venv/bin/st ]]; then
  python3 -m venv "$st_venv"
fi
"$st_venv/bin/pip" install --quiet --disable-pip-version-check -r compat/conformance-requirements.txt
export SCHEMATHESIS=$st_venv/bin/st

cargo build --release --locked --quiet -p tenantry
bin=$root/target/release/tenantry

work=$(mktemp -d)
server=""
cleanup() {
  if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

export TENANTRY_DATA_DIR=$work/data TENANTRY_LOG=warn
TENANTRY_BOOTSTRAP=$("$bin" bootstrap --org-name Compat --username compat-owner \
  --email owner@compat.example --json)
export TENANTRY_BOOTSTRAP
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
tls_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export TENANTRY_URL=http://127.0.0.1:$port TENANTRY_TLS_PORT=$tls_port
"$bin" serve --listen "127.0.0.1:$port" --tls-listen "127.0.0.1:$tls_port" >"$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do
  curl -fs "$TENANTRY_URL/readyz" >/dev/null && curl -kfs "https://127.0.0.1:$tls_port/readyz" >/dev/null && break
  sleep 0.1
done
# The clients' HTTP libraries honour proxy variables; the server is local.
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

cd compat
status=0
"$venv/bin/python" octodns_check.py || status=$?
if ((status == 0)); then "$venv/bin/python" certbot_check.py || status=$?; fi
if ((status == 0)); then "$venv/bin/python" ns1_check.py || status=$?; fi
if ((status == 0)); then ./domaingenius_seed.sh || status=$?; fi
if ((status == 0)); then ./conformance.sh || status=$?; fi
if ((status != 0)); then
  echo "compat: a check failed; the server's log follows" >&2
  cat "$work/serve.log" >&2
fi
exit "$status"
