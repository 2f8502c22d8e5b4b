import type { MessageBus } from '../../application/message-bus.js';
import { withCorrelationId } from '../../adapters/observability/correlation.js';
import type { Logger } from '../../adapters/observability/logger.js';
import type { ServiceMetrics } from '../../adapters/observability/metrics.js';
import { isUnavailable } from '../../adapters/postgres/pool.js';
import type { DeliveryHandler, Disposition } from '../../adapters/rabbitmq/amqp-consumer.js';
import { ConcurrentModificationError, InvalidValueError, PayloadConflictError } from '../../domain/errors.js';
import { parseInboundEvent } from './inbound-event-parser.js';

export interface RetryBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What to do with one upstream event. Poison (unparseable, unknown type, invalid payload, payload
 * conflict) is dead-lettered with its reason. A database outage is waited out here, holding the
 * delivery unacked, rather than requeued: requeueing would spin and burn the delivery limit.
 * Anything else (a bug) is requeued and, past the queue's delivery limit, dead-lettered by the broker.
 */
export function eventDeliveryHandler(
  bus: MessageBus,
  logger: Logger,
  metrics: ServiceMetrics,
  backoff: RetryBackoff,
  failpointThrowsOn?: string,
): DeliveryHandler {
  const deadLetter = (eventType: string, reason: string, detail: string): Disposition => {
    metrics.deadLettered.inc({ reason });
    metrics.eventsConsumed.inc({ event_type: eventType, outcome: 'dead_lettered' });
    logger.warn({ event_type: eventType, reason, detail }, 'event dead-lettered');
    return { kind: 'dead_letter', reason, detail };
  };

  return async (delivery, live) => {
    if (failpointThrowsOn && delivery.body.includes(failpointThrowsOn)) throw new Error('failpoint: the handler throws for this message');
    const parsed = parseInboundEvent(delivery);
    if (!parsed.ok) {
      const correlationId = delivery.correlationId ?? 'none';
      return withCorrelationId(correlationId, () => deadLetter(parsed.eventType ?? 'unknown', parsed.reason, parsed.detail));
    }
    return withCorrelationId(parsed.correlationId, async (): Promise<Disposition> => {
      for (let attempt = 1; ; attempt++) {
        try {
          const { outcome } = await bus.handle({
            type: 'ReceiveEvent',
            eventId: parsed.eventId,
            payloadHash: parsed.payloadHash,
            eventType: parsed.eventType,
            event: parsed.event,
            correlationId: parsed.correlationId,
          });
          metrics.eventsConsumed.inc({ event_type: parsed.eventType, outcome });
          logger.info({ event_type: parsed.eventType, event_id: parsed.eventId, outcome }, 'event consumed');
          return { kind: 'ack' };
        } catch (error) {
          if (error instanceof PayloadConflictError) return deadLetter(parsed.eventType, 'payload_conflict', error.message);
          if (error instanceof InvalidValueError) return deadLetter(parsed.eventType, 'invalid_payload', error.message);
          const transient = isUnavailable(error) || error instanceof ConcurrentModificationError;
          if (!transient || !live()) {
            metrics.eventsConsumed.inc({ event_type: parsed.eventType, outcome: 'requeued' });
            logger.error({ err: error, event_type: parsed.eventType, event_id: parsed.eventId }, 'event handling failed; requeueing');
            return { kind: 'requeue' };
          }
          const delay = Math.round(Math.random() * Math.min(backoff.maxMs, backoff.initialMs * 2 ** Math.min(attempt - 1, 20)));
          logger.warn({ err: error, event_id: parsed.eventId, attempt, delay_ms: delay }, 'database unavailable; holding the event');
          await sleep(delay);
        }
      }
    });
  };
}
