import type { ComponentCheck, ComponentHealth } from './health.js';
import { notConfigured } from './health.js';
import type { GuardedChannelSender } from '../application/ports/channel-sender.js';
import type { Broker } from './services.js';
import type { OutboxRelay } from './workers/outbox-relay.js';

export type Probe = { readonly ok: true } | { readonly ok: false; readonly error: string };

const PROBE_EVERY_MS = 15_000;
const OUTBOX_DEGRADED_AT = 10_000;

/** How long one delivery past the limit keeps the report degraded: a policy applied meanwhile is not missing for ever. */
const EVIDENCE_KEPT_MS = 60 * 60 * 1000;

/**
 * RabbitMQ: the session's state, and whether the queue policy evidently is not in effect: a
 * delivery that came back more often than the delivery limit means the broker did not enforce it
 * (a vhost set up without scripts/rabbitmq-policies.sh, ADR 5). The consumer then dead-letters such
 * messages itself, but unroutable events and an unbounded queue are not covered: degraded, until an
 * hour passes without a new case. Not critical: events wait in the broker and writes in the outbox,
 * so a broker outage degrades the service (200) but does not make it unhealthy (503).
 */
export function brokerHealth(broker: Broker | null, now: () => number = Date.now): ComponentCheck {
  if (!broker) return notConfigured('rabbitmq');
  return {
    name: 'rabbitmq',
    critical: false,
    check: async () => {
      const { state, error } = broker.session.health();
      const { limit, pastLimit } = broker.consumer.deliveryLimitEvidence;
      const recent = pastLimit && now() - pastLimit.at.getTime() < EVIDENCE_KEPT_MS ? pastLimit : null;
      const connected = state === 'connected' ? 'up' : state === 'blocked' ? 'degraded' : 'down';
      const status = recent && connected === 'up' ? 'degraded' : connected;
      const policies = recent
        ? {
            policies: 'not_in_effect',
            policies_evidence: `a delivery carried x-delivery-count ${recent.count} at ${recent.at.toISOString()}, past the delivery limit of ${limit}`,
          }
        : {};
      // The mover of the dead-letter queue (ADR 24) runs on the same connection; it holds what it cannot store yet.
      const deadLetters = { consuming: broker.deadLetters.consuming, ...broker.deadLetterHoldings.snapshot };
      return { status, state, consuming: broker.consumer.consuming, dead_letters: deadLetters, ...(error ? { error } : {}), ...policies };
    },
  };
}

/**
 * A channel: its circuit breaker, the configuration fault the provider last answered with (SMTP
 * 535: refused credentials, which only the operator can fix), and a probe of the provider at most
 * every 15 s (a health poll must not open a session with the provider each time).
 */
export function channelHealth(name: string, sender: GuardedChannelSender | null, probe: () => Promise<Probe> = async () => ({ ok: true })): ComponentCheck {
  if (!sender) return notConfigured(name);
  let last: { at: number; health: Promise<ComponentHealth> } | null = null;
  return {
    name,
    critical: false,
    check: async () => {
      if (!last || Date.now() - last.at > PROBE_EVERY_MS) {
        last = { at: Date.now(), health: probe().then((r) => (r.ok ? { status: 'up' } : { status: 'down', error: r.error })) };
      }
      const probed = await last.health;
      const { circuit, configurationFault } = sender;
      const impaired = circuit === 'half_open' || configurationFault !== null ? 'degraded' : probed.status;
      const status = circuit === 'open' ? 'down' : probed.status === 'down' ? 'down' : impaired;
      return { ...probed, status, circuit, ...(configurationFault ? { reason: configurationFault } : {}) };
    },
  };
}

/** The outbox backlog as the relay last read it: a probe never counts the table. */
export function outboxHealth(relay: OutboxRelay | null): ComponentCheck {
  if (!relay) return notConfigured('outbox');
  return {
    name: 'outbox',
    critical: false,
    check: async () => {
      const backlog = relay.backlog;
      if (backlog === null) return { status: 'up', backlog: null };
      return { status: backlog >= OUTBOX_DEGRADED_AT ? 'degraded' : 'up', backlog };
    },
  };
}
