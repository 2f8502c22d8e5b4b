#!/usr/bin/env bash
# scripts/standby.sh: a local streaming-replication standby of the PostgreSQL primary,
# for development and tests (the service reads from it through STANDBY_DATABASE_URL).
#
#   scripts/standby.sh ensure    reuse the standby if healthy; else start it; else rebuild it
#   scripts/standby.sh start     start the existing standby (no rebuild)
#   scripts/standby.sh stop      fast shutdown, if running
#   scripts/standby.sh status    exit 0 when in recovery and streaming; prints the lag
#   scripts/standby.sh rebuild   stop, wipe, pg_basebackup from the primary, start
#   scripts/standby.sh url       print the connection URL (postgres://postgres@127.0.0.1:5433)
#
# Environment (defaults): PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres (the primary),
# STANDBY_PORT=5433, STANDBY_DIR=/var/lib/postgresql/notification-service/standby,
# STANDBY_LOG=$STANDBY_DIR.log (outside the data dir so it survives
# a rebuild), STANDBY_WAIT=15 (seconds to wait for streaming before giving up).
# The server runs as the OS user postgres (via runuser when we are root) with the
# binaries of the primary's major version from /usr/lib/postgresql/<ver>/bin.
# Authentication on the standby is trust for local and 127.0.0.1: development only.
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
STANDBY_PORT=${STANDBY_PORT:-5433}
STANDBY_DIR=${STANDBY_DIR:-/var/lib/postgresql/notification-service/standby}
STANDBY_DIR=${STANDBY_DIR%/}
STANDBY_LOG=${STANDBY_LOG:-$STANDBY_DIR.log}
STANDBY_WAIT=${STANDBY_WAIT:-15}
SOCKET_DIR=/var/run/postgresql
export PGHOST PGPORT PGUSER
unset PGDATABASE PGSERVICE PGOPTIONS PGAPPNAME 2>/dev/null || true

prog=standby.sh
say() { echo "$prog: $*"; }
die() { echo "$prog: error: $*" >&2; exit 1; }

# Run a command as the OS user postgres.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  elif [ "$(id -un)" = postgres ]; then
    "$@"
  else
    sudo -n -u postgres -- "$@"
  fi
}

# Queries. -w: never prompt for a password; short connect timeout: fail fast.
psql_primary() { PGCONNECT_TIMEOUT=5 psql -X -q -A -t -w -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -v ON_ERROR_STOP=1 "$@"; }
psql_standby() { PGCONNECT_TIMEOUT=3 psql -X -q -A -t -w -h 127.0.0.1 -p "$STANDBY_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }

# Major version: the primary's if reachable, else the data dir's, else the newest installed.
pg_major() {
  local v=""
  v=$(psql_primary -c "select current_setting('server_version_num')::int / 10000" 2>/dev/null) || v=""
  [ -z "$v" ] && [ -f "$STANDBY_DIR/PG_VERSION" ] && v=$(cat "$STANDBY_DIR/PG_VERSION" 2>/dev/null || true)
  # shellcheck disable=SC2012
  [ -z "$v" ] && v=$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)
  [ -n "$v" ] || die "no PostgreSQL installation found under /usr/lib/postgresql"
  echo "$v"
}
bindir() {
  local v; v=$(pg_major)
  local d="/usr/lib/postgresql/$v/bin"
  [ -x "$d/pg_ctl" ] || die "$d/pg_ctl not found (is the postgresql-$v package installed?)"
  echo "$d"
}

# One cheap health probe: "t|streaming|<system id>" when healthy.
probe() {
  psql_standby -c "select pg_is_in_recovery(), coalesce((select status from pg_stat_wal_receiver), 'none'), (select system_identifier from pg_control_system())" 2>/dev/null
}
primary_sysid() { psql_primary -c "select system_identifier from pg_control_system()" 2>/dev/null; }

