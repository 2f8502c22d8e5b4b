import type { CommandHandler } from '../handler-types.js';
import { idempotent } from './idempotent.js';
import { type RequestDeps, askOf, requestNotification } from './request-notification.js';

/** A notification asked for over REST; an Idempotency-Key makes a retry answer the first response. */
export function sendNotification(deps: RequestDeps): CommandHandler<'SendNotification'> {
  return (command, uow) =>
    idempotent(uow, command.idempotency, deps.clock, async () => {
      const notification = await requestNotification(uow, deps, askOf(command, command.correlationId));
      return { notificationId: notification.id, status: notification.status };
    });
}
