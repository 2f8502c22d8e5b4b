import { EmailAddress } from '../../domain/email-address.js';
import { NotificationPreferences, preferenceFlags } from '../../domain/notification-preferences.js';
import { UserId } from '../../domain/user-id.js';
import type { CommandHandler } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';
import { toPreferencesView } from './preferences-view.js';

/** PUT semantics: the stored preferences become exactly these; absent ones are created. */
export function replacePreferences(clock: Clock): CommandHandler<'ReplacePreferences'> {
  return async (command, uow) => {
    const userId = UserId.of(command.userId);
    const email = EmailAddress.of(command.notificationEmail, 'notification_email');
    const flags = preferenceFlags(command.preferences);
    const existing = await uow.preferences.get(userId);
    if (!existing) {
      const created = NotificationPreferences.create(userId, email, flags, clock.now());
      await uow.preferences.add(created);
      return { created: true, preferences: toPreferencesView(created) };
    }
    existing.replace(email, flags, clock.now());
    await uow.preferences.save(existing);
    return { created: false, preferences: toPreferencesView(existing) };
  };
}
