#!/bin/bash
# Runs once, on the first start of the postgres-primary container (mounted into
# /docker-entrypoint-initdb.d by docker-compose.yml): creates the replication role used
# by postgres-standby and lets it connect for replication from the compose network.
set -euo pipefail

: "${REPLICATION_USER:=replicator}"
: "${REPLICATION_PASSWORD:=replicator}"

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v user="$REPLICATION_USER" -v password="$REPLICATION_PASSWORD" <<'SQL'
SELECT format('CREATE ROLE %I WITH REPLICATION LOGIN PASSWORD %L', :'user', :'password')
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'user') \gexec
SQL

# The image's pg_hba.conf allows `host all all all scram-sha-256`, which does not cover
# replication connections. Password auth, any address (only the compose network reaches it).
echo "host replication ${REPLICATION_USER} all scram-sha-256" >>"$PGDATA/pg_hba.conf"
