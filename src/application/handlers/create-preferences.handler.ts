import { EmailAddress } from '../../domain/email-address.js';
import { PreferencesAlreadyExistError } from '../../domain/errors.js';
import { NotificationPreferences, preferenceFlags } from '../../domain/notification-preferences.js';
import { UserId } from '../../domain/user-id.js';
import type { CommandHandler } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { TemplateCatalogue } from '../ports/template-catalogue.js';
import { type ContactPointDeps, contactPointsChange } from './contact-points-change.js';
import { deliverySettingsChange } from './delivery-settings-change.js';
import { toWrittenView } from './preferences-view.js';

export type PreferencesDeps = ContactPointDeps & { readonly clock: Clock; readonly ids: IdGenerator; readonly templates: TemplateCatalogue };

export function createPreferences(deps: PreferencesDeps): CommandHandler<'CreatePreferences'> {
  return async (command, uow) => {
    const userId = UserId.of(command.userId ?? deps.ids.newId());
    const email = EmailAddress.of(command.notificationEmail, 'notification_email');
    const flags = preferenceFlags(command.preferences);
    const change = { ...(await contactPointsChange(command, deps)), ...(await deliverySettingsChange(command, deps.templates)) };
    if (await uow.preferences.get(userId)) throw new PreferencesAlreadyExistError(userId.value);
    const preferences = NotificationPreferences.create(userId, email, flags, deps.clock.now(), null, change);
    await uow.preferences.add(preferences);
    return toWrittenView(preferences);
  };
}
