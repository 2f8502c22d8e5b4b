import type { CommandHandler } from '../handler-types.js';
import { idempotent } from './idempotent.js';
import type { RequestDeps } from './notification-ask.js';
import { checkReceivable } from './receivable.js';

/**
 * An event asked for over REST, written to the outbox: the relay publishes it straight to the
 * service's own queue (never the events exchange, where other services would receive it), and the
 * consumer receives it as any other (docs/adr/0028-publishing-and-bulk-retry.md). The entrypoint
 * checked its shape as the consumer will; here it is checked against the templates and the
 * profile as receiving it would be (an InvalidValueError, nothing written), then gets its id. An
 * Idempotency-Key makes a retried request answer the first event's id instead of publishing a second.
 */
export function publishEvent(deps: RequestDeps): CommandHandler<'PublishEvent'> {
  return (command, uow) =>
    idempotent(uow, command.idempotency, deps.clock, async () => {
      await checkReceivable(uow, deps, command.event);
      const eventId = deps.ids.newId();
      const { routingKey, eventType, correlationId, body } = command;
      await uow.outbox.add([{ eventId, routingKey, className: eventType, correlationId, body: { ...body, event_id: eventId }, toOwnQueue: true }], deps.clock.now());
      return { eventId };
    });
}
