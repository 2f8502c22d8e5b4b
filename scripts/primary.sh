#!/usr/bin/env bash
# scripts/primary.sh: the project's own PostgreSQL primary, in .run/pg/primary, on 127.0.0.1
# port DEV_PG_PRIMARY_PORT (25432), for `make run` and the tests. It never touches another
# cluster of the machine.
#
#   scripts/primary.sh ensure   create it (initdb) when missing, bring its configuration up to
#                               date, start it, and make sure its roles and database exist
#   scripts/primary.sh stop     fast shutdown, if running
#   scripts/primary.sh status   exit 0 when it answers
#   scripts/primary.sh url      the superuser's URL (with its password), without a database
#
# Roles: postgres (superuser: tests, bench, these scripts), notification_service (owns the
# database DEV_PG_DATABASE, which the service uses), replicator (streaming replication). Each
# has a generated password in .run/secrets; the servers' OS user administers over the socket.
# Prints a line for each thing it changes and nothing else.
set -euo pipefail
prog=primary.sh
# shellcheck source=scripts/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"


ensure_secrets() {
  ensure_secret postgres-superuser
  ensure_secret postgres-service
  ensure_secret postgres-replication
}

# One round trip per role over TCP with its password: what the service, the tests and the
# standby do. Fails when a role, a password or the database is not as it should be.
roles_ok() {
  local ok
  ok=$(PGPASSWORD=$(secret postgres-superuser) PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -A -t -w \
    -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U "$PG_SUPERUSER" -d postgres -c "
      select (select count(*) from pg_roles where (rolname = '$PG_REPLICATION_USER' and rolreplication and rolcanlogin)
                                               or (rolname = '$PG_SERVICE_USER' and rolcanlogin and not rolsuper)) = 2
         and exists (select 1 from pg_database d join pg_roles r on r.oid = d.datdba
                     where d.datname = '$PG_DATABASE' and r.rolname = '$PG_SERVICE_USER')" 2>/dev/null) || return 1
  [ "$ok" = t ] || return 1
  PGPASSWORD=$(secret postgres-service) PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -A -t -w \
    -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U "$PG_SERVICE_USER" -d "$PG_DATABASE" -c 'select 1' >/dev/null 2>&1 || return 1
  PGPASSWORD=$(secret postgres-replication) PGCONNECT_TIMEOUT=5 "$PG_BIN/psql" -X -q -A -t -w \
    "host=127.0.0.1 port=$PG_PRIMARY_PORT user=$PG_REPLICATION_USER dbname=postgres replication=true" \
    -c IDENTIFY_SYSTEM >/dev/null 2>&1
}

# Creates what is missing and sets every role's password from .run/secrets (over the socket,
# as the servers' OS user: works whatever the passwords were).
fix_roles() {
  local had
  had=$(psql_admin "$PG_PRIMARY_PORT" -c "select ' ' || coalesce(string_agg(rolname, ' '), '') || ' '
      || coalesce((select 'db ' from pg_database where datname = '$PG_DATABASE'), '')
    from pg_roles where rolname in ('$PG_SERVICE_USER', '$PG_REPLICATION_USER')") \
    || die "cannot administer the primary over its socket in $SOCKET_DIR (log: $PRIMARY_LOG)"
  # The passwords go through standard input, never on a command line.
  psql_admin "$PG_PRIMARY_PORT" -f - >/dev/null <<SQL
do \$\$ begin
  if not exists (select 1 from pg_roles where rolname = '$PG_SERVICE_USER') then create role $PG_SERVICE_USER; end if;
  if not exists (select 1 from pg_roles where rolname = '$PG_REPLICATION_USER') then create role $PG_REPLICATION_USER; end if;
end \$\$;
alter role $PG_SUPERUSER with password '$(secret postgres-superuser)';
alter role $PG_SERVICE_USER with login nosuperuser nocreatedb nocreaterole noreplication password '$(secret postgres-service)';
alter role $PG_REPLICATION_USER with login replication nosuperuser nocreatedb nocreaterole password '$(secret postgres-replication)';
select 'create database $PG_DATABASE owner $PG_SERVICE_USER'
  where not exists (select 1 from pg_database where datname = '$PG_DATABASE') \gexec
alter database $PG_DATABASE owner to $PG_SERVICE_USER;
SQL
  [[ "$had" == *" $PG_SERVICE_USER "* ]] || say "created role $PG_SERVICE_USER (password in .run/secrets/postgres-service)"
  [[ "$had" == *" $PG_REPLICATION_USER "* ]] || say "created role $PG_REPLICATION_USER (password in .run/secrets/postgres-replication)"
  [[ "$had" == *" db "* ]] || say "created database $PG_DATABASE (owner $PG_SERVICE_USER)"
  roles_ok || die "the roles still do not accept their passwords from .run/secrets (log: $PRIMARY_LOG)"
}

init_primary() {
  local tmp=$PRIMARY_DIR.init pwfile=$PG_DIR/.superuser-password locale=C
  rm -rf "$tmp"
  if locale -a 2>/dev/null | grep -qix 'c.utf-\{0,1\}8'; then locale=C.UTF-8; fi
  say "creating the PostgreSQL primary in $PRIMARY_DIR (initdb, $("$PG_BIN/postgres" --version | sed 's/^postgres (PostgreSQL) //'), port $PG_PRIMARY_PORT)"
  (umask 077; secret postgres-superuser >"$pwfile")
  if [ "$(id -u)" = 0 ]; then chown postgres: "$pwfile"; fi
  as_pg "$PG_BIN/initdb" -D "$tmp" -U "$PG_SUPERUSER" --pwfile="$pwfile" --auth=scram-sha-256 \
    -E UTF8 --locale="$locale" --no-instructions >"$PG_DIR/initdb.log" 2>&1 \
    || { rm -f "$pwfile"; tail -n 20 "$PG_DIR/initdb.log" >&2; die "initdb failed (log: $PG_DIR/initdb.log)"; }
  rm -f "$pwfile"
  write_cluster_conf "$tmp" primary || true
  mv "$tmp" "$PRIMARY_DIR"
}

do_ensure() {
  ensure_pg_dir
  require_pg_bin
  ensure_secrets
  [ -f "$PRIMARY_DIR/global/pg_control" ] || init_primary
  local changed=1 pid
  write_cluster_conf "$PRIMARY_DIR" primary && changed=0
  if pid=$(postmaster_pid "$PRIMARY_DIR"); then
    if [ $changed = 0 ]; then
      say "restarting the primary (its configuration changed)"
      as_pg "$PG_BIN/pg_ctl" -D "$PRIMARY_DIR" -m fast -w -t 60 restart >/dev/null 2>&1 8>&- 9>&- \
        || { tail -n 15 "$PRIMARY_LOG" >&2; die "the primary did not restart (log: $PRIMARY_LOG)"; }
    fi
  else
    say "starting the primary on 127.0.0.1:$PG_PRIMARY_PORT"
    start_cluster "$PRIMARY_DIR" "$PG_PRIMARY_PORT" "$PRIMARY_LOG" || die "the primary did not start (log: $PRIMARY_LOG)"
  fi
  if [ "$NEW_SECRETS" = 1 ] || ! roles_ok; then fix_roles; fi
}

cmd=${1:-}
case "$cmd" in
  ensure) do_ensure ;;
  stop)
    [ -d "$PRIMARY_DIR" ] || exit 0
    PG_BIN=$(pg_bindir); [ -n "$PG_BIN" ] || exit 0
    if stop_cluster "$PRIMARY_DIR"; then say "stopped the primary (port $PG_PRIMARY_PORT)"; fi ;;
  status)
    PG_BIN=$(pg_bindir); [ -n "$PG_BIN" ] || { say "no PostgreSQL binaries"; exit 1; }
    if postmaster_pid "$PRIMARY_DIR" >/dev/null && psql_admin "$PG_PRIMARY_PORT" -c 'select 1' >/dev/null 2>&1; then
      say "running on 127.0.0.1:$PG_PRIMARY_PORT ($PRIMARY_DIR)"
    else
      say "not running (port $PG_PRIMARY_PORT)"; exit 1
    fi ;;
  url) echo "postgres://$PG_SUPERUSER:$(secret postgres-superuser)@127.0.0.1:$PG_PRIMARY_PORT" ;;
  *) echo "usage: $0 ensure|stop|status|url" >&2; exit 2 ;;
esac
