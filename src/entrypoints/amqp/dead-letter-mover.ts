import type { MessageBus } from '../../application/message-bus.js';
import type { Clock } from '../../application/ports/clock.js';
import { type Backoff, backoffDelay } from '../../application/backoff.js';
import type { Logger } from '../../adapters/observability/logger.js';
import type { ServiceMetrics } from '../../adapters/observability/metrics.js';
import { isRefusedValue } from '../../adapters/postgres/pool.js';
import type { DeliveryHandler, Disposition } from '../../adapters/rabbitmq/amqp-consumer.js';
import { deadLetterMessage } from '../../adapters/rabbitmq/dead-letter-message.js';
import type { DeadLetterMessage } from '../../domain/dead-letter.js';
import { DeadLetterHoldings } from './dead-letter-holdings.js';
import { isTransient } from './dispositions.js';
import { pause } from './event-delivery-handler.js';

/** A store the database refuses this often for the message's own values stores it as `unstorable` instead. */
export const QUARANTINE_AFTER = 5;

export interface MoverDeps {
  readonly bus: MessageBus;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly backoff: Backoff;
  /** Test-only (FAILPOINT_DEAD_LETTER_PAUSE_MS): the wait between commit and ack where a crash redelivers a stored message. */
  readonly pauseAfterCommitMs: number;
  /** What it holds now, for /broker/health. */
  readonly holdings?: DeadLetterHoldings;
}

/** Reasons as metric labels: the service's, the broker's, and `other` for whatever else a header says. */
const REASONS = new Set(['too_large', 'unparseable', 'too_deep', 'unknown_event_type', 'invalid_payload', 'payload_conflict', 'delivery_limit', 'rejected', 'expired', 'maxlen', 'unknown']);
const reasonLabel = (reason: string) => (REASONS.has(reason) ? reason : 'other');

/**
 * What is left of a message its store refused again and again (a constraint or a value PostgreSQL
 * will not take, isRefusedValue): its body, the error as detail, nothing of its headers. Stored so,
 * it is not lost, and the queue is not wedged behind it.
 */
function quarantined(message: DeadLetterMessage, error: unknown): DeadLetterMessage {
  const why = error instanceof Error ? error.message : String(error);
  return {
    ...message,
    messageKey: `unstorable:${message.messageKey}`.slice(0, 300),
    headers: {},
    droppedHeaders: ['all: the dead letter could not be stored with them'],
    properties: {},
    exchange: '',
    routingKey: '',
    queue: '',
    reason: 'unstorable',
    detail: `stored without its headers after ${QUARANTINE_AFTER} failed attempts: ${why}`.slice(0, 1000),
    replayOf: null,
  };
}

/**
 * Moves one message of the dead-letter queue into the dead_letters table: stored (one commit),
 * then acked by the consumer. A crash in between redelivers it, and the store finds it there: nothing
 * lost, nothing twice (docs/adr/0024-dead-letters-as-rows.md). A store that fails, whatever the
 * cause, is tried again after a growing delay with the message held: a dead letter is never dropped,
 * and a broken database does not spin it round the queue. One the database refuses QUARANTINE_AFTER
 * times for the message's own values (a constraint, a value it will not take: isRefusedValue) is
 * stored as `unstorable`, its body kept and the error as detail, so that it does not wedge the
 * mover. Any other failure (a disk full, a revoked grant, a missing table, a bug) is no fault of the
 * message: it is held and tried again, never counted, so an outage does not strip its headers.
 */
export function deadLetterMover(deps: MoverDeps): DeliveryHandler {
  const holdings = deps.holdings ?? new DeadLetterHoldings();
  return async (delivery, mayWait) => {
    const first = deadLetterMessage(delivery, deps.clock.now());
    let message = first;
    let refusals = 0;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const { outcome } = await deps.bus.handle({ type: 'StoreDeadLetter', message });
          deps.metrics.deadLettersStored.inc({ reason: reasonLabel(message.reason), outcome });
          if (deps.pauseAfterCommitMs > 0) await pause(deps.pauseAfterCommitMs, mayWait);
          return { kind: 'ack' };
        } catch (error) {
          holdings.hold(delivery);
          if (isRefusedValue(error) && ++refusals === QUARANTINE_AFTER) message = quarantined(first, error);
          const handedBack = await holdOrHandBack(deps, error, attempt, mayWait);
          if (handedBack) return handedBack;
        }
      }
    } finally {
      holdings.release(delivery);
    }
  };
}

async function holdOrHandBack({ logger, backoff }: MoverDeps, error: unknown, attempt: number, mayWait: () => boolean): Promise<Disposition | null> {
  const delay = backoffDelay(attempt, backoff);
  const fields = { err: error, attempt, delay_ms: delay };
  if (isTransient(error)) logger.warn(fields, 'the database says try later; holding the dead letter');
  else logger.error(fields, 'storing a dead letter failed; holding it and trying again');
  await pause(delay, mayWait);
  return mayWait() ? null : { kind: 'requeue' };
}
