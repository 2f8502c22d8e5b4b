import type { DeliveryAttempt } from './delivery-attempt.js';
import type { NotificationStatus, StatusReason } from './notification-status.js';
import type { Channel, NotificationType } from './notification-type.js';
import type { Priority } from './priority.js';

export interface NotificationContent {
  readonly subject: string | null;
  readonly body: string | null;
  readonly templateVars: Readonly<Record<string, unknown>>;
}

/** A notification's state as stored and as its aggregate (notification-request.ts) holds it. */
export interface NotificationSnapshot {
  readonly id: string;
  readonly userId: string | null;
  readonly type: NotificationType;
  readonly channel: Channel;
  readonly recipient: string;
  /** The recipient is the contact point the user's profile held (not an address the send named). */
  readonly fromProfile: boolean;
  readonly content: NotificationContent;
  readonly priority: Priority;
  readonly status: NotificationStatus;
  /** Why it was suppressed or failed; null otherwise. */
  readonly reason: StatusReason | null;
  readonly attempts: readonly DeliveryAttempt[];
  /** Provider-down answers in a row: how long the next deferral waits. */
  readonly deferrals: number;
  /** Times a claim on it expired and another claim took over (a worker died or hung mid-send). */
  readonly leaseExpiries: number;
  readonly nextAttemptAt: Date | null;
  readonly leaseExpiresAt: Date | null;
  /** Identifies the worker's claim: only its holder may record the attempt's outcome. */
  readonly claimToken: string | null;
  readonly correlationId: string | null;
  /** The order it is about: its variables' `order_id` when it was requested (order-id.ts); null otherwise. */
  readonly orderId: string | null;
  /** The inbound event (or REST request) that caused it, for tracing. */
  readonly sourceEventId: string | null;
  /** The failed notification an admin retried by creating this one. */
  readonly retryOf: string | null;
  /** Names of template variables erased once the notification is final (one-time tokens). */
  readonly secretVariables: readonly string[];
  /** The template version it renders with (null: rows from before templates were data; the live one). */
  readonly templateVersion: number | null;
  /** The locale asked for (the template's variant falls back from it); null: the template's default. */
  readonly locale: string | null;
  /** The recipient's time zone when it was requested (dates render in it); null: UTC. */
  readonly timeZone: string | null;
  /** Never sent from this instant on: failed `expired` instead. */
  readonly expiresAt: Date | null;
  /**
   * The channels a `first`-routed notification falls back to, in order, should this one fail for
   * good (a permanent refusal); empty for every other notification.
   */
  readonly fallback: readonly Channel[];
  /** The `first`-routed notification whose permanent failure this one falls back from. */
  readonly fallbackOf: string | null;
  /** The provider's id for the accepted message (what its delivery receipts name). */
  readonly providerMessageId: string | null;
  /** What the provider reported after accepting it (an SMS status callback); null: nothing yet. */
  readonly receipt: DeliveryReceipt | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A provider's report on an accepted message's fate: shown in its history, never a second outcome. */
export interface DeliveryReceipt {
  readonly status: 'delivered' | 'undelivered';
  /** The provider's error code for an undelivered message (Twilio's 30003, ...). */
  readonly errorCode: string | null;
  readonly at: Date;
}

export type NewNotification = Pick<
  NotificationSnapshot,
  | 'id'
  | 'userId'
  | 'type'
  | 'channel'
  | 'recipient'
  | 'fromProfile'
  | 'content'
  | 'priority'
  | 'correlationId'
  | 'orderId'
  | 'sourceEventId'
  | 'secretVariables'
  | 'templateVersion'
  | 'locale'
  | 'timeZone'
  | 'expiresAt'
  | 'fallback'
  | 'fallbackOf'
>;
