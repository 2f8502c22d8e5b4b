import { UserId } from '../../domain/user-id.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';

/**
 * What a provider said about a recipient's contact point, applied to the profile inside the unit
 * of work that records the send. Neither raises an event: it is not a change the user made.
 * Saved with the profile's optimistic lock (a concurrent PUT makes it ConcurrentModificationError).
 */

/** Push tokens the provider no longer knows (UNREGISTERED, SENDER_ID_MISMATCH): removed from the profile. */
export async function removeDeadPushTokens(uow: UnitOfWork, userId: string, tokens: readonly string[]): Promise<void> {
  const preferences = await uow.preferences.get(UserId.of(userId));
  if (preferences?.removePushTokens(tokens)) await uow.preferences.save(preferences);
}

/** The endpoint at `url` answered 410 Gone: disabled, when it is still the user's current one. */
export async function disableGoneWebhook(uow: UnitOfWork, userId: string, url: string, at: Date): Promise<void> {
  const preferences = await uow.preferences.get(UserId.of(userId));
  if (preferences?.disableWebhook(url, at)) await uow.preferences.save(preferences);
}
