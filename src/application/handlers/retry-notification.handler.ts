import { InvalidTransitionError, NotificationNotFoundError } from '../../domain/errors.js';
import { NotificationRequest } from '../../domain/notification-request.js';
import type { CommandHandler } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';

/**
 * An admin's retry of a failed notification creates a new one linked by `retry_of`: the failed
 * one keeps its one final outcome, and the new one gets its own. A notification is retried once;
 * retry the retry if that fails too. One that fell back to another channel is retried all the same
 * (on-call named it, and its channel), and the answer names its fallbacks: the user may have it
 * there already. A bulk retry leaves it out (docs/adr/0028-publishing-and-bulk-retry.md).
 */
export function retryNotification(clock: Clock, ids: IdGenerator): CommandHandler<'RetryNotification'> {
  return async ({ notificationId }, uow) => {
    const failed = await uow.notifications.get(notificationId);
    if (!failed) throw new NotificationNotFoundError(notificationId);
    const earlier = await uow.notifications.retryOf(notificationId);
    if (earlier) throw new InvalidTransitionError(`notification ${notificationId} was already retried as ${earlier}`);
    const retry = NotificationRequest.retryOf(failed, ids.newId(), clock.now());
    await uow.notifications.add(retry);
    const fallbacks = await uow.notifications.fallbacksOf(notificationId);
    return { notificationId: retry.id, status: retry.status, retryOf: notificationId, fallbacks };
  };
}
