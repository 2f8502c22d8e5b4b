import { PreferencesNotFoundError } from '../../domain/errors.js';
import { UserId } from '../../domain/user-id.js';
import type { CommandHandler } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';
import type { SecretGenerator } from '../ports/secret-generator.js';

/** A new secret for the user's endpoint, answered once; the one it replaces signs for 24 hours more. */
export function rotateWebhookSecret(deps: { readonly clock: Clock; readonly secretGenerator: SecretGenerator }): CommandHandler<'RotateWebhookSecret'> {
  return async (command, uow) => {
    const userId = UserId.of(command.userId);
    const preferences = await uow.preferences.get(userId);
    if (!preferences) throw new PreferencesNotFoundError(userId.value);
    const secret = deps.secretGenerator.webhookSecret();
    const rotated = preferences.rotateWebhookSecret(secret, deps.clock.now());
    await uow.preferences.save(preferences);
    return { userId: userId.value, ...rotated, webhookSecret: secret };
  };
}
