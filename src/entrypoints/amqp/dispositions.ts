import type { Logger } from '../../adapters/observability/logger.js';
import type { ServiceMetrics } from '../../adapters/observability/metrics.js';
import { printable } from '../../adapters/observability/printable.js';
import { isUnavailable, isUnstorableText } from '../../adapters/postgres/pool.js';
import type { Disposition } from '../../adapters/rabbitmq/amqp-consumer.js';
import { ConcurrentModificationError, InvalidValueError, PayloadConflictError } from '../../domain/errors.js';
import { eventTypeLabel, shown } from './event-types.js';

/** A detail can quote untrusted keys and values of any size: it is bounded before a log line or a header carries it. */
const DETAIL_MAX = 1_000;

export interface Observers {
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
}

/** What a failed attempt was about: the event's type (untrusted for poison) and id. */
interface Subject {
  readonly eventType?: string;
  readonly eventId?: string;
}

/** The database said "try later" (unreachable, a statement timeout, a deadlock, too many connections...). */
export const isTransient = (error: unknown) => isUnavailable(error) || error instanceof ConcurrentModificationError;

// Only known types become label values; an untrusted name is logged truncated and escaped. The
// dead-letter counter is the consumer's: it counts once the broker has confirmed the dead letter.
export function deadLetter({ logger, metrics }: Observers, { eventType }: Subject, reason: string, rawDetail: string): Disposition {
  const detail = printable(rawDetail, DETAIL_MAX);
  metrics.eventsConsumed.inc({ event_type: eventTypeLabel(eventType), outcome: 'dead_lettered' });
  logger.warn({ event_type: eventType === undefined ? undefined : shown(eventType), reason, detail }, 'event dead-lettered');
  return { kind: 'dead_letter', reason, detail };
}

/** An error that can never pass: the event is dead-lettered with its reason. Null for any other. */
export function poisonOf(observers: Observers, subject: Subject, error: unknown): Disposition | null {
  if (error instanceof PayloadConflictError) return deadLetter(observers, subject, 'payload_conflict', error.message);
  if (error instanceof InvalidValueError) return deadLetter(observers, subject, 'invalid_payload', error.message);
  if (!isUnstorableText(error)) return null;
  return deadLetter(observers, subject, 'invalid_payload', `the database cannot store a character of the event: ${(error as Error).message}`);
}

/** Back to the queue: after a bug (logged as an error), or a "try later" this delivery may not wait out. */
export function requeue({ logger, metrics }: Observers, { eventType, eventId }: Subject, error: unknown): Disposition {
  metrics.eventsConsumed.inc({ event_type: eventTypeLabel(eventType), outcome: 'requeued' });
  const fields = { err: error, event_type: eventType, event_id: eventId };
  if (!isTransient(error)) logger.error(fields, 'event handling failed; requeueing');
  else logger.warn(fields, 'the database says try later, and the consumer is stopping or lost its channel: handing the event back');
  return { kind: 'requeue' };
}
