# Sourced by ops/test and ops/bench/run: installs PostgreSQL from Debian packages when missing and
# starts a private, throw-away server on 127.0.0.1:$pg_port, stopped when the script exits.
# After start_private_postgres, $pg_connection is an Npgsql connection string for it.

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
apt_install() {
  if [ $apt_updated -eq 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || echo "apt-get update failed" >&2
    apt_updated=1
  fi
  echo "installing $*" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

start_private_postgres() {
  pg_port=${1:-55432}
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    apt_install postgresql
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  pg_data=$(mktemp -d /tmp/reporting-pg.XXXXXX)
  trap stop_private_postgres EXIT
  _run_pg "$pg_bin/initdb" -D "$pg_data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null \
    || { echo "initdb failed" >&2; return 1; }
  _run_pg "$pg_bin/pg_ctl" -D "$pg_data" -w -t 60 -l "$pg_data/server.log" \
    -o "-p $pg_port -k $pg_data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null \
    || { echo "PostgreSQL did not start:" >&2; cat "$pg_data/server.log" >&2; return 1; }
  pg_connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
  echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port" >&2
}

stop_private_postgres() {
  [ -n "${pg_data:-}" ] || return 0
  _run_pg "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1
  rm -rf "$pg_data"
}

_run_pg() {
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
    chown postgres "$pg_data"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}
