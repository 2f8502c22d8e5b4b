# scripts/lib.sh: sourced by setup.sh, primary.sh, standby.sh and stop.sh. Where the project's
# own servers live, their ports and names, the generated secrets, and small helpers.
#
# Everything is under .run/ in the repository: PostgreSQL data, sockets and logs in .run/pg/
# (owned by the OS user postgres when we are root, mode 0700), secrets in .run/secrets/ (0600
# files), the settings the tests and make targets read in .run/env (0600).
#
# Knobs (environment, defaults):
#   DEV_PG_PRIMARY_PORT=25432 DEV_PG_STANDBY_PORT=25433   ports of the project's PostgreSQL (127.0.0.1)
#   DEV_PG_DATABASE=notifications                         the service's database
#   DEV_RABBITMQ_PORT=5672                                the local RabbitMQ node's AMQP port
#   DEV_RABBITMQ_VHOST=notification-service DEV_RABBITMQ_USER=notification-service
# shellcheck shell=bash disable=SC2034  # the variables are used by the scripts that source this file

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RUN_DIR=$ROOT/.run
SECRETS_DIR=$RUN_DIR/secrets
ENV_FILE=$RUN_DIR/env
LOCK_DIR=$RUN_DIR/locks

PG_PRIMARY_PORT=${DEV_PG_PRIMARY_PORT:-25432}
PG_STANDBY_PORT=${DEV_PG_STANDBY_PORT:-25433}
PG_DATABASE=${DEV_PG_DATABASE:-notifications}
PG_SUPERUSER=postgres
PG_SERVICE_USER=notification_service
PG_REPLICATION_USER=replicator
RABBITMQ_HOST=127.0.0.1
RABBITMQ_PORT=${DEV_RABBITMQ_PORT:-5672}
RABBITMQ_VHOST=${DEV_RABBITMQ_VHOST:-notification-service}
RABBITMQ_USER=${DEV_RABBITMQ_USER:-notification-service}

for _v in "$PG_PRIMARY_PORT" "$PG_STANDBY_PORT" "$RABBITMQ_PORT"; do
  [[ "$_v" =~ ^[0-9]{2,5}$ ]] || { echo "error: bad port '$_v' (DEV_PG_PRIMARY_PORT, DEV_PG_STANDBY_PORT, DEV_RABBITMQ_PORT)" >&2; exit 1; }
