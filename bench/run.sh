#!/usr/bin/env bash
# Load benchmark of the Tenantry API with wrk (Debian package `wrk`).
#
#   bench/run.sh [sqlite|postgres|both]     (default: both)
#
# For each engine: a fresh database (PostgreSQL: a throwaway cluster with default durability
# settings), `tenantry bootstrap`, a release `tenantry serve` on 127.0.0.1, then seeding of
# 1,000 suborganizations holding 100 users each (bench/seed.py) plus SEED_TOP users in the
# top-level organization, and two zones of 100 and 10,000 rrsets (bench/seed_dns.py); then one
# wrk run per scenario. Each run prints req/s, p50 and p99, and its ratio to GET /healthz
# measured in the same run; the token grant and the Bearer call use the bootstrap credential's
# OAuth client secret. Environment knobs: DURATION (10s), CONNECTIONS (32), THREADS (2),
# SUBORGS (1000), USERS_PER_SUBORG (100), SEED_TOP (10000).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

engines=${1:-both}
[[ $engines == both ]] && engines="sqlite postgres"
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
SUBORGS=${SUBORGS:-1000}
USERS_PER_SUBORG=${USERS_PER_SUBORG:-100}
SEED_TOP=${SEED_TOP:-10000}

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
cargo build --release --quiet -p tenantry
bin=$root/target/release/tenantry
export BENCH_LUA=$root/bench/lua

work=$(mktemp -d)
chmod 755 "$work" # the PostgreSQL cluster runs as the postgres user
pids=()
cleanup() {
  pkill -P $$ wrk 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [[ -n ${pg_data:-} ]]; then pg_as_owner "$pg_bin/pg_ctl" -D "$pg_data" stop -m fast >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pg_as_owner() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Sets pg_url (and pg_bin, pg_data for the cleanup) in this shell, not a subshell.
start_postgres() {
  pg_bin=$(dirname "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb | sort | tail -1)")
  local dir=$work/pg port
  mkdir -p "$dir" && chmod 777 "$dir"
  port=$(free_port)
  pg_as_owner "$pg_bin/initdb" -A trust -U postgres -D "$dir/data" >/dev/null
  pg_as_owner "$pg_bin/pg_ctl" -w -D "$dir/data" -l "$dir/log" \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  pg_data=$dir/data
  pg_url="postgres://postgres@127.0.0.1:$port/postgres"
}

declare -A rps p50 p99
run_wrk() { # name path script [extra env...]
  local name=$1 path=$2 script=$3; shift 3
  local out
  out=$(env BENCH_NAME="$name" "$@" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
    -s "$BENCH_LUA/$script" "$base$path" | grep '^RESULT')
  read -r _ _ r a b non2xx sockerr <<<"$out"
  rps[$name]=$r p50[$name]=$a p99[$name]=$b
  if [[ $non2xx != 0 || $sockerr != 0 ]]; then
    echo "  $name: $non2xx non-2xx responses, $sockerr socket errors" >&2
  fi
}

for engine in $engines; do
  data=$work/$engine
  mkdir -p "$data"
  url=""
  if [[ $engine == postgres ]]; then start_postgres; url=$pg_url; fi
  export TENANTRY_DATA_DIR=$data TENANTRY_LOG=warn
  if [[ -n $url ]]; then export TENANTRY_DATABASE_URL=$url; else unset TENANTRY_DATABASE_URL; fi
  boot=$("$bin" bootstrap --org-name Bench --username bench-owner --email owner@bench.example --json)
  field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$boot" "$1"; }
  export BENCH_API_KEY=$(field api_key) BENCH_CLIENT_ID=$(field client_id) BENCH_CLIENT_SECRET=$(field client_secret)
  operator_key=$(field operator_api_key) organization_id=$(field organization_id)
  port=$(free_port)
  base=http://127.0.0.1:$port
  # wrk drives one key far past the default request limit; the limiter still runs, with a
  # bucket it never empties, so its cost stays in the figures.
  "$bin" serve --listen "127.0.0.1:$port" --max-connections "${POOL:-4}" \
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

  deep=$((total / 10))
  run_wrk healthz /healthz get.lua
  run_wrk users_me /v1/users/me get.lua
  run_wrk users_me_bearer /v1/users/me get_bearer.lua
  run_wrk token_grant /v1/auth/token grant.lua
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

  printf '%-22s %10s %9s %9s %8s\n' scenario req/s p50_ms p99_ms ×healthz
  for name in healthz users_me users_me_bearer token_grant users_page_1 "users_page_$deep" create_user \
    zone_get_100 zone_get_10000 zone_patch_100 zone_patch_10000 zone_create_free zone_create_charged; do
    ratio=$(python3 -c "print(f'{float(\"${rps[$name]}\") / float(\"${rps[healthz]}\"):.2f}')")
    printf '%-22s %10s %9s %9s %8s\n' "$name" "${rps[$name]}" "${p50[$name]}" "${p99[$name]}" "$ratio"
  done
  python3 -c "print(f'deep page / page 1 latency (p50): {float(\"${p50[users_page_$deep]}\") / float(\"${p50[users_page_1]}\"):.2f}')"
  python3 -c "print(f'PATCH of one rrset, 10,000 / 100 rrsets (p50): {float(\"${p50[zone_patch_10000]}\") / float(\"${p50[zone_patch_100]}\"):.2f}')"
  python3 -c "print(f'charged / free zone creations per second: {float(\"${rps[zone_create_charged]}\") / float(\"${rps[zone_create_free]}\"):.2f}')"

  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
  if [[ $engine == postgres ]]; then
    pg_as_owner "$pg_bin/pg_ctl" -D "$pg_data" stop -m fast >/dev/null
    pg_data=""
  fi
done
