import { IdempotencyKeyInFlightError, IdempotencyKeyMismatchError } from '../../domain/errors.js';
import type { CommandHandler, NotificationStatusResult } from '../handler-types.js';
import { type RequestDeps, requestNotification } from './request-notification.js';

/**
 * A notification asked for over REST. With an Idempotency-Key the claim, the notification and the
 * stored response commit together: the same key and body get the first response, another body
 * is refused, and a key whose first request is still running is reported in flight.
 */
export function sendNotification(deps: RequestDeps): CommandHandler<'SendNotification'> {
  return async (command, uow) => {
    const { idempotency } = command;
    if (idempotency) {
      const claim = await uow.idempotency.claim(idempotency.key, idempotency.requestHash);
      if (claim.kind === 'mismatch') throw new IdempotencyKeyMismatchError();
      if (claim.kind === 'in_flight') throw new IdempotencyKeyInFlightError();
      if (claim.kind === 'replay') return claim.response as unknown as NotificationStatusResult;
    }
    const notification = await requestNotification(uow, deps, {
      type: command.notificationType,
      userId: command.userId,
      email: command.recipientEmail,
      templateVars: command.templateVars,
      variablesField: command.variablesField,
      subject: command.subject,
      content: command.content,
      priority: command.priority,
      locale: command.locale,
      expiresAt: command.expiresAt,
      correlationId: command.correlationId,
      sourceEventId: null,
    });
    const result = { notificationId: notification.id, status: notification.status };
    if (idempotency) await uow.idempotency.complete(idempotency.key, idempotency.requestHash, result, deps.clock.now());
    return result;
  };
}
