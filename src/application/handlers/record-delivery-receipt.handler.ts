import type { CommandHandler } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';
import { receiptOutcome } from '../analytics/counted-outcome.js';

/**
 * A delivery receipt (`delivered`, `undelivered` with the provider's error code) recorded on the
 * notification the provider accepted under that id. It is history, not an outcome: the status
 * stays `sent` and no second outcome event is published. A receipt for a message we do not know
 * (retention removed it, another deployment's) is answered `unknown` and changes nothing.
 */
export function recordDeliveryReceipt(clock: Clock): CommandHandler<'RecordDeliveryReceipt'> {
  return async ({ channel, providerMessageId, status, errorCode }, uow) => {
    const notification = await uow.notifications.byProviderMessageId(channel, providerMessageId);
    if (!notification || notification.status !== 'sent') return { outcome: 'unknown', notificationId: notification?.id ?? null };
    // Analytics count a notification's first receipt only: a callback repeated is not a second delivery.
    const first = notification.snapshot().receipt === null;
    notification.recordReceipt({ status, errorCode, at: clock.now() });
    await uow.notifications.save(notification);
    if (first) uow.analytics.count(receiptOutcome(notification.snapshot(), status, clock.now()));
    return { outcome: 'recorded', notificationId: notification.id };
  };
}
