#!/usr/bin/env bash
# scripts/standby.sh: the project's own streaming standby of its primary (scripts/primary.sh),
# in .run/pg/standby on 127.0.0.1 port DEV_PG_STANDBY_PORT (25433). The service reads from it
# through STANDBY_DATABASE_URL; tests stop and start it (tests/support/databases.ts).
#
#   scripts/standby.sh ensure    reuse the standby if healthy; else start it; else rebuild it
#   scripts/standby.sh start     start the existing standby (no rebuild) and wait for streaming
#   scripts/standby.sh stop      fast shutdown, if running
#   scripts/standby.sh status    exit 0 when in recovery and streaming; prints the lag
#   scripts/standby.sh rebuild   stop, wipe, pg_basebackup from the primary, start
#   scripts/standby.sh url       the superuser's URL (with its password), without a database
#
# Healthy means: running, in recovery, its WAL receiver streaming, and a copy of *this* primary
# (same system identifier). A standby that is broken, too far behind, or made from another
# primary is rebuilt (its data is only ever a copy). STANDBY_WAIT=15: seconds to wait for
# streaming before giving up. Needs the primary running (scripts/primary.sh ensure).
set -euo pipefail
prog=standby.sh
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STANDBY_WAIT=${STANDBY_WAIT:-15}

need_bin() {
  PG_BIN=$(pg_bindir)
  [ -n "$PG_BIN" ] || die "no PostgreSQL binaries found; run scripts/setup.sh"
}

# "t|streaming|<system id>" when healthy (one query over the socket).
probe() {
  psql_admin "$PG_STANDBY_PORT" -c "select pg_is_in_recovery(), coalesce((select status from pg_stat_wal_receiver), 'none'), (select system_identifier from pg_control_system())" 2>/dev/null
}

