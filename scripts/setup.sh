#!/usr/bin/env bash
# scripts/setup.sh: make sure the servers the notification service needs are installed and
# running on this (Debian 12) machine; used by `make run` and `make test`.
#
#   1. PostgreSQL primary (installs the `postgresql` package and creates/starts a cluster when
#      missing; makes 127.0.0.1 trust for normal and replication connections; wal_level and
#      max_wal_senders fit for streaming replication),
#   2. a local streaming standby (scripts/standby.sh ensure),
#   3. RabbitMQ (installs `rabbitmq-server` when missing; starts it when its port is closed),
#   4. the databases in $SETUP_DATABASES on the primary,
#   then prints a short summary with the connection URLs.
#
# Idempotent and quiet on success (it only says what it changed); a second run takes well
# under a second. Concurrent runs are serialised by a lock. Needs root (or sudo) only when
# something must be installed or changed.
#
# Options:
#   --packages   also install the developer tools when their command is missing:
#                docker-compose (`docker-compose config -q`) and prometheus (`promtool`).
#   --only-packages (alias --packages-only)
#                install those tools (when missing) and do nothing else.
#   -h, --help   this text.
#
# Environment (defaults): PGHOST=127.0.0.1 PGPORT=5432 PGUSER=postgres STANDBY_PORT=5433
# STANDBY_DIR=/var/lib/postgresql/notification-service/standby RABBITMQ_HOST=127.0.0.1
# RABBITMQ_PORT=5672 SETUP_DATABASES=notifications (space or comma separated)
# SETUP_SKIP_STANDBY=1 skips step 2.
set -euo pipefail

PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PGUSER=${PGUSER:-postgres}
STANDBY_PORT=${STANDBY_PORT:-5433}
STANDBY_DIR=${STANDBY_DIR:-/var/lib/postgresql/notification-service/standby}
RABBITMQ_HOST=${RABBITMQ_HOST:-127.0.0.1}
RABBITMQ_PORT=${RABBITMQ_PORT:-5672}
SETUP_DATABASES=${SETUP_DATABASES:-notifications}
export PGHOST PGPORT PGUSER STANDBY_PORT STANDBY_DIR
unset PGDATABASE PGSERVICE PGOPTIONS 2>/dev/null || true

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
prog=setup.sh
say() { echo "$prog: $*"; }
die() { echo "$prog: error: $*" >&2; exit 1; }

want_packages=0 only_packages=0
for arg in "$@"; do
  case "$arg" in
    --packages) want_packages=1 ;;
    --only-packages|--packages-only) want_packages=1 only_packages=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $arg (try --help)" ;;
  esac
done

# ---------------------------------------------------------------- helpers
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo -n "$@"
  else die "needs root to run: $*"
  fi
}
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"
  elif [ "$(id -un)" = postgres ]; then "$@"
  else sudo -n -u postgres -- "$@"
  fi
}

# apt-get install, quietly; `apt-get update` only when the lists are empty or install fails.
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  local apt=(apt-get -y -q -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  local log; log=$(mktemp)
  say "installing $* (apt-get)"
  if ! ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1; then
    as_root "${apt[@]}" update >"$log" 2>&1 || { cat "$log" >&2; die "apt-get update failed"; }
  fi
  if ! as_root "${apt[@]}" install --no-install-recommends "$@" >"$log" 2>&1; then
    as_root "${apt[@]}" update >"$log" 2>&1 || { cat "$log" >&2; die "apt-get update failed"; }
    as_root "${apt[@]}" install --no-install-recommends "$@" >"$log" 2>&1 \
      || { tail -n 30 "$log" >&2; die "apt-get install $* failed"; }
  fi
  rm -f "$log"
}

is_local() { case "$1" in 127.0.0.1|localhost|::1|"$(hostname)") return 0 ;; *) return 1 ;; esac; }
port_open() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }

psql_primary() { PGCONNECT_TIMEOUT=5 psql -X -q -A -t -w -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -v ON_ERROR_STOP=1 "$@"; }
pg_ok() { psql_primary -c 'select 1' >/dev/null 2>&1; }
pg_ready() { pg_isready -q -h "$PGHOST" -p "$PGPORT" -t 2; }   # accepting connections (any auth)
pg_repl_ok() {
  PGCONNECT_TIMEOUT=5 psql "host=$PGHOST port=$PGPORT user=$PGUSER dbname=postgres replication=true" \
    -X -q -w -c IDENTIFY_SYSTEM >/dev/null 2>&1
}
wait_for() { # seconds, command...: retry every 0.3 s
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do [ $SECONDS -ge $deadline ] && return 1; sleep 0.3; done
}

