# shellcheck shell=bash
# Sourced by scripts/run, scripts/test and scripts/stop-db: a private PostgreSQL cluster for one clone.
#   start_local_postgres DATA_DIR PORT   -> exports CALENDAR_PG_URL (a connection string to database "postgres"),
#                                           CALENDAR_PG_PORT_IN_USE, CALENDAR_PG_DATA_IN_USE; returns 1 with the
#                                           reason and the server log's last lines when the cluster cannot start
#   stop_local_postgres DATA_DIR
# DATA_DIR names the cluster (e.g. .data/postgres in the clone); its password is kept beside it in DATA_DIR.password.
# Installs Debian's postgresql with apt when no initdb is found. PostgreSQL refuses to run as root, so as root the
# cluster belongs to the "postgres" system user, and its files live where that user can always enter:
# /var/lib/postgresql/calendar-clusters/<hash of DATA_DIR's path>. A clone in a directory only root may enter
# (root's home, mktemp -d) then works without changing anyone's permissions.

pg_bin_dir() {
  local candidate
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"; return 0
  fi
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$candidate/initdb" ] && { echo "$candidate"; return 0; }
  done
  return 1
}

ensure_postgres_installed() {
  if pg_bin_dir >/dev/null; then return 0; fi
  echo "PostgreSQL server not found; installing Debian's postgresql with apt..." >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >&2
  # The package creates and starts a default cluster; this project runs its own, so that one may stay or go.
  pg_bin_dir >/dev/null || { echo "PostgreSQL installation failed." >&2; return 1; }
}

# Runs a command as the cluster's owner.
as_pg_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u postgres -- "$@")  # from /: the postgres user may not enter the current directory
  else
    "$@"
  fi
}

# Where the cluster named DATA_DIR keeps its files: DATA_DIR itself for a normal user (or a cluster made there
# by an older version of this script), a postgres-owned directory keyed by DATA_DIR's absolute path for root.
pg_cluster_dir() {
  local name="$1" abs
  abs="$(realpath -m "$name")"
  if [ "$(id -u)" -ne 0 ] || [ -s "$abs/PG_VERSION" ]; then echo "$abs"; return; fi
  echo "/var/lib/postgresql/calendar-clusters/$(printf '%s' "$abs" | sha256sum | cut -c1-16)"
}

port_taken() { (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port nobody listens on, below the ephemeral range (32768+), where a connect can meet itself.
free_pg_port() {
  local p
  for _ in $(seq 1 100); do
    p=$((20000 + RANDOM % 12000))
    port_taken "$p" || { echo "$p"; return 0; }
  done
  return 1
}

# Prints why the cluster did not start and the log's last lines, to standard error.
pg_start_failed() {
  local reason="$1" log="$2"
  {
    echo "PostgreSQL could not be started: $reason"
    if [ -s "$log" ]; then echo "Last lines of $log:"; tail -n 15 "$log" | sed 's/^/  /'; fi
  } >&2
  return 1
}

start_local_postgres() {
  local name="$1" port="$2" bin password_file data log output
  ensure_postgres_installed || return 1
  bin="$(pg_bin_dir)"
  name="$(realpath -m "$name")"
  password_file="$name.password"
  data="$(pg_cluster_dir "$name")"
  log="$data/server.log"
  mkdir -p "$(dirname "$name")"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    [ -d /var/lib/postgresql/calendar-clusters ] || install -d -o postgres -g postgres -m 0700 /var/lib/postgresql/calendar-clusters
  fi

  if [ ! -s "$data/PG_VERSION" ]; then
    [ -s "$password_file" ] || (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$password_file")
    rm -rf "$data"; mkdir -p "$data"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$data"
    chmod 0700 "$data"
    local pwtmp
    pwtmp="$(mktemp)"; cp "$password_file" "$pwtmp"; chmod 644 "$pwtmp"
    if ! output="$(as_pg_owner "$bin/initdb" -D "$data" -U calendar --pwfile="$pwtmp" --auth=scram-sha-256 \
        --encoding=UTF8 --locale=C.UTF-8 2>&1)"; then
      rm -f "$pwtmp"
      pg_start_failed "initdb failed in $data:
$(echo "$output" | tail -n 8)" "" ; return 1
    fi
    rm -f "$pwtmp"
    echo "$name" | as_pg_owner tee "$data/calendar-clone" >/dev/null  # which clone this cluster belongs to
  fi
  if ! grep -q '^# scripts/postgres.sh' "$data/postgresql.conf"; then
    # Everything but the port lives in the cluster's configuration, so "pg_ctl start -o -p PORT" restarts it alike.
    as_pg_owner tee -a "$data/postgresql.conf" >/dev/null <<EOF
# scripts/postgres.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = ${PG_FSYNC:-on}
max_connections = 200
EOF
  fi

  if ! as_pg_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    local attempt
    for attempt in 1 2 3; do
      if port_taken "$port"; then
        local wanted="$port"
        port="$(free_pg_port)" || { pg_start_failed "port $wanted is taken and no free port was found" ""; return 1; }
        echo "Port $wanted is taken (another cluster or program listens there); PostgreSQL uses port $port instead." >&2
      fi
      if output="$(as_pg_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 -o "-p $port" start 2>&1)"; then break; fi
      # Someone took the port between the check and the start: try another one; any other failure is final.
      if [ "$attempt" -lt 3 ] && tail -n 5 "$log" 2>/dev/null | grep -q "could not bind\|Address already in use"; then continue; fi
      pg_start_failed "$(echo "$output" | grep -v '^waiting\|^\.*$\|^Examine' | head -n 3 | tr '\n' ' ')(cluster in $data, port $port)" "$log"
      return 1
    done
  fi
  # A cluster that was already running keeps the port it was started with (line 4 of postmaster.pid).
  port="$(sed -n 4p "$data/postmaster.pid" 2>/dev/null || echo "$port")"
  export CALENDAR_PG_PORT_IN_USE="$port"
  export CALENDAR_PG_DATA_IN_USE="$data"
  export CALENDAR_PG_URL="Host=127.0.0.1;Port=$port;Username=calendar;Password=$(cat "$password_file");Database=postgres"
}

stop_local_postgres() {
  local data bin
  bin="$(pg_bin_dir)" || return 0
  data="$(pg_cluster_dir "$1")"
  [ -s "$data/PG_VERSION" ] && as_pg_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
}

# Stops the cluster and deletes its files and password (throwaway clusters of the test command).
remove_local_postgres() {
  local name data
  name="$(realpath -m "$1")"
  data="$(pg_cluster_dir "$name")"
  stop_local_postgres "$name"
  rm -rf "$data" "$name" "$name.password"
}

# Creates database $3 on the local cluster when it does not exist yet.
ensure_database() {
  local port="$1" password_file="$2" name="$3" bin
  bin="$(pg_bin_dir)"
  local psql="$bin/psql"; [ -x "$psql" ] || psql="psql"
  if [ "$(PGPASSWORD="$(cat "$password_file")" "$psql" -h 127.0.0.1 -p "$port" -U calendar -d postgres -tAc \
        "select 1 from pg_database where datname = '$name'")" != "1" ]; then
    PGPASSWORD="$(cat "$password_file")" "$psql" -h 127.0.0.1 -p "$port" -U calendar -d postgres -qc "create database \"$name\"" >/dev/null
  fi
}
