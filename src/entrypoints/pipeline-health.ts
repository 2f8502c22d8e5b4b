import type { ComponentCheck, ComponentHealth } from './health.js';
import { notConfigured } from './health.js';
import type { Broker, Services } from './services.js';
import type { OutboxRelay } from './workers/outbox-relay.js';

const SMTP_CHECK_EVERY_MS = 15_000;
const OUTBOX_DEGRADED_AT = 10_000;

export function brokerHealth(broker: Broker | null): ComponentCheck {
  if (!broker) return notConfigured('rabbitmq', true);
  return {
    name: 'rabbitmq',
    critical: true,
    check: async () => {
      const { state, error } = broker.session.health();
      const status = state === 'connected' ? 'up' : state === 'blocked' ? 'degraded' : 'down';
      return { status, state, consuming: broker.consumer.consuming, ...(error ? { error } : {}) };
    },
  };
}

/**
 * SMTP: the circuit breaker's state, and a probe of the server at most every 15 s (a health poll
 * must not open a mail session each time).
 */
export function smtpHealth(transport: Services['smtpTransport'], sender: Services['emailSender']): ComponentCheck {
  if (!transport || !sender) return notConfigured('smtp');
  let last: { at: number; health: Promise<ComponentHealth> } | null = null;
  return {
    name: 'smtp',
    critical: false,
    check: async () => {
      if (!last || Date.now() - last.at > SMTP_CHECK_EVERY_MS) {
        last = { at: Date.now(), health: transport.verify().then((r) => (r.ok ? { status: 'up' } : { status: 'down', error: r.error })) };
      }
      const probe = await last.health;
      const circuit = sender.state;
      const status = circuit === 'open' ? 'down' : circuit === 'half_open' && probe.status === 'up' ? 'degraded' : probe.status;
      return { ...probe, status, circuit };
    },
  };
}

export function outboxHealth(relay: OutboxRelay | null): ComponentCheck {
  if (!relay) return notConfigured('outbox');
  return {
    name: 'outbox',
    critical: false,
    check: async () => {
      const backlog = await relay.backlog();
      return { status: backlog >= OUTBOX_DEGRADED_AT ? 'degraded' : 'up', backlog };
    },
  };
}