# healthy: in recovery, streaming, and a standby of *this* primary (when it is reachable).
healthy() {
  local p; p=$(probe) || return 1
  local rec=${p%%|*} rest=${p#*|}; local st=${rest%%|*} sysid=${rest#*|}
  [ "$rec" = t ] && [ "$st" = streaming ] || return 1
  local psys; psys=$(primary_sysid) || psys=""
  if [ -n "$psys" ] && [ "$psys" != "$sysid" ]; then
    say "the server on port $STANDBY_PORT replicates another primary (system id $sysid, primary $psys)" >&2
    return 1
  fi
  return 0
}

# A pid, if it is a live postgres process.
live_pg_pid() {
  local pid=$1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || [ -d "/proc/$pid" ] || return 1
  local comm; comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [[ "$comm" == postgres* || "$comm" == postmaster* ]]
}

# The postmaster serving STANDBY_DIR, from its postmaster.pid or (when the data dir was
# wiped under a running server) from the socket lock file plus /proc/<pid>/cwd.
postmaster_pid() {
  local pid cwd lock
  if [ -f "$STANDBY_DIR/postmaster.pid" ]; then
    pid=$(head -n 1 "$STANDBY_DIR/postmaster.pid" 2>/dev/null || true)
    if live_pg_pid "$pid"; then echo "$pid"; return 0; fi
  fi
  for lock in "$SOCKET_DIR/.s.PGSQL.$STANDBY_PORT.lock" "$STANDBY_DIR/.s.PGSQL.$STANDBY_PORT.lock"; do
    [ -f "$lock" ] || continue
    pid=$(head -n 1 "$lock" 2>/dev/null || true)
    if live_pg_pid "$pid"; then
      cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null || true)
      if [ "${cwd% (deleted)}" = "$STANDBY_DIR" ]; then echo "$pid"; return 0; fi
    fi
  done
  return 1
}