done
[ "$PG_PRIMARY_PORT" != "$PG_STANDBY_PORT" ] || { echo "error: DEV_PG_PRIMARY_PORT and DEV_PG_STANDBY_PORT are both $PG_PRIMARY_PORT" >&2; exit 1; }
[[ "$PG_DATABASE" =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "error: bad DEV_PG_DATABASE '$PG_DATABASE'" >&2; exit 1; }
[[ "$RABBITMQ_VHOST$RABBITMQ_USER" =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "error: DEV_RABBITMQ_VHOST and DEV_RABBITMQ_USER may hold letters, digits, '.', '_' and '-' only" >&2; exit 1; }
unset _v PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE PGSERVICE PGOPTIONS PGPASSFILE PGAPPNAME 2>/dev/null || true

# The OS user the PostgreSQL servers run as: postgres when we are root (initdb refuses root),
# else whoever runs make.
if [ "$(id -u)" = 0 ]; then PG_OS_USER=postgres; else PG_OS_USER=$(id -un); fi

# The clusters' folder. As root it must be reachable by the user postgres; a checkout under a
# folder postgres cannot enter (/root/...) gets it under /var/lib/postgresql instead, linked
# from .run/pg.
PG_DIR_OUTSIDE=/var/lib/postgresql/notification-service-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)
PG_LINK=$RUN_DIR/pg
# Sets PG_DIR (the real folder: the servers get no path through the link), PRIMARY_DIR,
# STANDBY_DIR and SOCKET_DIR.
set_pg_paths() {
  PG_DIR=$PG_LINK
  if [ -L "$PG_LINK" ]; then PG_DIR=$(readlink -f "$PG_LINK"); fi
  PRIMARY_DIR=$PG_DIR/primary
  STANDBY_DIR=$PG_DIR/standby
  PRIMARY_LOG=$PG_DIR/primary.log
  STANDBY_LOG=$PG_DIR/standby.log
  # Unix sockets (peer authentication of the servers' own OS user, for administration by these
  # scripts). A socket path longer than the kernel's 107 bytes cannot be bound: such checkouts
  # use a short folder of their own in /tmp, also 0700.
  SOCKET_DIR=$PG_DIR/socket
  if [ $(( ${#SOCKET_DIR} + 16 )) -gt 100 ]; then
    SOCKET_DIR=/tmp/notification-service-pg-$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)
  fi
}
set_pg_paths

prog=${prog:-$(basename "$0")}
say() { echo "$prog: $*"; }
warn() { echo "$prog: warning: $*" >&2; }
die() { echo "$prog: error: $*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$@"
  else die "needs root (or password-less sudo) to run: $*"
  fi
}

# Runs a command as the servers' OS user, from / (the user postgres may not enter the checkout).
as_pg() {
  if [ "$(id -u)" = 0 ]; then (cd / && runuser -u "$PG_OS_USER" -- "$@")
  else (cd / && "$@")
  fi
}

# apt-get install, quietly, saying so; `apt-get update` only when the lists are empty or the
# install fails.
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  local apt=(apt-get -y -q -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  local log; log=$(mktemp)
  say "installing the Debian package(s) $* (apt-get install --no-install-recommends)"
  if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
    as_root "${apt[@]}" update >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; die "apt-get update failed"; }
  fi
  if ! as_root "${apt[@]}" install --no-install-recommends "$@" >"$log" 2>&1; then
    as_root "${apt[@]}" update >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; die "apt-get update failed"; }
    as_root "${apt[@]}" install --no-install-recommends "$@" >"$log" 2>&1 \
      || { tail -n 30 "$log" >&2; rm -f "$log"; die "apt-get install $* failed"; }
  fi
  rm -f "$log"
}

port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
wait_for() { # seconds, command...: retries every 0.2 s
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -ge $deadline ] && return 1; sleep 0.2; done
}

# .run: the invoking user's. As root it is 0711 so that the user postgres can reach .run/pg
# (nothing in .run can be listed or read by others: every file is 0600, every folder 0700).
ensure_run_dir() {
  umask 077
  if [ ! -d "$RUN_DIR" ]; then mkdir -p "$RUN_DIR"; fi
  if [ "$(id -u)" = 0 ]; then chmod 0711 "$RUN_DIR"; else chmod 0700 "$RUN_DIR"; fi
  mkdir -p "$SECRETS_DIR" "$LOCK_DIR"
  chmod 0700 "$SECRETS_DIR" "$LOCK_DIR"
  # Files earlier versions wrote without a umask (the admin key, captured mail with reset links,
  # logs) must not stay readable through the traversable .run.
  find "$RUN_DIR" -maxdepth 1 -type f -exec chmod go-rwx {} + 2>/dev/null || true
  if [ -d "$RUN_DIR/mail" ]; then chmod -R go-rwx "$RUN_DIR/mail"; fi
}

# take_lock NAME FD: serialises runs of this checkout's scripts that change the servers.
take_lock() {
  local file="$LOCK_DIR/$1.lock" fd=$2
  mkdir -p "$LOCK_DIR"
  eval "exec $fd>>\"\$file\""
  flock -n "$fd" || { say "waiting for another run to finish ($file)"
    flock -w 600 "$fd" || die "timed out waiting for $file"; }
}

# Secrets: random, URL-safe, one per file in .run/secrets (0600). ensure_secret creates a
# missing one (and sets NEW_SECRETS=1); secret prints one.
NEW_SECRETS=0
ensure_secret() {
  local file="$SECRETS_DIR/$1"
  [ -s "$file" ] && return 0
  (umask 077; head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n' >"$file.tmp" && mv "$file.tmp" "$file")
  NEW_SECRETS=1
}
secret() { cat "$SECRETS_DIR/$1"; }

# ----------------------------------------------------------------------------- PostgreSQL

# The folder of the installed PostgreSQL binaries: those of the primary's major version when it
# exists, else the newest under /usr/lib/postgresql (Debian), else initdb's on PATH. Empty if none.
pg_bindir() {
  local want="" d
  if [ -f "$PRIMARY_DIR/PG_VERSION" ]; then want=$(cat "$PRIMARY_DIR/PG_VERSION"); fi
  if [ -n "$want" ]; then
    d=/usr/lib/postgresql/$want/bin
    if [ -x "$d/postgres" ]; then echo "$d"; return 0; fi
    d=$(dirname "$(command -v postgres 2>/dev/null || echo /nonexistent/x)")
    if [ -x "$d/postgres" ] && "$d/postgres" --version | grep -q " ${want}[.]"; then echo "$d"; return 0; fi
    return 0
  fi
  # shellcheck disable=SC2012
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5 -V -r); do
    if [ -x "$d/initdb" ] && [ -x "$d/pg_basebackup" ] && [ -x "$d/psql" ]; then echo "$d"; return 0; fi
  done
  d=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")
  if [ -x "$d/initdb" ] && [ -x "$d/pg_basebackup" ] && [ -x "$d/psql" ]; then echo "$d"; fi
}

# Sets PG_BIN, installing the Debian package postgresql when no binaries are there.
require_pg_bin() {
  PG_BIN=$(pg_bindir)
  if [ -z "$PG_BIN" ] && [ -f "$PRIMARY_DIR/PG_VERSION" ]; then
    die "the primary in $PRIMARY_DIR was made by PostgreSQL $(cat "$PRIMARY_DIR/PG_VERSION"), which is not installed here: install it, or start afresh with 'make clean-run'"
  fi
  if [ -z "$PG_BIN" ]; then
    apt_install postgresql
    PG_BIN=$(pg_bindir)
    [ -n "$PG_BIN" ] || die "no PostgreSQL binaries (initdb, pg_basebackup, psql) found after installing postgresql"
  fi
  if [ "$(id -u)" = 0 ] && ! id -u postgres >/dev/null 2>&1; then
    die "the OS user postgres does not exist (the Debian package postgresql creates it)"
  fi
}

# .run/pg (0700, the servers' OS user's), and the socket folder (0700).
ensure_pg_dir() {
  ensure_run_dir
  if [ ! -e "$PG_LINK" ] && [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$RUN_DIR" 2>/dev/null; then
    say "the user postgres cannot enter $RUN_DIR: keeping the clusters in $PG_DIR_OUTSIDE (linked from .run/pg)"
    mkdir -p "$PG_DIR_OUTSIDE"
    ln -sfn "$PG_DIR_OUTSIDE" "$PG_LINK"
    set_pg_paths
  fi
  mkdir -p "$PG_DIR/" "$SOCKET_DIR"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$PG_DIR/" "$SOCKET_DIR"; fi
  chmod 0700 "$PG_DIR/" "$SOCKET_DIR"
}

# The data folder's configuration, written by write_cluster_conf. Shared settings come from
# config/postgres/postgresql.conf and pg_hba.conf; this adds what is per server.
cluster_conf() { # primary|standby
  local which=$1 port
  if [ "$which" = primary ]; then port=$PG_PRIMARY_PORT; else port=$PG_STANDBY_PORT; fi
  echo "# Written by the project's scripts (scripts/lib.sh) from config/postgres/postgresql.conf: edit that file, not this one."
  cat "$ROOT/config/postgres/postgresql.conf"
  echo
  echo "# This server ($which)"
  echo "port = $port"
  echo "unix_socket_directories = '$SOCKET_DIR'"
  echo "cluster_name = 'notification-service-$which'"
  if [ "$which" = standby ]; then
    echo "primary_conninfo = 'host=127.0.0.1 port=$PG_PRIMARY_PORT user=$PG_REPLICATION_USER password=$(secret postgres-replication) application_name=notification-service-standby'"
  fi
}
cluster_hba() {
  echo "# Written by the project's scripts (scripts/lib.sh) from config/postgres/pg_hba.conf: edit that file, not this one."
  cat "$ROOT/config/postgres/pg_hba.conf"
}
cluster_ident() {
  echo "# Written by the project's scripts (scripts/lib.sh): the servers' own OS user may administer them as $PG_SUPERUSER over the socket."
  echo "project  $PG_OS_USER  $PG_SUPERUSER"
}

# write_cluster_conf DIR primary|standby: (re)writes postgresql.conf, pg_hba.conf and
# pg_ident.conf when they differ; returns 0 when something changed, 1 when not.
write_cluster_conf() {
  local dir=$1 which=$2 changed=1 name content
  for name in postgresql.conf pg_hba.conf pg_ident.conf; do
    case $name in
      postgresql.conf) content=$(cluster_conf "$which") ;;
      pg_hba.conf) content=$(cluster_hba) ;;
      pg_ident.conf) content=$(cluster_ident) ;;
    esac
    if [ "$(cat "$dir/$name" 2>/dev/null)" != "$content" ]; then
      printf '%s\n' "$content" >"$dir/$name.new"
      if [ "$(id -u)" = 0 ]; then chown postgres: "$dir/$name.new"; fi
      chmod 0600 "$dir/$name.new"
      mv "$dir/$name.new" "$dir/$name"
      changed=0
    fi
  done
  return $changed
}

