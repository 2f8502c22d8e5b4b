import { IdempotencyKeyInFlightError, IdempotencyKeyMismatchError, NotificationNotFoundError } from '../../domain/errors.js';
import type { DeliveryOutcome } from '../../domain/commands.js';
import type { AttemptResult, NotificationRequest, NotificationStatus } from '../../domain/notification-request.js';
import { type RetrySchedule, nextAttemptAt } from '../delivery-policy.js';
import type { CommandHandler, NotificationStatusResult } from '../handler-registry.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import { requestNotification } from './request-notification.js';

export interface DeliveryDeps {
  readonly clock: Clock;
  readonly schedule: RetrySchedule;
  readonly random: () => number;
}

/** How long a notification handed back unsent (circuit open) waits before it is claimed again. */
export const DEFER_MS = 5_000;

/**
 * Records attempts and moves each notification on: sent, retrying at the next backoff, or failed.
 * A worker whose lease expired (another took over) records nothing for it: 'claim_lost'. The
 * outcomes of several sends share one transaction (the worker batches them); each touches only
 * its own notification.
 */
export function recordDeliveryOutcomes(deps: DeliveryDeps): CommandHandler<'RecordDeliveryOutcomes'> {
  return async ({ outcomes }, uow) => {
    const loaded = await uow.notifications.getMany(outcomes.map((o) => o.notificationId));
    const statuses: Array<NotificationStatus | 'claim_lost'> = [];
    for (const outcome of outcomes) {
      const notification = loaded.get(outcome.notificationId);
      if (!notification) throw new NotificationNotFoundError(outcome.notificationId);
      statuses.push(apply(notification, outcome, deps));
      if (statuses.at(-1) !== 'claim_lost') await uow.notifications.save(notification);
    }
    return statuses;
  };
}

function apply(notification: NotificationRequest, { claimToken, result, attemptedAt, latencyMs }: DeliveryOutcome, { clock, schedule, random }: DeliveryDeps) {
  if (!notification.holdsClaim(claimToken)) return 'claim_lost';
  if (result.kind === 'deferred') {
    notification.defer(clock.now(), new Date(clock.now().getTime() + DEFER_MS));
    return notification.status;
  }
  const attempt = (outcome: AttemptResult['outcome']): AttemptResult => ({
    attemptedAt,
    outcome,
    latencyMs,
    response: result.response,
    error: result.kind === 'accepted' ? null : result.error,
  });
  const retryAt = () => nextAttemptAt(clock.now(), notification.snapshot().scheduledAttempts + 1, schedule, random);
  if (result.kind === 'accepted') notification.recordAccepted(attempt('accepted'));
  else if (result.kind === 'permanent') notification.recordPermanentFailure(attempt('permanent_failure'));
  else if (result.kind === 'transient') notification.recordTransientFailure(attempt('transient_failure'), retryAt());
  else notification.recordAmbiguous(attempt('ambiguous'), retryAt());
  return notification.status;
}

export function retryNotification(clock: Clock): CommandHandler<'RetryNotification'> {
  return async ({ notificationId }, uow) => {
    const notification = await uow.notifications.get(notificationId);
    if (!notification) throw new NotificationNotFoundError(notificationId);
    notification.retry(clock.now());
    await uow.notifications.save(notification);
    return { notificationId, status: notification.status };
  };
}

/**
 * A notification asked for over REST. With an Idempotency-Key the claim, the notification and the
 * stored response commit together: the same key and body get the first response, another body
 * is refused, and a key whose first request is still running is reported in flight.
 */
export function sendNotification(clock: Clock, ids: IdGenerator): CommandHandler<'SendNotification'> {
  return async (command, uow) => {
    const { idempotency } = command;
    if (idempotency) {
      const claim = await uow.idempotency.claim(idempotency.key, idempotency.requestHash);
      if (claim.kind === 'mismatch') throw new IdempotencyKeyMismatchError();
      if (claim.kind === 'in_flight') throw new IdempotencyKeyInFlightError();
      if (claim.kind === 'replay') return claim.response as unknown as NotificationStatusResult;
    }
    const notification = await requestNotification(uow, clock, ids, {
      type: command.notificationType,
      userId: command.userId,
      email: command.recipientEmail,
      templateVars: command.templateVars,
      subject: command.subject,
      content: command.content,
      correlationId: command.correlationId,
      sourceEventId: null,
    });
    const result = { notificationId: notification.id, status: notification.status };
    if (idempotency) await uow.idempotency.complete(idempotency.key, idempotency.requestHash, result, clock.now());
    return result;
  };
}
