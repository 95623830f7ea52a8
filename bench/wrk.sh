#!/usr/bin/env bash
# Feed serving under load, side by side in one run: the running service against a minimal Kestrel endpoint that
# returns the same pre-built bytes (Calendar.Benchmarks "serve"), for the cached 63-event feed (identity and
# gzip) and for a 304. Load generator and servers share the machine, as in PERFORMANCE.md.
#   bench/wrk.sh                 # starts the service (scripts/run, its own PostgreSQL) on 127.0.0.1:5981
#   SERVICE=http://host:port bench/wrk.sh   # use a service that is already running
# Settings: DURATION (default 10s), CONNECTIONS (32), RUNS (1; the median is reported when more).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
DURATION="${DURATION:-10s}" CONNECTIONS="${CONNECTIONS:-32}" RUNS="${RUNS:-1}"
SERVICE_PORT=5981 CEILING_PORT=5982
command -v wrk >/dev/null || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"; $sudo apt-get install -y -qq wrk >/dev/null; }

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_for() { for _ in $(seq 1 120); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 1; done; echo "no answer from $1" >&2; exit 1; }

if [ -z "${SERVICE:-}" ]; then
  SERVICE="http://127.0.0.1:$SERVICE_PORT"
  CALENDAR_PG_PORT="${CALENDAR_PG_PORT:-55981}" setsid scripts/run --urls "$SERVICE" >/tmp/calendar-wrk-service.log 2>&1 &
  pids+=($!)
fi
wait_for "$SERVICE/health/ready"

FEED="/feeds/events.ics?from=2000-01-01"
body="$(mktemp)"; curl -fsS -o "$body" "$SERVICE$FEED"
etag="$(curl -fsSI "$SERVICE$FEED" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')"
echo "Feed: $(wc -c <"$body") bytes, $(grep -c '^BEGIN:VEVENT' "$body") events, ETag $etag"

dotnet build "$REPO/Calendar.Benchmarks" -c Release -nologo -v q >/dev/null
dotnet "$REPO/Calendar.Benchmarks/bin/Release/net10.0/Calendar.Benchmarks.dll" serve "$body" "$CEILING_PORT" >/dev/null 2>&1 &
pids+=($!)
CEILING="http://127.0.0.1:$CEILING_PORT"
wait_for "$CEILING/feed"

rps() { # url [header...] -> requests/s (median of RUNS)
  local url="$1"; shift
  local args=() h
  for h in "$@"; do args+=(-H "$h"); done
  for _ in $(seq 1 "$RUNS"); do
    wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "${args[@]}" "$url" | awk '/Requests\/sec/{print $2}'
  done | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'
}

printf '%-28s %12s %12s %7s\n' "case" "service r/s" "ceiling r/s" "ratio"
row() { printf '%-28s %12.0f %12.0f %6.0f%%\n' "$1" "$2" "$3" "$(echo "100*$2/$3" | bc -l)"; }
s=$(rps "$SERVICE$FEED"); c=$(rps "$CEILING/feed"); row "cached feed, identity" "$s" "$c"
s=$(rps "$SERVICE$FEED" "Accept-Encoding: gzip"); c=$(rps "$CEILING/feed" "Accept-Encoding: gzip"); row "cached feed, gzip" "$s" "$c"
s=$(rps "$SERVICE$FEED" "If-None-Match: $etag"); c=$(rps "$CEILING/304"); row "304 (If-None-Match)" "$s" "$c"
rm -f "$body"
