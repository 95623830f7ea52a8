#!/usr/bin/env bash
# The database stopped for OUTAGE seconds (default 60) under wrk load on a feed (half of the requests conditional)
# and on the JSON API, against the service as deployed (dotnet Calendar.Api.dll, Release) and its own PostgreSQL
# cluster. Prints the answers by status for each, checks that the feed kept its bytes, and how long after the
# database's return the API answered 200 again (polled every 100 ms).
#   bench/outage.sh        Settings: OUTAGE (60), CONNECTIONS (8 per wrk)
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
OUTAGE="${OUTAGE:-60}" CONNECTIONS="${CONNECTIONS:-8}"
# shellcheck source=scripts/postgres.sh
source "$REPO/scripts/postgres.sh"
command -v wrk >/dev/null || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"; $sudo apt-get install -y -qq wrk >/dev/null; }

cluster="$REPO/.data/bench-outage-postgres"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; remove_local_postgres "$cluster"; rm -rf "$work"; }
trap cleanup EXIT

remove_local_postgres "$cluster"
start_local_postgres "$cluster" "$(free_pg_port)"
data="$CALENDAR_PG_DATA_IN_USE" pgport="$CALENDAR_PG_PORT_IN_USE"
ensure_database "$pgport" "$cluster.password" calendar
dotnet build "$REPO/Calendar.Api" -c Release -nologo -v q >/dev/null
port="$(free_pg_port)"
SERVICE="http://127.0.0.1:$port"
(cd "$REPO/Calendar.Api" && ConnectionStrings__Calendar="${CALENDAR_PG_URL/Database=postgres/Database=calendar}" \
  exec dotnet "$REPO/Calendar.Api/bin/Release/net10.0/Calendar.Api.dll" --urls "$SERVICE") >"$work/service.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do curl -fsS -o /dev/null "$SERVICE/health/ready" 2>/dev/null && break; sleep 0.5; done

FEED="$SERVICE/feeds/events.ics?from=2000-01-01"
curl -fsS -o "$work/before.ics" "$FEED"
etag="$(curl -fsSI "$FEED" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')"
API="$SERVICE/api/events?from=2000-01-01"
echo "Feed: $(wc -c <"$work/before.ics") bytes, ETag $etag; outage ${OUTAGE} s; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

duration=$((OUTAGE + 30))
EXPECT_LEN="$(wc -c <"$work/before.ics")" ETAG="$etag" wrk -t1 -c"$CONNECTIONS" -d"${duration}s" -s bench/outage.lua "$FEED" >"$work/feed.txt" 2>&1 &
feed_wrk=$!
wrk -t1 -c"$CONNECTIONS" -d"${duration}s" -s bench/outage.lua "$API" >"$work/api.txt" 2>&1 &
api_wrk=$!
# One request every 100 ms: when did the API answer 200 again?
( while kill -0 "$api_wrk" 2>/dev/null; do
    echo "$(date +%s.%N) $(curl -s -o /dev/null -m 5 -w '%{http_code}' "$API")"; sleep 0.1
  done >"$work/poll.txt" ) &
pids+=($!)

sleep 10
as_pg_owner "$(pg_bin_dir)/pg_ctl" -D "$data" -m fast -w stop >/dev/null
stopped="$(date +%s.%N)"
echo "PostgreSQL stopped"
sleep "$OUTAGE"
as_pg_owner "$(pg_bin_dir)/pg_ctl" -D "$data" -l "$data/server.log" -w -o "-p $pgport" start >/dev/null
started="$(date +%s.%N)"
echo "PostgreSQL started again after $(echo "$started - $stopped" | bc) s"
wait "$feed_wrk" "$api_wrk" || true

echo "feed ($CONNECTIONS connections, half conditional): $(grep '^statuses' "$work/feed.txt")"
echo "     $(grep 'Requests/sec' "$work/feed.txt")"
echo "API  ($CONNECTIONS connections):                   $(grep '^statuses' "$work/api.txt")"
echo "     $(grep 'Requests/sec' "$work/api.txt")"
curl -fsS -o "$work/after.ics" "$FEED"
cmp -s "$work/before.ics" "$work/after.ics" && echo "Feed bytes after the outage: identical" || echo "Feed bytes after the outage: DIFFERENT"
back="$(awk -v t="$started" '$1 > t && $2 == "200" {print $1; exit}' "$work/poll.txt")"
echo "API answered 200 again $(echo "$back - $started" | bc) s after PostgreSQL was started"
echo "Statuses seen by the poller: $(awk '{print $2}' "$work/poll.txt" | sort | uniq -c | tr '\n' ' ')"
echo "Service log lines by level: $(grep -oE '^(info|warn|fail|crit):|"LogLevel":"[A-Za-z]*"' "$work/service.log" | sort | uniq -c | tr '\n' ' ')"
cp "$work/service.log" /tmp/calendar-outage-service.log && echo "Service log: /tmp/calendar-outage-service.log"
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
