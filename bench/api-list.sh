#!/usr/bin/env bash
# GET /api/events with 100,000 stored events and a different query on every request, side by side with pgbench
# running the service's own SQL for the same filter shape as prepared statements, at the same concurrency
# (PERFORMANCE.md: p99 < 20 ms at 32 connections; requests/s >= 50 % of pgbench; a deep keyset page costs what the
# first does). Its own PostgreSQL cluster under .data/, wrk and pgbench on loopback; every run is bounded in time.
#   [WARMUP=15] bench/api-list.sh [duration-seconds]
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
source scripts/postgres.sh
duration="${1:-10}" connections="${CONNECTIONS:-32}" count="${COUNT:-60000}"
pg_port=15488 app_port=5087 data="$REPO/.data/bench-postgres" work="$(mktemp -d)"
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }

start_local_postgres "$data" "$pg_port"
trap 'kill "${app_pid:-0}" 2>/dev/null || true; stop_local_postgres "$data"; rm -rf "$work"' EXIT
pg_port="$CALENDAR_PG_PORT_IN_USE"
ensure_database "$pg_port" "$data.password" calendar_bench
export ConnectionStrings__Calendar="${CALENDAR_PG_URL/Database=postgres/Database=calendar_bench}"
export Calendar__LoadSampleData=false Logging__LogLevel__Default=Warning

dotnet build Calendar.Api -c Release -nologo -v q >/dev/null
dotnet build Calendar.Benchmarks -c Release -nologo -v q >/dev/null
dotnet Calendar.Api/bin/Release/net10.0/Calendar.Api.dll migrate >/dev/null

export PGPASSWORD="$(cat "$data.password")"
psql_bench() { "$(pg_bin_dir)/psql" -h 127.0.0.1 -p "$pg_port" -U calendar -d calendar_bench -qAt "$@"; }
if [ "$(psql_bench -c 'select count(*) from events')" -lt 100000 ]; then
  psql_bench -v ON_ERROR_STOP=1 -f bench/seed-100k.sql >/dev/null
fi
dotnet Calendar.Benchmarks/bin/Release/net10.0/Calendar.Benchmarks.dll list-workload "$work" "$count"

dotnet Calendar.Api/bin/Release/net10.0/Calendar.Api.dll --urls "http://127.0.0.1:$app_port" >/dev/null 2>&1 &
app_pid=$!
until curl -sf "http://127.0.0.1:$app_port/health/ready" >/dev/null; do sleep 0.5; done

cpu_ticks() { sed 's/.*) //' "/proc/$app_pid/stat" | awk '{print $12 + $13}'; } # the service's user + system CPU
service() { # shape -> "requests/s p50 p99 non-2xx service-CPU-us-per-request"
  PATHS="$work/$1.paths" START=$((count / 2)) wrk -t1 -c"$connections" -d3s -s bench/paths.lua "http://127.0.0.1:$app_port" >/dev/null
  local before out; before=$(cpu_ticks)
  out=$(PATHS="$work/$1.paths" START=0 wrk -t1 -c"$connections" -d"${duration}s" --latency -s bench/paths.lua "http://127.0.0.1:$app_port")
  echo "$out" | awk -v ticks="$(($(cpu_ticks) - before))" -v hz="$(getconf CLK_TCK)" '/requests in/ {n=$1} /Requests\/sec/ {r=$2}
    /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF} END {printf "%s %s %s %s %.0f\n", r, p50, p99, bad+0, ticks * 1e6 / hz / n}'
}
pgbench_run() { # shape -> "transactions/s mean-latency-ms"
  "$(pg_bin_dir)/pgbench" -h 127.0.0.1 -p "$pg_port" -U calendar -n -M prepared -c "$connections" -j 1 -T "$duration" \
    -f "$work/$1.pgbench" calendar_bench 2>/dev/null |
    awk '/latency average/ {l=$4} /^tps/ {t=$3} END {printf "%s %s\n", t, l}'
}

# The service's first minute is spent compiling (tiered JIT, with profile-guided recompilation): measured from a
# cold start, the first shape ran at half its steady rate. Warm every shape first, on paths the runs never ask.
for shape in from kind-tag q cursor; do
  PATHS="$work/$shape.paths" START=$((count / 2)) wrk -t1 -c"$connections" -d"${WARMUP:-15}s" -s bench/paths.lua "http://127.0.0.1:$app_port" >/dev/null
done

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(dotnet --version); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "events stored: $(psql_bench -c 'select count(*) from events'); wrk -t1 -c$connections and pgbench -M prepared -c$connections -j1, ${duration}s each"
printf '%-10s %12s %9s %9s %8s %13s %13s %12s %7s\n' shape "service r/s" p50 p99 non-2xx "CPU us/req" "pgbench tps" "pgbench avg" ratio
for shape in from kind-tag q cursor; do
  read -r rps p50 p99 bad cpu <<<"$(service "$shape")"
  read -r tps lat <<<"$(pgbench_run "$shape")"
  printf '%-10s %12.0f %9s %9s %8s %13s %13.0f %10sms %6.0f%%\n' "$shape" "$rps" "$p50" "$p99" "$bad" "$cpu" "$tps" "$lat" "$(echo "100*$rps/$tps" | bc -l)"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
