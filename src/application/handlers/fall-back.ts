import type { EventHandler } from '../handler-types.js';
import { type RequestDeps, requestNotifications } from './request-notification.js';

/**
 * A `first`-routed notification failed for good: the same request goes on over the channels it had
 * left (ADR 22), in the failure's own transaction, so the fallback is recorded exactly when the
 * failure is. It renders with the template version the request was checked against, so a
 * template published since cannot make it throw (and so undo the failure it reacts to). The next
 * channel's address comes from the profile as it is now.
 */
export function fallBackOnFailure(deps: RequestDeps): EventHandler<'FallbackDue'> {
  return {
    name: 'fallBackOnFailure',
    handle: async (event, uow) => {
      const { content } = event;
      await requestNotifications(uow, deps, {
        type: event.notificationType,
        userId: event.userId,
        channel: null,
        recipient: null,
        templateVars: content.templateVars,
        subject: content.subject,
        content: content.body,
        priority: event.priority,
        locale: event.locale,
        expiresAt: event.expiresAt,
        correlationId: event.correlationId,
        sourceEventId: event.sourceEventId,
        fallback: { of: event.notificationId, channels: event.channels, templateVersion: event.templateVersion },
      });
    },
  };
}
