import type { EventHandler } from '../handler-types.js';
import { type RequestDeps, requestNotification } from './request-notification.js';

export const PREFERENCES_UPDATED_ALERT = 'Your notification preferences have been updated';

/** New preferences (user.registered or the REST API) send `welcome` to the notification email. */
export function welcomeOnPreferencesCreated(deps: RequestDeps): EventHandler<'NotificationPreferencesCreated'> {
  return {
    name: 'welcomeOnPreferencesCreated',
    handle: async (event, uow) => {
      await requestNotification(uow, deps, {
        type: 'welcome',
        userId: event.userId,
        channel: 'email',
        recipient: event.notificationEmail,
        templateVars: { username: event.username, email: event.notificationEmail },
        correlationId: null,
        sourceEventId: null,
      });
    },
  };
}

/**
 * Changed preferences send `security_alert`: the user learns of a change they did not make. It
 * goes to the address before the change, and to the new one too when it changed, whatever the
 * new flags say: a key that may write preferences must not be able to redirect a user's mail, or
 * silence the alert, unnoticed.
 */
export function alertOnPreferencesUpdated(deps: RequestDeps): EventHandler<'NotificationPreferencesUpdated'> {
  return {
    name: 'alertOnPreferencesUpdated',
    handle: async (event, uow) => {
      const addresses = new Set([event.previousEmail, event.notificationEmail]);
      for (const email of addresses) {
        await requestNotification(uow, deps, {
          type: 'security_alert',
          userId: event.userId,
          channel: 'email',
          recipient: email,
          templateVars: { alert_message: PREFERENCES_UPDATED_ALERT, email },
          correlationId: null,
          sourceEventId: null,
          routing: 'exact',
        });
      }
    },
  };
}
