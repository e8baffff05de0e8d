# Shared by the benchmarks (sourced): the release builds and a work directory cleaned up on
# exit, ports, the throwaway PostgreSQL cluster, wrk runs that void the invocation on any
# failed request, and the bare axum baseline. Callers set `root`, `THREADS`, `CONNECTIONS`,
# `DURATION` and `TIMEOUT`, then call `prepare_bench`.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pg_as_owner() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
# Stops the server started last and forgets its pid, so the cleanup never signals a reused one.
stop_last() { kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true; unset 'pids[-1]'; }

# The method needs the server on core 0 and wrk on core 1.
require_two_cores() {
  command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
  command -v taskset >/dev/null || { echo "taskset is not installed (apt-get install util-linux)" >&2; exit 1; }
  if ! taskset -c 0 true 2>/dev/null || ! taskset -c 1 true 2>/dev/null; then
    echo "$0 needs cores 0 and 1 (server on 0, wrk on 1); this process may use: $(taskset -cp $$ | sed 's/.*: //')" >&2
    exit 1
  fi
}

# Sets pg_url (and pg_bin, pg_data for the cleanup) in this shell, not a subshell.
start_postgres() {
  pg_bin=$(dirname "$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb | sort | tail -1)")
  local dir=$work/pg port
  mkdir -p "$dir" && chmod 777 "$dir"
  port=$(free_port)
  pg_as_owner "$pg_bin/initdb" -A trust -U postgres -D "$dir/data" >/dev/null
  # Pinned like the server: the database's CPU is part of each figure, never wrk's core's.
  pg_as_owner taskset -c 0 "$pg_bin/pg_ctl" -w -D "$dir/data" -l "$dir/log" \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  pg_data=$dir/data
  pg_url="postgres://postgres@127.0.0.1:$port/postgres"
}

stop_postgres() {
  if [[ -n ${pg_data:-} ]]; then pg_as_owner "$pg_bin/pg_ctl" -D "$pg_data" stop -m fast >/dev/null 2>&1 || true; fi
  pg_data=""
}

# Refuses the invocation: a run with refused requests or socket errors measured those
# failures, not its scenario, and the cleanup stops the servers.
void() { # scenario why
  echo "$0: run refused, scenario $1: $2; no figure of this invocation counts" >&2
  exit 1
}

declare -A rps p50 p99
order=() # the scenarios run against the current server, in order

# One wrk run against `$base$path`. `expect` is `2xx` (any other answer voids the run) or
# `refused` (every answer must be a refusal: the scenario measures refusals).
wrk_run() { # expect name path script [extra env...]
  local expect=$1 name=$2 path=$3 script=$4; shift 4
  local out result r a b non2xx sockerr requests
  if ! out=$(env BENCH_NAME="$name" "$@" taskset -c 1 wrk -t"$THREADS" -c"$CONNECTIONS" \
    -d"$DURATION" --timeout "$TIMEOUT" --latency -s "$BENCH_LUA/$script" "$base$path" 2>&1); then
    void "$stage/$name" "wrk failed: $out"
  fi
  result=$(grep '^RESULT' <<<"$out") || void "$stage/$name" "wrk printed no RESULT line: $out"
  read -r _ _ r a b non2xx sockerr requests <<<"$result"
  if [[ $sockerr != 0 ]]; then
    void "$stage/$name" "$sockerr socket errors (connect, read, write, timeout) in $r req/s"
  fi
  if [[ $expect == 2xx && $non2xx != 0 ]]; then
    void "$stage/$name" "$non2xx non-2xx answers in $r req/s"
  fi
  if [[ $expect == refused && $non2xx != "$requests" ]]; then
    void "$stage/$name" "only $non2xx of $requests answers were refusals"
  fi
  rps[$name]=$r p50[$name]=$a p99[$name]=$b
  order+=("$name")
}
run_wrk() { wrk_run 2xx "$@"; }
ratio() { python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.2f}")' "$1" "$2"; }
row() { printf '%-22s %10s %9s %9s %8s %8s\n' "$@"; }

# The baseline, alone on core 0 and stopped before any Tenantry starts. Its requests carry an
# API key header, as in Tenantry's /healthz run, so both send the same headers.
measure_bare_axum() { # bare_bin
  stage=baseline
  port=$(free_port)
  base=http://127.0.0.1:$port
  taskset -c 0 "$1" "127.0.0.1:$port" >/dev/null &
  pids+=($!)
  until curl -fs "$base/healthz" >/dev/null; do sleep 0.2; done
  run_wrk bare_axum /healthz get.lua BENCH_API_KEY=opk_bare_axum_ignores_this_header
  stop_last
  echo "== bare axum GET /healthz: ${rps[bare_axum]} req/s, p50 ${p50[bare_axum]} ms, p99 ${p99[bare_axum]} ms"
}

# The disk's single-writer fsync rate in directory $1, the bound of durable commits one at a
# time: 4 KiB appended then fsync'd, in a loop for 5 s on core 0 (where the server runs).
# Sets fsync_rate (per second).
measure_fsync() { # dir
  fsync_rate=$(taskset -c 0 python3 - "$1" <<'PY'
import os, sys, time
path = os.path.join(sys.argv[1], "fsync-probe")
fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
count, start = 0, time.monotonic()
while time.monotonic() - start < 5:
    os.write(fd, b"x" * 4096)
    os.fsync(fd)
    count += 1
print(f"{count / (time.monotonic() - start):.1f}")
os.close(fd)
os.unlink(path)
PY
  )
  echo "== $1: the disk's single-writer fsync rate is $fsync_rate per second"
}

# The table of the scenarios run against the current server, each as a ratio to its
# /healthz and to the bare axum server.
print_table() {
  row scenario req/s p50_ms p99_ms ×healthz ×axum
  row bare_axum "${rps[bare_axum]}" "${p50[bare_axum]}" "${p99[bare_axum]}" \
    "$(ratio "${rps[bare_axum]}" "${rps[healthz]}")" 1.00
  for name in "${order[@]}"; do
    row "$name" "${rps[$name]}" "${p50[$name]}" "${p99[$name]}" \
      "$(ratio "${rps[$name]}" "${rps[healthz]}")" "$(ratio "${rps[$name]}" "${rps[bare_axum]}")"
  done
}

# Checks the cores, builds the release server and the bare axum baseline, and makes the work
# directory; sets `bin`, `bare_bin`, `BENCH_LUA`, `work` and `pids`, and stops every server
# (and the PostgreSQL cluster) on exit.
prepare_bench() {
  require_two_cores
  cargo build --release --quiet -p tenantry
  cargo build --release --quiet --locked --example bare_axum -p tenantry-http
  bin=$root/target/release/tenantry
  bare_bin=$root/target/release/examples/bare_axum
  export BENCH_LUA=$root/bench/lua
  work=$(mktemp -d)
  chmod 755 "$work" # the PostgreSQL cluster runs as the postgres user
  pids=()
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}

cleanup() {
  pkill -P $$ wrk 2>/dev/null || true
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  stop_postgres
  rm -rf "$work"
}
