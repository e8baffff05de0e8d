#!/usr/bin/env bash
# The dashboard's heaviest pages, and what a rate-limit refusal costs, with wrk.
#
#   bench/pages.sh [sqlite|postgres|both]     (default: both)
#
# Method (bench/lib.sh, as bench/run.sh): the bare axum server first, alone on core 0; then
# per engine a release `tenantry serve` pinned to core 0 from its start, wrk pinned to core 1,
# every figure also as a ratio to Tenantry's /healthz and to the bare axum server of the same
# invocation; a run with any non-2xx answer or socket error voids the invocation.
#
# Pages: with the request limit lifted (a bucket wrk never empties), ROWS operator credits
# (ROWS transactions and ROWS audit records) and a zone of RRSETS rrsets are seeded through the
# API, a person (admin) signs in on the dashboard, and wrk reads the audit log and the
# transactions (first and last page of 25) and the zone's editor with that session's cookie.
#
# Refusals: the server is restarted on the same data with a limit of 1 request an hour per
# credential; one request empties the key's bucket, then wrk sends the same key to an API
# route and every answer must be a 429 (anything else voids the run). Its rate is set beside
# the same server's /healthz (never limited). Environment knobs: DURATION (10s), CONNECTIONS
# (32), THREADS (2), TIMEOUT (10s), ROWS (10000), RRSETS (1000).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

engines=${1:-both}
[[ $engines == both ]] && engines="sqlite postgres"
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
TIMEOUT=${TIMEOUT:-10s}
ROWS=${ROWS:-10000}
RRSETS=${RRSETS:-1000}

source "$root/bench/lib.sh"
prepare_bench

# A release server on core 0 with the given limit flags; sets `base`.
start_server() { # serve flags...
  port=$(free_port)
  base=http://127.0.0.1:$port
  taskset -c 0 "$bin" serve --listen "127.0.0.1:$port" "$@" &
  pids+=($!)
  until curl -fs "$base/readyz" >/dev/null; do sleep 0.2; done
}

measure_bare_axum "$bare_bin"

for engine in $engines; do
  stage=$engine order=()
  data=$work/$engine
  mkdir -p "$data"
  url=""
  if [[ $engine == postgres ]]; then start_postgres; url=$pg_url; fi
  export TENANTRY_DATA_DIR=$data TENANTRY_LOG=warn
  if [[ -n $url ]]; then export TENANTRY_DATABASE_URL=$url; else unset TENANTRY_DATABASE_URL; fi
  boot=$("$bin" bootstrap --org-name Bench --username bench-owner --email owner@bench.example --json)
  field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$boot" "$1"; }
  BENCH_API_KEY=$(field api_key)
  export BENCH_API_KEY
  operator_key=$(field operator_api_key) org=$(field organization_id)

  start_server --rate-limit 4000000000 --rate-limit-period 1
  echo "== $engine: seeding $ROWS credits and a zone of $RRSETS rrsets"
  BENCH_COOKIE=$(python3 "$root/bench/seed_pages.py" "$base" "$operator_key" "$org" \
    "$BENCH_API_KEY" "$ROWS" bench-admin bench-lantern-orbit-42)
  export BENCH_COOKIE
  python3 "$root/bench/seed_dns.py" "$base" "$BENCH_API_KEY" pages.bench "$RRSETS"
  if [[ $engine == postgres ]]; then psql -q "$url" -c "VACUUM ANALYZE"; fi
  last=$(((ROWS + 24) / 25))
  run_wrk healthz /healthz get.lua
  run_wrk audit_page_1 "/orgs/$org/audit" get_page.lua
  run_wrk "audit_page_$last" "/orgs/$org/audit?page=$last" get_page.lua
  run_wrk billing_page_1 "/orgs/$org/billing" get_page.lua
  run_wrk "billing_page_$last" "/orgs/$org/billing?page=$last" get_page.lua
  run_wrk "zone_editor_$RRSETS" "/orgs/$org/dns/pages.bench." get_page.lua
  print_table
  stop_last

  # The same data, a limit of one request an hour: the key's first request empties it.
  stage=$engine-refusals order=()
  start_server --rate-limit 1 --rate-limit-period 3600
  curl -fs "$base/v1/users/me" -H "X-Api-Key: $BENCH_API_KEY" >/dev/null
  run_wrk healthz /healthz get.lua
  wrk_run refused refused_429 /v1/users/me get.lua
  print_table
  echo "429s / served /healthz (req/s): $(ratio "${rps[refused_429]}" "${rps[healthz]}")"
  stop_last
  if [[ $engine == postgres ]]; then stop_postgres; fi
done
