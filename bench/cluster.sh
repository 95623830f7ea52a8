#!/usr/bin/env bash
# Throughput through the proxy against one instance direct, side by side in one run: scripts/cluster 2 (its own
# private directory; PostgreSQL as scripts/run provisions it, or ConnectionStrings__Calendar), then wrk on loopback
# for a cached feed, a JSON list and /health/live, first through nginx, then straight to instance 1.
# On this project's 2-core machine the load generator, nginx, both instances and PostgreSQL share the cores, so
# this measures what the proxy costs, not what a second instance adds.
# Settings: DURATION (default 10s), CONNECTIONS (32), THREADS (2).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-10s}" CONNECTIONS="${CONNECTIONS:-32}" THREADS="${THREADS:-2}"
command -v wrk >/dev/null || { sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"; $sudo apt-get install -y -qq wrk >/dev/null; }

dir="$(mktemp -d /tmp/calendar-cluster-bench.XXXXXX)"
out="$dir/cluster.out"
CLUSTER_DIR="$dir" setsid "$REPO/scripts/cluster" 2 >"$out" 2>"$dir/cluster.err" &
cluster=$!
stop() { kill -TERM "$cluster" 2>/dev/null; wait "$cluster" 2>/dev/null || true; rm -rf "$dir"; }
trap stop EXIT
for _ in $(seq 1 300); do grep -q '^URL=' "$out" 2>/dev/null && break; kill -0 "$cluster" || { cat "$dir/cluster.err" >&2; exit 1; }; sleep 1; done
proxy="$(sed -n 's/^URL=//p' "$out")"
direct="http://127.0.0.1:$(cat "$dir/instance-1.port")"

run() { # URL -> "requests/s p50 p99"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1" | awk '
    /Requests\/sec/ { rps = $2 }
    $1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
    /Non-2xx|Socket errors/ { bad = bad " (" $0 ")" }
    END { printf "%s | %s | %s%s", rps, p50, p99, bad }'
}

echo "Load: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency on loopback; $(nproc) cores; $(uptime | sed 's/.*load/load/')"
echo
echo "| request | nginx: req/s | p50 | p99 | instance 1 direct: req/s | p50 | p99 |"
echo "|---|---|---|---|---|---|---|"
for path in "/feeds/events.ics" "/api/events?limit=50" "/health/live"; do
  curl -fsS -o /dev/null "$proxy$path"; curl -fsS -o /dev/null "$direct$path"   # warm both caches
  echo "| \`$path\` | $(run "$proxy$path") | $(run "$direct$path") |"
done
echo
echo "After the run: $(uptime | sed 's/.*load/load/')"
