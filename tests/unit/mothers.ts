import { EmailAddress } from '../../src/domain/email-address.js';
import { NotificationPreferences, preferenceFlags } from '../../src/domain/notification-preferences.js';
import {
  type AttemptOutcome,
  type AttemptResult,
  type NewNotification,
  NotificationRequest,
} from '../../src/domain/notification-request.js';
import { UserId } from '../../src/domain/user-id.js';

/** Object mothers: valid aggregates and inputs with sensible defaults, overridable per test. */

export const T0 = new Date('2026-11-22T10:00:00.000Z');

export function at(secondsAfterT0: number): Date {
  return new Date(T0.getTime() + secondsAfterT0 * 1000);
}

export function aPreferences(
  fields: { userId?: string; email?: string; flags?: Record<string, boolean>; now?: Date } = {},
): NotificationPreferences {
  return NotificationPreferences.create(
    UserId.of(fields.userId ?? 'user-1'),
    EmailAddress.of(fields.email ?? 'ada@example.com'),
    preferenceFlags(fields.flags ?? {}),
    fields.now ?? T0,
  );
}

export function aNewNotification(overrides: Partial<NewNotification> = {}): NewNotification {
  return {
    id: 'notification-1',
    userId: 'user-1',
    type: 'welcome',
    channel: 'email',
    recipient: 'ada@example.com',
    content: { subject: 'Welcome', body: null, templateVars: { name: 'Ada' } },
    correlationId: 'corr-1',
    sourceEventId: null,
    ...overrides,
  };
}

/** A pending notification as a repository would load it: its creation event already drained. */
export function aPendingNotification(overrides: Partial<NewNotification> = {}, now = T0): NotificationRequest {
  const notification = NotificationRequest.request(aNewNotification(overrides), now);
  notification.pullEvents();
  return notification;
}

/** A notification claimed at `now` with a 60 s lease: ready for an attempt result. */
export function aSendingNotification(overrides: Partial<NewNotification> = {}, now = T0): NotificationRequest {
  const notification = aPendingNotification(overrides, now);
  notification.claim(now, new Date(now.getTime() + 60_000), 'claim-1');
  return notification;
}

export function anAttempt(outcome: AttemptOutcome, overrides: Partial<AttemptResult> = {}): AttemptResult {
  const failed = outcome !== 'accepted';
  return {
    attemptedAt: at(1),
    outcome,
    response: failed ? null : '250 OK queued',
    error: failed ? `${outcome} error` : null,
    latencyMs: 42,
    ...overrides,
  };
}
