#!/usr/bin/env bash
# scripts/setup.sh: makes sure the servers the notification service needs run on this Debian
# machine, for `make run` and `make test`, without reconfiguring anything the machine already
# runs:
#
#   1. PostgreSQL: the project's OWN primary and streaming standby (scripts/primary.sh,
#      scripts/standby.sh), in .run/pg, on 127.0.0.1 ports 25432 and 25433, run as the OS user
#      postgres, password authentication (generated passwords in .run/secrets). The Debian
#      package postgresql is installed only when no PostgreSQL binaries are there. Skipped when
#      DATABASE_URL is given: that database is used instead.
#   2. RabbitMQ: the local node on 127.0.0.1:5672 (installs rabbitmq-server and starts it when
#      it does not run), then the project's own vhost and user (generated password) with
#      permissions on that vhost only, and the service's policies on it
#      (scripts/rabbitmq-policies.sh). Skipped when RABBITMQ_URL is given.
#   3. .run/env (0600): DATABASE_URL, STANDBY_DATABASE_URL, RABBITMQ_URL for the service;
#      TEST_PRIMARY_URL, TEST_STANDBY_URL, TEST_RABBITMQ_URL, TEST_RABBITMQ_USER for the tests.
#
# Idempotent, quick and silent when nothing needs doing: it prints one line for each thing it
# changes (packages installed, servers created or started, vhost and user created). Concurrent
# runs are serialised by a lock. Needs root (or sudo) to install packages and for rabbitmqctl.
#
# Options:
#   --packages       also install the developer tools when their command is missing:
#                    docker-compose (`make compose-check`), prometheus (`promtool`) and
#                    chromium (the console's browser tests, `make test-browser`)
#   --only-packages  install those tools (when missing) and do nothing else
#   -h, --help       this text
#
# Environment: DEV_PG_PRIMARY_PORT (25432), DEV_PG_STANDBY_PORT (25433), DEV_PG_DATABASE
# (notifications), DEV_RABBITMQ_PORT (5672), DEV_RABBITMQ_VHOST and DEV_RABBITMQ_USER
# (notification-service); DATABASE_URL, STANDBY_DATABASE_URL, RABBITMQ_URL: use those servers.
set -euo pipefail
prog=setup.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

want_packages=0 only_packages=0
for arg in "$@"; do
  case "$arg" in
    --packages) want_packages=1 ;;
    --only-packages|--packages-only) want_packages=1 only_packages=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $arg (try --help)" ;;
  esac
done

