import { EmailAddress } from '../../domain/email-address.js';
import { PayloadConflictError } from '../../domain/errors.js';
import { NotificationPreferences, preferenceFlags } from '../../domain/notification-preferences.js';
import { UserId } from '../../domain/user-id.js';
import type { CommandHandler } from '../handler-types.js';
import { type RequestDeps, requestNotification } from './request-notification.js';

/**
 * One upstream event: recorded in the inbox in the same transaction as its effects, so a
 * redelivery is a no-op and the same id with another payload is refused (the first one stands).
 */
export function receiveEvent(deps: RequestDeps): CommandHandler<'ReceiveEvent'> {
  const { clock } = deps;
  return async (command, uow) => {
    const verdict = await uow.inbox.record(command.eventId, command.payloadHash, command.eventType, clock.now());
    if (verdict === 'duplicate') return { outcome: 'duplicate', notificationIds: [] };
    if (verdict === 'conflict') throw new PayloadConflictError(command.eventId);
    const { event } = command;
    if (event.kind === 'UserRegistered') {
      const userId = UserId.of(event.userId);
      // A user registered twice keeps the preferences stored first.
      if (!(await uow.preferences.get(userId))) {
        const email = EmailAddress.of(event.email, 'email');
        await uow.preferences.add(NotificationPreferences.create(userId, email, preferenceFlags(), clock.now(), event.username));
      }
      return { outcome: 'processed', notificationIds: [] };
    }
    const notification = await requestNotification(uow, deps, {
      type: event.notificationType,
      userId: event.userId,
      email: event.email,
      templateVars: event.templateVars,
      variablesField: event.variablesField,
      subject: event.subject,
      content: event.content,
      priority: event.priority,
      locale: event.locale,
      expiresAt: event.expiresAt,
      correlationId: command.correlationId,
      sourceEventId: command.eventId,
    });
    return { outcome: 'processed', notificationIds: [notification.id] };
  };
}
