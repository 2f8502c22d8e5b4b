import type { MessageBus } from '../../application/message-bus.js';
import { correlationIdFrom, withCorrelationId } from '../../adapters/observability/correlation.js';
import type { Logger } from '../../adapters/observability/logger.js';
import type { ServiceMetrics } from '../../adapters/observability/metrics.js';
import type { DeliveryHandler, Disposition } from '../../adapters/rabbitmq/amqp-consumer.js';
import { type Backoff, backoffDelay } from '../../application/backoff.js';
import { type Observers, deadLetter, isTransient, poisonOf, requeue } from './dispositions.js';
import { type ParsedEvent, parseInboundEvent } from './inbound-event-parser.js';

export type RetryBackoff = Backoff;
type Parsed = Extract<ParsedEvent, { ok: true }>;

interface Deps extends Observers {
  readonly bus: MessageBus;
  readonly backoff: RetryBackoff;
}

/** How often a long backoff looks whether it may still wait: a shutdown must not sit out the delay. */
const WAKE_EVERY_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sleeps `ms`, or less once `mayWait()` turns false. */
export async function pause(ms: number, mayWait: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  for (let left = ms; left > 0 && mayWait(); left = until - Date.now()) await sleep(Math.min(left, WAKE_EVERY_MS));
}

async function handleOnce({ bus, logger, metrics }: Deps, parsed: Parsed): Promise<Disposition> {
  const { eventId, payloadHash, eventType, event, correlationId } = parsed;
  const { outcome } = await bus.handle({ type: 'ReceiveEvent', eventId, payloadHash, eventType, event, correlationId });
  metrics.eventsConsumed.inc({ event_type: eventType, outcome });
  logger.info({ event_type: eventType, event_id: eventId, outcome }, 'event consumed');
  return { kind: 'ack' };
}

/**
 * Handles a parsed event, holding it through "try later" answers for as long as `mayWait()`: its
 * channel lives and the consumer is not stopping. Handed back then: nothing was committed, and
 * another instance (or this one, reconnected) takes it.
 */
async function handle(deps: Deps, parsed: Parsed, mayWait: () => boolean): Promise<Disposition> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await handleOnce(deps, parsed);
    } catch (error) {
      const poison = poisonOf(deps, parsed, error);
      if (poison) return poison;
      if (!isTransient(error) || !mayWait()) return requeue(deps, parsed, error);
      const delay = backoffDelay(attempt, deps.backoff);
      deps.logger.warn({ err: error, event_id: parsed.eventId, attempt, delay_ms: delay }, 'the database says try later; holding the event');
      await pause(delay, mayWait);
    }
  }
}

/**
 * What to do with one upstream event. Poison (too large, unparseable, too deep, unknown type,
 * invalid payload, payload conflict, a character the database cannot store) is dead-lettered with
 * its reason. A database that says "try later" is waited out here, holding the delivery unacked,
 * with a growing delay: requeueing at once would spin and burn the queue's delivery limit in
 * seconds, dead-lettering healthy events. Anything else (a bug) is requeued and, past the delivery
 * limit, dead-lettered (ADR 5).
 */
export function eventDeliveryHandler(bus: MessageBus, logger: Logger, metrics: ServiceMetrics, backoff: RetryBackoff, failpointThrowsOn?: string): DeliveryHandler {
  const deps: Deps = { bus, logger, metrics, backoff };
  return async (delivery, mayWait) => {
    if (failpointThrowsOn && delivery.body.includes(failpointThrowsOn)) throw new Error('failpoint: the handler throws for this message');
    const parsed = parseInboundEvent(delivery);
    // A poison message's own correlation id is as untrusted as the rest of it.
    if (!parsed.ok) return withCorrelationId(correlationIdFrom(delivery.correlationId), () => deadLetter(deps, parsed, parsed.reason, parsed.detail));
    return withCorrelationId(parsed.correlationId, () => handle(deps, parsed, mayWait));
  };
}
