import type { ContactPointFields, PreferenceFlags } from '../../domain/events.js';
import type { DeliverySettingsFields } from '../../domain/delivery-settings.js';
import type { Channel, NotificationType } from '../../domain/notification-type.js';
import type { DeliveryAttempt } from '../../domain/delivery-attempt.js';
import type { DeliveryReceipt, NotificationSnapshot } from '../../domain/notification-request.js';
import type { NotificationStatus, StatusReason } from '../../domain/notification-status.js';
import type { Priority } from '../../domain/priority.js';
import type { ScheduleSnapshot, ScheduleStatus } from '../../domain/schedule.js';

/** A profile as it is read back: contact points without the webhook's secrets, and delivery settings. */
export interface PreferencesView extends ContactPointFields, DeliverySettingsFields {
  readonly userId: string;
  readonly notificationEmail: string;
  readonly preferences: PreferenceFlags;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NotificationView {
  readonly id: string;
  readonly userId: string | null;
  readonly type: NotificationType;
  readonly channel: Channel;
  readonly recipient: string;
  readonly subject: string | null;
  readonly priority: Priority;
  readonly status: NotificationStatus;
  readonly reason: StatusReason | null;
  readonly attempts: readonly DeliveryAttempt[];
  /** Provider-down answers in a row (they use no attempt; only the first few show in `attempts`). */
  readonly deferrals: number;
  readonly nextAttemptAt: Date | null;
  readonly retryOf: string | null;
  /** The notification whose permanent failure this one falls back from (a `first` route). */
  readonly fallbackOf: string | null;
  /** The template version it renders with (null: recorded before templates were data). */
  readonly templateVersion: number | null;
  readonly expiresAt: Date | null;
  /** The provider's id for the accepted message (Twilio's sid, FCM's message name). */
  readonly providerMessageId: string | null;
  /** What the provider reported after accepting it (an SMS status callback). */
  readonly receipt: DeliveryReceipt | null;
  /** The order it is about (its variables' `order_id`); null when they named none. */
  readonly orderId: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What on-call sees of a notification: its state and attempts, not its content. */
export function notificationView(s: NotificationSnapshot): NotificationView {
  return {
    id: s.id,
    userId: s.userId,
    type: s.type,
    channel: s.channel,
    recipient: s.recipient,
    subject: s.content.subject,
    priority: s.priority,
    status: s.status,
    reason: s.reason,
    attempts: s.attempts,
    deferrals: s.deferrals,
    nextAttemptAt: s.nextAttemptAt,
    retryOf: s.retryOf,
    fallbackOf: s.fallbackOf,
    templateVersion: s.templateVersion,
    expiresAt: s.expiresAt,
    providerMessageId: s.providerMessageId,
    receipt: s.receipt,
    orderId: s.orderId,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

export interface HistoryPage {
  readonly notifications: readonly NotificationView[];
  /** Opaque; null on the last page. */
  readonly nextCursor: string | null;
}

/** Read side: may be served by the standby, so it may lag the primary by the configured bound. */
export interface PreferencesReadModel {
  find(userId: string): Promise<PreferencesView | null>;
}

export interface HistoryReadModel {
  /** Newest first. Throws InvalidValueError('cursor') for a cursor it did not issue. */
  page(userId: string, limit: number, cursor: string | null): Promise<HistoryPage>;
  /** One notification; null when there is none with the id (or the standby has not replayed it yet). */
  find(notificationId: string): Promise<NotificationView | null>;
}

/** A schedule as GET /schedules shows it: everything it holds, the request to fire included. */
export type ScheduleView = ScheduleSnapshot;

export interface ScheduleFilter {
  readonly status: ScheduleStatus | null;
}

export interface SchedulePage {
  readonly schedules: readonly ScheduleView[];
  /** How many schedules match the filter, on every page. */
  readonly total: number;
}

export interface ScheduleReadModel {
  /** Null for an unknown id (an id that is no uuid included). */
  find(id: string): Promise<ScheduleView | null>;
  /** Newest first (created_at, then id); `page` counts from 1. */
  page(filter: ScheduleFilter, page: number, size: number): Promise<SchedulePage>;
}