# The postmaster serving DIR, if one runs.
live_postgres() { # pid
  [[ "$1" =~ ^[0-9]+$ ]] && [ -d "/proc/$1" ] || return 1
  local comm; comm=$(cat "/proc/$1/comm" 2>/dev/null) || return 1
  [[ "$comm" == postgres* || "$comm" == postmaster* ]]
}
postmaster_pid() { # dir
  local pid
  [ -f "$1/postmaster.pid" ] || return 1
  pid=$(head -n 1 "$1/postmaster.pid" 2>/dev/null || true)
  live_postgres "$pid" || return 1
  local cwd; cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)
  [ -z "$cwd" ] || [ "${cwd% (deleted)}" = "$(cd "$1" && pwd -P)" ] || return 1
  echo "$pid"
}
# A postmaster.pid or socket lock left by a server that died (or whose pid now belongs to
# another program) would stop pg_ctl start: remove it.
clear_stale_pid() { # dir port
  local f pid
  for f in "$1/postmaster.pid" "$SOCKET_DIR/.s.PGSQL.$2.lock"; do
    [ -f "$f" ] || continue
    pid=$(head -n 1 "$f" 2>/dev/null || true)
    if ! live_postgres "$pid"; then rm -f "$f"; fi
  done
}

# pg_ctl start of DIR on PORT; fails (with the log's tail) when it does not come up.
start_cluster() { # dir port log
  local dir=$1 port=$2 log=$3
  clear_stale_pid "$dir" "$port"
  if port_open 127.0.0.1 "$port"; then
    die "port $port is taken by another program (not the server in $dir): stop it, or choose other ports with DEV_PG_PRIMARY_PORT / DEV_PG_STANDBY_PORT"
  fi
  as_pg touch "$log"
  # 8>&- 9>&-: the server must not inherit (and hold forever) the scripts' lock descriptors.
  if ! as_pg "$PG_BIN/pg_ctl" -D "$dir" -l "$log" -w -t 60 start >/dev/null 2>&1 8>&- 9>&-; then
    echo "--- last lines of $log:" >&2; tail -n 15 "$log" >&2 || true
    return 1
  fi
}

