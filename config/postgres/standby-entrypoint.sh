#!/bin/bash
# Entrypoint of the postgres-standby container: on the first start (empty data directory)
# it clones postgres-primary with pg_basebackup -R (which writes primary_conninfo and
# standby.signal), then hands over to the image's own docker-entrypoint.sh, which finds
# an initialised data directory and just starts postgres as a hot standby.
# To re-clone (e.g. after the primary's volume was recreated): remove the standby volume.
set -euo pipefail

: "${PGDATA:=/var/lib/postgresql/data}"
: "${PRIMARY_HOST:=postgres-primary}"
: "${PRIMARY_PORT:=5432}"
: "${REPLICATION_USER:=replicator}"
: "${REPLICATION_PASSWORD:=replicator}"

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA"
  chown postgres:postgres "$PGDATA"
  chmod 700 "$PGDATA"
  exec gosu postgres "$BASH" "${BASH_SOURCE[0]}" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  echo "standby: waiting for ${PRIMARY_HOST}:${PRIMARY_PORT}"
  until pg_isready -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT"; do sleep 1; done
  echo "standby: cloning ${PRIMARY_HOST}:${PRIMARY_PORT} with pg_basebackup"
  rm -rf "${PGDATA:?}"/* "${PGDATA:?}"/.[!.]* 2>/dev/null || true
  # The primary may still be running its init scripts (role not created yet): retry.
  for attempt in $(seq 1 30); do
    if PGPASSWORD="$REPLICATION_PASSWORD" pg_basebackup -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" \
        -U "$REPLICATION_USER" -D "$PGDATA" -R -X stream -c fast; then
      break
    fi
    [ "$attempt" = 30 ] && { echo "standby: pg_basebackup failed" >&2; exit 1; }
    rm -rf "${PGDATA:?}"/* 2>/dev/null || true
    sleep 2
  done
  chmod 700 "$PGDATA"
  echo "standby: clone complete"
fi

exec docker-entrypoint.sh "$@"
