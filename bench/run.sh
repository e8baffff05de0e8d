#!/usr/bin/env bash
# Load benchmark of the Tenantry API with wrk (Debian package `wrk`) and taskset (util-linux).
#
#   bench/run.sh [sqlite|postgres|both]     (default: both)
#
# Method: one server at a time runs on core 0, pinned there from its start (`taskset -c 0`),
# with its PostgreSQL cluster when the engine is PostgreSQL (the database is part of what is
# measured); wrk runs pinned to core 1 (`taskset -c 1`), so the load generator never takes CPU
# from the server. First a bare axum server (crates/tenantry-http/examples/bare_axum.rs:
# GET /healthz, no middleware, built here) is measured with the same wrk settings and stopped;
# every figure is then reported as req/s, p50 and p99, its ratio to Tenantry's GET /healthz of
# the same engine, and its ratio to the bare axum server of the same invocation. Read the
# ratios: they hold across machines and load, the absolute numbers do not. Tenantry's request
# rate limit stays on, with a bucket wrk never empties, so its cost stays in the figures. A wrk
# run with any non-2xx answer or any socket error (a timeout counts) measured failures, not the
# scenario: the script stops there, exits non-zero naming the scenario, and the invocation's
# figures are void.
#
# For each engine: a fresh database (PostgreSQL: a throwaway cluster with default durability
# settings), `tenantry bootstrap`, a release `tenantry serve` on 127.0.0.1, then seeding of
# 1,000 suborganizations holding 100 users each (bench/seed.py) plus SEED_TOP users in the
# top-level organization, and two zones of 100 and 10,000 rrsets (bench/seed_dns.py); then one
# wrk run per scenario. The token grant and the first Bearer call use the bootstrap
# credential's OAuth client secret; the password grant and the second Bearer call use a person
# (role viewer) created with a password during setup, the Bearer call with the access token of
# one password grant. The first page (10) of the suborganization list, and the users' lists.
# On SQLite, the disk's single-writer fsync rate is measured first (`measure_fsync`), and the
# charged zone creations are also given as a ratio to it. Then charged domain registrations, and the domain list's first, middle and last page of 100
# over DOMAINS domains. Environment knobs: DURATION (10s), CONNECTIONS (32),
# THREADS (2), TIMEOUT (10s, wrk's per-request timeout), SUBORGS (1000), USERS_PER_SUBORG
# (100), SEED_TOP (10000), DOMAINS (100000).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

engines=${1:-both}
[[ $engines == both ]] && engines="sqlite postgres"
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
# wrk's default 2 s would count a slow but correct answer as a socket error, which voids the
# run: 32 concurrent password grants queue for Argon2id (tens of ms of CPU each) on one core.
TIMEOUT=${TIMEOUT:-10s}
SUBORGS=${SUBORGS:-1000}
USERS_PER_SUBORG=${USERS_PER_SUBORG:-100}
SEED_TOP=${SEED_TOP:-10000}
DOMAINS=${DOMAINS:-100000}

source "$root/bench/lib.sh"
prepare_bench

measure_bare_axum "$bare_bin"