# Remove a postmaster.pid / socket lock left by a dead server (or whose pid was reused
# by some unrelated process after a reboot or container restart).
clear_stale_pid() {
  local f pid
  for f in "$STANDBY_DIR/postmaster.pid" "$SOCKET_DIR/.s.PGSQL.$STANDBY_PORT.lock"; do
    [ -f "$f" ] || continue
    pid=$(head -n 1 "$f" 2>/dev/null || true)
    if ! live_pg_pid "$pid"; then
      say "removing stale $f (pid ${pid:-?} is not a running postgres)"
      rm -f "$f"
    fi
  done
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$STANDBY_PORT") 2>/dev/null; }

do_stop() {
  local pid bin; pid=$(postmaster_pid) || { clear_stale_pid; return 0; }
  bin=$(bindir)
  if [ -f "$STANDBY_DIR/postmaster.pid" ] && [ -f "$STANDBY_DIR/PG_VERSION" ]; then
    as_pg "$bin/pg_ctl" -D "$STANDBY_DIR" -m fast -w -t 30 stop >/dev/null 2>&1 \
      || as_pg "$bin/pg_ctl" -D "$STANDBY_DIR" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  # Still alive (e.g. its data dir was deleted): signal the postmaster directly.
  local sig
  for sig in INT QUIT KILL; do
    kill -0 "$pid" 2>/dev/null || break
    kill -s "$sig" "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  done
  kill -0 "$pid" 2>/dev/null && die "could not stop the standby postmaster (pid $pid)"
  clear_stale_pid
  say "stopped"
}

# Is the data dir a standby we can start? (no server needed)
valid_dir() {
  local f
  for f in PG_VERSION global/pg_control standby.signal postgresql.conf pg_hba.conf postgresql.auto.conf; do
    [ -f "$STANDBY_DIR/$f" ] || { echo "missing $f"; return 1; }
  done
  grep -q "^primary_conninfo" "$STANDBY_DIR/postgresql.auto.conf" || { echo "no primary_conninfo"; return 1; }
  local want; want=$(pg_major)
  [ "$(cat "$STANDBY_DIR/PG_VERSION")" = "$want" ] || { echo "PG_VERSION $(cat "$STANDBY_DIR/PG_VERSION") != primary $want"; return 1; }
  return 0
}

wait_healthy() {
  local deadline=$((SECONDS + STANDBY_WAIT))
  while :; do
    healthy && return 0
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.3
  done
}

do_start() {
  if postmaster_pid >/dev/null; then return 0; fi
  clear_stale_pid
  if port_in_use; then
    die "port $STANDBY_PORT is taken by another server (not $STANDBY_DIR); set STANDBY_PORT or stop it"
  fi
  local bin; bin=$(bindir)
  if touch "$STANDBY_LOG" 2>/dev/null; then chown postgres: "$STANDBY_LOG" 2>/dev/null || true; fi
  # 8>&- 9>&-: the server must not inherit (and hold forever) the setup/standby lock fds.
  as_pg "$bin/pg_ctl" -D "$STANDBY_DIR" -l "$STANDBY_LOG" -o "-p $STANDBY_PORT" -w -t 60 start >/dev/null 2>&1 8>&- 9>&- || {
    echo "--- last lines of $STANDBY_LOG:" >&2; tail -n 15 "$STANDBY_LOG" >&2 || true
    return 1
  }
}

write_conf() {
  local settings
  # A hot standby needs these at least as high as on the primary; copy the locale and
  # time settings too so that the standby answers like the primary does.
  settings=$(psql_primary -c "select name || ' = ''' || replace(setting, '''', '''''') || '''' from pg_settings
    where name in ('max_connections','max_worker_processes','max_wal_senders','max_prepared_transactions',
                   'max_locks_per_transaction','timezone','log_timezone','datestyle','default_text_search_config',
                   'lc_monetary','lc_numeric','lc_time','lc_messages') order by name")
  local conf="$STANDBY_DIR/postgresql.conf"
  cat >"$conf" <<EOF
# Written by scripts/standby.sh: local streaming standby of $PGHOST:$PGPORT (development only).
# primary_conninfo is in postgresql.auto.conf (pg_basebackup -R); standby.signal marks a standby.
port = $STANDBY_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCKET_DIR'
cluster_name = 'notification-service-standby-$STANDBY_PORT'
hot_standby = on
hot_standby_feedback = on
max_standby_streaming_delay = 5s
max_standby_archive_delay = 5s
wal_receiver_status_interval = 1s
wal_retrieve_retry_interval = 1s
shared_buffers = 32MB
logging_collector = off
log_line_prefix = '%m [%p] standby %q%u@%d '
# Copied from the primary:
$settings
EOF
  cat >"$STANDBY_DIR/pg_hba.conf" <<'EOF'
# Written by scripts/standby.sh: trust, local and 127.0.0.1 only (development only).
local   all          all                 trust
host    all          all   127.0.0.1/32  trust
host    all          all   ::1/128       trust
local   replication  all                 trust
host    replication  all   127.0.0.1/32  trust
EOF
  : >"$STANDBY_DIR/pg_ident.conf"
  chown postgres: "$conf" "$STANDBY_DIR/pg_hba.conf" "$STANDBY_DIR/pg_ident.conf"
}

do_rebuild() {
  psql_primary -c "select 1" >/dev/null 2>&1 \
    || die "the primary $PGHOST:$PGPORT is not reachable as $PGUSER without a password; not rebuilding"
  psql "host=$PGHOST port=$PGPORT user=$PGUSER dbname=postgres replication=true connect_timeout=5" -X -q -w -c "IDENTIFY_SYSTEM" >/dev/null 2>&1 \
    || die "the primary refuses replication connections from $PGUSER@$PGHOST (pg_hba.conf needs 'host replication all 127.0.0.1/32 trust'; scripts/setup.sh adds it)"
  local bin t0=$SECONDS; bin=$(bindir)
  do_stop >/dev/null
  case "$STANDBY_DIR" in ""|/|/var|/var/lib|/var/lib/postgresql) die "refusing to wipe STANDBY_DIR='$STANDBY_DIR'" ;; esac
  local parent; parent=$(dirname "$STANDBY_DIR")
  mkdir -p "$parent" && chown postgres: "$parent"
  [ -d "$SOCKET_DIR" ] || { mkdir -p "$SOCKET_DIR"; chown postgres: "$SOCKET_DIR"; chmod 2775 "$SOCKET_DIR"; }
  rm -rf "$STANDBY_DIR"
  say "pg_basebackup from $PGHOST:$PGPORT into $STANDBY_DIR"
  as_pg "$bin/pg_basebackup" -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -w -D "$STANDBY_DIR" -R -X stream -c fast \
    || die "pg_basebackup failed"
  chmod 700 "$STANDBY_DIR"
  write_conf
  do_start || die "the rebuilt standby did not start (log: $STANDBY_LOG)"
  wait_healthy || die "the rebuilt standby is not streaming after ${STANDBY_WAIT}s (log: $STANDBY_LOG)"
  say "rebuilt and streaming on port $STANDBY_PORT ($((SECONDS - t0))s)"
}

# Mutating commands take a lock, so concurrent setup runs do not rebuild twice.
take_lock() {
  local lock="${TMPDIR:-/tmp}/notification-service-standby-$STANDBY_PORT.lock"
  { exec 9>>"$lock"; } 2>/dev/null || exec 9<"$lock"
  chmod 666 "$lock" 2>/dev/null || true
  flock -n 9 || { say "waiting for another standby.sh run ($lock)"
    flock -w 300 9 || die "timed out waiting for $lock"; }
}

do_ensure() {
  # Fast path (no lock, two queries): running, in recovery, streaming.
  if healthy; then
    [ -f "$STANDBY_DIR/standby.signal" ] || [ ! -d "$STANDBY_DIR" ] \
      || { as_pg touch "$STANDBY_DIR/standby.signal"; say "restored missing standby.signal"; }
    return 0
  fi
  take_lock
  healthy && return 0   # another run repaired it meanwhile
  local why
  if postmaster_pid >/dev/null; then
    # Running but not healthy: give the WAL receiver a moment (it retries every second).
    if [ "$(probe | cut -d'|' -f1)" = t ] && wait_healthy; then return 0; fi
    say "running on port $STANDBY_PORT but not a streaming standby: rebuilding"
  elif why=$(valid_dir); then
    say "stopped: starting"
    if ! do_start; then
      say "it does not start: rebuilding"
    elif wait_healthy; then
      say "streaming on port $STANDBY_PORT"; return 0
    else
      say "started, but not streaming within ${STANDBY_WAIT}s: rebuilding"
    fi
  elif [ -e "$STANDBY_DIR" ]; then
    say "$STANDBY_DIR is not a usable standby ($why): rebuilding"
  else
    say "no standby yet: creating one in $STANDBY_DIR"
  fi
  do_rebuild
}

do_status() {
  local p; p=$(probe) || { say "not running (port $STANDBY_PORT)"; return 1; }
  local lag
  lag=$(psql_standby -c "select 'receive ' || coalesce(pg_last_wal_receive_lsn()::text, '-') ||
      ', replay ' || coalesce(pg_last_wal_replay_lsn()::text, '-') ||
      ', replay backlog ' || greatest(0, coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint, 0)) || ' bytes' ||
      ', last replayed xact ' || coalesce(round(extract(epoch from now() - pg_last_xact_replay_timestamp()))::text || 's ago', 'none') ||
      case when pg_is_wal_replay_paused() then ', REPLAY PAUSED' else '' end" 2>/dev/null || echo "lag unknown")
  local behind="" app=""
  # The WAL receiver reports the standby's cluster_name as its application_name.
  app=$(psql_standby -c "show cluster_name" 2>/dev/null || true)
  [ -n "$app" ] && behind=$(echo "select pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint
      from pg_stat_replication where application_name = :'app' limit 1" | psql_primary -v app="$app" 2>/dev/null || true)
  [ -n "$behind" ] && lag="$lag, behind primary $behind bytes"
  if healthy; then
    say "healthy (in recovery, streaming) on port $STANDBY_PORT: $lag"
  else
    say "UNHEALTHY on port $STANDBY_PORT (in_recovery|wal_receiver|sysid = $p): $lag"
    return 1
  fi
}

cmd=${1:-}
case "$cmd" in
  ensure)  do_ensure ;;
  start)   take_lock
           healthy && exit 0
           postmaster_pid >/dev/null && { say "running but not streaming"; exit 1; }
           why=$(valid_dir) || die "$STANDBY_DIR is not a usable standby ($why); run: $0 rebuild"
           do_start || die "start failed (log: $STANDBY_LOG)"
           wait_healthy || die "started, but not streaming after ${STANDBY_WAIT}s (log: $STANDBY_LOG)"
           say "streaming on port $STANDBY_PORT" ;;
  stop)    take_lock; do_stop ;;
  status)  do_status ;;
  rebuild) take_lock; do_rebuild ;;
  url)     echo "postgres://postgres@127.0.0.1:$STANDBY_PORT" ;;
  *)       echo "usage: $0 ensure|start|stop|status|rebuild|url" >&2; exit 2 ;;
esac
