#!/usr/bin/env bash
# The name server's benchmark with dnsperf (Debian package `dnsperf`), against BIND's `named`
# (Debian package `bind9`) serving the same zones, in the same invocation.
#
#   bench/dns.sh
#
# Method: a release `tenantry serve --dns-listen` on a fresh SQLite database, pinned to core 0
# from its start, is given ZONES zones through the API (bench/seed_zones.py: five rrsets each)
# whose exports become BIND's primary zone files. dnsperf runs pinned to core 1 over one query
# file: half answers (www A, apex MX with the exchange's address), a quarter NXDOMAIN, a
# quarter NODATA, over random zones. Tenantry is measured, stopped, then `named -n 1` (one
# worker) is started on core 0 with the same zones and measured with the same dnsperf run.
# Figures: queries per second and average latency of each, and Tenantry's rate as a ratio to
# BIND's. A run with any SERVFAIL or REFUSED answer, or more than 0.1% of queries lost,
# measured failures and voids the invocation. Knobs: ZONES (10000), QUERIES (200000 lines in
# the query file), DURATION (20, seconds), CLIENTS (4), OUTSTANDING (200).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

ZONES=${ZONES:-10000}
QUERIES=${QUERIES:-200000}
DURATION=${DURATION:-20}
CLIENTS=${CLIENTS:-4}
OUTSTANDING=${OUTSTANDING:-200}

for tool in dnsperf named taskset curl; do
  command -v $tool >/dev/null || { echo "bench/dns.sh needs $tool (apt-get install dnsperf bind9 util-linux curl)" >&2; exit 1; }
done
if ! taskset -c 0 true 2>/dev/null || ! taskset -c 1 true 2>/dev/null; then
  echo "bench/dns.sh needs cores 0 and 1 (servers on 0, dnsperf on 1)" >&2
  exit 1
fi
cargo build --release --quiet -p tenantry
bin=$root/target/release/tenantry

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
stop_last() { kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
void() { echo "bench/dns.sh: run refused, $1: $2; no figure of this invocation counts" >&2; exit 1; }

# The query file: the same for both servers.
python3 - "$ZONES" "$QUERIES" > "$work/queries" <<'PY'
import random, sys
zones, lines = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(7)
for _ in range(lines):
    z = rng.randrange(zones)
    kind = rng.randrange(4)
    if kind == 0:
        print(f"www.z{z}.bench A")
    elif kind == 1:
        print(f"z{z}.bench MX")
    elif kind == 2:
        print(f"nx{rng.randrange(1000)}.z{z}.bench A")
    else:
        print(f"www.z{z}.bench TXT")
PY

declare -A qps latency
perf() { # name port
  local out lost sent
  out=$(taskset -c 1 dnsperf -s 127.0.0.1 -p "$2" -d "$work/queries" -l "$DURATION" \
    -c "$CLIENTS" -T 1 -q "$OUTSTANDING" 2>&1) || void "$1" "dnsperf failed: $out"
  if grep -Eq 'SERVFAIL|REFUSED' <<<"$out"; then void "$1" "failed answers: $(grep -A4 'Response codes' <<<"$out")"; fi
  sent=$(awk '/Queries sent:/ {print $3}' <<<"$out")
  lost=$(awk '/Queries lost:/ {print $3}' <<<"$out")
  python3 -c 'import sys; sys.exit(0 if int(sys.argv[2]) * 1000 <= int(sys.argv[1]) else 1)' "$sent" "$lost" \
    || void "$1" "$lost of $sent queries lost"
  qps[$1]=$(awk '/Queries per second:/ {print $4}' <<<"$out")
  latency[$1]=$(awk '/Average Latency/ {print $4}' <<<"$out")
  echo "== $1: ${qps[$1]} queries/s, average latency ${latency[$1]} s ($(grep -A3 'Response codes' <<<"$out" | tr -s ' \n' ' '))"
}

# Tenantry.
data=$work/tenantry
mkdir -p "$data" "$work/zones"
export TENANTRY_DATA_DIR=$data TENANTRY_LOG=warn
boot=$("$bin" bootstrap --org-name Bench --username bench-owner --email owner@bench.example --json)
key=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["api_key"])' "$boot")
http_port=$(free_port) dns_port=$(free_port)
taskset -c 0 "$bin" serve --listen "127.0.0.1:$http_port" --dns-listen "127.0.0.1:$dns_port" \
  --rate-limit 100000000 &
pids+=($!)
until curl -fs "http://127.0.0.1:$http_port/healthz" >/dev/null; do sleep 0.2; done
python3 bench/seed_zones.py "http://127.0.0.1:$http_port" "$key" "$ZONES" "$work/zones"
# Every zone answered before measuring (the last one created is enough: zones load in order of
# their serial check, all within one refresh).
until dig @127.0.0.1 -p "$dns_port" +short "www.z$((ZONES - 1)).bench" A | grep -q 192.0.2.2; do sleep 0.2; done
perf tenantry "$dns_port"
stop_last

# BIND, on the same core, with the same zones.
bind_port=$(free_port)
{
  echo "options { directory \"$work\"; pid-file \"$work/named.pid\"; listen-on port $bind_port { 127.0.0.1; };"
  echo "  listen-on-v6 { none; }; recursion no; minimal-responses yes; notify no; allow-query { any; }; };"
  echo "controls { };"
  for file in "$work"/zones/*.zone; do
    zone=$(basename "$file" .zone)
    echo "zone \"$zone\" { type primary; file \"$file\"; };"
  done
} > "$work/named.conf"
taskset -c 0 named -g -4 -n 1 -c "$work/named.conf" >"$work/named.log" 2>&1 &
pids+=($!)
until dig @127.0.0.1 -p "$bind_port" +short "www.z$((ZONES - 1)).bench" A | grep -q 192.0.2.2; do sleep 0.5; done
perf bind "$bind_port"
stop_last

ratio=$(python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "${qps[tenantry]}" "${qps[bind]}")
echo
echo "zones: $ZONES, query file: $QUERIES lines (1/4 www A, 1/4 apex MX, 1/4 NXDOMAIN, 1/4 NODATA)"
printf '%-10s %14s %16s %10s\n' server "queries/s" "avg latency (s)" "vs BIND"
printf '%-10s %14s %16s %10s\n' tenantry "${qps[tenantry]}" "${latency[tenantry]}" "$ratio"
printf '%-10s %14s %16s %10s\n' bind "${qps[bind]}" "${latency[bind]}" "1.00"
