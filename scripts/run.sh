#!/usr/bin/env bash
# scripts/run.sh: starts the built service for `make run`. Without SMTP_HOST it first starts the
# local SMTP sink (scripts/dev-smtp-sink.ts), which keeps every email as an .eml file and lists
# them on a small page, and points the service at it. Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

DEV_SMTP_PORT=${DEV_SMTP_PORT:-2525}
DEV_MAIL_HTTP_PORT=${DEV_MAIL_HTTP_PORT:-8025}
DEV_MAIL_DIR=${DEV_MAIL_DIR:-.run/mail}
export DEV_SMTP_PORT DEV_MAIL_HTTP_PORT DEV_MAIL_DIR

sink_pid=""
cleanup() { [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT

mail_line="  Email:         via ${SMTP_HOST:-}:${SMTP_PORT:-587}"
if [ -z "${SMTP_HOST:-}" ]; then
  mkdir -p "$DEV_MAIL_DIR"
  node --import tsx scripts/dev-smtp-sink.ts > .run/smtp-sink.log 2>&1 &
  sink_pid=$!
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$DEV_SMTP_PORT") 2>/dev/null && break
    kill -0 "$sink_pid" 2>/dev/null || { cat .run/smtp-sink.log; exit 1; }
    sleep 0.1
  done
  export SMTP_HOST=127.0.0.1 SMTP_PORT=$DEV_SMTP_PORT SMTP_FROM=${SMTP_FROM:-notifications@localhost}
  mail_line="  Captured mail: http://127.0.0.1:$DEV_MAIL_HTTP_PORT  (.eml files in $DEV_MAIL_DIR; local SMTP sink on port $DEV_SMTP_PORT)"
fi

echo
echo "  API:           http://localhost:${PORT:-8001}"
echo "  API docs:      http://localhost:${PORT:-8001}/documentation  (OpenAPI: /openapi.json)"
echo "  Health:        http://localhost:${PORT:-8001}/broker/health"
echo "$mail_line"
echo "  Admin API key: $ADMIN_API_KEY   (Authorization: Bearer <key>)"
echo "  Events:        publish to the topic exchange notification.events on $RABBITMQ_URL"
echo
node dist/src/entrypoints/main.js &
service_pid=$!
trap 'kill -TERM "$service_pid" 2>/dev/null' INT TERM
wait "$service_pid" || true
wait "$service_pid" 2>/dev/null || true
