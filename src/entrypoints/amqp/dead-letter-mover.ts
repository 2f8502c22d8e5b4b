import type { MessageBus } from '../../application/message-bus.js';
import type { Clock } from '../../application/ports/clock.js';
import { type Backoff, backoffDelay } from '../../application/backoff.js';
import type { Logger } from '../../adapters/observability/logger.js';
import type { ServiceMetrics } from '../../adapters/observability/metrics.js';
import type { DeliveryHandler, Disposition } from '../../adapters/rabbitmq/amqp-consumer.js';
import { deadLetterMessage } from '../../adapters/rabbitmq/dead-letter-message.js';
import { isTransient } from './dispositions.js';
import { pause } from './event-delivery-handler.js';

export interface MoverDeps {
  readonly bus: MessageBus;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly backoff: Backoff;
  /** Test-only (FAILPOINT_DEAD_LETTER_PAUSE_MS): the wait between commit and ack where a crash redelivers a stored message. */
  readonly pauseAfterCommitMs: number;
}

/** Reasons as metric labels: the service's, the broker's, and `other` for whatever else a header says. */
const REASONS = new Set(['too_large', 'unparseable', 'too_deep', 'unknown_event_type', 'invalid_payload', 'payload_conflict', 'delivery_limit', 'rejected', 'expired', 'maxlen', 'unknown']);
const reasonLabel = (reason: string) => (REASONS.has(reason) ? reason : 'other');

/**
 * Moves one message of the dead-letter queue into the dead_letters table: stored (one commit),
 * then acked by the consumer. A crash in between redelivers it, and the store finds it there: nothing
 * lost, nothing twice (docs/adr/0024-dead-letters-as-rows.md). A store that fails, whatever the
 * cause, is tried again after a growing delay with the message held: a dead letter is never dropped,
 * and a broken database does not spin it round the queue.
 */
export function deadLetterMover(deps: MoverDeps): DeliveryHandler {
  return async (delivery, mayWait) => {
    const message = deadLetterMessage(delivery, deps.clock.now());
    for (let attempt = 1; ; attempt++) {
      try {
        const { outcome } = await deps.bus.handle({ type: 'StoreDeadLetter', message });
        deps.metrics.deadLettersStored.inc({ reason: reasonLabel(message.reason), outcome });
        if (deps.pauseAfterCommitMs > 0) await pause(deps.pauseAfterCommitMs, mayWait);
        return { kind: 'ack' };
      } catch (error) {
        const handedBack = await holdOrHandBack(deps, error, attempt, mayWait);
        if (handedBack) return handedBack;
      }
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
