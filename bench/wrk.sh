#!/usr/bin/env bash
# Feed and list serving under load, side by side in one run: the running service against a minimal Kestrel endpoint
# that returns the same pre-built bytes (Calendar.Benchmarks "serve"), for the cached 63-event feed (identity and
# gzip), GET /api/events?limit=50 (the 63 sample events, from the list cache) and for 304s. Load generator and servers share the machine, as in PERFORMANCE.md.
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
# The JSON list as a widget asks for it (no 'from': it starts now), served by the service from its list cache.
LIST="/api/events?limit=50"
list_body="$(mktemp)"; curl -fsS -o "$list_body" "$SERVICE$LIST"
list_etag="$(curl -fsS -D - -o /dev/null "$SERVICE$LIST" | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}')"
echo "List: $(wc -c <"$list_body") bytes, ETag $list_etag"
dotnet "$REPO/Calendar.Benchmarks/bin/Release/net10.0/Calendar.Benchmarks.dll" serve "$body" "$CEILING_PORT" "$list_body" >/dev/null 2>&1 &
pids+=($!)
CEILING="http://127.0.0.1:$CEILING_PORT"
wait_for "$CEILING/feed"

pid_on() { ss -ltnpH "sport = :$1" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }
SERVICE_PID="$(pid_on "${SERVICE##*:}")" CEILING_PID="$(pid_on "$CEILING_PORT")"
TICK="$(getconf CLK_TCK)"
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# One wrk run per call: "requests/s CPU-microseconds-per-request" (the server's own CPU time from /proc, which
# other load on the machine disturbs less than throughput does).
measure() { # pid url [header...]
  local pid="$1" url="$2"; shift 2
  local args=() h before after out
  for h in "$@"; do args+=(-H "$h"); done
  before=$(cpu "$pid")
  out=$(wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "${args[@]}" "$url")
  after=$(cpu "$pid")
  echo "$out" | awk -v cpu=$((after - before)) -v tick="$TICK" '
    /requests in/ {n=$1} /Requests\/sec/ {r=$2} END {printf "%s %.1f\n", r, cpu * 1e6 / tick / n}'
}

median() { sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

printf '%-24s %11s %11s %7s %13s %13s %7s\n' "case" "service r/s" "ceiling r/s" "ratio" "service us/req" "ceiling us/req" "ratio"
compare() { # label service-url ceiling-url [header...] (RUNS runs, alternating service and ceiling)
  local label="$1" s_url="$2" c_url="$3"; shift 3
  local s_rps=() s_cpu=() c_rps=() c_cpu=() r
  for _ in $(seq 1 "$RUNS"); do
    read -r a b <<<"$(measure "$SERVICE_PID" "$s_url" "$@")"; s_rps+=("$a"); s_cpu+=("$b")
    read -r a b <<<"$(measure "$CEILING_PID" "$c_url" "${CEILING_HEADERS[@]}")"; c_rps+=("$a"); c_cpu+=("$b")
  done
  local sr cr sc cc
  sr=$(printf '%s\n' "${s_rps[@]}" | median); cr=$(printf '%s\n' "${c_rps[@]}" | median)
  sc=$(printf '%s\n' "${s_cpu[@]}" | median); cc=$(printf '%s\n' "${c_cpu[@]}" | median)
  printf '%-24s %11.0f %11.0f %6.0f%% %13.1f %13.1f %6.0f%%\n' "$label" "$sr" "$cr" "$(echo "100*$sr/$cr" | bc -l)" \
    "$sc" "$cc" "$(echo "100*$cc/$sc" | bc -l)"
}
CEILING_HEADERS=(); compare "cached feed, identity" "$SERVICE$FEED" "$CEILING/feed"
CEILING_HEADERS=("Accept-Encoding: gzip"); compare "cached feed, gzip" "$SERVICE$FEED" "$CEILING/feed" "Accept-Encoding: gzip"
CEILING_HEADERS=(); compare "304 (If-None-Match)" "$SERVICE$FEED" "$CEILING/304" "If-None-Match: $etag"
CEILING_HEADERS=(); compare "list ?limit=50, cached" "$SERVICE$LIST" "$CEILING/json"
CEILING_HEADERS=(); compare "list 304 (If-None-Match)" "$SERVICE$LIST" "$CEILING/304" "If-None-Match: $list_etag"
# The service's own floor: its smallest endpoint through the same middleware (security headers, static files,
# CORS, authentication) that every route of the service passes.
CEILING_HEADERS=(); compare "service floor: robots.txt" "$SERVICE/robots.txt" "$CEILING/304"
echo "Second ratio: ceiling CPU per request / service CPU per request (the share of the ceiling's efficiency reached)."
rm -f "$body" "$list_body"