# ---------------------------------------------------------------- 0. developer tools
if [ "$want_packages" = 1 ]; then
  pkgs=()
  command -v docker-compose >/dev/null || pkgs+=(docker-compose)
  command -v promtool >/dev/null || pkgs+=(prometheus)
  command -v chromium >/dev/null || pkgs+=(chromium)
  if [ ${#pkgs[@]} -gt 0 ]; then apt_install "${pkgs[@]}"; fi
fi
[ "$only_packages" = 1 ] && exit 0

ensure_run_dir
take_lock setup 8

# ---------------------------------------------------------------- 1. PostgreSQL
# A URL given by the user wins: the project then starts no PostgreSQL of its own.
own_postgres=1
[ -n "${DATABASE_URL:-}" ] && own_postgres=0
if [ $own_postgres = 1 ]; then
  "$here/primary.sh" ensure 8>&-
  "$here/standby.sh" ensure 8>&-
fi

# ---------------------------------------------------------------- 2. RabbitMQ
own_rabbitmq=1
[ -n "${RABBITMQ_URL:-}" ] && own_rabbitmq=0
RABBITMQ_STAMP=$RUN_DIR/rabbitmq.applied

rabbit_up() { port_open "$RABBITMQ_HOST" "$RABBITMQ_PORT"; }
rabbit_ctl_ok() { as_root timeout 30 rabbitmqctl -q status >/dev/null 2>&1 8>&-; }
ctl() { as_root rabbitmqctl -q "$@" 8>&-; }

# Logs in as the project's user on its vhost (AMQP handshake, amqplib from node_modules); the
# password travels in the environment. Fails when amqplib is not installed yet.
amqp_login_ok() {
  [ -d "$ROOT/node_modules/amqplib" ] || return 1
  (cd "$ROOT" && PROBE_URL="amqp://$RABBITMQ_USER:$(secret rabbitmq)@$RABBITMQ_HOST:$RABBITMQ_PORT/$RABBITMQ_VHOST" timeout 20 node -e "
    require('amqplib').connect(process.env.PROBE_URL).then((c) => c.close()).then(() => process.exit(0), () => process.exit(1));
  ") >/dev/null 2>&1
}

# What the vhost should look like: when it changes, everything is applied again.
rabbitmq_fingerprint() {
  { echo "$RABBITMQ_VHOST $RABBITMQ_USER $(secret rabbitmq | sha256sum)"
    env | grep -E '^RABBITMQ_(QUEUE|EXCHANGE|DEAD_LETTER_EXCHANGE|DELIVERY_LIMIT|MAX_LENGTH)=' | sort || true
    cat "$here/rabbitmq-policies.sh"; } | sha256sum | cut -c1-32
}

ensure_rabbitmq() {
  if ! rabbit_up; then
    export PATH="$PATH:/usr/sbin"
    if ! command -v rabbitmq-server >/dev/null; then apt_install rabbitmq-server; fi
    say "starting RabbitMQ (rabbitmq-server -detached; the node is not stopped by make stop)"
    # The Debian wrapper switches to the rabbitmq user; the node logs under /var/log/rabbitmq.
    as_root rabbitmq-server -detached >/dev/null 2>&1 8>&- || true
    wait_for 60 rabbit_up || die "RabbitMQ did not open port $RABBITMQ_PORT within 60 s (see /var/log/rabbitmq/)"
    wait_for 60 rabbit_ctl_ok || die "rabbitmqctl status still fails 60 s after the port opened"
  fi
  export PATH="$PATH:/usr/sbin"
  ensure_secret rabbitmq
  local want; want=$(rabbitmq_fingerprint)
  # Fast path: nothing changed since the last run, and the user can log in to the vhost.
  if [ "$(cat "$RABBITMQ_STAMP" 2>/dev/null)" = "$want" ] && amqp_login_ok; then return 0; fi

  command -v rabbitmqctl >/dev/null || die "RabbitMQ answers on $RABBITMQ_HOST:$RABBITMQ_PORT but rabbitmqctl is not installed (apt-get install rabbitmq-server)"
  if ! ctl list_vhosts name | grep -qxF "$RABBITMQ_VHOST"; then
    ctl add_vhost "$RABBITMQ_VHOST" >/dev/null
    say "created the RabbitMQ vhost $RABBITMQ_VHOST"
  fi
  # The password goes through standard input, never on a command line.
  if ! ctl list_users | cut -f1 | grep -qxF "$RABBITMQ_USER"; then
    { secret rabbitmq; echo; } | ctl add_user "$RABBITMQ_USER" >/dev/null
    say "created the RabbitMQ user $RABBITMQ_USER (password in .run/secrets/rabbitmq; permissions on vhost $RABBITMQ_VHOST only)"
  else
    { secret rabbitmq; echo; } | ctl change_password "$RABBITMQ_USER" >/dev/null
    say "set the password of the RabbitMQ user $RABBITMQ_USER (from .run/secrets/rabbitmq)"
  fi
  ctl set_permissions -p "$RABBITMQ_VHOST" "$RABBITMQ_USER" '.*' '.*' '.*' >/dev/null
  # Delivery limit, dead-lettering and the alternate exchange are policies (ADR 5).
  as_root bash "$here/rabbitmq-policies.sh" "$RABBITMQ_VHOST" 8>&- || die "could not apply the RabbitMQ policies to $RABBITMQ_VHOST"
  if [ -d "$ROOT/node_modules/amqplib" ]; then
    wait_for 10 amqp_login_ok || die "the user $RABBITMQ_USER cannot log in to the vhost $RABBITMQ_VHOST"
  fi
  printf '%s\n' "$want" >"$RABBITMQ_STAMP"
}
if [ $own_rabbitmq = 1 ]; then ensure_rabbitmq; fi

# ---------------------------------------------------------------- 3. .run/env
# The server part of a URL (scheme, credentials, host, port): what the tests append their own
# database or vhost to.
server_of() { local u=$1 rest; rest=${u#*://}; echo "${u%%://*}://${rest%%/*}"; }
user_of() { local u=${1#*://}; u=${u%%@*}; [[ "$1" == *@* ]] && echo "${u%%:*}"; }

env_lines() {
  echo "# Written by scripts/setup.sh (do not edit; \`make clean-run\` removes it). The make targets export"
  echo "# these unless already set (scripts/with-env.sh); tests/support reads them when the environment has none."
  if [ $own_postgres = 1 ]; then
    local su; su=$(secret postgres-superuser)
    echo "DATABASE_URL=postgres://$PG_SERVICE_USER:$(secret postgres-service)@127.0.0.1:$PG_PRIMARY_PORT/$PG_DATABASE"
    echo "STANDBY_DATABASE_URL=postgres://$PG_SERVICE_USER:$(secret postgres-service)@127.0.0.1:$PG_STANDBY_PORT/$PG_DATABASE"
    echo "TEST_PRIMARY_URL=postgres://$PG_SUPERUSER:$su@127.0.0.1:$PG_PRIMARY_PORT"
    echo "TEST_STANDBY_URL=postgres://$PG_SUPERUSER:$su@127.0.0.1:$PG_STANDBY_PORT"
  else
    echo "TEST_PRIMARY_URL=${TEST_PRIMARY_URL:-$(server_of "$DATABASE_URL")}"
    if [ -n "${TEST_STANDBY_URL:-${STANDBY_DATABASE_URL:-}}" ]; then
      echo "TEST_STANDBY_URL=${TEST_STANDBY_URL:-$(server_of "$STANDBY_DATABASE_URL")}"
    fi
  fi
  if [ $own_rabbitmq = 1 ]; then
    local broker="amqp://$RABBITMQ_USER:$(secret rabbitmq)@$RABBITMQ_HOST:$RABBITMQ_PORT"
    echo "RABBITMQ_URL=$broker/$RABBITMQ_VHOST"
    echo "TEST_RABBITMQ_URL=$broker"
    echo "TEST_RABBITMQ_USER=$RABBITMQ_USER"
  else
    echo "TEST_RABBITMQ_URL=${TEST_RABBITMQ_URL:-$(server_of "$RABBITMQ_URL")}"
    echo "TEST_RABBITMQ_USER=${TEST_RABBITMQ_USER:-$(user_of "$RABBITMQ_URL")}"
  fi
}
content=$(env_lines)
# Plain KEY=value lines that a shell, make and the tests all read the same way.
if printf '%s\n' "$content" | grep -v '^#' | grep -vqE '^[A-Z_]+=[A-Za-z0-9_.:/@%+-]*$'; then
  die "a URL holds characters .run/env cannot carry unquoted; give URL-encoded DATABASE_URL / RABBITMQ_URL"
fi
if [ "$(cat "$ENV_FILE" 2>/dev/null)" != "$content" ]; then
  (umask 077; printf '%s\n' "$content" >"$ENV_FILE.tmp" && mv "$ENV_FILE.tmp" "$ENV_FILE")
  say "wrote .run/env: $(printf '%s\n' "$content" | grep -v '^#' | cut -d= -f1 | tr '\n' ' ')"
fi
