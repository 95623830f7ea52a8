# shellcheck shell=bash
# Sourced by scripts/run and scripts/test: a private PostgreSQL cluster under the repository.
#   start_local_postgres DATA_DIR PORT   -> exports CALENDAR_PG_URL (a connection string to database "postgres")
#   stop_local_postgres DATA_DIR
# Installs Debian's postgresql with apt when no initdb is found. PostgreSQL refuses to run as root, so as root
# the cluster belongs to the "postgres" system user (created by the package).

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
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start_local_postgres() {
  local data_dir="$1" port="$2" bin password_file
  ensure_postgres_installed
  bin="$(pg_bin_dir)"
  password_file="$(dirname "$data_dir")/$(basename "$data_dir").password"
  mkdir -p "$(dirname "$data_dir")"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chmod o+x "$(dirname "$data_dir")"
  fi

  if [ ! -s "$data_dir/PG_VERSION" ]; then
    [ -s "$password_file" ] || (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$password_file")
    mkdir -p "$data_dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$data_dir"
    local pwtmp
    pwtmp="$(mktemp)"; cp "$password_file" "$pwtmp"; chmod 644 "$pwtmp"
    as_pg_owner "$bin/initdb" -D "$data_dir" -U calendar --pwfile="$pwtmp" --auth=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwtmp"
  fi

  if ! as_pg_owner "$bin/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
    as_pg_owner "$bin/pg_ctl" -D "$data_dir" -l "$data_dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='' -c fsync=${PG_FSYNC:-on} -c max_connections=200" \
      start >/dev/null
  fi
  # A cluster that was already running keeps the port it was started with (line 4 of postmaster.pid).
  port="$(sed -n 4p "$data_dir/postmaster.pid" 2>/dev/null || echo "$port")"
  export CALENDAR_PG_PORT_IN_USE="$port"
  export CALENDAR_PG_URL="Host=127.0.0.1;Port=$port;Username=calendar;Password=$(cat "$password_file");Database=postgres"
}

stop_local_postgres() {
  local data_dir="$1" bin
  bin="$(pg_bin_dir)" || return 0
  [ -d "$data_dir" ] && as_pg_owner "$bin/pg_ctl" -D "$data_dir" -m fast -w stop >/dev/null 2>&1 || true
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
