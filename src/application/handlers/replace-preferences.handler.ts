import { EmailAddress } from '../../domain/email-address.js';
import { NotificationPreferences, preferenceFlags } from '../../domain/notification-preferences.js';
import { UserId } from '../../domain/user-id.js';
import type { CommandHandler } from '../handler-types.js';
import { contactPointsChange } from './contact-points-change.js';
import type { PreferencesDeps } from './create-preferences.handler.js';
import { deliverySettingsChange } from './delivery-settings-change.js';
import { toWrittenView } from './preferences-view.js';

/**
 * PUT semantics: email and flags become exactly these; contact points and delivery settings the
 * body leaves out are kept, so a seed-002 body never drops a webhook endpoint and its secret, nor
 * quiet hours or overrides (ADR 17, ADR 20). Absent preferences are created.
 */
export function replacePreferences(deps: PreferencesDeps): CommandHandler<'ReplacePreferences'> {
  return async (command, uow) => {
    const userId = UserId.of(command.userId);
    const email = EmailAddress.of(command.notificationEmail, 'notification_email');
    const flags = preferenceFlags(command.preferences);
    const change = { ...(await contactPointsChange(command, deps)), ...(await deliverySettingsChange(command, deps.templates)) };
    const existing = await uow.preferences.get(userId);
    if (!existing) {
      const created = NotificationPreferences.create(userId, email, flags, deps.clock.now(), null, change);
      await uow.preferences.add(created);
      return { created: true, preferences: toWrittenView(created) };
    }
    existing.replace(email, flags, deps.clock.now(), change);
    await uow.preferences.save(existing);
    return { created: false, preferences: toWrittenView(existing) };
  };
}
