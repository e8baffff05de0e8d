#!/usr/bin/env bash
# The dashboard in a real browser: a release `tenantry serve` on 127.0.0.1 with a fresh data
# directory, then browser/journeys.py (Selenium, Debian's headless chromium and chromedriver,
# axe-core from the npm registry). Screenshots of every page visited go to target/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in chromium chromedriver npm; do
  command -v "$tool" >/dev/null || { echo "browser: $tool is missing" >&2; exit 1; }
done

venv=target/browser-venv
[[ -x $venv/bin/python ]] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r browser/requirements.txt

# axe-core, the accessibility rules, injected into each page by the journeys.
axe_dir=target/axe-core
if [[ ! -f $axe_dir/node_modules/axe-core/axe.min.js ]]; then
  mkdir -p "$axe_dir"
  npm install --silent --no-audit --no-fund --prefix "$axe_dir" axe-core@4.10.3 >/dev/null
fi

cargo build --release --quiet --locked -p tenantry
bin=$PWD/target/release/tenantry

work=$(mktemp -d)
server=""
sink=""
cleanup() {
  [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null || true
  [[ -n $sink ]] && kill "$sink" 2>/dev/null && wait "$sink" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port=$(free_port)
# A real SMTP server for the invitation journey: aiosmtpd, keeping each message in a Maildir.
smtp_port=$(free_port)
"$venv/bin/python" -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox \
  "$work/maildir" &
sink=$!
export TENANTRY_DATA_DIR=$work/data TENANTRY_LOG=warn
"$bin" bootstrap --org-name "Reseller" --username owner --email owner@reseller.example \
  --json --out "$work/boot.json"
"$bin" serve --listen "127.0.0.1:$port" --signup invite \
  --smtp-url "smtp://127.0.0.1:$smtp_port" --public-url "http://127.0.0.1:$port" &
server=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break
  sleep 0.1
done

rm -rf target/screenshots
mkdir -p target/screenshots
BASE="http://127.0.0.1:$port" BOOT="$work/boot.json" SCREENSHOTS=target/screenshots \
  MAILDIR="$work/maildir" \
  AXE="$axe_dir/node_modules/axe-core/axe.min.js" "$venv/bin/python" browser/journeys.py
