import type { CommandHandler } from '../handler-types.js';
import { idempotent } from './idempotent.js';
import { type RequestDeps, askOf, requestNotifications } from './request-notification.js';

/**
 * A notification asked for over REST (one per routed channel: the first one's id answers, with every
 * id); an Idempotency-Key makes a retry answer the first response.
 */
export function sendNotification(deps: RequestDeps): CommandHandler<'SendNotification'> {
  return (command, uow) =>
    idempotent(uow, command.idempotency, deps.clock, async () => {
      const [first, ...more] = await requestNotifications(uow, deps, askOf(command, command.correlationId));
      if (!first) throw new Error('a request recorded no notification');
      return { notificationId: first.id, status: first.status, notificationIds: [first.id, ...more.map((n) => n.id)] };
    });
}