# Serialise concurrent runs (make run + make test in two terminals, parallel CI jobs).
# Every server started below gets `8>&-`: a daemon inheriting fd 8 would hold the lock forever.
lock="${TMPDIR:-/tmp}/notification-service-setup.lock"
{ exec 8>>"$lock"; } 2>/dev/null || exec 8<"$lock"
chmod 666 "$lock" 2>/dev/null || true
flock -n 8 || { say "waiting for another setup run to finish ($lock)"
  flock -w 300 8 || die "timed out waiting for another setup run ($lock)"; }

# ---------------------------------------------------------------- 0. developer tools
if [ "$want_packages" = 1 ]; then
  pkgs=()
  command -v docker-compose >/dev/null || pkgs+=(docker-compose)
  command -v promtool >/dev/null || pkgs+=(prometheus)
  if [ ${#pkgs[@]} -gt 0 ]; then apt_install "${pkgs[@]}"; fi
fi
[ "$only_packages" = 1 ] && exit 0

# ---------------------------------------------------------------- 1. PostgreSQL primary
pg_cluster=""   # "<ver> <name>" of the local Debian cluster on PGPORT, when we had to look
find_cluster() { pg_lsclusters -h 2>/dev/null | awk -v p="$PGPORT" '$3 == p { print $1, $2, $4; exit }'; }

hba_mark="# added by notification-service scripts/setup.sh"
hba_file_of() { echo "/etc/postgresql/$1/$2/pg_hba.conf"; }
# Put our trust lines at the top of pg_hba.conf (first match wins), replacing older copies.
hba_add_top() {
  local ver=$1 name=$2; shift 2
  local hba; hba=$(hba_file_of "$ver" "$name")
  [ -f "$hba" ] || hba=$(as_pg psql -X -A -t -p "$PGPORT" -c 'show hba_file' 2>/dev/null) || true
  [ -f "$hba" ] || die "cannot find pg_hba.conf of cluster $ver/$name"
  local tmp; tmp=$(mktemp)
  { local l; for l in "$@"; do printf '%s  %s\n' "$l" "$hba_mark"; done
    grep -vF "$hba_mark" "$hba" || true; } >"$tmp"
  cat "$tmp" >"$hba"; rm -f "$tmp"     # keeps owner and mode
  as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" reload >/dev/null 8>&-
  say "pg_hba.conf: inserted at the top of $hba: $(printf '[%s] ' "$@")and reloaded"
}

ensure_primary() {
  if ! command -v psql >/dev/null || ! command -v pg_lsclusters >/dev/null; then
    apt_install postgresql
  fi
  # Fast path: reachable as PGUSER without a password, replication allowed, WAL settings fit.
  local ver name status
  if ! pg_ok; then
    is_local "$PGHOST" || die "PostgreSQL at $PGHOST:$PGPORT is not reachable as $PGUSER without a password"
    read -r ver name status <<<"$(find_cluster)" || true
    if [ -z "${ver:-}" ]; then
      # shellcheck disable=SC2012
      ver=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
      name=main
      pg_lsclusters -h 2>/dev/null | awk '{print $1, $2}' | grep -qx "$ver main" && name=notifications
      say "creating PostgreSQL cluster $ver/$name on port $PGPORT"
      as_root pg_createcluster "$ver" "$name" -p "$PGPORT" >/dev/null
      status=down
    fi
    if [ "${status%%,*}" != online ]; then
      say "starting PostgreSQL cluster $ver/$name"
      as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start 8>&- \
        || die "pg_ctlcluster $ver $name start failed (see /var/log/postgresql/postgresql-$ver-$name.log)"
    fi
    wait_for 20 pg_ready || die "PostgreSQL $ver/$name does not accept connections on $PGHOST:$PGPORT"
    if ! pg_ok; then
      # Fresh Debian: host lines use scram-sha-256 and postgres has no password.
      hba_add_top "$ver" "$name" "host all all 127.0.0.1/32 trust" "host replication all 127.0.0.1/32 trust"
      wait_for 10 pg_ok || die "psql -h $PGHOST -p $PGPORT -U $PGUSER still fails after trusting 127.0.0.1"
    fi
    pg_cluster="$ver $name"
  fi
  cluster() { # resolve lazily: pg_lsclusters costs ~0.1 s
    if [ -z "$pg_cluster" ]; then
      is_local "$PGHOST" || die "$*: PostgreSQL at $PGHOST:$PGPORT is not local; fix it there"
      local v n _s; read -r v n _s <<<"$(find_cluster)" || true
      [ -n "${v:-}" ] || die "$*: no Debian cluster found on port $PGPORT; fix it by hand"
      pg_cluster="$v $n"
    fi
    echo "$pg_cluster"
  }
  local wal senders
  IFS='|' read -r wal senders <<<"$(psql_primary -c "select current_setting('wal_level'), current_setting('max_wal_senders')")"
  if [ "$wal" = minimal ] || [ "${senders:-0}" -lt 3 ]; then
    local c; c=$(cluster "wal_level=$wal max_wal_senders=$senders")
    [ "$wal" = minimal ] && psql_primary -c "alter system set wal_level = 'replica'" >/dev/null
    [ "${senders:-0}" -lt 3 ] && psql_primary -c "alter system set max_wal_senders = 10" >/dev/null
    say "restarting PostgreSQL ${c/ //} for wal_level=replica / max_wal_senders (was $wal / $senders)"
    # shellcheck disable=SC2086
    as_root pg_ctlcluster --skip-systemctl-redirect $c restart 8>&-
    wait_for 20 pg_ok || die "PostgreSQL did not come back after the restart"
  fi
  if ! pg_repl_ok; then
    local c; c=$(cluster "replication connections are refused")
    # shellcheck disable=SC2086
    if [ "$(grep -cF "$hba_mark" "$(hba_file_of $c)" 2>/dev/null)" != 2 ]; then
      # shellcheck disable=SC2086
      hba_add_top $c "host all all 127.0.0.1/32 trust" "host replication all 127.0.0.1/32 trust"
    fi
    wait_for 5 pg_repl_ok || die "replication connections to $PGHOST:$PGPORT are refused even with our trust lines at the top of pg_hba.conf"
  fi
}
ensure_primary

# ---------------------------------------------------------------- 2. standby
standby_url=""   # empty: skipped
if [ "${SETUP_SKIP_STANDBY:-0}" != 1 ]; then
  "$here/standby.sh" ensure 8>&-
  standby_url=$("$here/standby.sh" url)
fi

# ---------------------------------------------------------------- 3. RabbitMQ
rabbit_up() { port_open "$RABBITMQ_HOST" "$RABBITMQ_PORT"; }
rabbit_ctl_ok() { timeout 20 rabbitmqctl -q status >/dev/null 2>&1; }
if ! rabbit_up; then
  is_local "$RABBITMQ_HOST" || die "RabbitMQ at $RABBITMQ_HOST:$RABBITMQ_PORT does not accept connections"
  command -v rabbitmq-server >/dev/null || [ -x /usr/sbin/rabbitmq-server ] || apt_install rabbitmq-server
  export PATH="$PATH:/usr/sbin"
  say "starting RabbitMQ (rabbitmq-server -detached)"
  # The Debian wrapper switches to the rabbitmq user; the node logs under /var/log/rabbitmq.
  as_root rabbitmq-server -detached >/dev/null 2>&1 8>&- || true
  wait_for 60 rabbit_up || die "RabbitMQ did not open port $RABBITMQ_PORT within 60 s (see /var/log/rabbitmq/)"
  wait_for 60 rabbit_ctl_ok || die "rabbitmqctl status still fails 60 s after the port opened"
fi
# Delivery limit, dead-lettering and the alternate exchange are policies (ADR 5).
as_root bash "$here/rabbitmq-policies.sh" / 8>&- || die "could not apply the RabbitMQ policies"

# ---------------------------------------------------------------- 4. databases
dbs=()
for db in ${SETUP_DATABASES//,/ }; do
  [[ "$db" =~ ^[A-Za-z_][A-Za-z0-9_-]*$ ]] || die "bad database name '$db' in SETUP_DATABASES"
  dbs+=("$db")
  if [ -z "$(psql_primary -c "select 1 from pg_database where datname = '$db'")" ]; then
    if psql_primary -c "create database \"$db\"" >/dev/null 2>&1; then
      say "created database $db"
    else
      [ -n "$(psql_primary -c "select 1 from pg_database where datname = '$db'")" ] || die "could not create database $db"
    fi
  fi
done

# ---------------------------------------------------------------- 5. summary
first=${dbs[0]:-postgres}
echo "PostgreSQL primary  postgres://$PGUSER@$PGHOST:$PGPORT/$first"
if [ -n "$standby_url" ]; then
  echo "PostgreSQL standby  $standby_url/$first (streaming replica, read-only)"
else
  echo "PostgreSQL standby  (skipped: SETUP_SKIP_STANDBY=1)"
fi
echo "RabbitMQ            amqp://guest:guest@$RABBITMQ_HOST:$RABBITMQ_PORT"
echo "Databases           ${dbs[*]}"
