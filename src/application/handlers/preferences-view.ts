import type { NotificationPreferences } from '../../domain/notification-preferences.js';
import type { PreferencesWritten } from '../handler-types.js';
import type { PreferencesView } from '../ports/read-models.js';

export function toPreferencesView(preferences: NotificationPreferences): PreferencesView {
  const { userId, notificationEmail, preferences: flags, createdAt, updatedAt } = preferences.snapshot();
  return { userId, notificationEmail, preferences: flags, ...preferences.contactPointFields, ...preferences.deliverySettingsFields, createdAt, updatedAt };
}

/** The view, and the webhook secret this write minted (shown once: no read ever answers it). */
export function toWrittenView(preferences: NotificationPreferences): PreferencesWritten {
  return { ...toPreferencesView(preferences), webhookSecret: preferences.issuedWebhookSecret };
}
