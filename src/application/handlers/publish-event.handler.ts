import type { CommandHandler } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import { idempotent } from './idempotent.js';

/**
 * An event asked for over REST, written to the outbox: the relay publishes it on the events
 * exchange, and the consumer receives it as any other (docs/adr/0028-publishing-and-bulk-retry.md).
 * The entrypoint checked it as the consumer will; here it gets its id. An Idempotency-Key makes a
 * retried request answer the first event's id instead of publishing a second.
 */
export function publishEvent(clock: Clock, ids: IdGenerator): CommandHandler<'PublishEvent'> {
  return (command, uow) =>
    idempotent(uow, command.idempotency, clock, async () => {
      const eventId = ids.newId();
      const { routingKey, eventType, correlationId, body } = command;
      await uow.outbox.add([{ eventId, routingKey, className: eventType, correlationId, body: { ...body, event_id: eventId } }], clock.now());
      return { eventId };
    });
}