# pg_ctl stop (fast, then immediate, then signals); quiet; 0 when it was running.
stop_cluster() { # dir
  local dir=$1 pid sig
  pid=$(postmaster_pid "$dir") || return 1
  as_pg "$PG_BIN/pg_ctl" -D "$dir" -m fast -w -t 30 stop >/dev/null 2>&1 \
    || as_pg "$PG_BIN/pg_ctl" -D "$dir" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  for sig in INT QUIT KILL; do
    [ -d "/proc/$pid" ] || break
    kill -s "$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do [ -d "/proc/$pid" ] || break; sleep 0.2; done
  done
  [ ! -d "/proc/$pid" ] || die "could not stop the postmaster $pid of $dir"
  return 0
}

# psql as the superuser over the socket (peer authentication of the servers' OS user): works
# whatever the passwords are. Tuples only, unaligned, stops on the first error.
psql_admin() { # port, psql args...
  local port=$1; shift
  as_pg env PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -A -t -w -h "$SOCKET_DIR" -p "$port" -U "$PG_SUPERUSER" -d postgres -v ON_ERROR_STOP=1 "$@"
}

# The system identifier of a stopped or running cluster, from its control file.
system_id() { # dir
  "$PG_BIN/pg_controldata" -D "$1" 2>/dev/null | sed -n 's/^Database system identifier: *//p'
}
