import type { EventHandler } from '../handler-registry.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import { requestNotification } from './request-notification.js';

export const PREFERENCES_UPDATED_ALERT = 'Your notification preferences have been updated';

/** New preferences (user.registered or the REST API) send `welcome` to the notification email. */
export function welcomeOnPreferencesCreated(clock: Clock, ids: IdGenerator): EventHandler<'NotificationPreferencesCreated'> {
  return {
    name: 'welcomeOnPreferencesCreated',
    handle: async (event, uow) => {
      await requestNotification(uow, clock, ids, {
        type: 'welcome',
        userId: event.userId,
        email: event.notificationEmail,
        templateVars: { username: event.username, email: event.notificationEmail },
        correlationId: null,
        sourceEventId: null,
      });
    },
  };
}

/** Changed preferences send `security_alert`: the user learns of a change they did not make. */
export function alertOnPreferencesUpdated(clock: Clock, ids: IdGenerator): EventHandler<'NotificationPreferencesUpdated'> {
  return {
    name: 'alertOnPreferencesUpdated',
    handle: async (event, uow) => {
      await requestNotification(uow, clock, ids, {
        type: 'security_alert',
        userId: event.userId,
        email: event.notificationEmail,
        templateVars: { alert_message: PREFERENCES_UPDATED_ALERT, email: event.notificationEmail },
        correlationId: null,
        sourceEventId: null,
      });
    },
  };
}
