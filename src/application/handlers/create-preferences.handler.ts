import { EmailAddress } from '../../domain/email-address.js';
import { PreferencesAlreadyExistError } from '../../domain/errors.js';
import { NotificationPreferences, preferenceFlags } from '../../domain/notification-preferences.js';
import { UserId } from '../../domain/user-id.js';
import type { CommandHandler } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';
import { type ContactPointDeps, contactPointsChange } from './contact-points-change.js';
import { toWrittenView } from './preferences-view.js';

export function createPreferences(deps: ContactPointDeps & { readonly clock: Clock }): CommandHandler<'CreatePreferences'> {
  return async (command, uow) => {
    const userId = UserId.of(command.userId);
    const email = EmailAddress.of(command.notificationEmail, 'notification_email');
    const flags = preferenceFlags(command.preferences);
    const contacts = await contactPointsChange(command, deps);
    if (await uow.preferences.get(userId)) throw new PreferencesAlreadyExistError(userId.value);
    const preferences = NotificationPreferences.create(userId, email, flags, deps.clock.now(), null, contacts);
    await uow.preferences.add(preferences);
    return toWrittenView(preferences);
  };
}
