import { EmailAddress } from '../../domain/email-address.js';
import { NotificationPreferences, preferenceFlags } from '../../domain/notification-preferences.js';
import { UserId } from '../../domain/user-id.js';
import type { CommandHandler } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';
import { type ContactPointDeps, contactPointsChange } from './contact-points-change.js';
import { toWrittenView } from './preferences-view.js';

/**
 * PUT semantics: email and flags become exactly these; contact points the body leaves out are
 * kept, so a seed-002 body never drops a webhook endpoint and its secret (ADR 17). Absent
 * preferences are created.
 */
export function replacePreferences(deps: ContactPointDeps & { readonly clock: Clock }): CommandHandler<'ReplacePreferences'> {
  return async (command, uow) => {
    const userId = UserId.of(command.userId);
    const email = EmailAddress.of(command.notificationEmail, 'notification_email');
    const flags = preferenceFlags(command.preferences);
    const contacts = await contactPointsChange(command, deps);
    const existing = await uow.preferences.get(userId);
    if (!existing) {
      const created = NotificationPreferences.create(userId, email, flags, deps.clock.now(), null, contacts);
      await uow.preferences.add(created);
      return { created: true, preferences: toWrittenView(created) };
    }
    existing.replace(email, flags, deps.clock.now(), contacts);
    await uow.preferences.save(existing);
    return { created: false, preferences: toWrittenView(existing) };
  };
}
