import type { SendReport } from '../../domain/commands.js';
import { NotificationNotFoundError } from '../../domain/errors.js';
import type { NotificationRequest } from '../../domain/notification-request.js';
import type { RetrySchedule } from '../../domain/retry-schedule.js';
import type { CommandHandler, RecordedStatus } from '../handler-types.js';
import type { Clock } from '../ports/clock.js';

/**
 * Records what senders answered and moves each notification on (sent, retrying, deferred or
 * failed). A worker whose claim was taken over after its lease expired records nothing for it:
 * 'claim_lost'. The reports of several sends share one transaction and one write; each touches
 * only its own notification.
 */
export function recordSendReports(schedule: RetrySchedule): CommandHandler<'RecordSendReports'> {
  return async ({ reports }, uow) => {
    const loaded = await uow.notifications.getMany(reports.map((r) => r.notificationId));
    const statuses: RecordedStatus[] = [];
    const changed: NotificationRequest[] = [];
    for (const report of reports) {
      const notification = loaded.get(report.notificationId);
      if (!notification) throw new NotificationNotFoundError(report.notificationId);
      const status = apply(notification, report, schedule);
      if (status !== 'claim_lost') changed.push(notification);
      statuses.push(status);
    }
    await uow.notifications.save(...changed);
    return statuses;
  };
}

function apply(notification: NotificationRequest, report: SendReport, schedule: RetrySchedule): RecordedStatus {
  if (!notification.holdsClaim(report.claimToken)) return 'claim_lost';
  notification.record(report.outcome, report, schedule);
  return notification.status;
}

/** A claim taken over once too often, or an expired notification, fails with the reason instead of a send. */
export function abandonClaim(clock: Clock): CommandHandler<'AbandonClaim'> {
  return async ({ notificationId, claimToken, reason }, uow) => {
    const notification = await uow.notifications.get(notificationId);
    if (!notification) throw new NotificationNotFoundError(notificationId);
    if (!notification.holdsClaim(claimToken)) return 'claim_lost';
    if (reason === 'expired') notification.expire(clock.now());
    else notification.abandon(clock.now(), reason);
    await uow.notifications.save(notification);
    return notification.status;
  };
}