for engine in $engines; do
  stage=$engine order=()
  data=$work/$engine
  mkdir -p "$data"
  url=""
  if [[ $engine == postgres ]]; then start_postgres; url=$pg_url; fi
  export TENANTRY_DATA_DIR=$data TENANTRY_LOG=warn
  [[ $engine == sqlite ]] && measure_fsync "$data"
  if [[ -n $url ]]; then export TENANTRY_DATABASE_URL=$url; else unset TENANTRY_DATABASE_URL; fi
  boot=$("$bin" bootstrap --org-name Bench --username bench-owner --email owner@bench.example --json)
  field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$boot" "$1"; }
  BENCH_API_KEY=$(field api_key) BENCH_CLIENT_ID=$(field client_id) BENCH_CLIENT_SECRET=$(field client_secret)
  export BENCH_API_KEY BENCH_CLIENT_ID BENCH_CLIENT_SECRET
  operator_key=$(field operator_api_key) organization_id=$(field organization_id)
  port=$(free_port)
  base=http://127.0.0.1:$port
  # Pinned to core 0 from its start, so tokio sizes its runtime to that one core (one worker,
  # as in the bare server). wrk drives one key far past the default request limit; the limiter
  # still runs, with a bucket of 4e9 requests refilled at 1e9/s that wrk never empties, so its
  # cost stays in the figures.
  taskset -c 0 "$bin" serve --listen "127.0.0.1:$port" --max-connections "${POOL:-4}" \
    --rate-limit 4000000000 --rate-limit-period 1 &
  pids+=($!)
  until curl -fs "$base/readyz" >/dev/null; do sleep 0.2; done

  echo "== $engine: seeding $SUBORGS suborganizations × $USERS_PER_SUBORG users + $SEED_TOP users in the top-level organization"
  seconds=$SECONDS
  python3 "$root/bench/seed.py" "$base" "$BENCH_API_KEY" "$SUBORGS" "$USERS_PER_SUBORG" "$SEED_TOP"
  # A live database is vacuumed by autovacuum; do it now so the figures do not depend on
  # when autovacuum last ran after the bulk seeding.
  [[ $engine == postgres ]] && psql -q "$url" -c "VACUUM ANALYZE"
  total=$(curl -fs "$base/v1/organizations/users?page_size=1" -H "X-Api-Key: $BENCH_API_KEY" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["pagination"]["total_items"])')
  echo "   seeded in $((SECONDS - seconds)) s; the top-level organization lists $total users"

  BENCH_TOKEN=$(curl -fs "$base/v1/auth/token" -d grant_type=client_credentials \
    -d "client_id=$BENCH_CLIENT_ID" -d "client_secret=$BENCH_CLIENT_SECRET" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  export BENCH_TOKEN

  # A person who signs in with a password (role viewer, which may read users), and the access
  # token of one password grant (it lives an hour, longer than the runs). Every grant of the
  # password_grant scenario succeeds: only failed sign-ins are limited.
  person=bench-person person_password=bench-lantern-orbit-42
  answer=$(curl -sS --fail-with-body "$base/v1/users" -H "X-Api-Key: $BENCH_API_KEY" \
    -H "Content-Type: application/json" \
    -d "{\"username\": \"$person\", \"email\": \"$person@example.com\", \"password\": \"$person_password\", \"role\": \"viewer\"}") ||
    { echo "bench/run.sh: $engine: creating $person failed: $answer" >&2; exit 1; }
  answer=$(curl -sS --fail-with-body "$base/v1/auth/token" -d grant_type=password \
    --data-urlencode "username=$person" --data-urlencode "password=$person_password") ||
    { echo "bench/run.sh: $engine: the password grant of $person failed: $answer" >&2; exit 1; }
  person_token=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["access_token"])' "$answer")

  deep=$((total / 10))
  run_wrk healthz /healthz get.lua
  run_wrk users_me /v1/users/me get.lua
  run_wrk users_me_bearer /v1/users/me get_bearer.lua
  run_wrk token_grant /v1/auth/token grant.lua
  run_wrk users_me_person /v1/users/me get_bearer.lua BENCH_TOKEN="$person_token"
  run_wrk password_grant /v1/auth/token password_grant.lua \
    BENCH_USERNAME="$person" BENCH_PASSWORD="$person_password"
  run_wrk organizations_page_1 "/v1/organizations?page=1" get.lua
  run_wrk users_page_1 "/v1/organizations/users?page=1" get.lua
  run_wrk "users_page_$deep" "/v1/organizations/users?page=$deep" get.lua
  run_wrk create_user / create_users.lua BENCH_PREFIX=measure BENCH_TOTAL=0

  python3 "$root/bench/seed_dns.py" "$base" "$BENCH_API_KEY" small.bench 100 large.bench 10000
  run_wrk zone_get_100 /v1/dns/small.bench get.lua
  run_wrk zone_get_10000 /v1/dns/large.bench get.lua
  run_wrk zone_patch_100 /v1/dns/small.bench/rrsets patch_rrset.lua
  run_wrk zone_patch_10000 /v1/dns/large.bench/rrsets patch_rrset.lua

  # Zone creation free, then priced at 0.01 EUR against a balance that covers every request:
  # each charged creation writes the zone, a transaction, a ledger entry and the balance in
  # one database transaction.
  run_wrk zone_create_free / create_zones.lua BENCH_PREFIX=free
  curl -fs -X PUT "$base/v1/pricing/product-type/zones" -H "X-Api-Key: $operator_key" \
    -d '{"prices":[{"product_action":"create","price":"0.01","currency":"EUR"}]}' >/dev/null
  curl -fs "$base/v1/organizations/$organization_id/billing/wallet/credits" -H "X-Api-Key: $operator_key" \
    -d '{"amount":"99999999.00","reference":"bench"}' >/dev/null
  run_wrk zone_create_charged / create_zones.lua BENCH_PREFIX=charged
  charges=$(curl -fs "$base/v1/organizations/$organization_id/transactions?product_type=zones&page_size=1" \
    -H "X-Api-Key: $BENCH_API_KEY" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pagination"]["total_items"])')
  balance=$(curl -fs "$base/v1/organizations/$organization_id" -H "X-Api-Key: $BENCH_API_KEY" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["account_balance"])')
  echo "   $charges zone charges recorded; balance $balance EUR"

  # Domains: registrations charged 0.01 EUR each at the sandbox registry (a hold, the
  # registry's own write, then the capture: three durable transactions per answer), then the
  # list of DOMAINS domains by pages of 100, first and last.
  curl -fs -X PUT "$base/v1/tlds/com" -H "X-Api-Key: $operator_key" -d '{"periods":[1,2,5,10]}' >/dev/null
  curl -fs -X PUT "$base/v1/pricing/product-type/domain" -H "X-Api-Key: $operator_key" \
    -d '{"prices":[{"product_action":"create","price":"0.01","currency":"EUR","product_class":"com"}]}' >/dev/null
  BENCH_CONTACT=$(curl -fs "$base/v1/contacts" -H "X-Api-Key: $BENCH_API_KEY" \
    -d '{"first_name":"Bench","last_name":"Holder","email":"holder@bench.example","phone":"+44.2079460000","street":"1 Bench Row","city":"London","postal_code":"SW1A 1AA","country":"GB","disclose":false}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["contact_id"])')
  export BENCH_CONTACT
  run_wrk domain_register_charged / create_domains.lua BENCH_PREFIX=measure BENCH_TOTAL=0
  held=$(curl -fs "$base/v1/domains?page_size=1" -H "X-Api-Key: $BENCH_API_KEY" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["pagination"]["total_items"])')
  # Not a measurement: wrk only makes the rest of the domains, in rounds of 30 s (its threads
  # stop at their share, but wrk itself runs for the whole duration).
  round=0
  while ((held < DOMAINS)); do
    round=$((round + 1))
    BENCH_NAME=seed BENCH_PREFIX=seed$round BENCH_TOTAL=$((DOMAINS - held)) BENCH_THREADS=$THREADS \
      taskset -c 1 wrk -t"$THREADS" -c"$CONNECTIONS" -d30s --timeout "$TIMEOUT" \
      -s "$BENCH_LUA/create_domains.lua" "$base/" >/dev/null
    held=$(curl -fs "$base/v1/domains?page_size=1" -H "X-Api-Key: $BENCH_API_KEY" |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["pagination"]["total_items"])')
  done
  [[ $engine == postgres ]] && psql -q "$url" -c "VACUUM ANALYZE"
  listed=$(curl -fs "$base/v1/domains?page_size=1" -H "X-Api-Key: $BENCH_API_KEY" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["pagination"]["total_items"])')
  last_page=$((listed / 100))
  echo "   $listed domains listed; pages of 100, the last full one is page $last_page"
  run_wrk domains_page_1 "/v1/domains?page=1&page_size=100" get.lua
  # Pages are read from the nearer end of the list, so the middle one is the dearest.
  middle_page=$(((last_page + 1) / 2))
  run_wrk domains_page_middle "/v1/domains?page=$middle_page&page_size=100" get.lua
  run_wrk domains_page_last "/v1/domains?page=$last_page&page_size=100" get.lua

  print_table
  echo "deep page / page 1 latency (p50): $(ratio "${p50[users_page_$deep]}" "${p50[users_page_1]}")"
  echo "PATCH of one rrset, 10,000 / 100 rrsets (p50): $(ratio "${p50[zone_patch_10000]}" "${p50[zone_patch_100]}")"
  echo "charged / free zone creations per second: $(ratio "${rps[zone_create_charged]}" "${rps[zone_create_free]}")"
  if [[ $engine == sqlite ]]; then
    echo "charged zone creations / the disk's fsync rate: $(ratio "${rps[zone_create_charged]}" "$fsync_rate")"
  fi
  echo "domains, page $middle_page / page 1 latency (p50): $(ratio "${p50[domains_page_middle]}" "${p50[domains_page_1]}")"
  echo "domains, page $last_page / page 1 latency (p50): $(ratio "${p50[domains_page_last]}" "${p50[domains_page_1]}")"

  stop_last
  if [[ $engine == postgres ]]; then stop_postgres; fi
done
