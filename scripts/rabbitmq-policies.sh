#!/usr/bin/env bash
# scripts/rabbitmq-policies.sh: applies the RabbitMQ policies the notification service relies on
# (ADR 5). Queue arguments cannot change after declaration, so limits and dead-lettering live in
# policies, which can:
#   - the service queue: delivery limit, at-least-once dead-lettering to its dead-letter exchange
#     (which needs overflow=reject-publish), and a max length;
#   - the events exchange: an alternate exchange, so an outbound event no queue is bound for is
#     kept in <exchange>.unroutable instead of being dropped.
# Idempotent. Usage: scripts/rabbitmq-policies.sh [VHOST] (default: the project's vhost,
# DEV_RABBITMQ_VHOST or notification-service). Names follow the service's
# defaults unless RABBITMQ_QUEUE, RABBITMQ_EXCHANGE, RABBITMQ_DEAD_LETTER_EXCHANGE are set.
set -euo pipefail
vhost=${1:-${DEV_RABBITMQ_VHOST:-notification-service}}
queue=${RABBITMQ_QUEUE:-notification-service.events}
exchange=${RABBITMQ_EXCHANGE:-notification.events}
dlx=${RABBITMQ_DEAD_LETTER_EXCHANGE:-$queue.dlx}
delivery_limit=${RABBITMQ_DELIVERY_LIMIT:-20}
max_length=${RABBITMQ_MAX_LENGTH:-1000000}

regex() { printf '^%s$' "$(printf '%s' "$1" | sed 's/[.[\*^$()+?{|]/\\&/g')"; }

rabbitmqctl -q set_policy -p "$vhost" --apply-to queues --priority 10 notification-service-queue "$(regex "$queue")" \
  "{\"delivery-limit\":$delivery_limit,\"dead-letter-exchange\":\"$dlx\",\"dead-letter-strategy\":\"at-least-once\",\"overflow\":\"reject-publish\",\"max-length\":$max_length}" >/dev/null
rabbitmqctl -q set_policy -p "$vhost" --apply-to exchanges --priority 10 notification-service-exchange "$(regex "$exchange")" \
  "{\"alternate-exchange\":\"$exchange.unroutable\"}" >/dev/null
