#!/usr/bin/env bash
# Load run for GET /api/events with 100,000 stored events (PERFORMANCE.md target: p99 < 20 ms at 32 connections,
# and a deep keyset page costing what the first one does). Uses its own PostgreSQL cluster under .data/ and wrk
# (Debian package) on loopback only; every run is bounded in time.
#   bench/api-list.sh [duration-seconds]
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
source scripts/postgres.sh
duration="${1:-10}"
pg_port=15488 app_port=5087 data="$REPO/.data/bench-postgres"
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }

start_local_postgres "$data" "$pg_port"
trap 'kill "${app_pid:-0}" 2>/dev/null || true; stop_local_postgres "$data"' EXIT
pg_port="$CALENDAR_PG_PORT_IN_USE"
ensure_database "$pg_port" "$data.password" calendar_bench
export ConnectionStrings__Calendar="${CALENDAR_PG_URL/Database=postgres/Database=calendar_bench}"
export Calendar__LoadSampleData=false Logging__LogLevel__Default=Warning

dotnet build Calendar.Api -c Release -nologo -v q >/dev/null
dotnet Calendar.Api/bin/Release/net10.0/Calendar.Api.dll migrate >/dev/null

psql_bench() { PGPASSWORD="$(cat "$data.password")" "$(pg_bin_dir)/psql" -h 127.0.0.1 -p "$pg_port" -U calendar -d calendar_bench -qAt "$@"; }
if [ "$(psql_bench -c 'select count(*) from events')" -lt 100000 ]; then
  psql_bench -c "truncate events" -c "
    insert into events (id, title, description, kind, all_day, starts_on, ends_on, starts_local, ends_local, time_zone,
                        starts_at, ends_at, tags, organizers, country, online)
    select gen_random_uuid(), 'Event ' || i, 'Description of event ' || i || ' about ' || (array['labour','migration','children','policy'])[1 + i % 4],
           (array['webinar','conference','meeting','workshop','training','launch','deadline','other'])[1 + i % 8],
           i % 3 = 0,
           case when i % 3 = 0 then d end, case when i % 3 = 0 then d + (i % 4) end,
           case when i % 3 <> 0 then d + time '14:00' end, case when i % 3 <> 0 then d + time '15:30' end,
           case when i % 3 <> 0 then 'Europe/Brussels' end,
           case when i % 3 = 0 then d::timestamp at time zone 'UTC' else (d + time '14:00') at time zone 'Europe/Brussels' end,
           case when i % 3 = 0 then (d + (i % 4) + 1)::timestamp at time zone 'UTC' else (d + time '15:30') at time zone 'Europe/Brussels' end,
           array[(array['labour-exploitation','migration','child-trafficking','policy','data'])[1 + i % 5]],
           array[(array['OSCE','La Strada International','ODIHR','UNODC'])[1 + i % 4]],
           (array['AT','BE','PL','DE', null])[1 + i % 5], i % 2 = 0
    from (select i, date '2016-01-01' + (i % 5000) as d from generate_series(1, 100000) i) s" -c "analyze events"
fi

dotnet Calendar.Api/bin/Release/net10.0/Calendar.Api.dll --urls "http://127.0.0.1:$app_port" >/dev/null 2>&1 &
app_pid=$!
until curl -sf "http://127.0.0.1:$app_port/health/ready" >/dev/null; do sleep 0.5; done

base="http://127.0.0.1:$app_port/api/events"
deep="$base?from=2020-01-01&limit=50"
cursor=""
for _ in $(seq 1 100); do  # walk 100 pages to get a deep cursor
  cursor=$(curl -s "$deep${cursor:+&cursor=$cursor}" | grep -o '"nextCursor":"[^"]*"' | cut -d'"' -f4)
done

run() {
  local name="$1" url="$2"
  wrk -t1 -c32 -d3s "$url" >/dev/null  # warm-up
  echo "== $name"
  wrk -t1 -c32 -d"${duration}s" --latency "$url" | grep -E "Requests/sec|50%|99%|Non-2xx"
}
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(dotnet --version)"
echo "events stored: $(psql_bench -c 'select count(*) from events')"
run "next 50 upcoming from 2020" "$base?from=2020-01-01&limit=50"
run "kind + tag" "$base?from=2020-01-01&limit=50&kind=webinar&tag=migration"
run "full-text q" "$base?from=2016-01-01&limit=50&q=children"
run "page 101 (keyset cursor)" "$deep&cursor=$cursor"
run "health (baseline: no database work)" "http://127.0.0.1:$app_port/health/live"
