import type { NotificationPreferences } from '../../domain/notification-preferences.js';
import type { Channel } from '../../domain/notification-type.js';
import type { Priority } from '../../domain/priority.js';

/**
 * Until when a notification waits for the end of the recipient's quiet hours (in their time zone,
 * UTC when they gave none); null when it goes now: no quiet hours, outside them, `critical`, or
 * in-app (a feed item interrupts nobody).
 */
export function quietUntil(profile: NotificationPreferences | null, priority: Priority, channel: Channel, now: Date): Date | null {
  const quiet = profile?.quietHours ?? null;
  if (quiet === null || priority === 'critical' || channel === 'in_app') return null;
  return quiet.deferredUntil(now, profile?.timeZone ?? 'UTC');
}
