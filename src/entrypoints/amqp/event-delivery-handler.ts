import type { MessageBus } from '../../application/message-bus.js';
import { withCorrelationId } from '../../adapters/observability/correlation.js';
import type { Logger } from '../../adapters/observability/logger.js';
import type { ServiceMetrics } from '../../adapters/observability/metrics.js';
import { isUnavailable } from '../../adapters/postgres/pool.js';
import type { DeliveryHandler, Disposition } from '../../adapters/rabbitmq/amqp-consumer.js';
import { type Backoff, backoffDelay } from '../../application/backoff.js';
import { ConcurrentModificationError, InvalidValueError, PayloadConflictError } from '../../domain/errors.js';
import { eventTypeLabel, shown } from './event-types.js';
import { type ParsedEvent, parseInboundEvent } from './inbound-event-parser.js';

export type RetryBackoff = Backoff;
type Parsed = Extract<ParsedEvent, { ok: true }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The database said "try later" (unreachable, a statement timeout, a deadlock, too many connections...). */
const isTransient = (error: unknown) => isUnavailable(error) || error instanceof ConcurrentModificationError;

interface Deps {
  readonly bus: MessageBus;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly backoff: RetryBackoff;
}

// Only known types become label values; an untrusted name is logged truncated and escaped.
function deadLetter({ logger, metrics }: Deps, eventType: string | undefined, reason: string, detail: string): Disposition {
  metrics.deadLettered.inc({ reason });
  metrics.eventsConsumed.inc({ event_type: eventTypeLabel(eventType), outcome: 'dead_lettered' });
  logger.warn({ event_type: eventType === undefined ? undefined : shown(eventType), reason, detail }, 'event dead-lettered');
  return { kind: 'dead_letter', reason, detail };
}

async function handleOnce({ bus, logger, metrics }: Deps, parsed: Parsed): Promise<Disposition> {
  const { eventId, payloadHash, eventType, event, correlationId } = parsed;
  const { outcome } = await bus.handle({ type: 'ReceiveEvent', eventId, payloadHash, eventType, event, correlationId });
  metrics.eventsConsumed.inc({ event_type: eventType, outcome });
  logger.info({ event_type: eventType, event_id: eventId, outcome }, 'event consumed');
  return { kind: 'ack' };
}

/** Handles a parsed event, holding it through "try later" answers for as long as its channel lives. */
async function handle(deps: Deps, parsed: Parsed, live: () => boolean): Promise<Disposition> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await handleOnce(deps, parsed);
    } catch (error) {
      if (error instanceof PayloadConflictError) return deadLetter(deps, parsed.eventType, 'payload_conflict', error.message);
      if (error instanceof InvalidValueError) return deadLetter(deps, parsed.eventType, 'invalid_payload', error.message);
      if (!isTransient(error) || !live()) {
        deps.metrics.eventsConsumed.inc({ event_type: parsed.eventType, outcome: 'requeued' });
        deps.logger.error({ err: error, event_type: parsed.eventType, event_id: parsed.eventId }, 'event handling failed; requeueing');
        return { kind: 'requeue' };
      }
      const delay = backoffDelay(attempt, deps.backoff);
      deps.logger.warn({ err: error, event_id: parsed.eventId, attempt, delay_ms: delay }, 'the database says try later; holding the event');
      await sleep(delay);
    }
  }
}

/**
 * What to do with one upstream event. Poison (too large, unparseable, too deep, unknown type,
 * invalid payload, payload conflict) is dead-lettered with its reason. A database that says "try
 * later" is waited out here, holding the delivery unacked, with a growing delay: requeueing at
 * once would spin and burn the queue's delivery limit in seconds, dead-lettering healthy events.
 * Anything else (a bug) is requeued and, past the delivery limit, dead-lettered (ADR 5).
 */
export function eventDeliveryHandler(
  bus: MessageBus,
  logger: Logger,
  metrics: ServiceMetrics,
  backoff: RetryBackoff,
  failpointThrowsOn?: string,
): DeliveryHandler {
  const deps: Deps = { bus, logger, metrics, backoff };
  return async (delivery, live) => {
    if (failpointThrowsOn && delivery.body.includes(failpointThrowsOn)) throw new Error('failpoint: the handler throws for this message');
    const parsed = parseInboundEvent(delivery);
    if (!parsed.ok) return withCorrelationId(delivery.correlationId ?? 'none', () => deadLetter(deps, parsed.eventType, parsed.reason, parsed.detail));
    return withCorrelationId(parsed.correlationId, () => handle(deps, parsed, live));
  };
}
