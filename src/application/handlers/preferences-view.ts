import type { NotificationPreferences } from '../../domain/notification-preferences.js';
import type { PreferencesView } from '../ports/read-models.js';

export function toPreferencesView(preferences: NotificationPreferences): PreferencesView {
  const { userId, notificationEmail, preferences: flags, createdAt, updatedAt } = preferences.snapshot();
  return { userId, notificationEmail, preferences: flags, createdAt, updatedAt };
}
