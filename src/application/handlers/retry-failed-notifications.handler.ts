import { NotificationRequest } from '../../domain/notification-request.js';
import type { CommandHandler } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';

/**
 * One chunk of a bulk retry (docs/adr/0028-publishing-and-bulk-retry.md): every failed notification
 * the walk finds next is retried as RetryNotification retries one, a new notification linked by
 * `retry_of`, in this chunk's transaction. A chunk commits whole or not at all.
 */
export function retryFailedNotifications(clock: Clock, ids: IdGenerator): CommandHandler<'RetryFailedNotifications'> {
  return async ({ filter, after, limit }, uow) => {
    const { notifications, last, exhausted } = await uow.notifications.failedToRetry(filter, after, limit);
    const now = clock.now();
    const retried = [];
    for (const failed of notifications) {
      const retry = NotificationRequest.retryOf(failed, ids.newId(), now);
      await uow.notifications.add(retry);
      retried.push({ notificationId: retry.id, retryOf: failed.id });
    }
    return { retried, last, exhausted };
  };
}
