#!/usr/bin/env bash
# scripts/stop.sh: stops what `make run` and `make test` started (`make stop`): the project's
# PostgreSQL standby and primary, and a local SMTP sink left behind by scripts/run.sh. The
# machine's RabbitMQ node keeps running (other programs may use it), even when setup started it.
#
#   scripts/stop.sh           stop
#   scripts/stop.sh --clean   stop, then delete the project's RabbitMQ vhost and user and remove
#                             .run (data, secrets, logs, captured mail) (`make clean-run`)
set -euo pipefail
prog=stop.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

clean=0
case "${1:-}" in
  "") ;;
  --clean) clean=1 ;;
  *) echo "usage: $0 [--clean]" >&2; exit 2 ;;
esac

if [ -d "$RUN_DIR" ]; then
  take_lock setup 8
  # The SMTP sink of scripts/run.sh, if its process outlived it.
  if [ -f "$RUN_DIR/smtp-sink.pid" ]; then
    pid=$(cat "$RUN_DIR/smtp-sink.pid" 2>/dev/null || true)
    if [[ "$pid" =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'dev-smtp-sink'; then
      kill "$pid" 2>/dev/null && say "stopped the local SMTP sink (pid $pid)"
    fi
    rm -f "$RUN_DIR/smtp-sink.pid"
  fi
  if [ -f "$RUN_DIR/provider-fakes.pid" ]; then
    pid=$(cat "$RUN_DIR/provider-fakes.pid" 2>/dev/null || true)
    if [[ "$pid" =~ ^[0-9]+$ ]] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'dev-provider-fakes'; then
      kill "$pid" 2>/dev/null && say "stopped the local provider fakes (pid $pid)"
    fi
    rm -f "$RUN_DIR/provider-fakes.pid" "$RUN_DIR/provider-fakes.env"
  fi
  "$here/standby.sh" stop 8>&-
  "$here/primary.sh" stop 8>&-
fi

[ $clean = 1 ] || exit 0

if [ -z "${RABBITMQ_URL:-}" ] && [ -f "$RUN_DIR/rabbitmq.applied" ]; then
  export PATH="$PATH:/usr/sbin"
  if ! command -v rabbitmqctl >/dev/null || ! port_open "$RABBITMQ_HOST" "$RABBITMQ_PORT"; then
    warn "RabbitMQ is not running: its vhost $RABBITMQ_VHOST and user $RABBITMQ_USER stay (run make clean-run again when it runs)"
  else
    if as_root rabbitmqctl -q list_vhosts name 8>&- | grep -qxF "$RABBITMQ_VHOST"; then
      as_root rabbitmqctl -q delete_vhost "$RABBITMQ_VHOST" >/dev/null 8>&-
      say "deleted the RabbitMQ vhost $RABBITMQ_VHOST"
    fi
    if as_root rabbitmqctl -q list_users 8>&- | cut -f1 | grep -qxF "$RABBITMQ_USER"; then
      as_root rabbitmqctl -q delete_user "$RABBITMQ_USER" >/dev/null 8>&-
      say "deleted the RabbitMQ user $RABBITMQ_USER"
    fi
  fi
fi
removed=()
for d in "$PG_DIR_OUTSIDE" "$SOCKET_DIR" "$RUN_DIR"; do
  if [ -e "$d" ]; then rm -rf "$d"; removed+=("$d"); fi
done
if [ ${#removed[@]} -gt 0 ]; then say "removed ${removed[*]}"; fi
