#!/usr/bin/env bash
# scripts/run.sh: starts the built service for `make run`, with the environment the Makefile
# gives it (.run/env through scripts/with-env.sh). Without SMTP_HOST it first starts the local
# SMTP sink (scripts/dev-smtp-sink.ts), which keeps every email as an .eml file and lists them on
# a small page, and points the service at it. Without SMS_ACCOUNT_SID or PUSH_SERVICE_ACCOUNT_JSON
# it starts the provider fakes (scripts/dev-provider-fakes.ts: Twilio, FCM, a webhook receiver),
# which check what the service sends as the providers would and list it. Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
umask 077   # captured mail and logs in .run are the invoking user's alone

DEV_SMTP_PORT=${DEV_SMTP_PORT:-2525}
DEV_MAIL_HTTP_PORT=${DEV_MAIL_HTTP_PORT:-8025}
DEV_MAIL_DIR=${DEV_MAIL_DIR:-.run/mail}
export DEV_SMTP_PORT DEV_MAIL_HTTP_PORT DEV_MAIL_DIR
# A development service listens on this machine only (its docs and health pages are open); set
# HOST=0.0.0.0 to reach it from elsewhere.
export HOST=${HOST:-127.0.0.1}

sink_pid=""
fakes_pid=""
cleanup() {
  if [ -n "$sink_pid" ]; then kill "$sink_pid" 2>/dev/null || true; rm -f .run/smtp-sink.pid; fi
  if [ -n "$fakes_pid" ]; then kill "$fakes_pid" 2>/dev/null || true; rm -f .run/provider-fakes.pid .run/provider-fakes.env; fi
  wait 2>/dev/null || true
}
trap cleanup EXIT

mail_line="  Email:         via ${SMTP_HOST:-}:${SMTP_PORT:-587}"
if [ -z "${SMTP_HOST:-}" ]; then
  mkdir -p "$DEV_MAIL_DIR"
  node --import tsx scripts/dev-smtp-sink.ts > .run/smtp-sink.log 2>&1 &
  sink_pid=$!
  echo "$sink_pid" > .run/smtp-sink.pid   # for make stop, should this script be killed
  for _ in $(seq 1 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$DEV_SMTP_PORT") 2>/dev/null && break
    kill -0 "$sink_pid" 2>/dev/null || { cat .run/smtp-sink.log; exit 1; }
    sleep 0.1
  done
  export SMTP_HOST=127.0.0.1 SMTP_PORT=$DEV_SMTP_PORT SMTP_FROM=${SMTP_FROM:-notifications@localhost}
  mail_line="  Captured mail: http://127.0.0.1:$DEV_MAIL_HTTP_PORT  (.eml files in $DEV_MAIL_DIR; local SMTP sink on port $DEV_SMTP_PORT)"
fi

provider_lines=""
if [ -z "${SMS_ACCOUNT_SID:-}" ] || [ -z "${PUSH_SERVICE_ACCOUNT_JSON:-}" ]; then
  rm -f .run/provider-fakes.env
  faked=""
  [ -z "${SMS_ACCOUNT_SID:-}" ] && faked="$faked sms"
  [ -z "${PUSH_SERVICE_ACCOUNT_JSON:-}" ] && faked="$faked push"
  # shellcheck disable=SC2086
  node --import tsx scripts/dev-provider-fakes.ts .run/provider-fakes.env $faked > .run/provider-fakes.log 2>&1 &
  fakes_pid=$!
  echo "$fakes_pid" > .run/provider-fakes.pid   # for make stop, should this script be killed
  for _ in $(seq 1 100); do
    [ -s .run/provider-fakes.env ] && break
    kill -0 "$fakes_pid" 2>/dev/null || { cat .run/provider-fakes.log; exit 1; }
    sleep 0.1
  done
  # shellcheck disable=SC1091
  . .run/provider-fakes.env
  [[ "$faked" == *sms* ]] && provider_lines+="  SMS received:  ${DEV_SMS_RECEIVED}  (local Twilio fake)"$'\n'
  [[ "$faked" == *push* ]] && provider_lines+="  Push received: ${DEV_PUSH_RECEIVED}  (local FCM fake)"$'\n'
  provider_lines+="  Webhooks:      a receiver at ${DEV_WEBHOOK_URL}; received: ${DEV_WEBHOOK_RECEIVED}"
fi

# URLs as shown: without their passwords (those are in .run/env and .run/secrets).
hide_password() { sed -E 's#(://[^:/@]+):[^@/]*@#\1:***@#' <<<"$1"; }

echo
echo "  API:           http://localhost:${PORT:-8001}"
echo "  API docs:      http://localhost:${PORT:-8001}/documentation  (OpenAPI: /openapi.json)"
echo "  Health:        http://localhost:${PORT:-8001}/broker/health"
echo "$mail_line"
[ -n "$provider_lines" ] && echo "$provider_lines"
echo "  Admin API key: $ADMIN_API_KEY   (Authorization: Bearer <key>; kept in .run/admin-api-key)"
echo "  Stream:        ws://localhost:${PORT:-8001}/ws  (user tokens: hex HMAC-SHA256 of the user id under FEED_SIGNING_SECRET, kept in .run/feed-signing-secret; admins: POST /ws/tickets)"
echo "  Events:        publish to the topic exchange notification.events on $(hide_password "${RABBITMQ_URL:-(RABBITMQ_URL unset)}")"
echo "  Database:      $(hide_password "${DATABASE_URL:-}")  (standby: $(hide_password "${STANDBY_DATABASE_URL:-none}"))"
echo "  Credentials:   .run/env (set -a; . .run/env; set +a)"
echo
node dist/src/entrypoints/main.js &
service_pid=$!
trap 'kill -TERM "$service_pid" 2>/dev/null' INT TERM
wait "$service_pid" || true
wait "$service_pid" 2>/dev/null || true
