import type { DomainEvent, EventOf } from '../../domain/events.js';
import type { NotificationSnapshot } from '../../domain/notification-snapshot.js';
import type { CountedOutcome } from '../ports/analytics.js';

/** The events that carry a final outcome: a notification is counted once, when it becomes final. */
export type OutcomeEvent = EventOf<'NotificationRecorded' | 'NotificationSent' | 'NotificationFailed'>;

/**
 * What an event counts for: sent (with its delivery time), failed with its reason, or recorded
 * suppressed with its reason. A notification recorded to send later (`pending`, `scheduled`) is
 * not final yet: its outcome is counted when it comes. Retries and deferrals raise no outcome.
 */
export function countedOutcomeOf(event: DomainEvent, at: Date): CountedOutcome | null {
  switch (event.type) {
    case 'NotificationSent':
      return { at, channel: event.channel, type: event.notificationType, status: 'sent', reason: null, deliveryTimeMs: event.deliveryTimeMs };
    case 'NotificationFailed':
      return { at, channel: event.channel, type: event.notificationType, status: 'failed', reason: event.reason, deliveryTimeMs: null };
    case 'NotificationRecorded':
      if (event.status !== 'suppressed') return null;
      return { at, channel: event.channel, type: event.notificationType, status: 'suppressed', reason: event.reason, deliveryTimeMs: null };
    default:
      return null;
  }
}

/** A held notification withdrawn (suppressed) when its quiet hours ended: final, without an event. */
export function withdrawnOutcome(n: NotificationSnapshot, at: Date): CountedOutcome {
  return { at, channel: n.channel, type: n.type, status: 'suppressed', reason: n.reason, deliveryTimeMs: null };
}

/** A delivery receipt, counted apart from the outcomes (the notification stays sent). */
export function receiptOutcome(n: NotificationSnapshot, status: 'delivered' | 'undelivered', at: Date): CountedOutcome {
  return { at, channel: n.channel, type: n.type, status, reason: null, deliveryTimeMs: null };
}
