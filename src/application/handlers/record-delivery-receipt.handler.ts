import type { CommandHandler } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';

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
    notification.recordReceipt({ status, errorCode, at: clock.now() });
    await uow.notifications.save(notification);
    return { outcome: 'recorded', notificationId: notification.id };
  };
}
