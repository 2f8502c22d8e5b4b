import { NotificationNotFoundError } from '../../domain/errors.js';
import type { NotificationRequest } from '../../domain/notification-request.js';
import type { SuppressionReason } from '../../domain/notification-status.js';
import { UserId } from '../../domain/user-id.js';
import type { CommandHandler } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';
import type { UnitOfWork } from '../ports/unit-of-work.js';
import { unsuppressed } from './record-on-channel.js';
import { withdrawnOutcome } from '../analytics/counted-outcome.js';

/**
 * A notification held for quiet hours, claimed now that they ended: hours may have passed since
 * it was recorded, so the profile's choice for its type and channel and the suppressions are read
 * again (an SMS STOP must hold however long the notification waited). If either now says no, it
 * is suppressed with that reason instead of sent.
 */
export function recheckHeld(clock: Clock): CommandHandler<'RecheckHeld'> {
  return async ({ notificationId, claimToken }, uow) => {
    const notification = await uow.notifications.get(notificationId);
    if (!notification) throw new NotificationNotFoundError(notificationId);
    if (!notification.holdsClaim(claimToken)) return 'claim_lost';
    const reason = await refusal(uow, notification);
    if (reason === null) return notification.status;
    notification.withdraw(reason, clock.now());
    await uow.notifications.save(notification);
    uow.analytics.count(withdrawnOutcome(notification.snapshot(), clock.now()));
    return notification.status;
  };
}

async function refusal(uow: UnitOfWork, notification: NotificationRequest): Promise<SuppressionReason | null> {
  const { userId, type, channel, recipient } = notification.snapshot();
  const profile = userId === null ? null : await uow.preferences.get(UserId.of(userId));
  if (profile !== null && !profile.channelDecision(type, channel)) return 'preference_opt_out';
  return (await unsuppressed(uow, channel, recipient)) === null ? 'recipient_suppressed' : null;
}
