import type { FeedItemSnapshot } from '../../src/domain/feed-item.js';
import type { RetrySchedule } from '../../src/domain/retry-schedule.js';
import { EmailAddress } from '../../src/domain/email-address.js';
import { NotificationPreferences, preferenceFlags } from '../../src/domain/notification-preferences.js';
import { type NewNotification, NotificationRequest } from '../../src/domain/notification-request.js';
import type { SendOutcome } from '../../src/domain/send-outcome.js';
import { UserId } from '../../src/domain/user-id.js';

/** Object mothers: valid aggregates and inputs with sensible defaults, overridable per test. */

export const T0 = new Date('2026-11-22T10:00:00.000Z');

export function at(secondsAfterT0: number): Date {
  return new Date(T0.getTime() + secondsAfterT0 * 1000);
}

/** A profile without contact points, as events and views show it. */
export const NO_CONTACT_POINTS = { phoneNumber: null, pushTokens: [], webhookUrl: null, webhookDisabledAt: null } as const;
/** The same, as a snapshot (a row) holds it. */
export const NO_STORED_CONTACT_POINTS = { phoneNumber: null, pushTokens: [], webhook: null } as const;

/** A profile's delivery settings when none was set: no language, zone or quiet hours, every channel on, no overrides. */
export const NO_DELIVERY_SETTINGS = {
  language: null,
  timeZone: null,
  quietHours: null,
  channels: { email: true, sms: true, push: true, webhook: true, in_app: true },
  overrides: {},
} as const;

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
    fromProfile: false,
    content: { subject: 'Welcome', body: null, templateVars: { name: 'Ada' } },
    priority: 'normal',
    correlationId: 'corr-1',
    orderId: null,
    sourceEventId: null,
    secretVariables: [],
    templateVersion: 1,
    fallback: [],
    fallbackOf: null,
    locale: null,
    timeZone: null,
    expiresAt: null,
    ...overrides,
  };
}

/** A pending notification as a repository would load it: its creation event already drained. */
export function aPendingNotification(overrides: Partial<NewNotification> = {}, now = T0): NotificationRequest {
  const notification = NotificationRequest.request(aNewNotification(overrides), now);
  notification.pullEvents();
  return notification;
}

/** A notification as the delivery queue claims it (`sending`, token 'claim-1', a 60 s lease). */
export function aSendingNotification(overrides: Partial<NewNotification> = {}, now = T0): NotificationRequest {
  const pending = aPendingNotification(overrides, now).snapshot();
  return NotificationRequest.restore({ ...pending, status: 'sending', claimToken: 'claim-1', nextAttemptAt: null, leaseExpiresAt: new Date(now.getTime() + 60_000) });
}

/** The same notification claimed again after an outcome was recorded. */
export function claimedAgain(notification: NotificationRequest, token = 'claim-2'): NotificationRequest {
  return NotificationRequest.restore({ ...notification.snapshot(), status: 'sending', claimToken: token, nextAttemptAt: null });
}

export const accepted = (response = '250 OK queued'): SendOutcome => ({ kind: 'accepted', response, providerMessageId: null });
export const transient = (error = '450 mailbox busy', retryAfterMs?: number): SendOutcome => ({ kind: 'transient', error, response: error, ...(retryAfterMs ? { retryAfterMs } : {}) });
export const permanent = (error = '550 no such user'): SendOutcome => ({ kind: 'permanent', error, response: error });
export const ambiguous = (error = 'connection closed after DATA'): SendOutcome => ({ kind: 'ambiguous', error, response: null });
export const providerDown = (fields: Partial<Extract<SendOutcome, { kind: 'provider_down' }>> = {}): SendOutcome => ({
  kind: 'provider_down',
  error: '421 service not available',
  response: '421 service not available',
  attempted: true,
  configurationFault: false,
  ...fields,
});

/** A schedule with round numbers: retry `attemptsMade` × 10 s later up to `attempts` attempts; defer `deferrals` s. */
export function fixedSchedule(attempts = 3): RetrySchedule {
  return {
    retryAt: (_priority, attemptsMade, now) => (attemptsMade >= attempts ? null : new Date(now.getTime() + attemptsMade * 10_000)),
    deferUntil: (deferrals, now) => new Date(now.getTime() + deferrals * 1_000),
  };
}

/** An unseen, unread in-app item of user-1's feed, delivered at T0. */
export function aFeedItem(fields: Partial<FeedItemSnapshot> = {}): FeedItemSnapshot {
  return {
    id: '00000000-0000-4000-8000-0000000000f1',
    userId: 'user-1',
    type: 'order_status_update',
    title: 'Order shipped',
    body: 'Your order is on its way',
    actionUrl: 'https://app.example.com/orders/1',
    data: { order_id: '1' },
    createdAt: T0,
    seenAt: null,
    readAt: null,
    archivedAt: null,
    ...fields,
  };
}
