# A throwaway PostgreSQL cluster for bin/test, bin/bench and bin/soak. Sourced (after `cd "$ROOT"` and
# bin/venv), never run:
#
#   pg_find              PGBIN := the newest server binaries (/usr/lib/postgresql/*/bin, else pg_ctl on the
#                        PATH); returns 1 when there are none
#   pg_require LABEL     pg_find, or exit 1 saying how to install them
#   pg_start LABEL [SETTING...]
#                        a new cluster in a temporary directory (PGTMP), on 127.0.0.1 and a free port only,
#                        with the role and database `app`; exports DATABASE_URL. SETTINGs are extra server
#                        settings (`fsync=off`). The cluster is stopped and its directory removed on exit.
#
# initdb and postgres refuse to run as root: as root, they run as the `postgres` system user.

PGTMP=""
PGBIN=""
PG_AS=()

pg_find() {
  local pgctl
  pgctl="$(compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' | sort -V | tail -n1 || true)"
  [ -n "$pgctl" ] || pgctl="$(command -v pg_ctl || true)"
  [ -n "$pgctl" ] || return 1
  PGBIN="$(dirname "$pgctl")"
}

pg_require() {
  pg_find && return 0
  echo "$1: server PostgreSQL tidak ditemukan / PostgreSQL server binaries not found:" >&2
  echo "${1//?/ }  apt-get install -y --no-install-recommends postgresql" >&2
  exit 1
}

pg_stop() {
  if [ -n "$PGTMP" ] && [ -f "$PGTMP/data/postmaster.pid" ]; then
    (cd "$PGTMP" && "${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w -t 30 stop) >/dev/null 2>&1 || true
  fi
  [ -z "$PGTMP" ] || rm -rf "$PGTMP"
}

pg_start() {
  local label="$1" port setting options
  shift
  PGTMP="$(mktemp -d "${TMPDIR:-/tmp}/kupang-$label-pg.XXXXXX")"
  trap pg_stop EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$PGTMP"
    PG_AS=(runuser -u postgres --)
  fi
  port="$("$ROOT/.venv/bin/python" -c 'from tests.processes import free_port; print(free_port())')"
  options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=''"
  for setting in "$@"; do options+=" -c $setting"; done
  (cd "$PGTMP" && "${PG_AS[@]}" "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 \
     --locale=C.UTF-8 --no-sync >"$PGTMP/initdb.log" 2>&1) || { cat "$PGTMP/initdb.log"; exit 1; }
  (cd "$PGTMP" && "${PG_AS[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/server.log" -w -t 60 \
     -o "$options" start >/dev/null)
  "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB" -c "CREATE DATABASE app OWNER app"
  export DATABASE_URL="postgresql://app:app@127.0.0.1:$port/app"
  echo "$label: throwaway PostgreSQL on 127.0.0.1:$port"
}