healthy() {
  local p; p=$(probe) || return 1
  local rec=${p%%|*} rest=${p#*|}; local st=${rest%%|*} sysid=${rest#*|}
  [ "$rec" = t ] && [ "$st" = streaming ] || return 1
  local psys; psys=$(system_id "$PRIMARY_DIR")
  if [ -n "$psys" ] && [ "$psys" != "$sysid" ]; then
    say "the server on port $PG_STANDBY_PORT replicates another primary (system id $sysid, primary $psys)" >&2
    return 1
  fi
}

wait_healthy() {
  local deadline=$((SECONDS + STANDBY_WAIT))
  until healthy; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.3
  done
}

# Is the data folder a standby of this primary that we can start? (no server needed)
valid_dir() {
  local f
  for f in PG_VERSION global/pg_control standby.signal; do
    [ -f "$STANDBY_DIR/$f" ] || { echo "missing $f"; return 1; }
  done
  [ "$(cat "$STANDBY_DIR/PG_VERSION")" = "$(cat "$PRIMARY_DIR/PG_VERSION" 2>/dev/null)" ] \
    || { echo "PostgreSQL $(cat "$STANDBY_DIR/PG_VERSION"), the primary's is $(cat "$PRIMARY_DIR/PG_VERSION" 2>/dev/null || echo unknown)"; return 1; }
  local s p; s=$(system_id "$STANDBY_DIR"); p=$(system_id "$PRIMARY_DIR")
  [ -n "$s" ] && [ "$s" = "$p" ] || { echo "a copy of another primary (system id ${s:-?}, the primary's ${p:-?})"; return 1; }
}

do_start() {
  if postmaster_pid "$STANDBY_DIR" >/dev/null; then return 0; fi
  write_cluster_conf "$STANDBY_DIR" standby || true
  start_cluster "$STANDBY_DIR" "$PG_STANDBY_PORT" "$STANDBY_LOG"
}

do_stop() {
  [ -d "$STANDBY_DIR" ] || return 0
  if stop_cluster "$STANDBY_DIR"; then say "stopped the standby (port $PG_STANDBY_PORT)"; fi
}

do_rebuild() {
  local t0=$SECONDS tmp=$STANDBY_DIR.new
  postmaster_pid "$PRIMARY_DIR" >/dev/null || die "the primary ($PRIMARY_DIR) is not running; run scripts/primary.sh ensure"
  stop_cluster "$STANDBY_DIR" >/dev/null || true
  rm -rf "$STANDBY_DIR" "$tmp"
  say "cloning the primary into $STANDBY_DIR (pg_basebackup)"
  # The password reaches pg_basebackup through its environment, never a command line.
  PGPASSWORD=$(secret postgres-replication) as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PRIMARY_PORT" \
    -U "$PG_REPLICATION_USER" -w -D "$tmp" -X stream -c fast >"$STANDBY_LOG.basebackup" 2>&1 8>&- 9>&- \
    || { cat "$STANDBY_LOG.basebackup" >&2; rm -rf "$tmp"; die "pg_basebackup failed"; }
  rm -f "$STANDBY_LOG.basebackup"
  chmod 0700 "$tmp"
  : >"$tmp/postgresql.auto.conf"
  as_pg touch "$tmp/standby.signal"
  rm -f "$tmp/postmaster.pid" "$tmp/postmaster.opts"
  write_cluster_conf "$tmp" standby || true
  mv "$tmp" "$STANDBY_DIR"
  start_cluster "$STANDBY_DIR" "$PG_STANDBY_PORT" "$STANDBY_LOG" || die "the rebuilt standby did not start (log: $STANDBY_LOG)"
  wait_healthy || die "the rebuilt standby is not streaming after ${STANDBY_WAIT}s (log: $STANDBY_LOG)"
  say "standby streaming on 127.0.0.1:$PG_STANDBY_PORT ($((SECONDS - t0))s)"
}

do_ensure() {
  ensure_pg_dir
  need_bin
  # Fast path (no lock): healthy, and its configuration is current.
  if healthy; then
    if write_cluster_conf "$STANDBY_DIR" standby; then
      say "restarting the standby (its configuration changed)"
      as_pg "$PG_BIN/pg_ctl" -D "$STANDBY_DIR" -m fast -w -t 60 restart >/dev/null 2>&1 8>&- 9>&- || true
      wait_healthy || { say "not streaming after the restart: rebuilding"; do_rebuild; }
    fi
    return 0
  fi
  take_lock standby 9
  healthy && return 0   # another run repaired it meanwhile
  local why
  if postmaster_pid "$STANDBY_DIR" >/dev/null; then
    # Running but not (yet) healthy: the WAL receiver retries every second.
    if write_cluster_conf "$STANDBY_DIR" standby; then
      as_pg "$PG_BIN/pg_ctl" -D "$STANDBY_DIR" -m fast -w -t 60 restart >/dev/null 2>&1 8>&- 9>&- || true
    fi
    if ! why=$(valid_dir); then
      say "the standby is $why: rebuilding"
    elif [ "$(probe | cut -d'|' -f1)" = t ] && wait_healthy; then
      return 0
    else
      say "running on port $PG_STANDBY_PORT but not a streaming standby of the primary: rebuilding"
    fi
  elif why=$(valid_dir); then
    say "starting the standby on 127.0.0.1:$PG_STANDBY_PORT"
    if ! do_start; then
      say "it does not start: rebuilding"
    elif wait_healthy; then
      return 0
    else
      say "started, but not streaming within ${STANDBY_WAIT}s: rebuilding"
    fi
  elif [ -e "$STANDBY_DIR" ]; then
    say "$STANDBY_DIR is not a usable standby ($why): rebuilding"
  fi
  do_rebuild
}

do_status() {
  need_bin
  local p; p=$(probe) || { say "not running (port $PG_STANDBY_PORT)"; return 1; }
  local lag
  lag=$(psql_admin "$PG_STANDBY_PORT" -c "select 'receive ' || coalesce(pg_last_wal_receive_lsn()::text, '-') ||
      ', replay ' || coalesce(pg_last_wal_replay_lsn()::text, '-') ||
      ', replay backlog ' || greatest(0, coalesce(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint, 0)) || ' bytes' ||
      ', last replayed xact ' || coalesce(round(extract(epoch from now() - pg_last_xact_replay_timestamp()))::text || 's ago', 'none') ||
      case when pg_is_wal_replay_paused() then ', REPLAY PAUSED' else '' end" 2>/dev/null || echo "lag unknown")
  if healthy; then
    say "healthy (in recovery, streaming) on 127.0.0.1:$PG_STANDBY_PORT: $lag"
  else
    say "UNHEALTHY on port $PG_STANDBY_PORT (in_recovery|wal_receiver|sysid = $p): $lag"
    return 1
  fi
}

cmd=${1:-}
case "$cmd" in
  ensure)  do_ensure ;;
  start)   need_bin
           take_lock standby 9
           healthy && exit 0
           postmaster_pid "$STANDBY_DIR" >/dev/null && { wait_healthy && exit 0; die "running but not streaming (log: $STANDBY_LOG)"; }
           why=$(valid_dir) || die "$STANDBY_DIR is not a usable standby ($why); run: $0 rebuild"
           do_start || die "start failed (log: $STANDBY_LOG)"
           wait_healthy || die "started, but not streaming after ${STANDBY_WAIT}s (log: $STANDBY_LOG)" ;;
  stop)    [ -d "$STANDBY_DIR" ] || exit 0
           need_bin; take_lock standby 9; do_stop ;;
  status)  do_status ;;
  rebuild) ensure_pg_dir; need_bin; take_lock standby 9; do_rebuild ;;
  url)     echo "postgres://$PG_SUPERUSER:$(secret postgres-superuser)@127.0.0.1:$PG_STANDBY_PORT" ;;
  *)       echo "usage: $0 ensure|start|stop|status|rebuild|url" >&2; exit 2 ;;
esac
